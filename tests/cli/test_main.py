"""Tests of the command line, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartcity_kg.cli.main import main


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``smartcity-kg build`` of the shipped graph, run once for this module."""
    out = tmp_path_factory.mktemp("cli") / "build"
    result = CliRunner().invoke(main, ["build", "--build-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "triples" in result.output and "consistent" in result.output
    return out


def test_build_is_quiet_when_piped(tmp_path: Path) -> None:
    out = tmp_path / "build"
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "build", "--reasoner", "none", "--build-dir", str(out)],
                          capture_output=True, text=True, check=True)
    assert done.stderr == ""
    assert done.stdout.startswith(f"built {out}/:")
    assert "reasoning: skipped" in done.stdout


def test_queries_lists_the_catalogue() -> None:
    result = CliRunner().invoke(main, ["queries", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["query", "summary", "parameters"]
    assert any(row[0] == "decision-makers" and row[2] == "country (default DK)" for row in rows)


def test_query_csv_header_and_labels(built: Path) -> None:
    result = CliRunner().invoke(main, ["query", "country-rankings", "--build-dir", str(built), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["report", "country", "rank"]
    assert ["Mapping Smart Cities in the EU", "Denmark", "1"] in rows


def test_query_json(built: Path) -> None:
    result = CliRunner().invoke(main, ["query", "awards", "--build-dir", str(built), "--format", "json"])
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["winner", "award", "year"]


def test_query_table(built: Path) -> None:
    result = CliRunner().invoke(main, ["query", "city-targets", "--build-dir", str(built)])
    assert result.exit_code == 0
    assert "become carbon-neutral" in result.output and "rows" in result.output


def test_query_builds_first_when_there_is_no_graph(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["query", "awards", "--build-dir", str(out), "--format", "csv"])
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
    result = CliRunner().invoke(main, args + ["--build-dir", str(built)])
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
    result = CliRunner().invoke(main, ["build", "--graph", str(graph), "--build-dir", str(tmp_path / "out"), "--reasoner", "none"])
    assert result.exit_code == 1
    assert "s.yaml:5: unknown key 'labl'" in result.output
    assert not (tmp_path / "out").exists()


def _without_java(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine with no Java: PATH holds nothing but an empty folder."""
    env = {k: v for k, v in os.environ.items() if k != "SMARTCITY_KG_JAVA"}
    (tmp_path / "bin").mkdir()
    env["PATH"] = str(tmp_path / "bin")
    return env


def test_hermit_without_java_says_so(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "build", "--reasoner", "hermit",
                           "--build-dir", str(tmp_path / "b")], capture_output=True, text=True, env=_without_java(tmp_path))
    assert done.returncode == 1
    assert "HermiT needs a Java runtime" in done.stderr
    assert "--reasoner rules" in done.stderr
    assert not (tmp_path / "b").exists()


def test_without_java_the_default_build_reasons_and_paths_reach_the_lord_mayor(tmp_path: Path) -> None:
    env, build_dir = _without_java(tmp_path), str(tmp_path / "b")
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "build", "--build-dir", build_dir],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "reasoning: rules" in done.stdout
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "paths", "--from", "Cisco", "--k", "10",
                           "--build-dir", build_dir], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "→ Lord Mayor of Copenhagen" in done.stdout


def test_a_build_without_reasoning_is_refused_by_paths(tmp_path: Path) -> None:
    build_dir = str(tmp_path / "b")
    assert CliRunner().invoke(main, ["build", "--reasoner", "none", "--build-dir", build_dir]).exit_code == 0
    for args in (["paths", "--from", "Cisco"], ["brokers"]):
        result = CliRunner().invoke(main, [*args, "--build-dir", build_dir])
        assert result.exit_code == 1, result.output
        assert "was made without reasoning (--reasoner none)" in result.output
        assert "No path" not in result.output and "No broker" not in result.output


def test_version() -> None:
    from smartcity_kg import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"smartcity-kg, version {__version__}\n"


def _options(command: object) -> set[str]:
    return {name for param in getattr(command, "params") for name in getattr(param, "opts", [])}


@pytest.mark.parametrize("name", sorted(main.commands))
def test_one_vocabulary(name: str) -> None:
    command = main.commands[name]
    options = _options(command)
    assert not {"--out", "--entity-from", "--country", "--review", "--no-reason"} & options
    assert ("--build-dir" in options) == (name != "queries")
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Exit status: 0 done" in result.output and "2 a usage error" in result.output


@pytest.mark.parametrize("name", ["queries", "query", "paths", "brokers", "opportunities", "links", "build", "push"])
def test_commands_that_print_results_have_format(name: str) -> None:
    assert "--format" in _options(main.commands[name])


@pytest.mark.parametrize("name", ["view", "export", "link"])
def test_what_a_command_writes_is_output(name: str) -> None:
    assert {"-o", "--output"} <= _options(main.commands[name])


@pytest.mark.parametrize(("args", "code", "message"), [
    (["paths", "--from", "Cisco", "--to-class", "sck:NoSuchClass"], 2, "--to-class: no class 'sck:NoSuchClass'"),
    (["paths", "--from", "Nobody at all"], 2, "no entity named 'Nobody at all'"),
    (["query", "nosuch"], 2, "no named query 'nosuch'"),
    (["opportunities", "--sector", "intelligent-lighting", "--market", "ZZ"], 2, "ZZ"),
    (["push", "--endpoint", "http://127.0.0.1:9/store"], 1, "could not be reached"),
])
def test_ordinary_mistakes_get_one_line(built: Path, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(main, args + ["--build-dir", str(built)])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["view", "overview", "-o", "{tmp}"], "-o/--output: {tmp} is a folder; give a file name"),
    (["view", "overview", "-o", "{tmp}/missing/view.html"], "-o/--output: the folder {tmp}/missing does not exist"),
    (["export", "--format", "graphml", "-o", "{tmp}"], "-o/--output: {tmp} is a folder; give a file name"),
    (["export", "--format", "csv", "-o", "{tmp}/missing/tables"], "the folder {tmp}/missing does not exist"),
    (["link", "--offline", "-o", "{tmp}"], "{tmp} is a folder"),
])
def test_output_mistakes_get_one_line(built: Path, tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, [a.format(tmp=tmp_path) for a in args] + ["--build-dir", str(built)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: -o/--output: ") and message.format(tmp=tmp_path) in result.output
    assert result.output.count("\n") == 1
