"""Tests of the build: outputs, determinism, atomic replacement, reasoning."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import BuildOptions, InputError, build
from smartcity_kg.namespaces import COUNTRY, SCK
from smartcity_kg.builder.sheetcache import CACHE_FILES
from smartcity_kg.outputs import MARKER

OUTPUTS = ("graph.trig", "graph.nt", "graph.ttl", "graph.jsonld", "report.json", "timings.json", "build-cache.json", MARKER,
           "store", *CACHE_FILES)


@pytest.fixture(scope="module")
def two_builds(built: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The session's build of the shipped graph, and a second build of it: read them, never change them."""
    second = tmp_path_factory.mktemp("second") / "build"
    build(second)
    return built, second


def test_build_writes_every_output(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    assert sorted(p.name for p in first.iterdir()) == sorted(OUTPUTS)
    for name in OUTPUTS:
        assert (first / name).stat().st_size > 0


def test_two_builds_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    same, different, errors = filecmp.cmpfiles(first, second, [n for n in OUTPUTS if n not in ("timings.json", "store")],
                                               shallow=False)
    assert different == [] and errors == []
    assert len(same) == len(OUTPUTS) - 2


def test_outputs_parse_and_agree(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    quads = list(ox.parse(path=str(first / "graph.trig")))
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    for name, fmt in (("graph.nt", ox.RdfFormat.N_TRIPLES), ("graph.ttl", ox.RdfFormat.TURTLE)):
        parsed = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(first / name), format=fmt)}
        assert len(parsed) == len(triples), name
    jsonld = list(ox.parse(path=str(first / "graph.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert len(jsonld) == len(quads)
    report = json.loads((first / "report.json").read_text())
    assert report["quads"] == len(quads)
    assert report["triples"] == len(triples)


def test_named_graphs_one_per_source_plus_ontology_sources_inferred(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    report = json.loads((first / "report.json").read_text())
    graphs = {q.graph_name.value for q in ox.parse(path=str(first / "graph.trig"))}
    expected = {s["graph"] for s in report["sources"].values()}
    base = report["base"]
    expected |= {"https://w3id.org/smartcity-kg/ontology", f"{base}graph/sources", f"{base}graph/inferred"}
    assert graphs == expected
    assert "ita-denmark-smart-cities" in report["sources"]


def test_report_counts_and_outcomes(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    report = json.loads((first / "report.json").read_text())
    assert report["validation"]["shacl"] == "conforms"
    assert set(report["validation"]["checks"]) >= {"evidence-violation", "label-violation", "dangling-reference-violation"}
    assert all(count == 0 for count in report["validation"]["checks"].values())
    assert report["reasoning"]["consistent"] is True
    assert report["reasoning"]["reasoner"].startswith("rules") and "disjoint" in report["reasoning"]["consistency_checked"]
    assert report["reasoning"]["inferred_triples"] > 0
    assert report["classes"][SCK + "City"] >= 2
    timings = json.loads((first / "timings.json").read_text())
    assert set(timings) == {"load", "compile", "validate", "check", "reason", "write", "outputs", "store"}


def test_inferred_classes_are_in_the_inferred_graph_only(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    report = json.loads((first / "report.json").read_text())
    inferred_graph = f"{report['base']}graph/inferred"
    store = ox.Store()
    store.bulk_load(path=str(first / "graph.trig"), format=ox.RdfFormat.TRIG)
    defined = ("DanishOrganisation", "USFirm", "DanishDecisionMakingPost", "DanishDecisionMaker")
    for name in defined:
        assert not store.query(f"ASK {{ GRAPH ?g {{ ?x a <{SCK}{name}> }} FILTER(?g != <{inferred_graph}>) }}"), name
        assert store.query(f"ASK {{ GRAPH <{inferred_graph}> {{ ?x a <{SCK}{name}> }} }}"), name
    copenhagen = f"{report['base']}id/copenhagen-municipality"
    assert store.query(f"ASK {{ GRAPH <{inferred_graph}> {{ <{copenhagen}> a <{SCK}DanishOrganisation> }} }}")
    # 'based in' follows 'located in': the municipality is based in Copenhagen, which lies in Denmark.
    assert store.query(f"ASK {{ GRAPH <{inferred_graph}> {{ <{copenhagen}> <{SCK}basedIn> <{COUNTRY}DK> }} }}")


def test_failed_build_leaves_previous_build_intact(tmp_path: Path, two_builds: tuple[Path, Path],
                                                   built_copy: Path) -> None:
    first, _ = two_builds
    out = built_copy  # the previous build, at tmp_path / "build"
    before = _files(out)
    broken = tmp_path / "graph"
    (broken / "sources").mkdir(parents=True)
    (broken / "facts").mkdir()
    (broken / "sources" / "sources.yaml").write_text("sources: [\n")
    (broken / "facts" / "x.yaml").write_text("source: x\nitems: []\n")
    with pytest.raises(InputError, match=r"sources\.yaml:2: malformed YAML"):
        build(out, BuildOptions(graph_dir=broken, reasoner="none"))
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "graph"]


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (its on-disk store's too), by path within it, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_base_must_end_with_a_separator(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="must end with '/' or '#'"):
        build(tmp_path / "build", BuildOptions(base="https://example.org/kg", reasoner="none"))


def test_other_base_moves_every_entity(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, BuildOptions(base="https://example.org/kg/", reasoner="none"))
    subjects = {q.subject.value for q in ox.parse(path=str(out / "graph.nt")) if isinstance(q.subject, ox.NamedNode)}
    assert "https://example.org/kg/id/copenhagen" in subjects
    assert not any(s.startswith("https://w3id.org/smartcity-kg/id/") for s in subjects)


def test_public_api_is_exported_lazily() -> None:
    import subprocess
    import sys

    import smartcity_kg

    assert set(smartcity_kg.__all__) == set(smartcity_kg._EXPORTS) | {"__version__"}
    for name in smartcity_kg._EXPORTS:
        assert callable(getattr(smartcity_kg, name)) or isinstance(getattr(smartcity_kg, name), type), name
    code = "import sys, smartcity_kg.cli.main; print('rdflib' in sys.modules, 'networkx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_unknown_reasoner_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown reasoner 'pellet': expected one of rules, hermit, none"):
        build(tmp_path / "build", BuildOptions(reasoner="pellet"))
    assert not (tmp_path / "build").exists()


def test_builds_in_two_processes_are_byte_identical(tmp_path: Path) -> None:
    """Whatever Python's hash seed, a build writes the same bytes: the store's order is fixed by its content."""
    import os
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        subprocess.run([sys.executable, "-m", "smartcity_kg", "build", "-q", "--build-dir", str(out)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, stdout=subprocess.DEVNULL)
        outs.append(out)
    names = [n for n in OUTPUTS if n not in ("timings.json", MARKER, "store")]  # a store's files are RocksDB's
    same, different, errors = filecmp.cmpfiles(outs[0], outs[1], names, shallow=False)
    assert different == [] and errors == [] and len(same) == len(names)


def test_add_outputs_writes_into_the_new_build_and_its_failure_keeps_the_previous_one(
        graph_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"),
          add_outputs=lambda folder: (folder / "extra.txt").write_text("more\n"))
    assert (out / "extra.txt").read_text() == "more\n"
    assert "extra.txt" in json.loads((out / MARKER).read_text())["files"]
    before = sorted(p.name for p in out.iterdir())

    def fail(folder: Path) -> None:
        raise InputError.at(folder, None, "cannot add this")

    with pytest.raises(InputError, match="cannot add this"):
        build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"), add_outputs=fail)
    assert sorted(p.name for p in out.iterdir()) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".build")]  # no half-written build left
