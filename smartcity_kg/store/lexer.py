"""A lexer for SPARQL 1.1 query text that follows the grammar of the recommendation (section 19).

The guard reads a query with it before any parser sees the text, so it must never see less
than a parser would: codepoint escapes (``\\u0053`` is ``S``) are processed first, as
section 19.2 says; comments start at ``#`` outside IRIs and strings and end at CR or LF;
IRIs and the four string forms are lexed as the grammar defines them; and ``<`` is an IRI
only where the grammar can start one (after an operand inside an expression it is the
less-than operator, so ``FILTER(?a<#>`` starts a comment). Text that cannot be lexed is an
error with its line and column, never skipped.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["LexError", "Token", "tokenize", "unescape"]

_HEX_ESCAPE = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\\\"']"
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_EXPONENT = r"[eE][+-]?[0-9]+"


def _strings(escape: str) -> str:
    return (f"'''(?:(?:'|'')?(?:[^'\\\\]|{escape}))*'''"
            f'|"""(?:(?:"|"")?(?:[^"\\\\]|{escape}))*"""'
            f"|'(?:[^'\\\\\\n\\r]|{escape})*'"
            f'|"(?:[^"\\\\\\n\\r]|{escape})*"')


def _rules(escape: str, iri: str) -> re.Pattern[str]:
    return re.compile("|".join([
        r"(?P<space>[ \t\r\n]+)", r"(?P<comment>#[^\r\n]*)",
        f"(?P<string>{_strings(escape)})", f"(?P<iri>{iri})",
        f"(?P<var>[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*)",
        f"(?P<bnode>_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
        f"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)", r"(?P<word>[A-Za-z][A-Za-z0-9_]*)",
        f"(?P<number>[0-9]+\\.[0-9]*{_EXPONENT}|[0-9]*\\.[0-9]+(?:{_EXPONENT})?|[0-9]+(?:{_EXPONENT})?)",
        r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
        r"(?P<open>[{(\[])", r"(?P<close>[})\]])",
        r"(?P<punct>\^\^|&&|\|\||!=|<=|>=|[.,;*/+\-!=<>|^?])",
    ]))


_IRI_CHAR = "[^<>\"{}|^`\\\\\\x00-\\x20]"
#: After escape processing (the recommendation's reading) and before it (escapes stay inside
#: strings and IRIs, as pyoxigraph reads them); a query must pass the check in both readings.
_SPEC = _rules(_ECHAR, f"<{_IRI_CHAR}*>")
_RAW = _rules(f"{_ECHAR}|{_HEX_ESCAPE}", f"<(?:{_IRI_CHAR}|{_HEX_ESCAPE})*>")
_OPERAND_END = {"var", "iri", "pname", "string", "number", "langtag"}
_LITERAL_WORDS = {"A", "TRUE", "FALSE", "UNDEF"}
_MODIFIERS = {"SELECT", "GROUP", "ORDER", "HAVING", "BY"}
_CLAUSE_ENDS = {"WHERE", "LIMIT", "OFFSET", "VALUES"}


_LESS_THAN = re.compile(r"(?P<punct><=|<)")


class Token(NamedTuple):
    """One token: its kind (``word``, ``iri``, ``string``, ``open``, ``punct``…), text and offset."""

    kind: str
    text: str
    offset: int


class LexError(ValueError):
    """Text that is not SPARQL's, with the line and column where reading stopped."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} at line {line}, column {column}")
        self.line, self.column = line, column


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return before.count("\n") + before.count("\r") - before.count("\r\n") + 1, offset - line_start + 1


def unescape(text: str) -> str:
    r"""Apply SPARQL's codepoint escapes (``\uXXXX``, ``\UXXXXXXXX``) once, before lexing.

    Examples
    --------
    >>> unescape(r"\u0053ERVICE")
    'SERVICE'

    Raises
    ------
    LexError
        For an escape that names no character (a surrogate or past U+10FFFF).
    """
    def replace(match: re.Match[str]) -> str:
        code = int(match.group()[2:], 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise LexError(f"{match.group()} names no character", *_position(text, match.start()))
        return chr(code)

    return re.sub(_HEX_ESCAPE, replace, text)


def _opens_expression(stack: list[str], before: list[Token], modifiers: bool) -> bool:
    """Whether a ``(`` here opens an expression (not a collection or a VALUES row)."""
    previous = before[-1] if before else None
    if stack and stack[-1] == "expr":
        return True
    if not stack:  # the select clause and the solution modifiers
        return previous is None or previous.text.upper() != "VALUES"
    if stack[-1] == "data":
        return False
    if modifiers:  # a subquery's select clause, GROUP BY, HAVING or ORDER BY
        return True
    if previous is None:
        return False
    if previous.kind == "word":
        return previous.text.upper() not in _LITERAL_WORDS
    # A function call by IRI right after FILTER: FILTER <f>(…), FILTER ex:f(…)
    return previous.kind in ("iri", "pname") and len(before) > 1 and before[-2].text.upper() == "FILTER"


def tokenize(text: str, *, escapes_first: bool = True) -> list[Token]:
    """The tokens of ``text`` (comments and white space dropped).

    With ``escapes_first`` the codepoint escapes are processed first, as the recommendation
    says; without it they are read only inside strings and IRIs, as pyoxigraph reads them.

    Examples
    --------
    >>> [t.text for t in tokenize("SELECT * WHERE { #\\rSERVICE <x:y> {} }")]
    ['SELECT', '*', 'WHERE', '{', 'SERVICE', '<x:y>', '{', '}', '}']
    >>> [t.kind for t in tokenize("FILTER(?a<?b&&?b>?a)")][2:5]
    ['var', 'punct', 'var']

    Raises
    ------
    LexError
        At the first character that starts no token (an unterminated string or IRI, a stray
        character).
    """
    source = unescape(text) if escapes_first else text
    rules = _SPEC if escapes_first else _RAW
    tokens: list[Token] = []
    stack: list[str] = []  # "{", "[", "expr" or "data" for each open bracket
    modifiers = False
    position = 0
    while position < len(source):
        match = rules.match(source, position)
        less_than = bool(stack) and stack[-1] == "expr" and _ends_operand(tokens)
        if match is not None and match.lastgroup == "iri" and less_than:
            match = _LESS_THAN.match(source, position)  # after an operand, < is less-than, not an IRI
        elif match is not None and match.lastgroup == "punct" and match.group()[0] == "<" and not less_than:
            match = None  # where no operand comes before, < can only start an IRI
        if match is None or not match.group():
            raise LexError(_what_stops(source, position), *_position(source, position))
        position = match.end()
        kind = match.lastgroup or ""
        if kind in ("space", "comment"):
            continue
        token = Token(kind, match.group(), match.start())
        if kind == "word":
            word = token.text.upper()
            modifiers = (modifiers or word in _MODIFIERS) and word not in _CLAUSE_ENDS
        if kind == "open":
            if token.text == "(":
                stack.append("expr" if _opens_expression(stack, tokens, modifiers) else "data")
            else:
                stack.append(token.text)
                modifiers = False
        elif kind == "close" and stack:
            closed = stack.pop()  # popped whatever the modifiers: `and` would skip it when they are off
            modifiers = modifiers and closed != "{"
        tokens.append(token)
    return tokens


def _ends_operand(tokens: list[Token]) -> bool:
    last = tokens[-1] if tokens else None
    return last is not None and (last.kind in _OPERAND_END or last.text in (")", "]")
                                 or last.text.upper() in ("TRUE", "FALSE"))


def _what_stops(source: str, position: int) -> str:
    char = source[position]
    if char in "\"'":
        return "a string that is not closed (or holds a bad escape)"
    if char == "<":
        return "an IRI that is not closed (or holds a character IRIs may not hold)"
    if char == "\\":
        return "an escape outside a string or IRI"
    return f"the character {char!r}, which starts nothing in SPARQL,"
