"""Tests of smartcity_kg.network.editions: answers as of a date follow the edition in force then.

Two guides go the same way: the shipped Denmark guide (an older edition of unknown date, and the
edition last published 2021-11-13) and an invented guide to a Portuguese city whose 2025 edition
drops one partner and names another (``tests/data/valdoria/editions/``).
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartcity_kg import open_store
from smartcity_kg.cli.main import main
from smartcity_kg.network.editions import Editions, Window, load_editions
from smartcity_kg.network.projection import Network, project
from smartcity_kg.network.tenure import network_as_of, parse_as_of
from smartcity_kg.resources import shipped

VALDORIA = Path(__file__).resolve().parent.parent / "data" / "valdoria"
SOURCE = "https://w3id.org/smartcity-kg/source/"
ID = "https://w3id.org/smartcity-kg/id/"
OLD, NEW = SOURCE + "ita-denmark-smart-cities", SOURCE + "ita-denmark-smart-cities-2021"


@pytest.fixture(scope="module")
def valdoria_editions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped graph, the invented guide (dated 2023-01) and its 2025 edition, built: the build's folder."""
    root = tmp_path_factory.mktemp("editions")
    graph = root / "graph"
    shutil.copytree(shipped("graph"), graph)
    with (graph / "sources" / "sources.yaml").open("a", encoding="utf-8") as records:
        records.write((VALDORIA / "record.yaml").read_text(encoding="utf-8") + "    date: 2023-01\n")
        records.write((VALDORIA / "editions" / "record.yaml").read_text(encoding="utf-8"))
    for folder, name in (("sources", "test-valdoria-guide.txt"), ("facts", "test-valdoria-guide.yaml")):
        shutil.copyfile(VALDORIA / name, graph / folder / name)
    for folder, name in (("sources", "test-valdoria-guide-2025.txt"), ("facts", "test-valdoria-guide-2025.yaml")):
        shutil.copyfile(VALDORIA / "editions" / name, graph / folder / name)
    shutil.copyfile(VALDORIA / "sectors.yaml", graph / "sectors.yaml")
    result = CliRunner().invoke(main, ["build", "--graph", str(graph), "--build-dir", str(root / "build")])
    assert result.exit_code == 0, result.output
    return root / "build"


def _first_partner(build: Path, firm: str, as_of: str) -> list[str]:
    result = CliRunner().invoke(main, ["paths", "--from", firm, "--market", "PT", "--k", "1", "--as-of", as_of,
                                       "--format", "json", "--build-dir", str(build)])
    assert result.exit_code == 0, result.output
    return [hop["evidence_source"].rsplit("/", 1)[-1] for path in json.loads(result.output)["paths"]
            for hop in path["hops"][:1]]


@pytest.mark.parametrize(("firm", "as_of", "sources"), [
    ("Aquanet Systems", "2022", []),                                  # before the first edition: not yet
    ("Aquanet Systems", "2024", ["test-valdoria-guide"]),             # the first edition in force
    ("Aquanet Systems", "2025-06-29", ["test-valdoria-guide"]),
    ("Aquanet Systems", "2025-06-30", []),                            # superseded on the day the next came out
    ("Aquanet Systems", "2026", []),
    ("Tejo Grid", "2024", []),                                        # stated only by the later edition: not yet
    ("Tejo Grid", "2025-06-30", ["test-valdoria-guide-2025"]),
    ("Tejo Grid", "2026", ["test-valdoria-guide-2025"]),
])
def test_another_markets_guide_answers_by_the_edition_in_force(valdoria_editions: Path, firm: str, as_of: str,
                                                               sources: list[str]) -> None:
    assert _first_partner(valdoria_editions, firm, as_of) == sources


def test_the_editions_command_lists_the_changes_of_another_guide(valdoria_editions: Path) -> None:
    def rows(*options: str) -> set[tuple[str, str]]:
        result = CliRunner().invoke(main, ["editions", "test-valdoria-guide", "test-valdoria-guide-2025", *options,
                                           "--format", "json", "--build-dir", str(valdoria_editions)])
        assert result.exit_code == 0, result.output
        return {(r["change"], r["item"]) for r in json.loads(result.output)}

    changed = rows()
    assert ("dropped", "Aquanet Systems' partnership with the City of Valdora") in changed
    assert ("added", "Tejo Grid's partnership with the City of Valdora") in changed
    # Two firms of the same kind and country are two firms, never one reworded.
    assert ("dropped", "Aquanet Systems") in changed and ("added", "Tejo Grid") in changed
    assert ("reworded", "City of Valdora") not in changed  # the same quote in both
    assert ("unchanged", "City of Valdora") in rows("--all")


@pytest.fixture(scope="module")
def network(built: Path) -> Network:
    return project(open_store(built))


def test_both_editions_of_the_shipped_guide_are_in_the_graph(built: Path) -> None:
    editions = load_editions(open_store(built))
    assert editions.windows == {OLD: Window(None, datetime.date(2021, 11, 13)),
                                NEW: Window(datetime.date(2021, 11, 13), None)}


def _sources_of(network: Network, as_of: str, a: str, b: str, relation: str) -> set[str]:
    aged = network_as_of(network, parse_as_of(as_of))
    if not aged.graph.has_edge(ID + a, ID + b):
        return set()
    return {e.source for t in aged.ties(ID + a, ID + b) if t.relation == relation for e in t.evidence}


def test_smart_aarhus_is_in_the_older_edition_only(network: Network) -> None:
    assert OLD in _sources_of(network, "2015", "smart-aarhus", "aarhus", "based-in")
    assert _sources_of(network, "2026-06", "smart-aarhus", "aarhus", "based-in") == set()


def test_the_2014_award_keeps_other_sources_once_the_guide_drops_it(network: Network) -> None:
    in_2015 = _sources_of(network, "2015", "copenhagen-connecting", "world-smart-cities-awards", "award-winner")
    today = _sources_of(network, "2026-06", "copenhagen-connecting", "world-smart-cities-awards", "award-winner")
    assert OLD in in_2015 and OLD not in today and NEW not in today
    assert today, "other sources still state the award"


def test_a_statement_both_editions_make_is_evidenced_by_the_one_in_force(network: Network) -> None:
    assert OLD in _sources_of(network, "2015", "copenhagen-municipality", "copenhagen", "authority-governs")
    today = _sources_of(network, "2026-06", "copenhagen-municipality", "copenhagen", "authority-governs")
    assert NEW in today and OLD not in today


def test_an_edition_without_a_date_is_in_force_until_a_dated_one_supersedes_it() -> None:
    editions = Editions({"a": Window(None, None), "b": Window(datetime.date(2020, 1, 1), None)})
    assert editions.in_force("a", datetime.date(1900, 1, 1)) and editions.in_force("a", datetime.date(2030, 1, 1))
    assert not editions.in_force("b", datetime.date(2019, 12, 31)) and editions.in_force("b", datetime.date(2020, 1, 1))



@pytest.mark.parametrize(("as_of", "guide"), [("2015", OLD), ("2026-06", NEW)])
def test_comparing_markets_cites_the_edition_in_force(built: Path, as_of: str, guide: str) -> None:
    result = CliRunner().invoke(main, ["opportunities", "--sector", "intelligent-lighting", "--as-of", as_of,
                                       "--format", "json", "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    guides = {e["source"] for market in json.loads(result.output) for e in market["evidence"]
              if e["source"] in (OLD, NEW)}
    assert guides == {guide}


def test_what_lies_beyond_the_2021_copy_stays_in_force(network: Network, built: Path) -> None:
    """The 2021 copy ends in "Market Entry Strategy" (coversUpTo): the older edition's Hitachi paragraph,
    which the copy cannot show, still counts today; a statement inside the copy that 2021 drops does not."""
    assert _sources_of(network, "2026-06", "copenhagen-municipality", "hitachi", "partnership-partners") >= {OLD}
    assert _sources_of(network, "2026-06", "smart-aarhus", "aarhus", "based-in") == set()
    result = CliRunner().invoke(main, ["editions", "ita-denmark-smart-cities", "ita-denmark-smart-cities-2021",
                                       "--format", "json", "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    changes = {row["item"]: row["change"] for row in json.loads(result.output)}
    assert changes["Hitachi's 2014 partnership with the City of Copenhagen"] == "beyond-copy"
    assert changes["Smart Aarhus"] == "dropped"
