"""Compacted JSON-LD for the dataset: the shipped ``context.jsonld`` and a streaming writer that uses it.

The context names the project's namespaces and the vocabularies it uses as prefixes, so the
dump reads ``"sck:partner": {"@id": "id:cisco"}`` instead of full IRIs. It is a file of the
package (:data:`CONTEXT_FILE`), published by ``smartcity-kg serve`` at ``/context.jsonld``,
and copied into the dump so that the dump reads offline.

Writing is one pass over quads grouped by graph, so its cost grows with the dataset, not
with a JSON-LD processor's compaction algorithm; the tests check that pyld expands the result
back to the same dataset.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

__all__ = ["CONTEXT_FILE", "CONTEXT_PATH", "compact_iri", "context", "write_compacted"]

#: The context shipped with the package.
CONTEXT_FILE = Path(__file__).resolve().parent / "context.jsonld"
#: Where ``smartcity-kg serve`` publishes it, under the server's root.
CONTEXT_PATH = "/context.jsonld"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def context() -> dict[str, str]:
    """The prefixes of the shipped context: name → namespace IRI (a copy: change it freely)."""
    return dict(_context())


@lru_cache(maxsize=1)
def _context() -> dict[str, str]:
    document = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    return dict(document["@context"])


def compact_iri(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """``iri`` as ``prefix:local`` with the longest namespace of the context it starts with, else unchanged.

    An IRI stays whole where its local part would begin with ``//`` (JSON-LD reads that as an
    absolute IRI). An IRI whose scheme is one of the prefixes (``id:x`` where ``id`` names a
    namespace) cannot be written at all: JSON-LD would read it as a compact IRI, so it is refused.

    Raises
    ------
    ValueError
        If ``iri`` would be read back as another IRI: its scheme is a prefix and no namespace fits.

    Examples
    --------
    >>> compact_iri("https://w3id.org/smartcity-kg/id/cisco")
    'id:cisco'
    >>> compact_iri("https://w3id.org/smartcity-kg/ontology#partner")
    'sck:partner'
    >>> compact_iri("https://example.org/other")
    'https://example.org/other'
    >>> compact_iri("id:cisco")
    Traceback (most recent call last):
    ...
    ValueError: the IRI 'id:cisco' cannot be written in JSON-LD with this context: 'id' is a prefix of it
    """
    if prefixes is None or prefixes is _context():
        return _compact_in_context(iri)
    return _compact(iri, _longest_first(tuple(prefixes.items())))


@lru_cache(maxsize=1 << 16)
def _compact_in_context(iri: str) -> str:
    """:func:`compact_iri` with the shipped context, remembered for the classes and properties met again and again."""
    return _compact(iri, _context_order())


def _compact(iri: str, ordered: list[tuple[str, str]]) -> str:
    for namespace, name in ordered:
        if iri.startswith(namespace) and not iri.startswith("//", len(namespace)):
            return f"{name}:{iri[len(namespace):]}"
    scheme, colon, rest = iri.partition(":")
    if colon and not rest.startswith("//") and any(scheme == name for _, name in ordered):
        raise ValueError(f"the IRI {iri!r} cannot be written in JSON-LD with this context: {scheme!r} is a prefix of it")
    return iri


@lru_cache(maxsize=1)
def _context_order() -> list[tuple[str, str]]:
    return _longest_first(tuple(_context().items()))


@lru_cache(maxsize=8)
def _longest_first(prefixes: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(namespace, prefix) pairs, longest namespace first (ties in the context's order)."""
    return sorted(((namespace, name) for name, namespace in prefixes), key=lambda pair: -len(pair[0]))


def _term(term: object, prefixes: dict[str, str]) -> Any:
    """An object of a triple in compacted form."""
    if isinstance(term, ox.NamedNode):
        return {"@id": compact_iri(term.value, prefixes)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == _XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": compact_iri(term.datatype.value, prefixes)}
    raise ValueError(f"JSON-LD 1.1 has no form for the term {term}")


def _subject_id(term: object, prefixes: dict[str, str]) -> str:
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    raise ValueError(f"JSON-LD 1.1 has no form for the subject {term}")


def _node(subject: object, triples: Iterable[ox.Quad], prefixes: dict[str, str]) -> dict[str, Any]:
    """One node object: its id, types and properties (in the order first met), a single value unwrapped."""
    node: dict[str, Any] = {"@id": _subject_id(subject, prefixes)}
    by_predicate: dict[str, list[object]] = {}
    for q in triples:
        by_predicate.setdefault(q.predicate.value, []).append(q.object)
    for predicate, objects in by_predicate.items():
        if predicate == _RDF_TYPE and all(isinstance(o, ox.NamedNode) for o in objects):
            key, values = "@type", [compact_iri(o.value, prefixes) for o in objects]  # type: ignore[attr-defined]
        else:
            key, values = compact_iri(predicate, prefixes), [_term(o, prefixes) for o in objects]
        node[key] = values[0] if len(values) == 1 else values
    return node


def _graphs(quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> Iterator[tuple[str | None, Iterator[dict[str, Any]]]]:
    for graph, in_graph in groupby(quads, key=lambda q: q.graph_name):
        name = None if isinstance(graph, ox.DefaultGraph) else _subject_id(graph, prefixes)
        yield name, (_node(subject, group, prefixes) for subject, group in groupby(in_graph, key=lambda q: q.subject))


def write_compacted(quads: Iterable[ox.Quad], out: IO[str]) -> None:
    """Write ``quads`` as compacted JSON-LD with the shipped context copied in.

    ``quads`` must come grouped by graph; a run of quads with one subject is one node object
    (a subject met again later in its graph gives another node object with the same ``@id``,
    which JSON-LD merges). Each named graph is a node with an ``@graph``; the default graph's
    nodes, if any, come first.
    """
    prefixes = _context()
    out.write('{\n  "@context": ' + json.dumps(prefixes, ensure_ascii=False, sort_keys=True) + ',\n  "@graph": [')
    first = True
    for graph, nodes in _graphs(quads, prefixes):
        if graph is None:
            for node in nodes:
                out.write(("\n    " if first else ",\n    ") + json.dumps(node, ensure_ascii=False))
                first = False
            continue
        out.write(("\n    " if first else ",\n    ") + '{"@id": ' + json.dumps(graph, ensure_ascii=False) + ', "@graph": [')
        first = False
        for position, node in enumerate(nodes):
            out.write(("\n      " if position == 0 else ",\n      ") + json.dumps(node, ensure_ascii=False))
        out.write("\n    ]}")
    out.write("\n  ]\n}\n")
