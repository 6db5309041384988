"""A second market added as graph/README.md says (``two_markets`` in conftest.py), and every command asked about it;
markets as bad input."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from smartcity_kg.cli.main import main
from smartcity_kg.namespaces import COUNTRY

Run = Callable[..., Result]
ID = "https://w3id.org/smartcity-kg/id/"


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
    assert f"Path 1 (cost 4.5, 2 hops): Medi → {sector} → Councillor for Health, City of Valdora\n" in result.output
    assert f"Councillor for Health, City of Valdora decides on {sector} (its portfolio)" in result.output
    source = 'source: Valdoria – Smart Cities (an invented guide) — "Its Councillor for Health is in charge'
    assert source in result.output


def test_brokers_opportunities_and_views_of_the_new_market(run: Run, tmp_path: Path) -> None:
    brokers = run("brokers", "--market", "PT")
    assert brokers.exit_code == 0, brokers.output
    assert brokers.output.startswith("Brokers between firms based in United States and any decision maker in Portugal, as of ")
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
    header = rows[0]
    found = [dict(zip(header, row)) for row in rows[1:]]
    assert [(r["post"], r["organisation"], r["market"], r["holder"], r["status"], r["from"]) for r in found] == [
        ("Councillor for Health, City of Valdora", "City of Valdora", "Portugal", "", "", ""),
        ("Councillor for Water Services, City of Valdora", "City of Valdora", "Portugal", "Ana Ferreira", "current",
         "2024-03")]
    before = run("query", "decision-makers", "--param", "market=PT", "--param", "asOf=2024-02", "--format", "csv")
    assert "Ana Ferreira" not in before.output  # her tenure starts in March 2024
    bad = run("query", "decision-makers", "--param", "asOf=March 2024")
    assert bad.exit_code != 0 and "'asOf' is 'March 2024', not a date; expected YYYY, YYYY-MM or YYYY-MM-DD" in bad.output


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
    counts = ("investments", "initiatives", "decision_makers", "partnerships", "score")
    assert tuple(portugal[name] for name in counts) == (1, 0, 2, 0, 6)  # both councillors' portfolios are narrower
    assert sorted(e["label"] for e in portugal["evidence"]) == [
        "Councillor for Health, City of Valdora", "Councillor for Water Services, City of Valdora",
        "Valdora invests in smart water meters"]
    assert all("Valdora" not in e["label"] and "valdoria" not in e["source"] for e in rows["DK"]["evidence"])
    table = run("opportunities", "--sector", "smart-city-solutions")
    assert "Portugal (PT): score 6 — 1 investment, 0 initiatives, 2 decision makers, 0 partnerships" in table.output
    assert "strongest: Valdora invests in smart water meters (investment)" in table.output


def test_markets_compared_for_a_sector_of_one_market(run: Run) -> None:
    result = run("opportunities", "--sector", "water meters", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["rank"], r["code"], r["score"], r["evidence"]) for r in rows] == [("1", "PT", "4", "2")]
    assert rows[0]["decision_makers"] == "1"  # the Councillor for Water Services, by portfolio


def test_a_sector_no_market_is_tied_to(run: Run) -> None:
    result = run("opportunities", "--sector", "tidal energy")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No market in the graph is tied to tidal energy as of ")


def test_a_briefing_on_the_new_market(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "pt-brief.html"
    result = run("brief", "--from", "Aquanet Systems", "--market", "PT", "--as-of", "2026-12", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    text = page.split("<iframe", 1)[0]
    assert "How Aquanet Systems can reach the decision makers in Portugal" in text
    assert "Councillor for Water Services, City of Valdora" in text and "Ana Ferreira" in text
    assert "Copenhagen" not in text
