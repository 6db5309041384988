"""Binding a query's parameters in its text, so that a SPARQL endpoint answers as pyoxigraph's substitutions do.

pyoxigraph's ``substitutions`` bind a variable before the query runs: every group of the
query sees it bound, those inside a ``UNION`` branch, an ``OPTIONAL``, a ``MINUS``, a ``GRAPH``
and a ``FILTER EXISTS`` too, and a sub-select sees it where it projects it (elsewhere a
sub-select's variable of the same name is another variable). A ``VALUES`` block first in
every such group gives the same answers from text alone, and an engine that does not carry an
outer ``VALUES`` into a ``UNION`` (Oxigraph's) still starts each branch from the bound terms.
The text is read with the project's SPARQL lexer (:mod:`.lexer`): braces in comments, strings
are not groups, nor are a ``CONSTRUCT`` template and a ``VALUES`` data block.
"""

from __future__ import annotations

from collections.abc import Mapping

from .lexer import Token, tokenize

__all__ = ["bind_values"]


def bind_values(text: str, bindings: Mapping[str, str]) -> str:
    """``text`` with a ``VALUES`` block binding each variable to its N-Triples term first in every group.

    ``bindings`` maps variable names (no ``?``) to terms written as N-Triples (by pyoxigraph,
    never spliced from user text). The groups are those of the ``WHERE`` clause at any depth;
    a sub-select's groups are bound only for the variables it projects.

    Examples
    --------
    >>> bind_values("SELECT ?x WHERE { ?x ?p ?c }", {"c": "<urn:c>"})
    'SELECT ?x WHERE { VALUES (?c) { (<urn:c>) } ?x ?p ?c }'
    >>> bind_values("SELECT * { { ?x ?p ?c } UNION { ?c ?p ?x } }", {"c": "<urn:c>"})  # doctest: +NORMALIZE_WHITESPACE
    'SELECT * { VALUES (?c) { (<urn:c>) } { VALUES (?c) { (<urn:c>) } ?x ?p ?c }
     UNION { VALUES (?c) { (<urn:c>) } ?c ?p ?x } }'
    >>> bind_values("CONSTRUCT { ?x ?p ?c } WHERE { ?x ?p ?c }", {"c": '"a {"'})
    'CONSTRUCT { ?x ?p ?c } WHERE { VALUES (?c) { ("a {") } ?x ?p ?c }'

    Raises
    ------
    ValueError
        If ``text`` has no group to bind in, or cannot be read as SPARQL (with the line and column).
    """
    if not bindings:
        return text
    tokens = tokenize(text, escapes_first=False)  # offsets into ``text`` as given
    inserts = _insertions(tokens, dict(bindings))
    if not inserts:
        raise ValueError("the query has no WHERE group to bind its parameters in")
    parts, start = [], 0
    for offset, block in inserts:
        parts += [text[start:offset], block]
        start = offset
    return "".join(parts) + text[start:]


def _values(bindings: Mapping[str, str]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    return f" VALUES ({names}) {{ ({' '.join(bindings.values())}) }}"


def _insertions(tokens: list[Token], bindings: dict[str, str]) -> list[tuple[int, str]]:
    """Where a ``VALUES`` block goes (the offset after each group's ``{``) and the block, in text order."""
    inserts: list[tuple[int, str]] = []
    scopes: list[dict[str, str]] = []  # the bindings inside each open brace
    opened: dict[int, dict[str, str]] = {}  # a sub-select's WHERE group, by token index: its bindings
    skip_to = -1  # the index of the "}" that closes a template or data block being skipped
    for index, token in enumerate(tokens):
        if index <= skip_to:
            continue
        word = token.text.upper() if token.kind == "word" else ""
        if word == "CONSTRUCT" and _next(tokens, index).upper() == "WHERE":
            raise ValueError("a CONSTRUCT WHERE query (the short form) has no group to bind its parameters in "
                             "but its template: write the template apart, as CONSTRUCT { … } WHERE { … }")
        if word == "VALUES" or (word == "CONSTRUCT" and _next(tokens, index) == "{"):
            skip_to = _close_of_flat_block(tokens, index)
        elif word == "SELECT" and scopes:
            where = _where_group(tokens, index)
            if where is not None:
                opened[where] = _projected(tokens, index, where, scopes[-1])
        elif token.text == "{":
            scope = opened.pop(index, scopes[-1] if scopes else bindings)
            scopes.append(scope)
            if scope and _next(tokens, index).upper() != "SELECT":
                inserts.append((token.offset + 1, _values(scope)))
        elif token.text == "}" and scopes:
            scopes.pop()
    return inserts


def _next(tokens: list[Token], index: int) -> str:
    return tokens[index + 1].text if index + 1 < len(tokens) else ""


def _close_of_flat_block(tokens: list[Token], index: int) -> int:
    """The index of the ``}`` closing the brace block after ``tokens[index]`` (a template or data: no groups inside)."""
    for later in range(index + 1, len(tokens)):
        if tokens[later].text == "}":
            return later
    return len(tokens)


def _where_group(tokens: list[Token], select: int) -> int | None:
    """The index of the ``{`` opening the WHERE group of the sub-select at ``select`` (outside its expressions)."""
    depth = 0
    for later in range(select + 1, len(tokens)):
        text = tokens[later].text
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text == "{" and depth == 0:
            return later
    return None


def _projected(tokens: list[Token], select: int, where: int, scope: dict[str, str]) -> dict[str, str]:
    """The bindings of ``scope`` that the sub-select's clause (``tokens[select:where]``) projects as they are."""
    named: set[str] = set()
    depth = 0
    for index in range(select + 1, where):
        token = tokens[index]
        depth += (token.text == "(") - (token.text == ")")
        if depth == 0 and token.text == "*":
            return dict(scope)
        if depth == 0 and token.kind == "var":  # ``(expr AS ?v)`` is inside parentheses: a new variable
            named.add(token.text[1:])
    return {name: term for name, term in scope.items() if name in named}
