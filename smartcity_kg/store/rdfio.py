"""Strict reading of RDF files: pyoxigraph's parsers, with errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError

__all__ = ["read_rdf", "select", "value_of"]

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def select(store: ox.Store, query: str, **options: object) -> ox.QuerySolutions:
    """Run the SELECT ``query`` over ``store`` and return its solutions."""
    solutions = store.query(query, **options)  # type: ignore[arg-type]
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("expected a SELECT query")
    return solutions


def value_of(term: object) -> str:
    """The IRI, blank-node id or lexical form of an RDF term; N-Triples for a triple term."""
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def read_rdf(path: Path) -> list[ox.Triple]:
    """Parse the RDF file ``path`` strictly and return its triples.

    RDF/XML that declares a ``<!DOCTYPE`` or ``<!ENTITY`` is refused before parsing: an
    entity of one kilobyte can expand to gigabytes.

    Raises
    ------
    InputError
        If the file is missing or unreadable, of an unknown format, or not valid RDF.
    """
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise InputError.at(path, None, f"unknown RDF file extension; expected one of {known}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError.at(path, None, "file not found") from None
    except OSError as exc:
        raise InputError.at(path, None, f"cannot read the file: {exc.strerror}") from None
    if fmt == ox.RdfFormat.RDF_XML:
        head = data.upper()
        for marker in (b"<!DOCTYPE", b"<!ENTITY"):
            if marker in head:
                line = data[: head.index(marker)].count(b"\n") + 1
                raise InputError.at(
                    path, line, f"RDF/XML with {marker.decode()} is refused; expected plain RDF/XML"
                )
    try:
        quads = list(ox.parse(input=data, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise InputError.at(path, exc.lineno, f"invalid {fmt.name}: {exc.msg}") from None
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
