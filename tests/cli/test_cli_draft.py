"""The 'draft' and 'ids' commands: a draft printed or written (never over a file), ids found by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from smartcity_kg.cli.main import main
from smartcity_kg.resources import shipped

GUIDE = shipped("graph") / "sources" / "ita-denmark-smart-cities.txt"


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_draft_prints_a_sheet_and_writes_one_only_where_no_file_is(built: Path, tmp_path: Path) -> None:
    printed = _run("draft", str(GUIDE), "--source", "ita-denmark-smart-cities", "--build-dir", str(built))
    assert printed.exit_code == 0, printed.output  # type: ignore[attr-defined]
    assert printed.stdout.startswith("# A draft fact sheet for the source 'ita-denmark-smart-cities'")  # type: ignore[attr-defined]
    assert "  - about: cisco\n" in printed.stdout  # type: ignore[attr-defined]
    assert "drafted 5 candidate items (2 commented out" in printed.stderr  # type: ignore[attr-defined]
    out = tmp_path / "draft.yaml"
    written = _run("draft", str(GUIDE), "--source", "x", "-o", str(out), "--build-dir", str(built))
    assert written.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# A draft fact sheet")  # type: ignore[attr-defined]
    before = out.read_bytes()
    again = _run("draft", str(GUIDE), "--source", "x", "-o", str(out), "--build-dir", str(built))
    assert again.exit_code == 2  # type: ignore[attr-defined]
    assert "a draft never replaces a file" in again.output  # type: ignore[attr-defined]
    assert out.read_bytes() == before


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--source", "Not A Slug"], 2, "--source: 'Not A Slug' is not a source id"),
    (["--source", "x", "--market", "Denmark"], 2, "--market: 'Denmark' is not an ISO 3166-1 alpha-2 code"),
])
def test_draft_refuses_bad_options(built: Path, args: list[str], code: int, message: str) -> None:
    result = _run("draft", str(GUIDE), *args, "--build-dir", str(built))
    assert result.exit_code == code and message in result.output  # type: ignore[attr-defined]


def test_draft_refuses_a_text_that_is_not_utf8(built: Path, tmp_path: Path) -> None:
    text = tmp_path / "table.txt"
    text.write_bytes("Année 1993 1994\n".encode("latin-1"))
    result = _run("draft", str(text), "--source", "x", "--build-dir", str(built))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert result.output.strip().endswith("table.txt:1: not UTF-8 text (byte 3: 0xe9); save the text as UTF-8 first")  # type: ignore[attr-defined]


def test_ids_finds_labels_synonyms_and_near_misses(built: Path) -> None:
    result = _run("ids", "Cisco Systems", "--build-dir", str(built), "--format", "csv")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.output.splitlines()[1].startswith("cisco,Cisco,Company,Cisco Systems,100,")  # type: ignore[attr-defined]
    assert "ita-denmark-smart-cities" in result.output.splitlines()[1]  # type: ignore[attr-defined]
    near = _run("ids", "Hitachy", "--build-dir", str(built))
    assert near.output.startswith("hitachi: Hitachi (Company, matched 'Hitachi' (85.7)); stated by ")  # type: ignore[attr-defined]
    none = _run("ids", "Zzyzx Qwerty", "--build-dir", str(built))
    assert none.exit_code == 0 and none.output == "No id answers to 'Zzyzx Qwerty'.\n"  # type: ignore[attr-defined]
