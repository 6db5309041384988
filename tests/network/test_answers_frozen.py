"""The answers stay the same when path finding and brokers go faster: paths and brokers on the shipped graph
and on a generated 10k graph, as projected and as of a date, compared with a frozen dump.

Paths are dumped whole (every hop: its ends, words, fact, evidence and cost; the path's cost and
order), from every U.S. firm of the graph to each market, and from a firm profile; brokers with
their scores and example paths. The frozen dumps in ``tests/network/data/`` were made by
``PYTHONPATH=tests python tests/network/test_answers_frozen.py`` from the code before it was made
faster. When a change of the graph's data, the ontology or a projection query changes the answers on
purpose, run it again and review the difference."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from smartcity_kg.namespaces import COUNTRY, SKOS
from smartcity_kg.network.brokers import find_brokers
from smartcity_kg.network.markets import firms_based_in, resolve_market
from smartcity_kg.network.paths import Profile, add_profile, find_paths
from smartcity_kg.network.projection import Network
from smartcity_kg.network.tenure import network_as_of, parse_as_of

from frozen import assert_parts_as_frozen, first_difference, freeze, projected, read_frozen

DATA = Path(__file__).resolve().parent / "data"
#: The date the aged network's answers are compared at (amid the evidence).
AS_OF = "2019-06"
#: The firms asked from, at most, per market (sorted by IRI).
FIRMS = 12


def _markets(network: Network) -> list[str]:
    """The codes of the markets with decision makers in ``network``, sorted."""
    return sorted({iri.rsplit("/", 1)[-1] for found in network.markets.values() for iri in found} - {"US"})


def _answers(network: Network) -> list[list[Any]]:
    """Paths from U.S. firms and from a profile to each market, and each market's brokers, as plain data."""
    home = resolve_market("US")
    lines: list[list[Any]] = []
    for code in _markets(network):
        market = resolve_market(code)
        for firm in sorted(firms_based_in(network, home, market))[:FIRMS]:
            for k, hops in ((5, 6), (20, 6), (7, 3)):
                lines.append(["paths", code, firm, k, hops,
                              [p.to_dict() for p in find_paths(network, firm, market=market, k=k, max_hops=hops)]])
        lines.append(["brokers", code, [dataclasses.asdict(b) for b in find_brokers(network, market=market)]])
    sector = sorted(n for n, kinds in network.types.items() if SKOS + "Concept" in kinds)[0]
    profiled = add_profile(network, Profile("Brightway Lighting", COUNTRY + "US", (sector.rsplit("/", 1)[-1],)))
    for code in _markets(network):
        found = find_paths(profiled, "urn:smartcity-kg:profile:brightway-lighting", market=resolve_market(code), k=10)
        lines.append(["profile", code, [p.to_dict() for p in found]])
    return lines


def dumps(network: Network) -> dict[str, list[list[Any]]]:
    """The answers on ``network`` and on it as of ``AS_OF``."""
    return {"projected": _answers(network), AS_OF: _answers(network_as_of(network, parse_as_of(AS_OF)))}


def _compare(name: str, network: Network) -> None:
    assert_parts_as_frozen(name, read_frozen(DATA / f"answers-{name}.json.gz"), dumps(network))


def test_the_generated_answers_are_as_frozen(generated: Path) -> None:
    _compare("generated-10k", projected(generated))


def test_the_shipped_answers_are_as_frozen(built: Path) -> None:
    _compare("shipped", projected(built))


def test_the_frozen_answers_have_paths_and_brokers() -> None:
    """The comparison can fail: the dumps hold paths and brokers, so a changed path is a difference."""
    for name in ("shipped", "generated-10k"):
        frozen = read_frozen(DATA / f"answers-{name}.json.gz")["projected"]
        assert any(line[0] == "paths" and line[-1] for line in frozen), name
        assert any(line[0] == "brokers" and line[-1] and line[-1][0]["example"] for line in frozen), name
        changed = json.loads(json.dumps(frozen))
        at = next(i for i, line in enumerate(changed) if line[0] == "paths" and line[-1])
        changed[at][-1][0]["hops"].reverse()
        assert first_difference(frozen, changed).startswith(f"line {at}: expected ['paths'")


if __name__ == "__main__":
    freeze(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA, "answers", lambda folder: dumps(projected(folder)))
