"""Reading the rows the network projection is made of: each node's types, each tie's rows merged by fact,
and the sources and quotes of the evidence, read once and joined to the projection queries' rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..exceptions import InputError
from ..namespaces import ONTOLOGY_IRI, OWL, RDF, RDFS
from ..resources import shipped
from ..store.queries import load_query
from ..store.rdfio import select

if TYPE_CHECKING:
    from .projection import Projection

__all__ = ["Cited", "Facts", "batches", "classes_of", "evidence_of", "evidence_sources", "facts", "instances", "network_query", "node_types",
           "restricted", "types_of"]

#: Each piece of evidence (its IRI) → its (source, quote) pairs, the quote ``None`` where there is none.
Cited = dict[str, tuple[tuple[str, "str | None"], ...]]
#: The facts' rows merged: (projection, a, b, fact) → the fact's dates and its (source, quote) pairs.
Facts = dict[tuple[str, str, str, "str | None"], tuple[set[str], set[tuple[str, "str | None"]]]]
_RDF_TYPE = ox.NamedNode(RDF + "type")
#: The classes whose instances are classes.
_META_CLASSES = (OWL + "Class", RDFS + "Class")
#: The nodes bound by one VALUES block when a query is asked of a remote store for a set of nodes.
_BATCH = 200


def network_query(name: str) -> str:
    """The text of the shipped query ``queries/network/{name}.rq``."""
    return load_query(shipped("queries") / "network" / f"{name}.rq").text


def evidence_sources(rows: Iterable[Any]) -> Cited:
    """Each piece of evidence's (source, quote) pairs, from rows of (evidence, source, quote)."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    for evidence, source, quote in rows:
        pair = (source.value, None if quote is None else quote.value)
        pairs = found.get(evidence.value)
        if pairs is None:
            found[evidence.value] = [pair]
        else:
            pairs.append(pair)
    return {evidence: tuple(pairs) for evidence, pairs in found.items()}


def evidence_of(groups: list[tuple[Projection, Any]]) -> set[str]:
    """The evidence (IRIs) that rows of ``groups`` selecting ``?evidence`` name."""
    return {row[4].value for _, rows in groups for row in rows if len(row) == 5 and isinstance(row[4], ox.NamedNode)}


def node_types(store: Any, nodes: Iterable[str]) -> dict[str, frozenset[str]]:
    """The types of ``nodes`` (IRIs): read from an embedded store's rdf:type triples of each node, as the query
    ``types`` would find them without its cost per row; asked of a remote one with that query, a batch of
    nodes at a time. The same nodes give the same mapping."""
    if isinstance(store, ox.Store):
        pattern, default = store.quads_for_pattern, ox.DefaultGraph()
        return types_of((q.subject, q.object) for node in nodes
                        for q in pattern(ox.NamedNode(node), _RDF_TYPE, None, default))
    query = network_query("types")
    return types_of(row for batch in batches(nodes) for row in select(store, restricted(query, "node", batch)))


def instances(store: Any, class_iri: str) -> list[str]:
    """The IRIs typed ``class_iri`` in the default graph of ``store`` (embedded or remote), in the order of their text."""
    if isinstance(store, ox.Store):
        found = {q.subject.value for q in store.quads_for_pattern(None, _RDF_TYPE, ox.NamedNode(class_iri), ox.DefaultGraph())
                 if type(q.subject) is ox.NamedNode}
        return sorted(found)
    query = restricted(network_query("types"), "type", [class_iri])
    return sorted({row["node"].value for row in select(store, query)})


def classes_of(store: Any) -> frozenset[str]:
    """The classes a user may name: of an embedded store, each class it declares (``owl:Class``, ``rdfs:Class``) that
    has an IRI as an instance, and the classes of the ontology's own terms (``owl:ObjectProperty``, …); of a
    remote one, every class with an IRI as an instance (the query ``classes``), which is the same set where
    every class is declared, as the ontology's are, at the cost of reading every rdf:type triple."""
    if not isinstance(store, ox.Store):
        return frozenset(row["class"].value for row in select(store, network_query("classes")))
    pattern, default, named = store.quads_for_pattern, ox.DefaultGraph(), ox.NamedNode
    found = {q.object.value for q in pattern(None, _RDF_TYPE, None, named(ONTOLOGY_IRI))
             if type(q.subject) is named and type(q.object) is named}
    for meta in _META_CLASSES:
        for declared in pattern(None, _RDF_TYPE, named(meta), default):
            kind = declared.subject
            if type(kind) is named and kind.value not in found and any(
                    type(q.subject) is named for q in pattern(None, _RDF_TYPE, kind, default)):
                found.add(kind.value)
    return frozenset(found)


def batches(nodes: Iterable[str], size: int = _BATCH) -> list[list[str]]:
    """``nodes`` in the order of their text, ``size`` at a time: the VALUES blocks of :func:`restricted`."""
    ordered = sorted(nodes)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def restricted(query: str, variable: str, nodes: list[str]) -> str:
    """``query`` with ``?variable`` bound to ``nodes`` by a VALUES block at the start of its WHERE.

    The nodes are IRIs of the graph itself, written as N-Triples terms by pyoxigraph.
    """
    position = query.upper().index("WHERE {") + len("WHERE {")
    values = " ".join(str(ox.NamedNode(node)) for node in nodes)
    return f"{query[:position]}\n  VALUES ?{variable} {{ {values} }}{query[position:]}"


def types_of(rows: Any) -> dict[str, frozenset[str]]:
    """Each node's types, from rows of (node, type); only IRIs count (as in the query ``types``)."""
    found: dict[str, set[str]] = {}
    named = ox.NamedNode
    for node, kind in rows:
        if type(node) is not named or type(kind) is not named:
            continue
        iri = node.value
        kinds = found.get(iri)
        if kinds is None:
            found[iri] = {kind.value}
        else:
            kinds.add(kind.value)
    shared: dict[frozenset[str], frozenset[str]] = {}  # nodes of one kind share one set
    return {node: shared.setdefault(kinds, kinds) for node, kinds in ((n, frozenset(k)) for n, k in found.items())}


def facts(groups: Iterable[tuple[Projection, Any]], cited_by: Cited) -> tuple[
               dict[tuple[str, str, str, str | None], tuple[set[str], set[tuple[str, str | None]]]], dict[str, Projection]]:
    """The rows merged by fact: (projection, ends, fact) → its dates and its (source, quote) pairs; and
    the projections by name.

    Rows whose ends are not both IRIs or are one node are left out; so are rows whose evidence has
    no source in ``cited_by``. (Which ends are terms of the schema or reified facts is known once
    the ends' types are read: the caller leaves those out.)
    """
    found: Facts = {}
    by_name: dict[str, Projection] = {}
    named = ox.NamedNode
    for projection, rows in groups:
        name = projection.name
        by_name[name] = projection
        for a, b, fact, date, pairs in _with_sources(projection, rows, cited_by):
            if type(a) is not named or type(b) is not named:
                continue
            a_iri, b_iri = a.value, b.value
            if a_iri == b_iri:
                continue
            key = (name, a_iri, b_iri, None if fact is None else fact.value)
            entry = found.get(key)
            if entry is None:
                entry = found[key] = (set(), set())
            if date is not None:
                entry[0].add(date.value)
            if pairs:
                entry[1].update(pairs)
    return found, by_name


def _with_sources(projection: Projection, rows: Iterable[Any],
                  cited_by: Cited) -> Iterator[tuple[Any, Any, Any, Any, Any]]:
    """The rows of ``projection`` as (a, b, fact, date, (source, quote) pairs), whether it selects
    ``?evidence`` (joined to ``cited_by``; a row whose evidence has none is left out) or ``?source ?quote``.

    Raises
    ------
    InputError
        If the rows have neither five nor six columns.
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    width = len(first)
    if width == 5:
        for a, b, fact, date, evidence in chain((first,), rows):
            if evidence is None:
                yield a, b, fact, date, ()
                continue
            pairs = cited_by.get(evidence.value)
            if pairs is not None:
                yield a, b, fact, date, pairs
    elif width == 6:
        for a, b, fact, date, source, quote in chain((first,), rows):
            yield a, b, fact, date, () if source is None else ((source.value, None if quote is None else quote.value),)
    else:
        raise InputError.at(projection.path, None, f"a projection query selects ?a ?b ?fact ?date ?evidence (or ?source "
                                                   f"?quote in its place), not {width} variables")
