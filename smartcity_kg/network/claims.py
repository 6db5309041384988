"""Dated claims read from the graph: the tenures of post holdings and the ends of facts.

A tie whose fact has no date is dated by its sources' publication dates. A tenure is a set of claims, each stated by one source: the start or the end of the holding,
an attestation (a date on which the source says the person held the post), the election that
gave the post, the start or end of the term the person was elected for, or the day the end was
announced. Two sources giving two starts are two claims; nothing here picks one. A holding may
name its successor's holding, and holdings that sources give for the same time contradict each
other. The queries are ``queries/time/*.rq``.
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
KINDS = ("start", "end", "attested", "elected", "term-start", "term-end", "end-announced")


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

    ``status`` is ``current`` (a start, attestations on both sides of the date, or a term
    that runs then, and no end by then), ``former`` (the tenure ended by then, or a named
    successor's began) or ``last attested`` (attested, or elected for a term, before the date
    and not since: not known to hold it still). ``since`` lists every source's start, so a
    disputed start shows as several. ``elected``, ``term_start`` and ``term_end`` give the
    election and the term where sources give them, ``announced`` the day the end was made
    known; ``successors`` and ``disputed_by`` name the holders of the holdings that succeed it
    or that the sources give instead of it.
    """

    post: str
    holding: str
    holder: str
    holder_label: str
    status: str
    since: tuple[Dated, ...] = ()
    until: tuple[Dated, ...] = ()
    attested: tuple[Dated, ...] = ()
    elected: tuple[Dated, ...] = ()
    term_start: tuple[Dated, ...] = ()
    term_end: tuple[Dated, ...] = ()
    announced: tuple[Dated, ...] = ()
    successors: tuple[str, ...] = ()
    disputed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimeFacts:
    """The tenure claims of post holdings, and the end dates of every fact that has one."""

    claims: tuple[Claim, ...] = ()
    ends: dict[str, tuple[str, ...]] | None = None
    #: The publication date of each source that gives one.
    sources: dict[str, str] | None = None
    #: For each holding, the holdings that succeed it and those that contradict it.
    successors: dict[str, tuple[str, ...]] | None = None
    rivals: dict[str, tuple[str, ...]] | None = None

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
    links: dict[str, dict[str, set[str]]] = {"succeeded-by": {}, "contradicts": {}}
    for row in select(store, _query("holding-links", directory)):
        holding, link, other = value_of(row["holding"]), value_of(row["link"]), value_of(row["other"])
        links[link].setdefault(holding, set()).add(other)
        if link == "contradicts":  # symmetric, whether or not the build reasoned
            links[link].setdefault(other, set()).add(holding)
    return TimeFacts(tuple(claims), {fact: tuple(sorted(dates)) for fact, dates in ends.items()}, source_dates,
                     *({h: tuple(sorted(o)) for h, o in links[k].items()} for k in ("succeeded-by", "contradicts")))
