"""Dated claims read from the graph: the tenures of post holdings and the ends of facts.

A tie whose fact has no date is dated by its sources' publication dates. A tenure is a set of claims, each stated by one source: the start or the end of the holding,
or an attestation (a date on which the source says the person held the post). Two sources
giving two starts are two claims; nothing here picks one. The queries are
``queries/time/*.rq``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..resources import shipped
from ..store.queries import load_query
from ..store.rdfio import select, value_of

__all__ = ["Claim", "Dated", "HolderClaim", "TimeFacts", "load_time_facts"]

#: The kinds of claim about a tenure.
KINDS = ("start", "end", "attested")


@dataclass(frozen=True)
class Claim:
    """One source's claim about a post holding: its start, its end, or a date it attests."""

    holding: str
    post: str
    holder: str
    kind: str
    date: str
    source: str


@dataclass(frozen=True)
class Dated:
    """A date as one source gives it."""

    date: str
    source: str
    source_label: str


@dataclass(frozen=True)
class HolderClaim:
    """Who holds (or held) a post as of a date, by what the sources say.

    ``status`` is ``current`` (a start, or attestations on both sides of the date, and no end
    by then), ``former`` (the tenure ended by then) or ``last attested`` (attested before the
    date and not since: not known to hold it still). ``since`` lists every source's start, so a
    disputed start shows as several.
    """

    post: str
    holding: str
    holder: str
    holder_label: str
    status: str
    since: tuple[Dated, ...] = ()
    until: tuple[Dated, ...] = ()
    attested: tuple[Dated, ...] = ()


@dataclass(frozen=True)
class TimeFacts:
    """The tenure claims of post holdings, and the end dates of every fact that has one."""

    claims: tuple[Claim, ...] = ()
    ends: dict[str, tuple[str, ...]] | None = None
    #: The publication date of each source that gives one.
    sources: dict[str, str] | None = None

    def end_of(self, fact: str | None) -> str | None:
        """The earliest end date recorded for ``fact``, or ``None`` if it is not known to have ended."""
        dates = (self.ends or {}).get(fact or "", ())
        return min(dates) if dates else None


def _query(name: str, directory: Path | None) -> str:
    return load_query((directory or shipped("queries") / "time") / f"{name}.rq").text


def load_time_facts(store: ox.Store, *, directory: Path | None = None) -> TimeFacts:
    """Read the tenure claims and the ends of facts from ``store`` (``directory``: the queries).

    Both queries return a row per dated claim, so they stay small beside the projection.
    """
    holding_rows = select(store, _query("post-holdings", directory))
    end_rows = select(store, _query("fact-ends", directory))
    source_dates = {value_of(r["source"]): value_of(r["date"]) for r in select(store, _query("source-dates", directory))}
    claims = sorted({Claim(value_of(r["holding"]), value_of(r["post"]), value_of(r["holder"]), value_of(r["claim"]),
                           value_of(r["date"]), value_of(r["source"])) for r in holding_rows},
                    key=lambda c: (c.post, c.holding, KINDS.index(c.kind), c.date, c.source))
    ends: dict[str, set[str]] = {}
    for row in end_rows:
        ends.setdefault(value_of(row["fact"]), set()).add(value_of(row["date"]))
    return TimeFacts(tuple(claims), {fact: tuple(sorted(dates)) for fact, dates in ends.items()}, source_dates)
