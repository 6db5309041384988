"""A second market added as graph/README.md says, and every command asked about it; markets as bad input."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from smartcity_kg.cli.main import main
from smartcity_kg.namespaces import COUNTRY
from smartcity_kg.resources import shipped

Run = Callable[..., Result]
ID = "https://w3id.org/smartcity-kg/id/"

#: The invented source of the invented market: its record, its text and its fact sheet.
RECORD = """
  - id: test-valdoria-guide
    title: Valdoria – Smart Cities (an invented guide)
    publisher: A test
    url: https://example.org/valdoria
    kind: guide
    language: en
    text: test-valdoria-guide.txt
"""
TEXT = ("The city of Valdora, in Portugal, invests in smart water meters. "
        "Its Councillor for Water Services leads the programme, with Aquanet Systems of Chicago as partner. "
        "Its Councillor for Health is in charge of digital health care.\n")
SHEET = """source: test-valdoria-guide
items:
  - id: valdora
    type: City
    label: Valdora
    locatedIn: PT
    quote: "The city of Valdora, in Portugal"
  - id: valdora-municipality
    type: Municipality
    label: City of Valdora
    governs: valdora
    basedIn: valdora
    quote: "The city of Valdora, in Portugal, invests in smart water meters."
  - id: valdora-water-councillor
    type: Post
    label: Councillor for Water Services, City of Valdora
    postIn: valdora-municipality
    portfolio: water-management
    quote: "Its Councillor for Water Services leads the programme"
  - id: valdora-health-councillor
    type: Post
    label: Councillor for Health, City of Valdora
    postIn: valdora-municipality
    portfolio: digital-health-care
    quote: "Its Councillor for Health is in charge of digital health care."
  - id: aquanet-systems
    type: Company
    label: Aquanet Systems
    basedIn: US
    quote: "Aquanet Systems of Chicago"
  - id: aquanet-valdora-partnership
    type: Partnership
    label: Aquanet Systems' partnership with the City of Valdora
    partner: [aquanet-systems, valdora-municipality]
    quote: "with Aquanet Systems of Chicago as partner"
  - id: valdora-water-investment
    type: SectorInvestment
    label: Valdora invests in smart water meters
    investingPlace: valdora
    country: PT
    sector: water-management
    quote: "The city of Valdora, in Portugal, invests in smart water meters."
"""
SECTORS = """sectors:
  - notation: water-management
    label: smart water management
    altLabel: [smart water, water meters]
    definition: Networked metering, leak detection and control of water supply.
    broader: smart-city-solutions
  - notation: tidal-energy
    label: tidal energy
    definition: Power from the tides; no market of the test is tied to it.
    broader: smart-city-solutions
"""


@pytest.fixture(scope="module")
def two_markets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped graph plus the invented market, added as graph/README.md says, and built."""
    root = tmp_path_factory.mktemp("two-markets")
    graph = root / "graph"
    shutil.copytree(shipped("graph"), graph)
    with (graph / "sources" / "sources.yaml").open("a", encoding="utf-8") as records:
        records.write(RECORD)
    (graph / "sources" / "test-valdoria-guide.txt").write_text(TEXT, encoding="utf-8")
    (graph / "facts" / "test-valdoria-guide.yaml").write_text(SHEET, encoding="utf-8")
    (graph / "sectors.yaml").write_text(SECTORS, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--graph", str(graph), "--build-dir", str(root / "build")])
    assert result.exit_code == 0, result.output
    return root / "build"


@pytest.fixture(scope="module")
def run(two_markets: Path) -> Run:
    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, [*args, "--build-dir", str(two_markets)])

    return invoke


def test_paths_to_the_new_market(run: Run) -> None:
    result = run("paths", "--from", "Aquanet Systems", "--market", "PT", "--k", "1")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 cheapest path from Aquanet Systems to any decision maker in Portugal, as of ")
    assert "Aquanet Systems → City of Valdora → Councillor for " in result.output


def test_a_firm_profile_by_a_sector_synonym(run: Run) -> None:
    result = run("paths", "--firm", "Drip", "--sector", "water meters", "--market", "PT", "--k", "1")
    assert result.exit_code == 0, result.output
    assert "Drip → smart water management → Councillor for Water Services, City of Valdora" in result.output


def test_a_firm_profile_reaches_the_posts_whose_portfolio_holds_its_sector_first(run: Run) -> None:
    result = run("paths", "--firm", "Medi", "--sector", "digital-health-care", "--market", "PT", "--k", "2")
    assert result.exit_code == 0, result.output
    sector = "digitalisation of social and health care services"
    assert f"Path 1 (cost 4, 2 hops): Medi → {sector} → Councillor for Health, City of Valdora\n" in result.output
    assert f"Councillor for Health, City of Valdora decides on {sector} (its portfolio)" in result.output
    source = 'source: Valdoria – Smart Cities (an invented guide) — "Its Councillor for Health is in charge'
    assert source in result.output


def test_brokers_opportunities_and_views_of_the_new_market(run: Run, tmp_path: Path) -> None:
    brokers = run("brokers", "--market", "PT")
    assert brokers.exit_code == 0, brokers.output
    assert brokers.output.startswith("Brokers between firms based in United States and any decision maker in Portugal:\n")
    assert "1. City of Valdora (" in brokers.output
    found = run("opportunities", "--sector", "smart water", "--market", "PT")
    assert found.exit_code == 0, found.output
    assert "City of Valdora" in found.output and "Copenhagen" not in found.output
    view = run("view", "paths", "--from", "Aquanet Systems", "--market", "PT", "-o", str(tmp_path / "pt.html"))
    assert view.exit_code == 0, view.output
    assert "Councillor for Water Services" in (tmp_path / "pt.html").read_text(encoding="utf-8")


def test_named_query_of_the_new_market(run: Run) -> None:
    result = run("query", "decision-makers", "--param", "market=PT", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][:4] == ["post", "organisation", "market", "holder"]
    assert [row[:4] for row in rows[1:]] == [[f"Councillor for {portfolio}, City of Valdora", "City of Valdora", "Portugal", ""]
                                             for portfolio in ("Health", "Water Services")]


def test_denmark_is_still_the_default(run: Run) -> None:
    result = run("paths", "--from", "Cisco", "--k", "1")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 cheapest path from Cisco to any decision maker in Denmark, as of ")


#: The invented market's nodes and facts, and Denmark's organisations and places.
VALDORIA = {ID + name for name in ("valdora", "valdora-municipality", "valdora-water-councillor",
                                   "valdora-health-councillor", "aquanet-valdora-partnership",
                                   "valdora-water-investment")} | {COUNTRY + "PT"}


def _answer_nodes(run: Run, *args: str) -> list[set[str]]:
    """The nodes and facts of each path of a ``paths`` answer, as JSON."""
    result = run("paths", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [{hop[key] for hop in path["hops"] for key in ("source", "target", "fact") if hop[key]}
            for path in json.loads(result.output)["paths"]]


@pytest.mark.parametrize("args", [["--from", "Cisco"], ["--from", "Aquanet Systems"],
                                  ["--firm", "Drip", "--sector", "water meters"],
                                  ["--firm", "Brightway", "--sector", "intelligent-lighting"]],
                         ids=["cisco", "aquanet", "water-profile", "lighting-profile"])
def test_no_path_of_one_market_passes_through_the_other(run: Run, args: list[str]) -> None:
    to_denmark = _answer_nodes(run, *args, "--market", "DK", "--k", "10")
    assert all(not nodes & VALDORIA for nodes in to_denmark)
    to_portugal = _answer_nodes(run, *args, "--market", "PT", "--k", "10")
    danish = {COUNTRY + "DK", ID + "copenhagen", ID + "copenhagen-municipality", ID + "aarhus"}
    assert all(not nodes & danish for nodes in to_portugal)


def test_no_broker_of_one_market_lies_in_the_other(run: Run) -> None:
    to_denmark = run("brokers", "--market", "DK", "--top", "50", "--format", "json")
    to_portugal = run("brokers", "--market", "PT", "--top", "50", "--format", "json")
    assert to_denmark.exit_code == 0 and to_portugal.exit_code == 0
    assert "Valdora" not in to_denmark.output and "Portugal" not in to_denmark.output
    assert "Copenhagen" not in to_portugal.output and "Denmark" not in to_portugal.output


def test_the_server_paths_page_of_the_new_market(two_markets: Path, serve: Callable[..., contextlib.AbstractContextManager[str]]) -> None:
    with serve(two_markets, "--workers", "1") as url:
        page = httpx.get(url + "/paths", params={"from": "Aquanet Systems", "market": "PT"}, timeout=60).text
        unknown = httpx.get(url + "/paths", params={"from": "Aquanet Systems", "market": "PX"}, timeout=60).text
    assert "any decision maker in Portugal" in page and "Councillor for Water Services" in page
    assert "did you mean" in unknown


@pytest.mark.parametrize(("args", "code", "message"), [
    (["paths", "--from", "Cisco", "--market", "DN"], 2, "no ISO 3166-1 country 'DN'; did you mean DK, DE, "),
    (["brokers", "--home", "USA", "--market", "ZZ"], 2, "no ISO 3166-1 country 'ZZ'; did you mean "),
    (["paths", "--from", "Cisco", "--market", "IT"], 1,
     "no decision makers known in Italy (IT) in the build in "),
    (["brokers", "--market", "IT"], 1, "graph/README.md, section 'Adding a market'"),
], ids=["unknown code", "unknown market, known home", "no decision makers", "brokers: no decision makers"])
def test_bad_markets(run: Run, args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_markets_compared_for_a_sector_they_share(run: Run) -> None:
    result = run("opportunities", "--sector", "smart-city-solutions", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert set(rows) == {"DK", "PT"}
    assert [row["rank"] for row in sorted(rows.values(), key=lambda r: -r["score"])] == [1, 2]
    portugal = rows["PT"]
    assert (portugal["investments"], portugal["initiatives"], portugal["partnerships"], portugal["score"]) == (1, 0, 0, 2)
    assert [e["label"] for e in portugal["evidence"]] == ["Valdora invests in smart water meters"]
    assert all("Valdora" not in e["label"] and "valdoria" not in e["source"] for e in rows["DK"]["evidence"])
    table = run("opportunities", "--sector", "smart-city-solutions")
    assert "Portugal (PT): score 2 — 1 investment, 0 initiatives, 0 partnerships" in table.output
    assert "strongest: Valdora invests in smart water meters (investment)" in table.output


def test_markets_compared_for_a_sector_of_one_market(run: Run) -> None:
    result = run("opportunities", "--sector", "water meters", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["rank"], r["code"], r["score"], r["evidence"]) for r in rows] == [("1", "PT", "2", "1")]


def test_a_sector_no_market_is_tied_to(run: Run) -> None:
    result = run("opportunities", "--sector", "tidal energy")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No market in the graph is tied to tidal energy: ")
