"""Strict reading of RDF files: pyoxigraph's parsers, with errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import re

import pyoxigraph as ox

from ..exceptions import InputError
from ..limits import (MAX_MODULE_BYTES, MAX_TEXT_CHARS, check_characters, check_length, forbidden_character,
                      line_of, read_capped)

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
    entity of one kilobyte can expand to gigabytes. The file is parsed without a base IRI,
    so that a relative IRI is refused rather than resolved against this machine's path.
    A file holds at most ``MAX_MODULE_BYTES``; a UTF-8 byte-order mark at its start is
    accepted and dropped; control and format characters (see :mod:`smartcity_kg.limits`)
    are refused, written or escaped, and so is a literal longer than ``MAX_TEXT_CHARS``.

    Raises
    ------
    InputError
        If the file is missing or unreadable, not a regular file, too large, of an unknown
        format, not valid RDF, or holds a relative IRI, a control or format character, or a
        literal that is too long.
    """
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise InputError.at(path, None, f"unknown RDF file extension; expected one of {known}")
    data = read_capped(path, MAX_MODULE_BYTES)
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    text = _check_text(data, path)
    if fmt == ox.RdfFormat.RDF_XML:
        head = data.upper()
        for marker in (b"<!DOCTYPE", b"<!ENTITY"):
            if marker in head:
                line = data[: head.index(marker)].count(b"\n") + 1
                raise InputError.at(
                    path, line, f"RDF/XML with {marker.decode()} is refused; expected plain RDF/XML"
                )
    try:
        quads = list(ox.parse(input=data, format=fmt))
    except SyntaxError as exc:
        hint = "; a relative IRI, expected an absolute IRI" if "No scheme found" in exc.msg else ""
        raise InputError.at(path, exc.lineno, f"invalid {fmt.name}: {exc.msg}{hint}") from None
    for quad in quads:
        if isinstance(quad.object, ox.Literal):
            _check_literal(quad.object.value, text, path)
    return [q.triple for q in quads]


_BOM = "\ufeff".encode("utf-8")
# A numeric escape (\uXXXX, \UXXXXXXXX, &#NNN;, &#xHH;) not itself escaped by a backslash.
_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*(?:\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|&#x([0-9A-Fa-f]+);|&#([0-9]+);)")


def _check_literal(value: str, text: str | None, path: Path) -> None:
    """Refuse a literal longer than ``MAX_TEXT_CHARS`` (SHACL is quadratic in its length), or with
    a control character that an escape no pattern recognises produced."""
    if len(value) > MAX_TEXT_CHARS:
        found = text.find(value[:200]) if text is not None else -1
        check_length(value, MAX_TEXT_CHARS, path, line_of(text, found) if text and found >= 0 else None,
                     f"the literal {value[:40]!r}…")
    check_characters(value, path, None, f"the literal {value[:40]!r}")


def _check_text(data: bytes, path: Path) -> str | None:
    """Refuse control and format characters, written or escaped, naming their line; return the text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the parser names the line
    found = forbidden_character(text)
    if found is not None:
        check_characters(text, path, line_of(text, found[0]), "the file")
    for match in _ESCAPE.finditer(text):
        hexa = match.group(1) or match.group(2) or match.group(3)
        code = int(hexa, 16) if hexa else int(match.group(4))
        if code <= 0x10FFFF:
            check_characters(chr(code), path, line_of(text, match.start()), "an escape")
    return text
