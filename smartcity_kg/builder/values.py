"""Typing of the text values of fact sheets against the ranges the ontology declares."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError
from ..namespaces import XSD

__all__ = ["check_slug", "parse_temporal", "typed_literal"]

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PATTERNS = {
    XSD + "gYear": (re.compile(r"^[0-9]{4}$"), "a year such as 2014"),
    XSD + "gYearMonth": (re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$"), "a month such as 2014-05"),
    XSD + "date": (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), "a date such as 2014-05-28"),
    XSD + "decimal": (re.compile(r"^-?[0-9]+(\.[0-9]+)?$"), "a number such as 400000000000 or 4.4"),
    XSD + "integer": (re.compile(r"^-?[0-9]+$"), "a whole number"),
    XSD + "positiveInteger": (re.compile(r"^[1-9][0-9]*$"), "a whole number of at least 1"),
    XSD + "nonNegativeInteger": (re.compile(r"^[0-9]+$"), "a whole number of at least 0"),
    XSD + "anyURI": (re.compile(r"^https?://[^\s<>\"{}|\\^`]+$"), "an http(s) IRI"),
}


def check_slug(value: str, path: Path, line: int) -> None:
    """Refuse an id that is not a readable slug (lowercase letters, digits, hyphens)."""
    if not _SLUG.match(value):
        raise InputError.at(path, line, f"id {value!r} is not a slug; expected lowercase letters, digits and single hyphens")


def _valid(value: str, datatype: str) -> bool:
    pattern = _PATTERNS.get(datatype)
    if pattern is None:
        return True
    if not pattern[0].match(value):
        return False
    if datatype == XSD + "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
    return True


def typed_literal(value: str, datatypes: tuple[str, ...], path: Path, line: int,
                  language: str | None = None) -> ox.Literal:
    """Return ``value`` as a literal of the first of ``datatypes`` that it is valid for.

    Examples
    --------
    >>> typed_literal("2014-05", (XSD + "date", XSD + "gYearMonth"), Path("x.yaml"), 3).datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'

    Raises
    ------
    InputError
        If ``value`` is valid for none of them; the message says what was expected.
    """
    value = value.strip()
    for datatype in datatypes:
        if datatype == XSD + "string":
            return ox.Literal(value, language=language) if language else ox.Literal(value)
        if _valid(value, datatype):
            return ox.Literal(value, datatype=ox.NamedNode(datatype))
    wanted = " or ".join(_PATTERNS.get(d, (None, d))[1] for d in datatypes)
    raise InputError.at(path, line, f"{value!r} is not {wanted}")


def parse_temporal(value: str, path: Path, line: int) -> tuple[str, str]:
    """Read a day, month or year and return (lexical value, XSD datatype IRI)."""
    literal = typed_literal(value, (XSD + "date", XSD + "gYearMonth", XSD + "gYear"), path, line)
    return literal.value, literal.datatype.value
