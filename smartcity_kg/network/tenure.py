"""Answers as of a date: the age of each tie's evidence, its cost, and who holds a post then.

An as-of date is a year, a month or a day, and stands for the last day of that period, so
that evidence dated within it counts. A tie whose fact's every date lies after the as-of date
did not exist yet and is left out; a tie whose fact has no date is as old as the newest source
stating it by then (a source published later does not date the fact, so the tie is kept) and
otherwise of unknown age. Each tie's cost grows with the age of its newest evidence by the
rule in :mod:`smartcity_kg.network.projection`'s header: ``cost × (1 + age in years /
AGEING_YEARS)``, where an unknown age counts as ``UNKNOWN_AGE_YEARS``. Before any of this, a
tie keeps only the evidence of sources in force then (:mod:`smartcity_kg.network.editions`):
a tie stated only by editions superseded by then, or published after then, is left out.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..exceptions import QueryError
from ..namespaces import SCK
from .claims import Claim, Dated, HolderClaim, TimeFacts
from .collector import collector_paused
from .editions import Editions
from .paths import Path
from .projection import AGEING_YEARS, UNKNOWN_AGE_YEARS, Network, Tie

__all__ = ["ACCEPTED_FORMS", "AsOf", "DatedNetworks", "age_in_months", "first_day", "holders_as_of", "last_day", "network_as_of",
           "parse_as_of", "with_holders"]

#: The forms an as-of date may take, as error messages name them.
ACCEPTED_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2015-06 or 2015-06-30)"
_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_HOLDER_RELATION = "post-holder"


@functools.lru_cache(maxsize=65536)
def _bounds(value: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day that a year, month or day may mean; ``None`` if it is none.

    Remembered: a network's ties carry few distinct dates, each read again for every tie and as-of date.
    """
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return datetime.date(year or 1, 1, 1), datetime.date(year or 1, 12, 31)
        first = datetime.date(year or 1, month, day or 1)
        if day is not None:
            return first, first
        after = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, after - datetime.timedelta(days=1)
    except ValueError:
        return None


def last_day(value: str) -> datetime.date:
    """The last day that ``value`` may mean (``datetime.date.min`` if it is not a date)."""
    bounds = _bounds(value)
    return bounds[1] if bounds else datetime.date.min


def first_day(value: str) -> datetime.date:
    """The first day that ``value`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) may mean.

    Examples
    --------
    >>> first_day("2020-10")
    datetime.date(2020, 10, 1)
    """
    bounds = _bounds(value)
    return bounds[0] if bounds else datetime.date.max


#: :func:`first_day`, remembered: the ties of a network carry few distinct dates, each read for every tie.
_first_day = functools.lru_cache(maxsize=65536)(first_day)


@dataclass(frozen=True)
class AsOf:
    """The date an answer holds for: ``text`` as given, ``day`` the last day it may mean."""

    text: str
    day: datetime.date


def parse_as_of(text: str | None, *, today: datetime.date | None = None) -> AsOf:
    """Read an as-of date; ``None`` means today.

    Examples
    --------
    >>> parse_as_of("2015").day
    datetime.date(2015, 12, 31)

    Raises
    ------
    QueryError
        If ``text`` is not a year, a month or a day; the message gives the accepted forms.
    """
    if text is None:
        day = today or datetime.date.today()
        return AsOf(day.isoformat(), day)
    bounds = _bounds(text)
    if bounds is None:
        raise QueryError(f"the as-of date {text!r} is not a date; expected {ACCEPTED_FORMS}")
    return AsOf(text.strip(), bounds[1])


def age_in_months(value: str, as_of: AsOf) -> int:
    """Whole months from the first day ``value`` may mean to the as-of date (0 if later).

    Examples
    --------
    >>> age_in_months("2014-05-28", parse_as_of("2015-06-30"))
    13
    """
    start, end = first_day(value), as_of.day
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def _aged(tie: Tie | None, as_of: AsOf, time: TimeFacts, former: dict[str, str]) -> Tie | None:
    """``tie`` as of the date: its newest evidence by then, its age and aged cost; ``None`` if not yet."""
    if tie is None:  # stated only by editions not in force then (:func:`_in_force`)
        return None
    end = time.end_of(tie.fact)
    day, first = as_of.day, _first_day
    past = [d for d in ((*tie.dates, end) if end else tie.dates) if first(d) <= day]
    if tie.dates and not past:
        return None
    if not tie.dates:  # an undated fact is as old as the newest source stating it by then
        past = [d for e in tie.evidence if (d := (time.sources or {}).get(e.source)) and first(d) <= day]
    newest = (past[0] if len(past) == 1 else max(past, key=lambda d: (first(d), len(d)))) if past else None
    age = age_in_months(newest, as_of) if newest else None
    cost = tie.cost * (1 + (UNKNOWN_AGE_YEARS if age is None else age / 12) / AGEING_YEARS)
    says = tie.says
    if tie.relation == _HOLDER_RELATION and tie.fact in former:
        says += f" ({former[tie.fact]})"
    elif end and first_day(end) <= as_of.day:
        says += f" (ended {end})"
    return Tie(tie.relation, tie.a, tie.b, round(cost, 6), says, tie.fact, newest, tie.evidence, tie.dates, age)


def _in_force(tie: Tie, editions: Editions, as_of: AsOf) -> Tie | None:
    """``tie`` with only the evidence of sources in force as of the date; ``None`` if none is.

    The rule is :mod:`smartcity_kg.network.editions`'; a tie without evidence is kept as it is.
    """
    if not editions.windows or not tie.evidence:
        return tie
    kept = tuple(e for e in tie.evidence if editions.in_force(e.source, as_of.day, e.quote))
    if len(kept) == len(tie.evidence):
        return tie
    return replace(tie, evidence=kept) if kept else None


def network_as_of(network: Network, as_of: AsOf) -> Network:
    """A copy of ``network`` as of ``as_of``: ties aged and re-costed, ties not yet evidenced left out.

    A post holding whose tenure ended by then reads as a former holder's. ``network`` is not changed.
    """
    import networkx as nx

    with collector_paused():
        former = {claim.holding: _former_phrase(claim) for claim in _all_holders(network, as_of)
                  if claim.status != "current"}
        graph = nx.Graph()
        graph.add_nodes_from(network.graph.nodes(data=True))
        graph.add_edges_from(_aged_edges(network, as_of, former))
    return Network(graph, network.labels, network.types, network.identifiers, network.markets, network.time,
                   editions=network.editions, classes=network.classes)


class DatedNetworks:
    """Networks as of a day, each made once and shared by whoever asks for that day (nothing changes a
    dated network: adding a firm profile copies it); the last ``keep`` days asked for are kept."""

    def __init__(self, keep: int = 4) -> None:
        self._keep = keep
        self._lock = threading.Lock()  # asked from threads: one making per day, the others wait for it
        self._by_day: OrderedDict[datetime.date, Network] = OrderedDict()

    def get(self, day: datetime.date, make: Callable[[], Network]) -> Network:
        """The network of ``day``, made by ``make()`` the first time it is asked for (or after it was dropped)."""
        with self._lock:
            found = self._by_day.get(day)
            if found is None:
                found = self._by_day[day] = make()
                while len(self._by_day) > self._keep:
                    self._by_day.popitem(last=False)
            else:
                self._by_day.move_to_end(day)
            return found


def _aged_edges(network: Network, as_of: AsOf, former: dict[str, str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each edge of ``network`` with its ties as of the date, cheapest first; edges left with none are left out."""
    editions, time = network.editions, network.time
    for u, v, data in network.graph.edges(data=True):
        ties = [aged for tie in data["ties"] if (aged := _aged(_in_force(tie, editions, as_of), as_of, time, former)) is not None]
        if ties:
            if len(ties) > 1:
                ties.sort(key=_tie_order)
            yield u, v, {"ties": tuple(ties), "weight": ties[0].cost}


def _tie_order(tie: Tie) -> tuple[float, str, str]:
    return tie.cost, tie.relation, tie.fact or ""


def _former_phrase(claim: HolderClaim) -> str:
    if claim.status == "former":
        if not claim.until:
            return "former holder: succeeded by " + " or ".join(claim.successors)
        return "former holder: the tenure ended " + " or ".join(sorted({d.date for d in claim.until}))
    if not claim.attested:
        return "elected for the term " + _terms(claim) + "; not known to hold it since"
    last = max((d.date for d in claim.attested), key=first_day)
    return f"last attested {last}; not known to hold it since"


def _terms(claim: HolderClaim) -> str:
    """The terms of a holding, ``2022–2025 or 2026–2029``: starts and ends paired in order."""
    return " or ".join(f"{a}–{b}" for a, b in _term_pairs(claim.term_start, claim.term_end))


def _term_pairs(starts: tuple[Dated, ...], ends: tuple[Dated, ...]) -> list[tuple[str, str]]:
    """Each term as (start, end): the starts and ends paired in order (terms of one holding do not overlap)."""
    firsts = sorted({d.date for d in starts}, key=first_day)
    lasts = sorted({d.date for d in ends}, key=last_day)
    if len(firsts) != len(lasts):  # unpaired: the span from the first start to the last end
        return [(firsts[0], lasts[-1])] if firsts and lasts else []
    return list(zip(firsts, lasts))


def _by_holding(claims: tuple[Claim, ...]) -> dict[str, list[Claim]]:
    """The claims grouped by holding (a holding is of one post), in one pass."""
    out: dict[str, list[Claim]] = {}
    for claim in claims:
        out.setdefault(claim.holding, []).append(claim)
    return out


def _all_holders(network: Network, as_of: AsOf) -> list[HolderClaim]:
    by_holding = _by_holding(network.time.claims)
    found = [_holder(network, claims, as_of, by_holding) for claims in by_holding.values()]
    return [holder for holder in found if holder is not None]


def holders_as_of(network: Network, post: str, as_of: AsOf) -> tuple[HolderClaim, ...]:
    """Who holds ``post`` as of the date, who held it, and who was last attested in it, by the sources.

    A holding counts from its start, its first attestation or the start of its term on; with
    none of these by the date, it is not known then and is left out. It is former once its end
    has come, or once the holding of a successor that a source names counts.
    """
    by_holding = _by_holding(network.time.claims)
    found = [_holder(network, claims, as_of, by_holding)
             for _, claims in sorted(by_holding.items()) if claims[0].post == post]
    order = {"current": 0, "former": 1, "last attested": 2}
    return tuple(sorted((h for h in found if h is not None), key=lambda h: (order[h.status], h.holder_label)))


def _counts_by(claims: list[Claim], as_of: AsOf) -> bool:
    """Whether a holding is known by the date: a start, an attestation, the start of a term or the end by then."""
    return any(c.kind in ("start", "attested", "term-start", "end") and first_day(c.date) <= as_of.day for c in claims)


def _holder(network: Network, claims: list[Claim], as_of: AsOf,
            by_holding: dict[str, list[Claim]]) -> HolderClaim | None:
    def dated(kind: str, by_then: bool = False) -> tuple[Dated, ...]:
        return tuple(Dated(c.date, c.source, network.labels.get(c.source, c.source)) for c in claims
                     if c.kind == kind and (not by_then or first_day(c.date) <= as_of.day))

    first = claims[0]
    succeeded = [other for other in (network.time.successors or {}).get(first.holding, ())
                 if _counts_by(by_holding.get(other, []), as_of)]
    if not _counts_by(claims, as_of) and not succeeded:
        return None
    starts, ends, attested = dated("start"), dated("end"), dated("attested")
    started, seen = dated("start", True), dated("attested", True)
    term_start, term_end = dated("term-start"), dated("term-end")
    terms = _term_pairs(term_start, term_end)
    in_term = any(first_day(a) <= as_of.day <= last_day(b) for a, b in terms)
    # An elected mandate runs out with its last term, unless a source attests the holding later.
    expired = bool(terms) and not in_term and as_of.day > max(last_day(b) for _, b in terms) \
        and not any(last_day(d.date) >= as_of.day for d in attested)
    if (ends and min(first_day(d.date) for d in ends) <= as_of.day) or succeeded:
        status = "former"
    elif not expired and (started or ends or in_term or any(last_day(d.date) >= as_of.day for d in attested)):
        status = "current"
    else:
        status = "last attested"
    rivals = [other for other in (network.time.rivals or {}).get(first.holding, ())
              if _counts_by(by_holding.get(other, []), as_of)]
    return HolderClaim(first.post, first.holding, first.holder, network.labels.get(first.holder, first.holder),
                       status, starts, ends, seen, dated("elected", True), term_start, term_end,
                       dated("end-announced", True), _holder_labels(network, succeeded, by_holding),
                       _holder_labels(network, rivals, by_holding))


def _holder_labels(network: Network, holdings: "list[str] | tuple[str, ...]",
                   by_holding: dict[str, list[Claim]]) -> tuple[str, ...]:
    """The labels of the holders of ``holdings``, sorted."""
    holders = {by_holding[h][0].holder for h in holdings if by_holding.get(h)}
    return tuple(sorted(network.labels.get(h, h) for h in holders))


def with_holders(paths: list[Path], network: Network, as_of: AsOf) -> list[Path]:
    """``paths`` with the holders of the post each ends at, as of the date (for paths that end at a post)."""
    out = []
    for path in paths:
        is_post = SCK + "Post" in network.types.get(path.target, ())
        holders = holders_as_of(network, path.target, as_of) if is_post else None
        out.append(replace(path, holders=holders, as_of=as_of.text))
    return out
