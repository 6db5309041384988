"""The build's dataset files written from one pyoxigraph store, in the store's order: no sort in Python.

The dataset's quads go once into an in-memory store: the named graphs and their merge in the
default graph. TriG and JSON-LD are read back from the named graphs, graph by graph in the
order of their IRIs; N-Triples and Turtle are dumped from the default graph by pyoxigraph.
Within a graph, the in-memory store gives quads in the reverse of the order they were added,
whatever the process, and the build adds them in the order it compiled them, which is fixed by
its input (the few quads with blank nodes, canonicalised, in the order of their text). So two
builds of the same input write the same bytes. Past a size, the build's on-disk store is then
filled from the same store (:func:`smartcity_kg.store.ondisk.write_build_store`).

A store keeps typed literals of XSD's types by value (``"4.50"^^xsd:decimal`` comes back as
``"4.5"``, ``"7"^^xsd:positiveInteger`` as ``"7"^^xsd:integer``), so the quads with such a
literal (dates, amounts: a few in a hundred) are set aside in Python, by graph and subject,
and written as the build gave them: in TriG and JSON-LD right after their subject's run of
quads, in N-Triples and Turtle after the store's dump (Turtle then declares its prefixes twice).
The on-disk store holds them as any store does.
"""

from __future__ import annotations

import itertools
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
_Subject = ox.NamedNode | ox.BlankNode | ox.Triple
_Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


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
            subject, obj = t.subject, t.object
            quad = ox.Quad(subject, t.predicate, obj, graph)
            if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode):
                blank.append(quad)
            else:
                yield quad
    dataset = ox.Dataset(blank)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    yield from sorted(dataset, key=str)  # a dataset's order changes from one process to the next


class _Aside:
    """The quads whose literal a store would keep in another form, kept out of it by graph and subject."""

    def __init__(self) -> None:
        self.by_graph: dict[_Graph, dict[_Subject, dict[ox.Quad, None]]] = {}

    def sift(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """The other quads, each followed by its triple in the default graph."""
        for quad in quads:
            obj = quad.object
            if isinstance(obj, ox.Literal):
                datatype = obj.datatype
                if datatype != _STRING and datatype.value.startswith(XSD):  # "007"^^xsd:int would be "7"^^xsd:integer
                    self.by_graph.setdefault(quad.graph_name, {}).setdefault(quad.subject, {})[quad] = None
                    continue
            yield quad
            yield ox.Quad(quad.subject, quad.predicate, obj)

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad set aside."""
        for subjects in self.by_graph.values():
            for quads in subjects.values():
                yield from quads

    def triples(self) -> list[ox.Triple]:
        """Their distinct triples, in the order first met."""
        return list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()))


def _graph(store: ox.Store, graph: _Graph, aside: dict[_Subject, dict[ox.Quad, None]]) -> Iterator[ox.Quad]:
    """The quads of ``graph``: the store's, each subject's quads set aside right after its run of them."""
    aside = dict(aside)
    previous = None
    for quad in store.quads_for_pattern(None, None, None, graph):
        subject = quad.subject
        if subject != previous:
            if previous is not None:
                yield from aside.pop(previous, ())
            previous = subject
        yield quad
    if previous is not None:
        yield from aside.pop(previous, ())
    for quads in aside.values():
        yield from quads


def _named(store: ox.Store, aside: _Aside, tally: Tally) -> Iterator[ox.Quad]:
    """The quads of every named graph, graphs in the order of their names, each counted into ``tally``."""
    for graph in sorted(set(store.named_graphs()) | set(aside.by_graph), key=str):
        count = 0
        for quad in _graph(store, graph, aside.by_graph.get(graph, {})):
            count += 1
            yield quad
        tally.graphs[str(graph) if isinstance(graph, ox.DefaultGraph) else graph.value] = count


def _members(store: ox.Store, skip: ox.NamedNode) -> dict[str, int]:
    """The distinct subjects typed with each named class in the named graphs other than ``skip``."""
    members: dict[str, set[_Subject]] = {}
    for graph in store.named_graphs():
        if graph == skip:
            continue
        for quad in store.quads_for_pattern(None, _TYPE, None, graph):
            if isinstance(quad.object, ox.NamedNode):
                members.setdefault(quad.object.value, set()).add(quad.subject)
    return {iri: len(found) for iri, found in sorted(members.items())}


def write_dataset(folder: Path, quads: Iterable[ox.Quad], *, ontology: ox.NamedNode, store_from: int) -> Tally:
    """Write graph.trig, graph.nt, graph.ttl and graph.jsonld of ``quads`` into ``folder``, and tally them.

    With at least ``store_from`` quads, the build's on-disk store is written too. ``ontology``
    names the graph whose types are not counted as class members.
    """
    aside = _Aside()
    store = ox.Store()
    store.bulk_extend(aside.sift(quads))
    tally = Tally()
    with (folder / "graph.jsonld").open("w", encoding="utf-8") as out:
        write_compacted(_named(store, aside, tally), out)
    ox.serialize(_named(store, aside, Tally()), str(folder / "graph.trig"), format=ox.RdfFormat.TRIG,
                 prefixes=PREFIXES)
    triples = aside.triples()
    for name, fmt, prefixes in (("graph.nt", ox.RdfFormat.N_TRIPLES, None), ("graph.ttl", ox.RdfFormat.TURTLE, PREFIXES)):
        store.dump(str(folder / name), fmt, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        if triples:
            with (folder / name).open("ab") as out:
                ox.serialize(triples, out, format=fmt, prefixes=prefixes)
    kept = sum(len(quads) for subjects in aside.by_graph.values() for quads in subjects.values())
    tally.triples = len(store) - (tally.quads - kept) + len(triples)
    tally.classes = _members(store, ontology)
    if tally.quads >= store_from:
        write_build_store(folder, itertools.chain(store, with_merge(aside.quads())))
    return tally
