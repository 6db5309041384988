"""Tests of the command line, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    assert any(row[0] == "decision-makers" and row[2] == "market (default DK); asOf" for row in rows)


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
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "paths", "--from", "Cisco",
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



# --- Never delete what the project did not write ---------------------------------------------------

def _one_line_refusal(result: Any, *words: str) -> None:
    """The command exited with status 2 and one line naming the problem, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    for word in words:
        assert word in result.output, result.output


@pytest.mark.parametrize("command", [["query", "decision-makers"], ["serve"], ["links"]], ids=lambda c: c[0])
def test_a_reading_command_never_builds_over_a_users_folder(tmp_path: Path, command: list[str]) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "report-draft.md").write_text("my draft")
    result = CliRunner().invoke(main, [*command, "--build-dir", str(results)])
    _one_line_refusal(result, "holds 1 entry that smartcity-kg did not write (report-draft.md)")
    assert [p.name for p in results.iterdir()] == ["report-draft.md"]
    assert (results / "report-draft.md").read_text() == "my draft"


def test_build_into_the_working_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("mine")
    result = CliRunner().invoke(main, ["build", "--reasoner", "none", "--build-dir", "."])
    _one_line_refusal(result, "is the current working folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]


def test_build_into_the_graph_folder_is_refused(graph_dir: Path) -> None:
    before = {p: p.read_bytes() for p in graph_dir.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["build", "--reasoner", "none", "--graph", str(graph_dir), "--build-dir", str(graph_dir)])
    _one_line_refusal(result, "is the graph folder")
    assert {p: p.read_bytes() for p in graph_dir.rglob("*") if p.is_file()} == before


def test_build_over_a_users_file_in_the_build_folder_is_refused(graph_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    args = ["build", "--reasoner", "none", "--graph", str(graph_dir), "--build-dir", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    (out / "notes.md").write_text("mine")
    _one_line_refusal(CliRunner().invoke(main, args), "(notes.md)")
    assert (out / "notes.md").read_text() == "mine"


def test_store_in_a_users_folder_is_refused(built: Path, tmp_path: Path) -> None:
    (tmp_path / "thesis.tex").write_text("mine")
    result = CliRunner().invoke(main, ["query", "awards", "--build-dir", str(built), "--store", str(tmp_path)])
    _one_line_refusal(result, "(thesis.tex)")
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.tex"]


@pytest.mark.parametrize("args", [["view", "overview"], ["export", "--format", "graphml"],
                                  ["export", "--format", "void"], ["export", "--format", "schema-jsonld"]])
def test_output_onto_a_users_file_is_refused(built: Path, tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "mine.txt"
    target.write_text("my notes")
    result = CliRunner().invoke(main, [*args, "-o", str(target), "--build-dir", str(built)])
    _one_line_refusal(result, "exists and was not written by smartcity-kg; remove it or choose another name")
    assert target.read_text() == "my notes"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("args", [["view", "overview"], ["export", "--format", "graphml"],
                                  ["export", "--format", "void"], ["export", "--format", "schema-jsonld"]])
def test_output_twice_replaces_our_own_file(built: Path, tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "out.file"
    for _ in range(2):
        result = CliRunner().invoke(main, [*args, "-o", str(target), "--build-dir", str(built)])
        assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["out.file"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda target: None, "does not exist"),
    (lambda target: target.mkdir(parents=True), "is a folder; give a file name"),
])
def test_output_to_a_missing_folder_or_onto_a_folder_is_refused(built: Path, tmp_path: Path,
                                                                make: Any, message: str) -> None:
    target = tmp_path / "missing" / "void.ttl"
    make(target)
    result = CliRunner().invoke(main, ["export", "--format", "void", "-o", str(target), "--build-dir", str(built)])
    _one_line_refusal(result, message)


def test_csv_export_owns_its_folder(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    args = ["export", "--format", "csv", "-o", str(folder), "--build-dir", str(built)]
    for _ in range(2):
        assert CliRunner().invoke(main, args).exit_code == 0
    assert (folder / ".smartcity-kg-build").is_file() and (folder / "City.csv").is_file()
    (folder / "budget.xlsx").write_text("mine")
    _one_line_refusal(CliRunner().invoke(main, args), "(budget.xlsx)")
    assert (folder / "budget.xlsx").read_text() == "mine"


def test_check_timeout_stops_a_slow_check(graph_dir: Path, tmp_path: Path) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "slow-violation.rq").write_text(
        "SELECT ?subject ?message WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o "
        "BIND(?a AS ?subject) BIND('slow' AS ?message) FILTER(CONCAT(STR(?c), STR(?f), STR(?i), STR(?l), STR(?o)) = 'x') }")
    result = CliRunner().invoke(main, ["build", "--graph", str(graph_dir), "--checks", str(checks), "--reasoner", "none",
                                       "--check-timeout", "0.5", "--build-dir", str(tmp_path / "b")])
    assert result.exit_code == 1, result.output
    assert "slow-violation.rq: the check ran longer than 0.5 s and was stopped" in result.output
