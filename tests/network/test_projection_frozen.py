"""The network stays the same when projecting goes faster: the projection of a generated 10k graph and of
the shipped graph, and each as of three dates, compared with a frozen canonical dump of nodes (in order,
with their attributes), each node's neighbours (in order), edges, ties and the network's lookups.

The frozen dumps in ``tests/network/data/`` were made by ``PYTHONPATH=tests python
tests/network/test_projection_frozen.py`` from the projection before it was made faster. When a change of
the graph's data, the ontology or a projection query changes the network on purpose, run it again and
review the difference."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from smartcity_kg.network.projection import Network
from smartcity_kg.network.tenure import network_as_of, parse_as_of

from frozen import assert_parts_as_frozen, first_difference, freeze, projected, read_frozen

DATA = Path(__file__).resolve().parent / "data"
#: The dates the aged network is compared at: before most evidence, amid it, after all of it.
AS_OF = ("2012", "2019-06", "2030-12-31")


def _tie(tie: Any) -> list[Any]:
    return [tie.relation, tie.a, tie.b, tie.cost, tie.says, tie.fact, tie.date,
            [[e.source, e.source_label, e.quote] for e in tie.evidence], list(tie.dates), tie.age_months]


def _aged_tie(tie: Any) -> list[Any]:
    """What ageing may change of a tie (its texts and quotes are the projected ones): its cost, words,
    date and age, and which evidence it keeps."""
    return [tie.relation, tie.fact, tie.cost, tie.says, tie.date, tie.age_months, [e.source for e in tie.evidence]]


def _graph(network: Network, tie: Any = _tie) -> Iterator[list[Any]]:
    graph = network.graph
    for node, data in graph.nodes(data=True):
        yield ["node", node, data["label"], sorted(data["types"])]
    for node in graph:
        yield ["neighbours", node, list(graph.adj[node])]
    for u, v, data in graph.edges(data=True):
        yield ["edge", u, v, data["weight"], [tie(t) for t in data["ties"]]]


def canonical(network: Network) -> list[list[Any]]:
    """The network as lines of plain data, in its own order where order matters (nodes, neighbours, edges,
    ties) and sorted where it does not (the lookups by node)."""
    lines = list(_graph(network))
    lines += [["label", k, v] for k, v in sorted(network.labels.items())]
    lines += [["types", k, sorted(v)] for k, v in sorted(network.types.items())]
    lines += [["identifiers", k, list(v)] for k, v in sorted(network.identifiers.items())]
    lines += [["markets", k, sorted(v)] for k, v in sorted(network.markets.items())]
    lines += [["classes", sorted(network.classes)]]
    return lines


def dumps(network: Network) -> dict[str, list[list[Any]]]:
    """The canonical lines of ``network`` and of it as of each of ``AS_OF``."""
    out = {"projected": canonical(network)}
    for when in AS_OF:
        out[when] = list(_graph(network_as_of(network, parse_as_of(when)), _aged_tie))
    return out


def _compare(name: str, network: Network) -> None:
    assert_parts_as_frozen(name, read_frozen(DATA / f"projection-{name}.json.gz"), dumps(network))


def test_the_generated_network_is_as_frozen(generated: Path) -> None:
    _compare("generated-10k", projected(generated))


def test_the_shipped_network_is_as_frozen(built: Path) -> None:
    _compare("shipped", projected(built))


def test_a_changed_tie_is_told() -> None:
    """The comparison can fail: one tie's cost changed is a difference, named by its line."""
    frozen = read_frozen(DATA / "projection-shipped.json.gz")["projected"]
    changed = json.loads(json.dumps(frozen))
    edge = next(i for i, line in enumerate(changed) if line[0] == "edge")
    changed[edge][4][0][3] += 1.0
    assert changed != frozen
    assert first_difference(frozen, changed).startswith(f"line {edge}: expected ['edge'")


if __name__ == "__main__":
    freeze(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA, "projection", lambda folder: dumps(projected(folder)))
