"""Tests of the command line, run as a user runs it."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartcity_kg.cli.main import main


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory,
          reuse_shipped_build: Callable[[], contextlib.AbstractContextManager[None]]) -> Path:
    """``smartcity-kg build`` of the shipped graph, whose build step copies the session's build."""
    out = tmp_path_factory.mktemp("cli") / "build"
    with reuse_shipped_build():
        result = CliRunner().invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "triples" in result.output and "reasoning: consistent" in result.output
    return out


def test_build_is_quiet_when_piped(tmp_path: Path) -> None:
    out = tmp_path / "build"
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "build", "--no-reason", "--out", str(out)],
                          capture_output=True, text=True, check=True)
    assert done.stderr == ""
    assert done.stdout.startswith(f"built {out}/:")
    assert "reasoning: skipped" in done.stdout


def test_queries_lists_the_catalogue() -> None:
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0
    assert "decision-makers:" in result.output and "--param country=" in result.output


def test_query_csv_header_and_labels(built: Path) -> None:
    result = CliRunner().invoke(main, ["query", "country-rankings", "--out", str(built), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["report", "country", "rank"]
    assert ["Mapping Smart Cities in the EU", "Denmark", "1"] in rows


def test_query_json(built: Path) -> None:
    result = CliRunner().invoke(main, ["query", "awards", "--out", str(built), "--format", "json"])
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["winner", "award", "year"]


def test_query_table(built: Path) -> None:
    result = CliRunner().invoke(main, ["query", "city-targets", "--out", str(built)])
    assert result.exit_code == 0
    assert "become carbon-neutral" in result.output and "rows" in result.output


def test_query_builds_first_when_there_is_no_graph(tmp_path: Path, reused_shipped_build: None) -> None:
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["query", "awards", "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert (out / "graph.trig").is_file()
    assert "Copenhagen Connecting" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["query", "award"], "no named query 'award'; did you mean awards"),
    (["query", "awards", "--param", "country=DK"], "has no parameter country"),
    (["query", "evidence", "--param", "entity=Copenhagn"], "did you mean"),
    (["query", "evidence", "--param", "entity"], "expected NAME=VALUE"),
    (["query", "awards", "--format", "xml"], "Invalid value for '--format'"),
])
def test_bad_query_arguments(built: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args + ["--out", str(built)])
    assert result.exit_code != 0
    assert message in result.output


def test_build_error_names_file_and_line(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    (graph / "sources").mkdir(parents=True)
    (graph / "facts").mkdir()
    (graph / "sources" / "sources.yaml").write_text(
        "sources:\n  - id: s\n    title: T\n    publisher: P\n    url: https://example.org/\n"
        "    kind: article\n    language: en\n")
    (graph / "facts" / "s.yaml").write_text("source: s\nitems:\n  - id: x\n    type: City\n    labl: X\n    unquoted: test\n")
    result = CliRunner().invoke(main, ["build", "--graph", str(graph), "--out", str(tmp_path / "out"), "--no-reason"])
    assert result.exit_code == 2
    assert "s.yaml:5: unknown key 'labl'" in result.output
    assert not (tmp_path / "out").exists()


def test_build_without_java_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SMARTCITY_KG_JAVA"}
    env["PATH"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "build", "--out", str(tmp_path / "b")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "HermiT needs a Java runtime" in done.stderr
    assert "--no-reason" in done.stderr
