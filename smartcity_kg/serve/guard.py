"""Checks a SPARQL query must pass before it is parsed or run: size, nesting, and what it may reach.

The HTTP endpoint is read-only and touches nothing outside its dataset. A query is read as
tokens first (:mod:`smartcity_kg.store.lexer`, which follows the grammar: escapes, comments ended by CR or LF,
IRIs and strings), cheap and safe against inputs that crash parsers (pyoxigraph 0.5.13 ends
the whole process on a query nested ~2,500 levels deep), and refused when it cannot be read,
is too long, nested too deep, an update, or asks for ``SERVICE`` or ``FROM``/``FROM NAMED``
of a graph that the dataset does not hold (a remote or ``file:`` IRI). Keywords glue to what
comes before them in pyoxigraph (``trueSERVICE``), so any word holding SERVICE is refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..store.lexer import LexError, Token, tokenize

__all__ = ["Limits", "QueryRefused", "check_query", "query_form"]

_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


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
    # Read the text as the recommendation does (escapes first) and as pyoxigraph does
    # (escapes inside strings and IRIs only); what either reading refuses is refused.
    for escapes_first in (False, True):
        try:
            tokens = tokenize(text, escapes_first=escapes_first)
        except LexError as error:
            raise QueryRefused(f"the query cannot be read: {error}") from None
        _check_nesting(tokens, limits)
        _check_reach(_split_glued_keywords(tokens), graphs)


def _check_nesting(tokens: list[Token], limits: Limits) -> None:
    """Refuse brackets nested deeper than the limit, and operator chains that nest as deeply."""
    depth = deepest = unary = operators = 0
    for kind, value, _ in tokens:
        # A long chain of operators (1+1+1…) nests the expression parser too: count the
        # operators between two separators of triple patterns.
        if value in (".", ";", ",", "{", "}") and kind in ("punct", "open", "close"):
            operators = 0
        elif kind == "punct" and value in ("!", "-", "+", "*", "/", "<", ">", "=", "&&", "||", "!=", "<=", ">="):
            operators += 1
        if operators > limits.max_operators:
            raise QueryRefused(f"the query is nested more than {limits.max_depth} levels deep: one expression "
                               f"chains more than {limits.max_operators} operators")
        # A run of prefix operators (!!!x, - - x) nests the parser as deeply as brackets do.
        unary = unary + 1 if kind == "punct" and value in ("!", "-", "+") else 0
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        inner = _iri_depth(value) if kind == "iri" else 0  # brackets an IRI holds count too
        deepest = max(deepest, depth + inner)
        if deepest > limits.max_depth or unary > limits.max_depth:
            raise QueryRefused(f"the query is nested more than {limits.max_depth} levels deep")


def _iri_depth(iri: str) -> int:
    depth = deepest = 0
    for char in iri:
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        deepest = max(deepest, depth)
    return deepest


def _check_reach(tokens: list[Token], graphs: Collection[str]) -> None:
    """Refuse SERVICE, updates, and FROM or FROM NAMED of a graph outside ``graphs``."""
    prefixes: dict[str, str] = {}
    for index, (kind, value, _) in enumerate(tokens):
        word = value.upper()
        if kind == "pname":
            word = word.split(":", 1)[0]
        elif kind not in ("word", "langtag"):
            continue
        if "SERVICE" in word:  # keywords glue to what comes before them: trueSERVICE, SERVICESILENT
            raise QueryRefused("SERVICE is not allowed: this endpoint queries only its own dataset")
        if kind != "word":
            continue
        if word == "PREFIX" and index + 2 < len(tokens) and tokens[index + 2].kind == "iri":
            prefixes[tokens[index + 1].text.rstrip(":")] = tokens[index + 2].text[1:-1]
        elif word in _UPDATE:
            raise QueryRefused(f"{word} is an update: this endpoint is read-only")
        elif word.startswith("FROM"):
            _check_from(word, tokens[index + 1: index + 3], prefixes, graphs)


def _check_from(word: str, following: list[Token], prefixes: dict[str, str], graphs: Collection[str]) -> None:
    if word not in ("FROM", "FROMNAMED"):
        raise QueryRefused(f"{word} is not a keyword of SPARQL: write FROM or FROM NAMED apart")
    if word == "FROM" and following and following[0].text.upper() == "NAMED":
        following = following[1:]
    iri = _iri(following[0] if following else None, prefixes)
    if iri is None or iri not in graphs:
        named = iri or (following[0].text if following else "nothing")
        raise QueryRefused(f"FROM <{named}> names no graph of this dataset; remote and file: IRIs are refused")


_KEYWORDS = _UPDATE | {"SERVICE", "FROM", "NAMED"}


def _split_glued_keywords(tokens: list[Token]) -> list[Token]:
    """``FROM:x`` is the keyword FROM and the name ``:x`` to a SPARQL parser: split it so."""
    out: list[Token] = []
    for kind, value, offset in tokens:
        prefix, colon, rest = value.partition(":")
        if kind == "pname" and prefix.upper() in _KEYWORDS:
            out += [Token("word", prefix, offset), Token("pname", ":" + rest, offset + len(prefix))]
        else:
            out.append(Token(kind, value, offset))
    return out


def _iri(token: Token | None, prefixes: dict[str, str]) -> str | None:
    if token is None:
        return None
    kind, value, _ = token
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
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
    try:
        tokens = tokenize(text, escapes_first=False)
    except LexError:
        return None
    for token in tokens:
        if token.kind == "word" and token.text.upper() in _FORMS:
            return token.text.upper()
    return None
