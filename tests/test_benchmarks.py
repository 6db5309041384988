"""Tests of the scale benchmark: generated fact sheets build, and ``benchmarks/scale.py`` runs at 10k."""

from __future__ import annotations

import filecmp
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import generate  # noqa: E402 (benchmarks/ is not a package; found by the line above)


def _same_tree(a: Path, b: Path) -> bool:
    compared = filecmp.dircmp(a, b)
    if compared.left_only or compared.right_only or compared.diff_files or compared.funny_files:
        return False
    return all(_same_tree(a / sub, b / sub) for sub in compared.common_dirs)


def test_generation_is_a_function_of_size_and_seed(tmp_path: Path) -> None:
    first, again, other = (generate(tmp_path / name, 3000, seed=seed) for name, seed in
                           (("first", 7), ("again", 7), ("other", 8)))
    assert first.triples >= 3000 and first.sheets > 1 and first.items > 100
    assert _same_tree(first.folder, again.folder)
    assert not _same_tree(first.folder, other.folder)


def test_generated_sheets_build_and_compile_to_the_triples_counted(tmp_path: Path) -> None:
    from smartcity_kg import BuildOptions, build

    made = generate(tmp_path / "graph", 4000, seed=3, markets=3)
    result = build(tmp_path / "build", BuildOptions(graph_dir=made.folder))
    sources = result.report["sources"]
    assert isinstance(sources, dict) and len(sources) == made.sheets
    assert sum(entry["triples"] for entry in sources.values()) == made.triples
    assert result.report["items"] == made.items
    classes = result.report["classes"]
    assert isinstance(classes, dict)
    ontology = "https://w3id.org/smartcity-kg/ontology#"
    for kind in ("Municipality", "Post", "PostHolding", "Partnership", "Investment", "SectorInvestment", "Company"):
        assert classes[ontology + kind] > 0, kind
    # every quote was checked against a generated text: the sources hold theirs
    assert all((made.folder / "sources" / f"{source}.txt").is_file() for source in sources)


def test_generation_refuses_an_impossible_number_of_markets(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="markets must be between 1 and"):
        generate(tmp_path / "graph", 1000, markets=0)


def test_scale_benchmark_runs_at_10k_and_prints_every_figure(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BENCHMARKS / "scale.py"), "--sizes", "10000", "--runs", "1",
                           "--keep", str(tmp_path / "work")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert out.startswith("load: ") and out.rstrip().splitlines()[-1].startswith("load: ")
    figure = r" +[\d.]+ ms"
    assert re.search(r"build \(\d+ triples, \d+ quads\)" + figure + r"  peak +\d+ MB", out), out
    for stage in json.loads((tmp_path / "work" / "build-10000" / "timings.json").read_text()):
        assert re.search(rf"stage {stage}" + figure, out), stage
    raw = figure + r"  raw pyoxigraph +[\d.]+ ms  ratio +[\d.]+"
    assert re.search(r"open the build \(open_store\)" + raw, out), out
    for query in sorted(p.stem for p in (BENCHMARKS.parent / "queries").glob("*.rq")):
        assert re.search(rf"query {query}" + raw, out), query
    assert re.search(r"network: project \(\d+ nodes, \d+ edges\)" + figure, out), out
    assert re.search(r"network: as of a date" + figure, out), out
    assert re.search(r"network: paths \(k = 5\) from a U\.S\. firm" + figure, out), out
    assert re.search(r"network: brokers \(top 10\)" + figure, out), out
    assert re.search(r"rebuild after one sheet changed \([\w.-]+\.yaml\)" + figure + r"  peak +\d+ MB", out), out
    assert re.search(r"  rebuild stage validate" + figure, out), out
    for command in ("query decision-makers", "query initiatives", "paths", "brokers", "opportunities"):
        assert re.search(rf"command {command}.*?" + figure + r"  peak +\d+ MB", out), command


def test_scale_benchmark_compares_the_servers_on_a_build_with_a_store(built: Path, tmp_path: Path) -> None:
    import shutil

    from smartcity_kg.store.ondisk import write_build_store

    build_dir = Path(shutil.copytree(built, tmp_path / "build"))
    write_build_store(build_dir)
    done = subprocess.run([sys.executable, str(BENCHMARKS / "scale.py"), "--build-dir", str(build_dir), "--runs", "1",
                           "--serve", "2", "--clients", "3", "--serve-only", "--serve-option=--workers",
                           "--serve-option=3"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "open the build" not in out and "query " not in out  # --serve-only: the servers alone
    assert "servers: 3 clients, " in out and out.count(", serve --workers 3") == 1
    for name in ("smartcity-kg", "oxigraph"):
        line = re.search(rf"serve {name} +start +[\d.]+ s +[\d.]+ requests/s  503 busy +[\d.]+%  stopped +[\d.]+%  "
                         rf"p50 +[\d.]+ ms  "
                         rf"p99 +[\d.]+ ms  ok (\d+)  cpu +[\d.]+ ms/request", out)
        assert line and int(line.group(1)) > 0, out


def test_scale_benchmark_measures_a_builds_network(built: Path) -> None:
    """``--build-dir B --network FIRM``: the network's figures on that build, paths from the firm named FIRM."""
    done = subprocess.run([sys.executable, str(BENCHMARKS / "scale.py"), "--build-dir", str(built), "--runs", "1",
                           "--network", "Cisco"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    figure = r" +[\d.]+ ms"
    for what in (r"network: project \(\d+ nodes, \d+ edges\)", "network: as of a date",
                 r"network: paths \(k = 5\) from a U\.S\. firm", r"network: brokers \(top 10\)"):
        assert re.search(what + figure, out), out
    assert "query " not in out and out.rstrip().splitlines()[-1].startswith("load: ")


def test_the_served_mix_is_the_named_queries_as_the_query_command_runs_them() -> None:
    from serving import query_mix

    from smartcity_kg import load_catalogue, shipped
    from smartcity_kg.store.queries import on_closed_types

    given = {"initiatives": {}, "decision-makers": {"market": '"DK"'}}
    walked, read = query_mix(given), query_mix(given, reasoned=True)
    catalogue = load_catalogue(shipped("queries"))
    initiatives = catalogue["initiatives"].text
    assert walked[1] == initiatives and read[1] == on_closed_types(initiatives) != initiatives
    assert '"DK"' in read[0] and read[0] != catalogue["decision-makers"].text  # the parameter bound


@pytest.mark.parametrize(("status", "headers", "body", "outcome"), [
    (200, {}, "{}", "200"),
    (200, {"X-SPARQL-Truncated": "max-rows=10000"}, "{}", "stopped"),  # a 200 cut at a limit is not a whole answer
    (200, {}, '{"head": {"vars": ["x"]}, "results": {"bindings": [The SPARQL operation has been cancelled',
     "stopped"),  # oxigraph's answer at its time limit: a 200 whose body breaks off
    (503, {}, '{"error": "every query worker is busy; try again"}', "busy"),
    (503, {}, '{"error": "the query ran longer than the limit of 10 s and was stopped"}', "stopped"),
    (500, {}, "Timeout while evaluating the query", "stopped"),
    (500, {}, "boom", "500"),
])
def test_each_answer_is_counted_by_its_outcome(status: int, headers: dict[str, str], body: str, outcome: str) -> None:
    import httpx
    from serving import _outcome

    assert _outcome(httpx.Response(status, headers=headers, text=body)) == outcome
