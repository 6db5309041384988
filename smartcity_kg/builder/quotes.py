"""Why a quote is not in its source's text: the nearest passage and the first character that differs."""

from __future__ import annotations

import re
import unicodedata

from .sources import normalise_quote, quote_in_text

__all__ = ["explain_mismatch"]

_CONTEXT = 40
_SHORT = 5


def _longest_prefix(part: str, haystack: str, start: int) -> tuple[int, int]:
    """(length, position) of the longest prefix of ``part`` found in ``haystack`` from ``start`` (binary search)."""
    low, high, where = 0, len(part), start
    while low < high:
        middle = (low + high + 1) // 2
        found = haystack.find(part[:middle], start)
        if found >= 0:
            low, where = middle, found
        else:
            high = middle - 1
    return low, where


def _char(c: str) -> str:
    return f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"


def explain_mismatch(quote: str, text: str) -> str:
    """Say where ``quote`` departs from ``text``: the nearest passage and the first differing character.

    The comparison is the build's (whitespace and the kind of quotation marks aside); an
    ellipsis stands for an omission, so the first part not found in order is explained.
    Characters are counted in the quote as written, up to the part explained (blanks inside it
    counted as collapsed).

    Examples
    --------
    >>> print(explain_mismatch("Copenhagen - the capital", "It is Copenhagen – the capital of Denmark."))
    nearest passage: 'It is Copenhagen – the capital of Denmark.'; the first difference is at character 12 of the quote: the quote has '-' (U+002D HYPHEN-MINUS), the text '–' (U+2013 EN DASH)
    >>> print(explain_mismatch("Aarhus", "Copenhagen only"))
    no passage of the text begins or ends like the quote
    """
    haystack = normalise_quote(text)
    position = 0
    offset = 0  # characters of the quote before the part explained
    for raw in re.split(r"(…|\.\.\.)", quote):
        part = normalise_quote(raw)
        if raw in ("…", "...") or not part:
            offset += len(raw)
            continue
        found = haystack.find(part, position)
        if found >= 0:
            position = found + len(part)
            offset += len(raw)
            continue
        offset += len(raw) - len(raw.lstrip())
        length, where = _longest_prefix(part, haystack, position)
        if length >= _SHORT:
            passage = haystack[max(0, where - _CONTEXT):where + length + _CONTEXT]
            had = haystack[where + length] if where + length < len(haystack) else None
            theirs = _char(had) if had is not None else "nothing: the text ends there"
            return (f"nearest passage: {passage!r}; the first difference is at character "
                    f"{offset + length + 1} of the quote: the quote has {_char(part[length])}, the text {theirs}")
        tail = _longest_prefix(part[::-1], haystack[::-1], 0)[0]
        if tail >= _SHORT:
            end = haystack.find(part[len(part) - tail:], position)
            passage = haystack[max(0, end - _CONTEXT):end + tail]
            return (f"nearest passage: {passage!r}; the quote's last {tail} characters are there, and the "
                    f"text before them differs from the quote's {_char(part[len(part) - tail - 1])}")
        return "no passage of the text begins or ends like the quote"
    return "the quote is in the text" if quote_in_text(quote, text) else "the quote's parts are not in order"
