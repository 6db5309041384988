"""Source records (title, publisher, URL, date, licence) and checks of quotes against texts."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .._yaml import Mapping, Scalar, Sequence, read_yaml
from ..exceptions import InputError, Problem
from ..limits import MAX_LABEL_CHARS, MAX_SOURCE_TEXT_BYTES, MAX_TEXT_CHARS, check_length, read_capped, strip_bom
from .editions import EDITION_KEYS, Edition, check_editions, read_edition
from .values import check_slug, parse_temporal

__all__ = ["UNTITLED", "Source", "load_sources", "normalise_quote", "quote_in_text", "quote_span"]

#: The title of a source whose page shows none.
UNTITLED = "title not shown"
_KINDS = ("guide", "study", "article", "press-release", "web-page", "register", "blog-post")
_REQUIRED = ("id", "title", "publisher", "kind", "language")
_OPTIONAL = ("url", "date", "licence", "text", "note")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Source:
    """One source document, as its record in ``sources.yaml`` describes it."""

    id: str
    title: str
    publisher: str
    url: str | None
    kind: str
    language: str
    path: Path
    line: int
    date: tuple[str, str] | None = None  # (lexical value, XSD datatype IRI)
    #: Its edition: last published, retrieved, archived, the source it supersedes (``editions.py``).
    edition: Edition | None = None
    licence: str | None = None
    text: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        """How answers name the source: its title, or its publisher where the page shows no title."""
        return f"{self.publisher} ({UNTITLED})" if self.title == UNTITLED else self.title


def load_sources(path: Path) -> dict[str, Source]:
    """Read the source records of ``path`` (a ``sources.yaml``), keyed by id.

    Raises
    ------
    InputError
        Naming the file and line of each problem: an unknown or missing key, a duplicate
        id, a bad date, URL or language tag, or a text file that cannot be read.
    """
    root = read_yaml(path)
    if not isinstance(root, Mapping) or set(root.values) != {"sources"}:
        raise InputError.at(path, root.line, "expected a mapping with the single key 'sources'")
    records = root.values["sources"]
    if not isinstance(records, Sequence):
        raise InputError.at(path, records.line, "'sources' must be a list of records")
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for record in records.items:
        try:
            source = _record(path, record)
        except InputError as exc:
            problems += exc.problems
            continue
        if source.id in sources:
            first = sources[source.id].line
            problems.append(Problem(path, source.line, f"duplicate source id {source.id!r} (first at line {first})"))
            continue
        sources[source.id] = source
    problems += check_editions(sources)
    if problems:
        raise InputError(problems)
    return sources


def _record(path: Path, node: object) -> Source:
    if not isinstance(node, Mapping):
        raise InputError.at(path, getattr(node, "line", None), "expected a source record (a mapping)")
    values: dict[str, str] = {}
    for key, value in node.values.items():
        line = node.keys[key]
        if key not in _REQUIRED + _OPTIONAL + EDITION_KEYS:
            allowed = ", ".join(_REQUIRED + _OPTIONAL + EDITION_KEYS)
            raise InputError.at(path, line, f"unknown key {key!r}; expected one of {allowed}")
        if not isinstance(value, Scalar):
            raise InputError.at(path, line, f"{key!r} must be a single text value")
        values[key] = value.value.strip()
        check_length(values[key], MAX_LABEL_CHARS if key in ("title", "publisher") else MAX_TEXT_CHARS,
                     path, line, repr(key))
    # A document that is not on the web (a dossier compiled for the project) has no URL: its text is kept instead.
    missing = [k for k in _REQUIRED[:3] + ("url",) + _REQUIRED[3:] if k not in values and (k != "url" or "text" not in values)]
    if missing:
        raise InputError.at(path, node.line, f"missing {', '.join(missing)} in source record")
    check_slug(values["id"], path, node.keys["id"])
    if values["kind"] not in _KINDS:
        raise InputError.at(path, node.keys["kind"], f"unknown kind {values['kind']!r}; expected one of {', '.join(_KINDS)}")
    if not _LANGUAGE.match(values["language"]):
        raise InputError.at(path, node.keys["language"], f"{values['language']!r} is not a language tag such as 'en' or 'da'")
    for key in ("url", "licence"):
        if key in values and not _URL.match(values[key]):
            raise InputError.at(path, node.keys[key], f"{values[key]!r} is not an http(s) URL")
    date = None
    if "date" in values:
        date = parse_temporal(values["date"], path, node.keys["date"])
    text = _text(path, values["text"], node.keys["text"]) if "text" in values else None
    return Source(
        id=values["id"], title=values["title"], publisher=values["publisher"], url=values.get("url"),
        kind=values["kind"], language=values["language"], path=path, line=node.line, date=date,
        licence=values.get("licence"), text=text, note=values.get("note"),
        edition=read_edition(path, values, node.keys, date, _URL),
    )


def _text(path: Path, name: str, line: int) -> str:
    """The source text ``name``: a regular file in the folder of ``path``, at most 20 MB of UTF-8."""
    folder = path.parent.resolve()
    written = Path(name)
    if written.is_absolute() or ".." in written.parts:
        raise InputError.at(path, line, f"the source text {name!r} must be a file name relative to {path.parent}, "
                                        "without '..'")
    text_path = path.parent / written
    if not text_path.resolve().is_relative_to(folder):
        raise InputError.at(path, line, f"the source text {name!r} leads out of {path.parent} (a symbolic link)")
    try:
        return strip_bom(read_capped(text_path, MAX_SOURCE_TEXT_BYTES).decode("utf-8"))
    except InputError as exc:
        reason = exc.problems[0].message
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
    raise InputError.at(path, line, f"cannot read the source text {text_path}: {reason}")


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def _normalise(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def normalise_quote(text: str) -> str:
    """``text`` as quotes are compared: blanks collapsed, typographic quotation marks made plain.

    >>> normalise_quote("the  “Smart City”\\n approach")
    'the "Smart City" approach'
    """
    return _normalise(text)


@functools.lru_cache(maxsize=4)
def _haystack(text: str) -> str:
    """``text`` normalised once per source, however many quotes it is searched for (20 MB: 0.2 s)."""
    return _normalise(text)


def quote_span(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` starts and ends in ``text`` as quotes are compared (blanks collapsed, quotation
    marks made plain; an ellipsis is an omission), or ``None`` where it does not occur.

    Examples
    --------
    >>> quote_span("aims … 2025", "Copenhagen  aims at 2025.")
    (11, 23)
    """
    haystack = _haystack(text)
    parts = [part for part in (_normalise(piece) for piece in re.split(r"…|\.\.\.", quote)) if part]
    if not parts or not re.search(r"\w", quote):
        return None
    start, position = None, 0
    for part in parts:
        found = haystack.find(part, position)
        if found < 0:
            return None
        start = found if start is None else start
        position = found + len(part)
    return (start or 0), position


def quote_in_text(quote: str, text: str) -> bool:
    """Whether ``quote`` occurs in ``text``, whitespace and quotation marks aside.

    An ellipsis (``…`` or ``...``) in the quote stands for an omission: the parts around it
    must occur in order.

    Examples
    --------
    >>> quote_in_text("the “Smart City” approach", 'is the "Smart City"\\n approach.')
    True
    >>> quote_in_text("Copenhagen … 2025", "Copenhagen aims at 2025")
    True
    >>> quote_in_text("2025 … Copenhagen", "Copenhagen aims at 2025")
    False
    >>> quote_in_text("…", "Copenhagen aims at 2025")
    False
    """
    return quote_span(quote, text) is not None
