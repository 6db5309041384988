"""Tests of the 'editions' command on the shipped guide: what the 2021 edition drops and rewords."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from smartcity_kg.cli.main import main


def _shipped_changes(built: Path, *options: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["editions", "ita-denmark-smart-cities", "ita-denmark-smart-cities-2021",
                                       *options, "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "json" in options else [{"output": result.output}]


def test_the_2021_edition_drops_the_award_smart_aarhus_and_arup_and_rewords_the_eu_sentence(built: Path) -> None:
    rows = _shipped_changes(built, "--format", "json")
    dropped = {r["item"] for r in rows if r["change"] == "dropped"}
    assert {"Copenhagen Connecting wins the World Smart Cities award 2014", "Smart Aarhus",
            "Global smart urban services, USD 400 billion a year by 2020"} <= dropped
    eu = [r for r in rows if "EU level" in r["new quote"]]
    assert [(r["change"], r["old quote"], r["new quote"]) for r in eu] == [
        ("reworded", "Most legislation is governed on an EU level.",
         "A significant body of relevant legislation is determined at the EU level.")]
    assert not any(r["change"] == "unchanged" for r in rows)


def test_the_editions_command_prints_a_table_or_csv_and_refuses_a_source_that_is_no_edition(built: Path) -> None:
    table = _shipped_changes(built)[0]["output"]
    assert table.startswith("From Denmark – Smart Cities to Denmark - Country Commercial Guide, Smart Cities: ")
    assert "reworded" in table and table.rstrip().endswith("items")
    csv_text = CliRunner().invoke(main, ["editions", "ita-denmark-smart-cities", "ita-denmark-smart-cities-2021",
                                         "--format", "csv", "--build-dir", str(built)]).output
    assert csv_text.splitlines()[0] == "change,item,kind,old quote,new quote"
    result = CliRunner().invoke(main, ["editions", "ita-denmark-smart-cities", "wikidata", "--build-dir", str(built)])
    assert result.exit_code == 2 and "'wikidata' is not an edition" in result.output
    result = CliRunner().invoke(main, ["editions", "ita-denmark-smart-cities", "ita-denmark-smart-cities",
                                       "--build-dir", str(built)])
    assert result.exit_code == 2 and "the same source" in result.output


def test_only_lists_the_changes_asked_for(built: Path) -> None:
    rows = _shipped_changes(built, "--only", "reworded", "--only", "added", "--format", "json")
    assert rows and {r["change"] for r in rows} == {"reworded"}
