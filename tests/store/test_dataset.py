"""Tests of the embedded store: an on-disk store opens only in a folder that is ours."""

from __future__ import annotations

from pathlib import Path

import pytest

import pyoxigraph as ox

from smartcity_kg import open_store
from smartcity_kg.exceptions import OutputError
from smartcity_kg.store.dataset import dataset_store


def test_an_on_disk_store_is_made_and_reused(built: Path, tmp_path: Path) -> None:
    store = open_store(built, tmp_path / "store")
    count = len(store)
    del store
    stamp = (tmp_path / "store" / "smartcity-kg-build.sha256").read_text()
    assert len(open_store(built, tmp_path / "store")) == count
    assert (tmp_path / "store" / "smartcity-kg-build.sha256").read_text() == stamp


def test_a_store_is_not_opened_in_a_folder_of_someone_else(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.tex").write_text("mine")
    with pytest.raises(OutputError, match=r"documents: holds 1 entry that smartcity-kg did not write \(thesis\.tex\)"):
        open_store(built, folder)
    assert [p.name for p in folder.iterdir()] == ["thesis.tex"]
    assert (folder / "thesis.tex").read_text() == "mine"


def test_a_store_is_not_opened_in_the_build_folder(built: Path) -> None:
    with pytest.raises(OutputError, match="did not write"):
        open_store(built, built)


def test_the_store_of_a_dataset_in_memory_holds_what_its_trig_gives(built: Path) -> None:
    parsed: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=built / "graph.trig", format=ox.RdfFormat.TRIG, rename_blank_nodes=False):
        parsed.setdefault(quad.graph_name.value, []).append(quad.triple)
    store, loaded = dataset_store([parsed]), open_store(built, in_memory=True)
    assert len(store) == len(loaded)
    expected = ox.Store()  # a store's form of each term (its literals normalised), blank nodes as in the file
    expected.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, ts in parsed.items() for t in ts)
    assert {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)} == set(expected)
    assert {q.triple for q in store if isinstance(q.graph_name, ox.DefaultGraph)} == {q.triple for q in expected}
    assert any(isinstance(q.subject, ox.BlankNode) for q in store)  # kept with their labels, not renamed
