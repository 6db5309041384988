"""Tests of smartcity_kg.builder.rewrite: a rewrite from a previous build writes what a build from nothing writes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.blocks import FILES
from smartcity_kg.builder.cache import graph_digests
from smartcity_kg.builder.rewrite import Earlier
from smartcity_kg.builder.writing import Tally, canonical_graphs, write_dataset
from smartcity_kg.namespaces import RDF, XSD
from smartcity_kg.store.ondisk import STORE_DIR, build_store

N = ox.NamedNode
EX = "https://example.org/"
ONTO = EX + "ontology"


def _t(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    return ox.Triple(N(EX + s), N(EX + p), N(EX + o) if isinstance(o, str) else o)


def _graphs(**changes: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    graphs = {
        ONTO: [ox.Triple(N(EX + "City"), N(RDF + "type"), N(EX + "Class")), _t("City", "p", ox.BlankNode("b"))],
        EX + "g/a": [_t("a", "near", "b"), ox.Triple(N(EX + "a"), N(RDF + "type"), N(EX + "City"))],
        EX + "g/b": [_t("a", "near", "b"), _t("b", "amount", ox.Literal("4.50", datatype=N(XSD + "decimal")))],
        EX + "g/c": [_t("c", "label", ox.Literal("C")), _t("b", "amount", ox.Literal("4.5", datatype=N(XSD + "decimal")))],
        EX + "g/d": [_t("d", "label", ox.Literal("D"))],
    }
    graphs.update(changes)
    return canonical_graphs((name, triples) for name, triples in graphs.items() if triples)


def _write(folder: Path, graphs: dict[str, list[ox.Triple]], earlier: Earlier | None = None) -> Tally:
    folder.mkdir()
    return write_dataset(folder, graphs, ontology=N(ONTO), store_from=1, digests=graph_digests(graphs), earlier=earlier)


def _earlier(folder: Path, tally: Tally) -> Earlier | None:
    graphs = {g: {"digest": tally.digests[g], "spans": spans} for g, spans in tally.spans.items()}
    return Earlier.from_record(folder, {"files": tally.files, "graphs": graphs})


def _store(folder: Path) -> set[ox.Quad]:
    return set(ox.Store.read_only(str(folder / STORE_DIR)))


CHANGES = {
    "a label edited": {EX + "g/d": [_t("d", "label", ox.Literal("D, renamed"))]},
    "a triple the merge held first in another graph left": {EX + "g/a": [_t("a", "type", "City")]},
    "a graph removed": {EX + "g/b": []},
    "a graph added": {EX + "g/0": [_t("c", "label", ox.Literal("C")), _t("z", "near", "a")]},
    "a value a store keeps in another form dropped": {EX + "g/b": [_t("a", "near", "b")]},
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_rewrite_writes_the_bytes_and_store_of_a_build_from_nothing(tmp_path: Path,
                                                                      change: dict[str, list[ox.Triple]]) -> None:
    before = _write(tmp_path / "before", _graphs())
    earlier = _earlier(tmp_path / "before", before)
    assert earlier is not None
    after = _write(tmp_path / "after", _graphs(**change), earlier)
    fresh = _write(tmp_path / "fresh", _graphs(**change))
    for name in FILES:
        assert (tmp_path / "after" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    assert (after.graphs, after.triples, after.classes, after.spans) == (fresh.graphs, fresh.triples, fresh.classes, fresh.spans)
    assert build_store(tmp_path / "after") is not None
    assert _store(tmp_path / "after") == _store(tmp_path / "fresh")
    assert _store(tmp_path / "after") != _store(tmp_path / "before")


def test_a_rewrite_copies_the_blocks_of_the_unchanged_graphs(tmp_path: Path) -> None:
    before = _write(tmp_path / "before", _graphs())
    earlier = _earlier(tmp_path / "before", before)
    assert earlier is not None
    trig = tmp_path / "before" / "graph.trig"
    start, length = before.spans[EX + "g/c"]["graph.trig"]
    data = trig.read_bytes()
    marked = data[:start] + data[start:start + length].replace(b'"C"', b'"X"') + data[start + length:]
    trig.write_bytes(marked)  # the same size: only the recorded digest tells the files apart
    assert _earlier(tmp_path / "before", before) is None
    earlier = Earlier(earlier.folder, earlier.digests, earlier.spans)  # as if the edit had gone unseen
    _write(tmp_path / "after", _graphs(**CHANGES["a label edited"]), earlier)
    assert b'"X"' in (tmp_path / "after" / "graph.trig").read_bytes()
