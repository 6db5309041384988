"""The build's dataset files written from one pyoxigraph store, in the store's order: no sort in Python.

The dataset's quads go once into an in-memory store: the named graphs and their merge in the
default graph. TriG and JSON-LD are read back from the named graphs, graph by graph in the
order of their IRIs; N-Triples and Turtle are dumped from the default graph by pyoxigraph.
Within a graph, the in-memory store gives quads in the reverse of the order they were added,
whatever the process, and the build adds them in the order it compiled them, which is fixed by
its input (the few quads with blank nodes, canonicalised, in the order of their text). So two
builds of the same input write the same bytes. Past a size, the build's on-disk store is then
filled from the same store (:func:`smartcity_kg.store.ondisk.write_build_store`).

The store keeps typed literals of XSD's value types by value (``"4.50"^^xsd:decimal`` comes
back as ``"4.5"``, ``"7"^^xsd:positiveInteger`` as ``"7"^^xsd:integer``). The quads whose literal it changed are written as the build gave them, in
place of the store's form, so the files hold exactly the build's terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..jsonld import write_compacted
from ..namespaces import PREFIXES, RDF, XSD
from ..store.ondisk import with_merge, write_build_store

__all__ = ["Tally", "canonical_quads", "write_dataset"]

_TYPE = ox.NamedNode(RDF + "type")
_STRING = ox.NamedNode(XSD + "string")
_Key = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.Literal, ox.NamedNode | ox.BlankNode | ox.DefaultGraph]


@dataclass
class Tally:
    """What the written dataset holds: quads per named graph, distinct triples, members per class."""

    graphs: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    classes: dict[str, int] = field(default_factory=dict)

    @property
    def quads(self) -> int:
        """The quads of all named graphs."""
        return sum(self.graphs.values())


def canonical_quads(graphs: Iterable[tuple[ox.NamedNode, Iterable[ox.Triple]]]) -> Iterator[ox.Quad]:
    """The triples of each named graph as quads, blank nodes given canonical labels.

    Only quads that hold a blank node (class expressions of an ontology: a few hundred, whatever
    the size of the graph) are held back and canonicalised; their labels depend on them alone.
    """
    blank: list[ox.Quad] = []
    for graph, triples in graphs:
        for t in triples:
            quad = ox.Quad(t.subject, t.predicate, t.object, graph)
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                blank.append(quad)
            else:
                yield quad
    dataset = ox.Dataset(blank)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    yield from sorted(dataset, key=str)  # a dataset's order changes from one process to the next


class _Literals:
    """The quads whose literal the store may keep in another form, seen on their way into it."""

    def __init__(self) -> None:
        self.seen: list[ox.Quad] = []

    def watch(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        for quad in quads:
            obj = quad.object
            if isinstance(obj, ox.Literal):
                datatype = obj.datatype
                if datatype != _STRING and datatype.value.startswith(XSD):  # kept by value: "007"^^xsd:int is "7"^^xsd:integer
                    self.seen.append(quad)
            yield quad

    def changed(self, store: ox.Store) -> dict[_Key, list[ox.Quad]]:
        """The store's form of each changed quad (in its named graph and in the default graph) → the build's quads."""
        stored_form: dict[ox.Literal, ox.Literal] = {}
        by_key: dict[_Key, dict[ox.Quad, None]] = {}
        for quad in self.seen:
            if quad.object not in stored_form:
                found = next(iter(store.quads_for_pattern(quad.subject, quad.predicate, quad.object, quad.graph_name)))
                stored_form[quad.object] = found.object
            kept = stored_form[quad.object]
            for graph in (quad.graph_name, ox.DefaultGraph()):
                key = (quad.subject, quad.predicate, kept, graph)
                by_key.setdefault(key, {})[ox.Quad(quad.subject, quad.predicate, quad.object, graph)] = None
        return {key: sorted(quads, key=str) for key, quads in by_key.items()
                if any(q.object != key[2] for q in quads)}


def _restored(quads: Iterable[ox.Quad], changed: dict[_Key, list[ox.Quad]]) -> Iterable[ox.Quad]:
    """``quads``, each one whose literal the store changed replaced by the build's quads."""
    return _replacing(quads, changed) if changed else quads


def _replacing(quads: Iterable[ox.Quad], changed: dict[_Key, list[ox.Quad]]) -> Iterator[ox.Quad]:
    for quad in quads:
        obj = quad.object
        if isinstance(obj, ox.Literal):
            originals = changed.get((quad.subject, quad.predicate, obj, quad.graph_name))
            if originals:
                yield from originals
                continue
        yield quad


def _named(store: ox.Store, changed: dict[_Key, list[ox.Quad]], tally: Tally) -> Iterator[ox.Quad]:
    """The quads of every named graph, graphs in the order of their names, each counted into ``tally``."""
    for graph in sorted(store.named_graphs(), key=str):
        count = 0
        for quad in _restored(store.quads_for_pattern(None, None, None, graph), changed):
            count += 1
            yield quad
        tally.graphs[graph.value] = count


def _members(store: ox.Store, skip: ox.NamedNode) -> dict[str, int]:
    """The distinct subjects typed with each named class in the named graphs other than ``skip``."""
    members: dict[str, set[ox.NamedNode | ox.BlankNode]] = {}
    for quad in store.quads_for_pattern(None, _TYPE, None, None):
        graph, klass = quad.graph_name, quad.object
        if isinstance(klass, ox.NamedNode) and not isinstance(graph, ox.DefaultGraph) and graph != skip:
            members.setdefault(klass.value, set()).add(quad.subject)
    return {iri: len(found) for iri, found in sorted(members.items())}


def write_dataset(folder: Path, quads: Iterable[ox.Quad], *, ontology: ox.NamedNode, store_from: int) -> Tally:
    """Write graph.trig, graph.nt, graph.ttl and graph.jsonld of ``quads`` into ``folder``, and tally them.

    With at least ``store_from`` quads, the build's on-disk store is written too. ``ontology``
    names the graph whose types are not counted as class members.
    """
    literals = _Literals()
    store = ox.Store()
    store.bulk_extend(with_merge(literals.watch(quads)))
    changed = literals.changed(store)
    tally = Tally()
    with (folder / "graph.jsonld").open("w", encoding="utf-8") as out:
        write_compacted(_named(store, changed, tally), out)
    ox.serialize(_named(store, changed, Tally()), str(folder / "graph.trig"), format=ox.RdfFormat.TRIG,
                 prefixes=PREFIXES)
    default = ox.DefaultGraph()
    for name, fmt, prefixes in (("graph.nt", ox.RdfFormat.N_TRIPLES, None), ("graph.ttl", ox.RdfFormat.TURTLE, PREFIXES)):
        if changed:
            triples = (ox.Triple(q.subject, q.predicate, q.object)
                       for q in _restored(store.quads_for_pattern(None, None, None, default), changed))
            ox.serialize(triples, str(folder / name), format=fmt, prefixes=prefixes)
        else:
            store.dump(str(folder / name), fmt, from_graph=default, prefixes=prefixes)
    # The store holds each quad once, in its form; the files hold each changed one as the build's quads.
    tally.triples = len(store) - tally.quads + sum(len(q) - 1 for q in changed.values())
    tally.classes = _members(store, ontology)
    if tally.quads >= store_from:
        write_build_store(folder, iter(store))
    return tally
