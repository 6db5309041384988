"""Tests of a build's own on-disk store: written with every build, opened read-only, never used stale."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import BuildOptions, build, open_store
from smartcity_kg.outputs import MARKER
from smartcity_kg.store.dataset import load_dataset
from smartcity_kg.store.ondisk import STORE_DIR, build_store, write_build_store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count_of(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)  # type: ignore[index, arg-type, call-overload]


def _count(store: ox.Store) -> int:
    return _count_of(store, COUNT)


@pytest.fixture
def stored(built: Path, tmp_path: Path) -> Path:
    """A copy of the session's build with its on-disk store written again."""
    copy = Path(shutil.copytree(built, tmp_path / "build"))
    write_build_store(copy)
    return copy


def test_a_build_writes_a_store_by_default_and_the_same_graph_as_without(graph_dir: Path, tmp_path: Path) -> None:
    small, big = tmp_path / "small", tmp_path / "big"
    build(small, BuildOptions(graph_dir=graph_dir, reasoner="none", store_from=10**9))
    build(big, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    assert not (small / STORE_DIR).exists() and build_store(small) is None
    assert build_store(big) == big / STORE_DIR
    assert "store" in json.loads((big / MARKER).read_text())["files"]
    names = ["graph.trig", "graph.nt", "graph.ttl", "graph.jsonld", "report.json"]
    assert filecmp.cmpfiles(small, big, names, shallow=False)[0] == names
    build(big, BuildOptions(graph_dir=graph_dir, reasoner="none", store_from=0))  # a build with a store is replaced
    assert build_store(big) == big / STORE_DIR
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "graph", "small"]


def test_open_store_reads_the_builds_store_read_only_with_the_same_dataset(stored: Path) -> None:
    memory = ox.Store()
    load_dataset(memory, stored / "graph.trig")
    store = open_store(stored)
    named = {q for q in memory if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}
    assert {q for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))} == named
    assert len(store) == len(memory) and _count(store) == _count(memory) > 0
    # the default graph's blank nodes are those of the named graphs (the ontology's class expressions)
    joined = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isBlank(?s)) GRAPH ?g { ?s ?q ?r } }"
    assert _count_of(store, joined) == _count_of(memory, joined) > 0
    with pytest.raises(RuntimeError, match="read-write"):
        store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))


def test_a_changed_graph_trig_is_read_from_the_trig_not_the_store(stored: Path) -> None:
    with (stored / "graph.trig").open("a", encoding="utf-8") as trig:
        trig.write("\n<urn:g> { <urn:new> <urn:p> <urn:o> . }\n")
    assert build_store(stored) is None
    store = open_store(stored)
    assert store.query("ASK { <urn:new> <urn:p> <urn:o> }")


def test_a_copied_build_keeps_its_store(stored: Path, tmp_path: Path) -> None:
    trig = stored / "graph.trig"
    status = trig.stat()
    os.utime(trig, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))  # copied: a new time, the same bytes
    assert build_store(stored) == stored / STORE_DIR


def test_a_stamp_that_cannot_be_read_means_no_store(stored: Path) -> None:
    (stored / STORE_DIR / "smartcity-kg-store.json").write_text("{not json")
    assert build_store(stored) is None
    assert _count(open_store(stored)) > 0


def test_in_memory_loads_the_dataset_even_beside_the_builds_store(stored: Path) -> None:
    """Whole-graph work asks for memory: the same dataset, in a store that takes writes (not the read-only one)."""
    store = open_store(stored, in_memory=True)
    assert _count(store) == _count(open_store(stored)) > 0
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    assert not open_store(stored).query("ASK { <urn:s> <urn:p> <urn:o> }")
