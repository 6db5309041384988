"""Tests of the brief command, run as a user runs it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from smartcity_kg.cli.main import main

Run = Callable[..., Result]


@pytest.fixture(scope="module")
def run(built: Path) -> Run:
    """Run the command line on the shipped graph (built once per session by conftest's ``built``)."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, [*args, "--build-dir", str(built)])

    return invoke


def test_brief_for_a_firm_profile(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "brief.html"
    result = run("brief", "--firm", "Brightway Lighting", "--home", "US", "--sector", "intelligent-lighting",
                 "--market", "DK", "--as-of", "2026-06", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {target}: 5 decision makers, ")
    page = target.read_text(encoding="utf-8")
    assert "<title>How Brightway Lighting can reach the decision makers in Denmark</title>" in page
    assert "As of 2026-06." in page and "invested 34 million Euros in new streetlights" in page


def test_brief_from_a_firm_in_the_graph_as_of_a_year(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cisco.html"
    result = run("brief", "--from", "Cisco", "--as-of", "2015", "-o", str(target))
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert "Lord Mayor of Copenhagen, as of 2015: Frank Jensen" in page
    assert "Sophie Hæstorp Andersen" not in page.split("<iframe", 1)[0]


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--from", "Cisco", "--firm", "X"], 2, "give either --from ENTITY or --firm NAME (with --sector)"),
    (["--firm", "X"], 2, "a firm profile needs at least one --sector"),
    (["--from", "Cisco", "--as-of", "June"], 2, "--as-of: the as-of date 'June' is not a date"),
    (["--from", "Cisco", "--market", "SE"], 1, "no decision makers known in Sweden (SE)"),
    (["--firm", "X", "--sector", "nonsense"], 2, "no sector 'nonsense'"),
])
def test_brief_refuses_in_one_line(run: Run, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    target = tmp_path / "brief.html"
    result = run("brief", *args, "-o", str(target))
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_brief_never_replaces_a_users_file_but_replaces_its_own(run: Run, tmp_path: Path) -> None:
    mine = tmp_path / "mine.html"
    mine.write_text("<p>my notes</p>", encoding="utf-8")
    refused = run("brief", "--from", "Cisco", "-o", str(mine))
    assert refused.exit_code == 2 and refused.output.count("\n") == 1
    assert "was not written by smartcity-kg" in refused.output
    assert mine.read_text(encoding="utf-8") == "<p>my notes</p>"
    ours = tmp_path / "brief.html"
    for _ in range(2):
        result = run("brief", "--from", "Cisco", "--as-of", "2026-06", "-o", str(ours))
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html", "mine.html"]
