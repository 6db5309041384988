"""Reading a guide's text (UTF-8 prose, or a clear refusal) and splitting it into sentences with pysbd."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import InputError
from ..limits import MAX_SOURCE_TEXT_BYTES, forbidden_character, line_of, read_capped, strip_bom

__all__ = ["Sentence", "read_text", "sentences"]

_WORD = re.compile(r"[^\W\d_]{2,}")
_LEAD = re.compile(r"^[\s•·▪●◦\-–*]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of the text: ``text[start:end]`` is ``sentence``, verbatim, without surrounding blanks or bullets."""

    start: int
    end: int
    text: str
    line: int


def read_text(path: Path) -> str:
    """The text of ``path``: UTF-8 prose of at most 20 MB (a byte-order mark dropped).

    Raises
    ------
    InputError
        If the file cannot be read, is not UTF-8, is empty, holds control characters, or is
        not prose (fewer than half of its non-blank characters are letters, or no sentence
        has three words).
    """
    raw = read_capped(path, MAX_SOURCE_TEXT_BYTES)
    try:
        text = strip_bom(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError.at(path, line, f"not UTF-8 text (byte {exc.start}: {raw[exc.start]:#04x}); "
                                        "save the text as UTF-8 first") from None
    check_prose(text, path)
    return text


def check_prose(text: str, path: Path | None = None) -> None:
    """Refuse a ``text`` that is empty, holds control characters or is not prose.

    Examples
    --------
    >>> check_prose("Copenhagen aims at becoming carbon-neutral by 2025.")
    >>> check_prose("1,2,3\\n4,5,6")
    Traceback (most recent call last):
    ...
    smartcity_kg.exceptions.InputError: <input>: not prose: ...
    """
    if not text.strip():
        raise InputError.at(path, None, "the text is empty; expected a guide's prose")
    bad = forbidden_character(text)
    if bad is not None:
        raise InputError.at(path, line_of(text, bad[0]), f"a control character ({bad[1]}) in the text; "
                                                         "expected prose")
    visible = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in visible)
    if letters < len(visible) / 2 or not re.search(r"[^\W\d_]{2,}(\W+[^\W\d_]{2,}){2}", text):
        raise InputError.at(path, None, f"not prose: {letters} of {len(visible)} characters are letters and "
                                        "expected sentences of words; give the guide's text, not a table or markup")
    if re.match(r"\s*(<[!?a-zA-Z]|[{\[])", text):
        raise InputError.at(path, 1, "not prose: the text starts like markup or JSON; give the guide's plain text")


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` (pysbd, English rules), each a verbatim span; a blank line ends a paragraph.

    Examples
    --------
    >>> [s.text for s in sentences("• Cisco came in 2014. It stayed.\\n")]
    ['Cisco came in 2014.', 'It stayed.']
    """
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    out: list[Sentence] = []
    counted, line = 0, 1
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        offset = paragraph.start()
        for span in segmenter.segment(paragraph.group().replace("\n", " ")):  # a wrapped line is no boundary
            start, end = offset + span.start, offset + span.end
            piece = text[start:end]
            lead = _LEAD.match(piece)
            start += lead.end() if lead else 0
            end = start + len(text[start:end].rstrip())
            if end > start and _WORD.search(text[start:end]):
                line += text.count("\n", counted, start)
                counted = start
                out.append(Sentence(start, end, text[start:end], line))
    return out
