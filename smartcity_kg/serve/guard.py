"""Checks a SPARQL query must pass before it is parsed or run: size, nesting, and what it may reach.

The HTTP endpoint is read-only and touches nothing outside its dataset. A query is scanned
as text first (cheap, and safe against inputs that crash parsers: pyoxigraph 0.5.13 ends the
whole process on a query nested ~2,500 levels deep) and refused when it is too long, nested
too deep, an update, or asks for ``SERVICE`` or ``FROM``/``FROM NAMED`` of a graph that the
dataset does not hold (a remote or ``file:`` IRI).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["Limits", "QueryRefused", "check_query", "query_form"]

_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_TOKEN = re.compile(
    r'(?P<comment>\#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)'
    r'|(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)'
    r'|(?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-.]*)?|:[A-Za-z0-9_\-.]*)'
    r'|(?P<open>[{(\[])|(?P<close>[})\]])'
    r'|(?P<other>\S)',
    re.DOTALL,
)


class QueryRefused(ValueError):
    """The query is refused before evaluation; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Limits:
    """The bounds a query must stay within."""

    max_length: int = 100_000  # characters
    max_depth: int = 64  # nested (), {} and []
    max_operators: int = 512  # operators in one expression


def check_query(text: str, graphs: Collection[str], limits: Limits = Limits()) -> None:
    """Refuse ``text`` unless it is a read-only query within ``limits`` that names only ``graphs``.

    ``graphs`` are the IRIs of the dataset's named graphs: the only ones ``FROM`` and
    ``FROM NAMED`` may name.

    Examples
    --------
    >>> check_query("SELECT * WHERE { ?s ?p ?o }", [])
    >>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", [])
    Traceback (most recent call last):
    ...
    smartcity_kg.serve.guard.QueryRefused: SERVICE is not allowed: this endpoint queries only its own dataset

    Raises
    ------
    QueryRefused
        With status 413 for a query that is too long, 400 otherwise.
    """
    if len(text) > limits.max_length:
        raise QueryRefused(f"the query has {len(text)} characters; the limit is {limits.max_length}", 413)
    depth = deepest = 0
    prefixes: dict[str, str] = {}
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"]
    unary = operators = 0
    for kind, value in tokens:
        # A long chain of operators (1+1+1…) nests the expression parser too: count the
        # operators between two separators of triple patterns.
        if kind == "other" and value in ".;,":
            operators = 0
        elif kind in ("open", "close") and value in "{}":
            operators = 0
        elif kind == "other" and value in "!-+*/<>=&|":
            operators += 1
        if operators > limits.max_operators:
            raise QueryRefused(f"the query is nested more than {limits.max_depth} levels deep: one expression "
                               f"chains more than {limits.max_operators} operators")
        # A run of prefix operators (!!!x, - - x) nests the parser as deeply as brackets do.
        unary = unary + 1 if kind == "other" and value in "!-+" else 0
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
        if deepest > limits.max_depth or unary > limits.max_depth:
            raise QueryRefused(f"the query is nested more than {limits.max_depth} levels deep")
    tokens = _split_glued_keywords(tokens)
    for index, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        word = value.upper()
        if word == "PREFIX" and index + 2 < len(tokens) and tokens[index + 2][0] == "iri":
            prefixes[tokens[index + 1][1].rstrip(":")] = tokens[index + 2][1][1:-1]
        elif word == "SERVICE":
            raise QueryRefused("SERVICE is not allowed: this endpoint queries only its own dataset")
        elif word in _UPDATE and ":" not in value:
            raise QueryRefused(f"{word} is an update: this endpoint is read-only")
        elif word == "FROM":
            following = tokens[index + 1: index + 3]
            if following and following[0][1].upper() == "NAMED":
                following = following[1:]
            iri = _iri(following[0] if following else None, prefixes)
            if iri is None or iri not in graphs:
                named = iri or (following[0][1] if following else "nothing")
                raise QueryRefused(f"FROM <{named}> names no graph of this dataset; remote and file: IRIs are refused")


_KEYWORDS = _UPDATE | {"SERVICE", "FROM", "NAMED"}


def _split_glued_keywords(tokens: list[tuple[str | None, str]]) -> list[tuple[str | None, str]]:
    """``SERVICE:x`` is the keyword SERVICE and the name ``:x`` to a SPARQL parser: split it so."""
    out: list[tuple[str | None, str]] = []
    for kind, value in tokens:
        prefix, colon, rest = value.partition(":")
        if kind == "word" and colon and prefix.upper() in _KEYWORDS:
            out += [("word", prefix), ("word", ":" + rest)]
        else:
            out.append((kind, value))
    return out


def _iri(token: tuple[str | None, str] | None, prefixes: dict[str, str]) -> str | None:
    if token is None:
        return None
    kind, value = token
    if kind == "iri":
        return value[1:-1]
    if kind == "word" and ":" in value:
        prefix, local = value.split(":", 1)
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def query_form(text: str) -> str | None:
    """The form of the query ``text``: SELECT, ASK, CONSTRUCT or DESCRIBE (``None`` if none).

    Examples
    --------
    >>> query_form("PREFIX ex: <http://example.org/> # a comment with ASK\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word" and match.group().upper() in _FORMS:
            return match.group().upper()
    return None
