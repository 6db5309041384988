"""Tests of the commands paths, brokers and opportunities, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from smartcity_kg.cli.main import main

Run = Callable[..., Result]

SIGNED = "Aftalen blev underskrevet d. 28. maj 2014 … Frank Jensen, overborgmester i København"


@pytest.fixture(scope="module")
def run(built: Path) -> Run:
    """Run the command line on the shipped graph (built once per session by conftest's ``built``)."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, [*args, "--build-dir", str(built)])

    return invoke


def test_paths_to_the_lord_mayor(run: Run) -> None:
    result = run("paths", "--from", "Cisco", "--to", "Lord Mayor of Copenhagen")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("5 cheapest paths from Cisco to Lord Mayor of Copenhagen:\n")
    assert "Path 1 (cost 1.5, 2 hops): Cisco → " in result.output
    assert "  1. " in result.output and "  2. " in result.output
    assert "Frank Jensen signed Cisco's 2014 partnership with the City of Copenhagen, to which Cisco is a party (2014-05-28)" \
        in result.output
    assert f'source: Tre kommuner indgår partnerskab om fremtidens digitale netværk med IT-gigant — "{SIGNED}' \
        in result.output


def test_paths_as_json(run: Run) -> None:
    result = run("paths", "--from", "Cisco", "--to", "Lord Mayor of Copenhagen", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["from_label"], data["to"], data["k"], data["max_hops"]) == ("Cisco", "Lord Mayor of Copenhagen", 5, 6)
    assert len(data["paths"]) == 5
    assert len(data["paths"][0]["hops"]) <= 2
    assert all("quote" in hop for path in data["paths"] for hop in path["hops"])
    assert any(SIGNED in (hop["quote"] or "") for path in data["paths"] for hop in path["hops"])
    assert {p["target"] for p in data["paths"]} == {"https://w3id.org/smartcity-kg/id/lord-mayor-of-copenhagen"}


def test_paths_as_markdown(run: Run) -> None:
    result = run("paths", "--from", "Cisco", "--to", "Lord Mayor of Copenhagen", "--k", "2", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("### Path 1: Cisco → ")
    assert "### Path 2: " in result.output and "### Path 3" not in result.output
    assert "1. **" in result.output and "Cost 1.5, 2 hops." in result.output


def test_paths_for_a_firm_profile(run: Run) -> None:
    result = run("paths", "--firm", "Brightway Lighting", "--sector", "intelligent-lighting", "--k", "30")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("30 cheapest paths from Brightway Lighting to any decision maker in Denmark:")
    assert "Albertslund" in result.output and "Copenhagen" in result.output
    assert "Brightway Lighting works in the sector intelligent lighting (firm profile)" in result.output
    assert "evidence: the firm profile" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "Cisko"], "no entity named 'Cisko' in the graph; did you mean 'Cisco'?"),
    (["--from", "Cisco", "--to", "Lord Mayr of Copenhagen"], "did you mean .*'Lord Mayor of Copenhagen'"),
    (["--from", "Cisco", "--to", "Growing Smart Cities in Denmark"],
     ("'Growing Smart Cities in Denmark' is ambiguous; it names 2 entities: .*"
      "<https://w3id.org/smartcity-kg/id/growing-smart-cities-in-denmark>; .*"
      "<https://w3id.org/smartcity-kg/source/arup-growing-smart-cities-in-denmark>")),
    (["--firm", "Dim", "--sector", "street lights"], "no sector 'street lights'; the sectors are: .*intelligent-lighting"),
    (["--from", "Cisco", "--k", "0"], "k must be between 1 and 100, not 0"),
    (["--from", "Cisco", "--max-hops", "11"], "max-hops must be between 1 and 10, not 11"),
    (["--from", "Cisco", "--firm", "Dim", "--sector", "intelligent-lighting"], "give either --from ENTITY or --firm NAME"),
    (["--firm", "Dim"], "a firm profile needs at least one --sector"),
    (["--from", "Cisco", "--to", "Frank Jensen", "--to-class", "Post"], "give --to or --to-class, not both"),
    (["--from", "Cisco", "--to-class", "Reprot"], "no class 'Reprot' in the graph; did you mean 'report'"),
], ids=["unknown-entity", "unknown-target", "ambiguous", "unknown-sector", "k-0", "max-hops-11", "from-and-firm",
        "firm-without-sector", "to-and-to-class", "unknown-class"])
def test_bad_paths_arguments(run: Run, args: list[str], message: str) -> None:
    result = run("paths", *args)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # a clean error, not a crash
    assert re.search(message, " ".join(result.output.split())), result.output


def test_no_path_is_not_an_error(run: Run) -> None:
    result = run("paths", "--from", "Cisco", "--to-class", "Report")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No path from Cisco to any ")
    assert result.output.rstrip().endswith("within 6 hops.")


def test_no_path_to_another_component(run: Run) -> None:
    result = run("paths", "--from", "Cisco", "--to", "Tokyo")
    assert result.exit_code == 0, result.output
    assert result.output == "No path from Cisco to Tokyo within 6 hops.\n"


def test_brokers(run: Run) -> None:
    result = run("brokers", "--top", "3")
    assert result.exit_code == 0, result.output
    ranked = re.findall(r"^(\d+)\. (.+?) \((organisation|post)\): on [\d.]+ cheapest", result.output, re.MULTILINE)
    assert [r[0] for r in ranked] == ["1", "2", "3"]
    assert "City of Copenhagen" in [r[1] for r in ranked]
    assert result.output.count("   e.g. Cisco → ") == 3


def test_opportunities(run: Run) -> None:
    result = run("opportunities", "--sector", "intelligent lighting")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Opportunities in Denmark tied to 'intelligent lighting':\n1. City of Copenhagen (public authority), cost 2\n")
    assert "City of Copenhagen invests in intelligent lighting" in result.output
    assert len(re.findall(r"^\d+\. ", result.output, re.MULTILINE)) == 15  # the default --top


def test_opportunities_in_an_unknown_sector(run: Run) -> None:
    result = run("opportunities", "--sector", "nosuch")
    assert result.exit_code != 0
    assert "no sector 'nosuch'; the sectors are: " in result.output
    assert "intelligent-lighting (intelligent lighting)" in result.output


def test_reachable_decision_makers_query(run: Run) -> None:
    result = run("query", "reachable-decision-makers", "--param", "firm=Cisco", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["firm", "decisionMaker", "organisation", "market"]
    assert ["Cisco", "Lord Mayor of Copenhagen", "City of Copenhagen", "Denmark"] in rows
    assert ["Cisco", "Mayor of Albertslund", "Albertslund Municipality", "Denmark"] in rows
    assert all(row[0] == "Cisco" for row in rows[1:])
