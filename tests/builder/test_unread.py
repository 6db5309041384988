"""Tests of smartcity_kg.builder.unread: the inferred graph is kept only where the rules read nothing that changed."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder import unread
from smartcity_kg.builder.cache import CACHE_FILE
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.builder.rules import infer
from smartcity_kg.namespaces import OWL, RDF, RDFS

N = ox.NamedNode
EX = "https://example.org/"
ONTOLOGY = [
    ox.Triple(N(EX + "partner"), N(RDF + "type"), N(OWL + "ObjectProperty")),
    ox.Triple(N(EX + "partner"), N(RDFS + "domain"), N(EX + "Firm")),
    ox.Triple(N(EX + "name"), N(RDFS + "range"), N(EX + "Name")),
    ox.Triple(N(EX + "Firm"), N(RDFS + "subClassOf"), N(EX + "Agent")),
]
A, B, C = N(EX + "a"), N(EX + "b"), N(EX + "c")
BEFORE = {ox.Triple(A, N(EX + "partner"), B), ox.Triple(A, N(RDFS + "label"), ox.Literal("A")),
          ox.Triple(A, N(EX + "name"), ox.Literal("a"))}
CHANGES = {  # (removed, added, inert?)
    "a label": ({ox.Triple(A, N(RDFS + "label"), ox.Literal("A"))}, {ox.Triple(A, N(RDFS + "label"), ox.Literal("Aa"))}, True),
    "a value of a property with a domain, replaced": (
        {ox.Triple(A, N(EX + "partner"), B)}, {ox.Triple(A, N(EX + "partner"), C)}, True),
    "a literal of a property with a range": ({ox.Triple(A, N(EX + "name"), ox.Literal("a"))}, set(), True),
    "a value of a property with a domain, removed": ({ox.Triple(A, N(EX + "partner"), B)}, set(), False),
    "an IRI value of a property with a range": (set(), {ox.Triple(A, N(EX + "name"), B)}, False),
    "a type": (set(), {ox.Triple(B, N(RDF + "type"), N(EX + "Firm"))}, False),
    "an axiom": (set(), {ox.Triple(N(EX + "Agent"), N(RDFS + "subClassOf"), N(EX + "Thing"))}, False),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_is_inert_exactly_where_the_rules_derive_the_same(change: tuple[set[ox.Triple], set[ox.Triple], bool]) -> None:
    removed, added, inert = change
    reads = unread._reads(ONTOLOGY + sorted(BEFORE, key=str))
    assert reads.inert(removed, added) is inert
    after = (BEFORE - removed) | added
    derived = [infer(ONTOLOGY + sorted(facts, key=str)).triples for facts in (BEFORE, after)]
    if inert:
        assert derived[0] == derived[1]


def test_a_rebuild_after_a_label_edit_keeps_the_inferred_graph_and_writes_what_a_full_run_writes(
        graph_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = BuildOptions(graph_dir=graph_dir)
    build(tmp_path / "again", options)
    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("label: Acme", "label: Acme Inc"), encoding="utf-8")
    build(tmp_path / "fresh", options)

    def refuse(*args: object, **kwargs: object) -> None:  # raised in the rules' child process, then by the build
        raise AssertionError("the rules ran again")

    monkeypatch.setattr("smartcity_kg.builder.rules.infer", refuse)
    build(tmp_path / "again", options)
    for name in ("graph.trig", "report.json", CACHE_FILE):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
