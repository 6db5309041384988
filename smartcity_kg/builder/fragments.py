"""The fragments of a quote: its parts between omissions, each as its source's text writes it."""

from __future__ import annotations

import bisect
import functools
import re

import pyoxigraph as ox

from ..namespaces import OA, RDF, XSD
from ..terms import SCK
from .sources import normalise_quote

__all__ = ["quote_fragments", "selector_triples"]

_OMISSION = re.compile(r"…|\.\.\.")
_WORD = re.compile(r"\S+")


@functools.lru_cache(maxsize=4)
def _index(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` as quotes are compared (:func:`~smartcity_kg.builder.sources.normalise_quote`), with
    where each of its words starts there and in ``text``: one pass per source, however many quotes."""
    starts, origins = [], []
    position = 0
    for word in _WORD.finditer(text):  # quotation marks are made plain one for one: offsets hold
        starts.append(position)
        origins.append(word.start())
        position += word.end() - word.start() + 1
    return normalise_quote(text), starts, origins


def _original(offset: int, starts: list[int], origins: list[int]) -> int:
    """Where the character at ``offset`` of the normalised text is in the text (inside a word)."""
    word = bisect.bisect_right(starts, offset) - 1
    return origins[word] + offset - starts[word]


def quote_fragments(quote: str, text: str | None) -> list[str] | None:
    """The parts of ``quote`` between omissions (``…`` or ``...``), each copied from ``text``.

    Each part is found in ``text`` after the one before it, as the build compares quotes (blanks
    and the kind of quotation marks aside), and is returned as ``text`` writes it, so that it
    occurs there verbatim: a Web Annotation ``oa:exact``. Where there is no ``text``, the parts
    are returned as quoted, blanks collapsed.

    Returns ``None`` where a part is not in ``text`` in order.

    Examples
    --------
    >>> quote_fragments("the “Smart City” … in 2025", 'It is the "Smart\\nCity" plan, done in 2025.')
    ['the "Smart\\nCity"', 'in 2025']
    >>> quote_fragments("Copenhagen  aims", None)
    ['Copenhagen aims']
    >>> quote_fragments("2025 … Copenhagen", "Copenhagen aims at 2025") is None
    True
    """
    parts = [part for part in (normalise_quote(piece) for piece in _OMISSION.split(quote)) if part]
    if text is None:
        return parts
    # A part (blanks collapsed, no blank at either end) occurs in the normalised text exactly where
    # it occurs in the text with any blanks between its words and any kind of quotation mark.
    haystack, starts, origins = _index(text)
    found, position = [], 0
    for part in parts:
        at = haystack.find(part, position)
        if at < 0:
            return None
        position = at + len(part)
        found.append(text[_original(at, starts, origins):_original(position - 1, starts, origins) + 1])
    return found


def selector_triples(selector: ox.NamedNode, quote: str, fragments: list[str],
                     language: str | None) -> list[ox.Triple]:
    """The triples of a quote selector: the quote as the fact sheet writes it (``sck:quote``, in the
    source's language) and one ``sck:QuoteFragment`` (an ``oa:TextQuoteSelector``) per fragment,
    ``selector/fragment-N``, whose ``oa:exact`` is the fragment verbatim."""
    kind = ox.NamedNode(RDF + "type")
    out = [ox.Triple(selector, kind, ox.NamedNode(SCK.QuoteSelector)),
           ox.Triple(selector, ox.NamedNode(SCK.quote), ox.Literal(quote, language=language))]
    for n, exact in enumerate(fragments, start=1):
        fragment = ox.NamedNode(f"{selector.value}/fragment-{n}")
        out += [ox.Triple(selector, ox.NamedNode(SCK.fragment), fragment),
                ox.Triple(fragment, kind, ox.NamedNode(SCK.QuoteFragment)),
                ox.Triple(fragment, ox.NamedNode(OA + "exact"), ox.Literal(exact)),
                ox.Triple(fragment, ox.NamedNode(SCK.fragmentIndex), ox.Literal(str(n), datatype=ox.NamedNode(XSD + "positiveInteger")))]
    return out
