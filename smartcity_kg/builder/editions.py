"""Editions of a source: when it was last published, retrieved and archived, and what it supersedes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..exceptions import InputError, Problem
from ..namespaces import DCTERMS, PROV
from ..terms import SCK
from .values import parse_temporal

if TYPE_CHECKING:
    from .sources import Source

__all__ = ["EDITION_KEYS", "Edition", "check_editions", "copies_ending", "copy_end", "edition_date", "edition_triples",
           "read_edition"]

#: The optional keys of a source record that describe its edition.
EDITION_KEYS = ("lastPublished", "retrieved", "archived", "supersedes", "coversUpTo")


@dataclass(frozen=True)
class Edition:
    """What a source record says of its edition; dates are (lexical value, XSD datatype IRI).

    The edition's date is ``lastPublished`` where the record gives it, else the record's
    ``date`` (when it was published); its form (``2021``, ``2021-11``, ``2021-11-13``) is its
    precision.
    """

    last_published: tuple[str, str] | None = None
    retrieved: tuple[str, str] | None = None
    archived: str | None = None
    supersedes: str | None = None
    #: Where the stored copy ends: a passage of the superseded edition's text up to which it runs.
    covers_up_to: str | None = None
    #: The line of each key in ``sources.yaml``, for errors found across records.
    lines: tuple[tuple[str, int], ...] = ()

    def line(self, key: str) -> int | None:
        """The line of ``key`` in the record, if the record has it."""
        return dict(self.lines).get(key)


def _bounds(value: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day that a checked year, month or day may mean."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = datetime.date(*parts)
        return day, day
    if len(parts) == 2:
        first = datetime.date(parts[0], parts[1], 1)
        after = datetime.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, after - datetime.timedelta(days=1)
    return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)


def read_edition(path: Path, values: MappingABC[str, str], lines: MappingABC[str, int],
                 date: tuple[str, str] | None, url_check: re.Pattern[str]) -> Edition | None:
    """The edition that a record's ``values`` (its text values by key) describe, or ``None``.

    ``url_check`` is the pattern that an archived copy's URL must match (the records' URL pattern).

    Raises
    ------
    InputError
        Naming the line: a date that is not a year, month or day; an archived copy that is not
        an http(s) URL; a record that supersedes itself; a copy retrieved before the edition's
        date.
    """
    if not any(key in values for key in EDITION_KEYS):
        return None
    last = parse_temporal(values["lastPublished"], path, lines["lastPublished"]) if "lastPublished" in values else None
    retrieved = parse_temporal(values["retrieved"], path, lines["retrieved"]) if "retrieved" in values else None
    archived = values.get("archived")
    if archived is not None and not url_check.match(archived):
        raise InputError.at(path, lines["archived"], f"archived: {archived!r} is not an http(s) URL of the archived copy")
    supersedes = values.get("supersedes")
    if supersedes is not None and supersedes == values.get("id"):
        raise InputError.at(path, lines["supersedes"], f"the source {supersedes!r} cannot supersede itself")
    edition = last or date
    if retrieved is not None and edition is not None and _bounds(retrieved[0])[1] < _bounds(edition[0])[0]:
        which = "lastPublished" if last else "date"
        raise InputError.at(path, lines["retrieved"], f"retrieved {retrieved[0]} is before the edition's date "
                                                      f"({which}: {edition[0]}); expected a retrieval on or after it")
    if last is not None and date is not None and _bounds(last[0])[1] < _bounds(date[0])[0]:
        raise InputError.at(path, lines["lastPublished"], f"lastPublished {last[0]} is before the first publication "
                                                          f"(date: {date[0]})")
    covers = values.get("coversUpTo")
    if covers is not None and supersedes is None:
        raise InputError.at(path, lines["coversUpTo"], "coversUpTo names a passage of the edition this one supersedes; "
                                                       "give supersedes too")
    kept = tuple((key, lines[key]) for key in EDITION_KEYS if key in values)
    return Edition(last, retrieved, archived, supersedes, covers, kept)


def edition_date(source: Source) -> tuple[str, str] | None:
    """The date of ``source``'s edition: when it was last published, else when it was published."""
    last = source.edition.last_published if source.edition is not None else None
    return last or source.date


def check_editions(sources: MappingABC[str, Source]) -> list[Problem]:
    """The problems of the editions of ``sources``: what supersedes names must be a source, once.

    An edition supersedes one source; a source is superseded by at most one edition; a chain
    of editions has no cycle; and a later edition is not dated before the one it supersedes.
    """
    problems: list[Problem] = []
    superseded_by: dict[str, Source] = {}
    for source in sources.values():
        older = source.edition.supersedes if source.edition is not None else None
        if older is None:
            continue
        line = source.edition.line("supersedes") if source.edition is not None else None
        if older not in sources:
            problems.append(Problem(source.path, line, f"supersedes {older!r}, which names no source record"))
            continue
        if older in superseded_by:
            first = superseded_by[older]
            problems.append(Problem(source.path, line, f"{older!r} is already superseded by {first.id!r} "
                                                       f"(line {first.line}); an edition is superseded by one edition"))
            continue
        superseded_by[older] = source
        covers = source.edition.covers_up_to if source.edition is not None else None
        if covers is not None and copy_end(covers, sources[older]) is None:
            problems.append(Problem(source.path, source.edition.line("coversUpTo") if source.edition else None,
                                    f"coversUpTo: the passage {covers[:60]!r} is not in the text of {older!r}; expected a "
                                    "passage of the superseded edition's text (its 'text:' file), where this copy ends"))
        new_date, old_date = edition_date(source), edition_date(sources[older])
        if new_date is not None and old_date is not None and _bounds(new_date[0])[1] < _bounds(old_date[0])[0]:
            problems.append(Problem(source.path, line, f"{source.id!r} (edition of {new_date[0]}) supersedes "
                                                       f"{older!r}, a later edition ({old_date[0]})"))
    for source in sources.values():  # a cycle is reported once, at its member with the first id
        chain, current = [source.id], source
        while len(chain) <= len(sources):
            older = current.edition.supersedes if current.edition is not None else None
            if older is None or older not in sources:
                break
            current = sources[older]
            chain.append(current.id)
            if current.id == source.id:
                if source.id == min(chain):
                    problems.append(Problem(source.path, source.edition.line("supersedes") if source.edition else None,
                                            f"a cycle of editions: {' supersedes '.join(chain)}"))
                break
    return problems


def copy_end(passage: str, older: Source) -> int | None:
    """Where, in ``older``'s text as quotes are compared, the ``passage`` ends; ``None`` if it is not there."""
    from .sources import quote_span

    span = quote_span(passage, older.text) if older.text is not None else None
    return span[1] if span is not None else None


def copies_ending(sources: MappingABC[str, Source]) -> dict[str, tuple[str, int]]:
    """For each edition superseded by one whose stored copy ends early (``coversUpTo``): the id of
    that later edition and where, in the older text, its copy ends."""
    out: dict[str, tuple[str, int]] = {}
    for source in sources.values():
        edition = source.edition
        if edition is None or edition.supersedes is None or edition.covers_up_to is None:
            continue
        older = sources.get(edition.supersedes)
        end = copy_end(edition.covers_up_to, older) if older is not None else None
        if end is not None:
            out[edition.supersedes] = (source.id, end)
    return out


def edition_triples(source: Source, subject: ox.NamedNode, base: str) -> list[ox.Triple]:
    """The RDF of ``source``'s edition, in Dublin Core, PROV and the provenance module's terms.

    ``dcterms:modified`` (last published), ``sck:retrievedOn``, ``sck:archivedAt``, and for a
    superseded source ``dcterms:replaces`` and ``prov:wasRevisionOf`` from the newer edition,
    ``dcterms:isReplacedBy`` from the older.
    """
    edition = source.edition
    if edition is None:
        return []
    out = []
    if edition.last_published is not None:
        value, datatype = edition.last_published
        out.append(ox.Triple(subject, ox.NamedNode(DCTERMS + "modified"), ox.Literal(value, datatype=ox.NamedNode(datatype))))
    if edition.retrieved is not None:
        value, datatype = edition.retrieved
        out.append(ox.Triple(subject, ox.NamedNode(SCK.retrievedOn), ox.Literal(value, datatype=ox.NamedNode(datatype))))
    if edition.archived is not None:
        out.append(ox.Triple(subject, ox.NamedNode(SCK.archivedAt), ox.NamedNode(edition.archived)))
    if edition.covers_up_to is not None:
        out.append(ox.Triple(subject, ox.NamedNode(SCK.copyCoversUpTo), ox.Literal(edition.covers_up_to)))
    if edition.supersedes is not None:
        older = ox.NamedNode(f"{base}source/{edition.supersedes}")
        out += [ox.Triple(subject, ox.NamedNode(DCTERMS + "replaces"), older),
                ox.Triple(subject, ox.NamedNode(PROV + "wasRevisionOf"), older),
                ox.Triple(older, ox.NamedNode(DCTERMS + "isReplacedBy"), subject)]
    return out
