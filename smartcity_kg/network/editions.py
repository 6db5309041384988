"""The edition of a source in force as of a date: the one rule that answers as of a date follow.

A source is an *edition* when it supersedes another source or is superseded by one
(``supersedes:`` in ``sources.yaml``). Its date is when it was last published, else when it
was published (either may be unknown). As of a date (the last day that a year or month may
mean), an edition is in force when

* it is not yet superseded: no later edition in its chain is dated on or before that day
  (a year or month counts from its first day), and
* it is already out: its own date, where known, is on or before that day.

An edition of unknown date is in force from the beginning until a later, dated edition
supersedes it; a later edition of unknown date supersedes nothing as of any date. Where the
stored copy of the later edition ends early (``coversUpTo:`` in ``sources.yaml``), a quote of
the older edition that lies after the copy's end (``sck:beyondCopyOf`` on its evidence) stays
in force: the later edition is not known to drop or reword it. A statement
counts as of the date while at least one of the sources stating it counts: every source that
is not an edition, and the editions in force. So a fact stated only by an edition superseded by
then is not in force, and a fact stated only by an edition published after then is not yet.

:func:`smartcity_kg.network.tenure.network_as_of` applies the rule to the network's ties; the
named queries ``market-insights`` and ``evidence`` apply the same comparisons in SPARQL to their
``asOf`` parameter.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..resources import shipped
from ..store.queries import load_query
from ..store.rdfio import select, value_of

__all__ = ["Editions", "Window", "load_editions"]


@dataclass(frozen=True)
class Window:
    """When an edition is in force: from its date's first day, until a later edition's first day."""

    start: datetime.date | None = None
    end: datetime.date | None = None


def _first_day(value: str) -> datetime.date | None:
    parts = value.split("-")
    try:
        return datetime.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


@dataclass(frozen=True)
class Editions:
    """The window of every source that is an edition, by source IRI; other sources are absent."""

    windows: dict[str, Window] = field(default_factory=dict)
    #: The (source, quote) pairs that lie beyond the stored copy of the edition superseding the source.
    beyond: frozenset[tuple[str, str]] = frozenset()

    def in_force(self, source: str, day: datetime.date, quote: str | None = None) -> bool:
        """Whether ``source`` (quoted by ``quote``) counts as of ``day``: not an edition, or the edition in
        force then; a quote beyond the stored copy of the superseding edition counts from its edition's date on.

        Examples
        --------
        >>> editions = Editions({"old": Window(None, datetime.date(2021, 11, 13)),
        ...                      "new": Window(datetime.date(2021, 11, 13), None)})
        >>> [editions.in_force(s, datetime.date(2015, 12, 31)) for s in ("old", "new", "article")]
        [True, False, True]
        >>> [editions.in_force(s, datetime.date(2021, 11, 13)) for s in ("old", "new", "article")]
        [False, True, True]
        """
        window = self.windows.get(source)
        if window is None:
            return True
        ended = window.end is not None and day >= window.end and (quote is None or (source, quote) not in self.beyond)
        return (window.start is None or window.start <= day) and not ended


def load_editions(store: ox.Store, *, directory: Path | None = None) -> Editions:
    """Read the editions of ``store``'s sources (``queries/time/source-editions.rq``; ``directory``: its folder)."""
    query = load_query((directory or shipped("queries") / "time") / "source-editions.rq").text
    starts: dict[str, datetime.date | None] = {}
    ends: dict[str, list[datetime.date]] = {}
    for row in select(store, query):
        source = value_of(row["source"])
        published, later = row["published"], row["later"]
        starts[source] = _first_day(published.value) if published is not None else None
        day = _first_day(later.value) if later is not None else None
        ends.setdefault(source, [])
        if day is not None:
            ends[source].append(day)
    beyond = load_query((directory or shipped("queries") / "time") / "beyond-copies.rq").text
    kept = frozenset((value_of(row["source"]), value_of(row["quote"])) for row in select(store, beyond))
    return Editions({source: Window(start, min(ends[source], default=None)) for source, start in starts.items()}, kept)
