"""Tests of smartcity_kg.builder.writing: the dataset files written from one store, as the build gave them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from smartcity_kg.builder.writing import canonical_graphs, write_dataset
from smartcity_kg.namespaces import RDF, XSD
from smartcity_kg.store.ondisk import STORE_DIR, build_store

N = ox.NamedNode
EX = "https://example.org/"
G1, G2, ONTO = N(EX + "graph/one"), N(EX + "graph/two"), N(EX + "ontology")
FILES = ("graph.trig", "graph.nt", "graph.ttl", "graph.jsonld")


def _t(s: str, p: str, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> ox.Triple:
    return ox.Triple(N(EX + s), N(EX + p), o)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=N(XSD + datatype))


#: Literals that a store keeps by value, in another form ("4.5", "7"^^xsd:integer, "true"), beside plain ones.
GRAPHS = [
    (ONTO, [ox.Triple(N(EX + "City"), N(RDF + "type"), N(EX + "Class"))]),
    (G1, [_t("a", "amount", _typed("4.50", "decimal")), _t("a", "amount", _typed("4.5", "decimal")),
          _t("a", "rank", _typed("007", "positiveInteger")), _t("a", "flag", _typed("1", "boolean")),
          ox.Triple(N(EX + "a"), N(RDF + "type"), N(EX + "City")), _t("a", "label", ox.Literal("A"))]),
    (G2, [_t("a", "amount", _typed("4.50", "decimal")), _t("b", "year", _typed("2014", "gYear")),
          _t("b", "near", ox.BlankNode("x")), ox.Triple(N(EX + "b"), N(RDF + "type"), N(EX + "City"))]),
]
GIVEN = {ox.Quad(t.subject, t.predicate, t.object, g) for g, triples in GRAPHS for t in triples}


def _write(folder: Path, store_from: int = 10**9) -> dict[str, object]:
    folder.mkdir()
    tally = write_dataset(folder, canonical_graphs((g.value, t) for g, t in GRAPHS), ontology=ONTO, store_from=store_from)
    return {"graphs": tally.graphs, "quads": tally.quads, "triples": tally.triples, "classes": tally.classes}


def _same_up_to_blank_labels(quads: set[ox.Quad]) -> set[str]:
    return {str(q).replace(str(q.object), "_:b") if isinstance(q.object, ox.BlankNode) else str(q) for q in quads}


def test_the_files_hold_the_literals_as_given_not_as_a_store_keeps_them(tmp_path: Path) -> None:
    tally = _write(tmp_path / "out")
    trig = set(ox.parse(path=str(tmp_path / "out" / "graph.trig")))
    assert _same_up_to_blank_labels(trig) == _same_up_to_blank_labels(GIVEN)
    triples = {ox.Quad(q.subject, q.predicate, q.object) for q in trig}
    for name in ("graph.nt", "graph.ttl"):
        assert set(ox.parse(path=str(tmp_path / "out" / name))) == triples, name
    assert set(ox.parse(path=str(tmp_path / "out" / "graph.jsonld"))) == trig
    assert tally == {"graphs": {str(ONTO.value): 1, G1.value: 6, G2.value: 4}, "quads": 11, "triples": len(triples),
                     "classes": {EX + "City": 2}}
    assert len(triples) == 10  # "4.50" stated in two graphs is one triple


def test_writing_twice_in_two_processes_gives_the_same_bytes(tmp_path: Path) -> None:
    script = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]); "
              "import test_writing as t; t._write(Path(sys.argv[1]))")
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed), str(Path(__file__).parent)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
    for name in FILES:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_the_on_disk_store_is_written_from_a_size_and_holds_the_store_s_forms(tmp_path: Path) -> None:
    _write(tmp_path / "small", store_from=12)
    assert not (tmp_path / "small" / STORE_DIR).exists()
    _write(tmp_path / "big", store_from=11)
    assert build_store(tmp_path / "big") == tmp_path / "big" / STORE_DIR
    store = ox.Store.read_only(str(tmp_path / "big" / STORE_DIR))
    named = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
    default = [q for q in store if isinstance(q.graph_name, ox.DefaultGraph)]
    assert len(named) == 10 and len(default) == 9  # "4.50" and "4.5" are one value to a store
    assert {ox.Quad(q.subject, q.predicate, q.object) for q in named} == set(default)


def test_blank_node_triples_come_last_canonical_in_the_order_of_their_text_and_marked_by_graph() -> None:
    triples = [_t("a", "near", ox.BlankNode("x")), _t("a", "label", ox.Literal("A")),
               ox.Triple(ox.BlankNode("x"), N(EX + "p"), ox.BlankNode("y")), _t("b", "near", ox.BlankNode("y"))]
    forward, backward = ([str(t) for t in canonical_graphs([(G1.value, given)])[G1.value]] for given in (triples, triples[::-1]))
    assert forward[0] == backward[0] == f'<{EX}a> <{EX}label> "A"'
    assert forward[1:] == backward[1:] == sorted(forward[1:])
    assert all("_:c14n" in t for t in forward[1:]) and len(forward) == 4
    other = [str(t) for t in canonical_graphs([(G2.value, triples)])[G2.value]]
    assert not set(other[1:]) & set(forward[1:])  # the same blank nodes in another graph are other nodes
