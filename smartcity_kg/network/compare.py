"""Markets compared for one sector: each market's ties to the sector, counted, scored and evidenced.

The ties come from the named query ``sector-markets``: sector investments (and investments by
organisations based in the market), initiatives in the sector situated in the market, and
partnerships in the sector between an organisation of the market and a firm of the home
country, and decision makers: posts deciding in the market with the sector in their portfolio.
A narrower sector counts for a broader one.

The score of a market is ``3 × partnerships + 2 × investments + 2 × decision makers + 1 ×
initiatives``, each counted as distinct facts: a partnership with a home firm is a way in
that already exists, an investment is money committed to the sector, a decision maker whose
portfolio holds the sector is someone to approach, an initiative is activity in it. Markets
are ranked by score, then by the number of facts, then by ISO code.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from ..resources import shipped
from ..store.queries import load_catalogue, run_query
from .editions import load_editions
from .markets import Market, resolve_market
from .tenure import first_day

__all__ = ["KINDS", "WEIGHTS", "MarketTies", "Tie", "compare_markets", "comparison_text"]

#: The kinds of tie, strongest first, and what each weighs in a market's score.
WEIGHTS: dict[str, int] = {"partnership": 3, "investment": 2, "decision maker": 2, "initiative": 1}
#: The kinds of tie, in the order of the columns.
KINDS = ("investment", "initiative", "decision maker", "partnership")
#: The kinds of tie, strongest first: by weight, and money committed before a portfolio.
_STRENGTH = ("partnership", "investment", "decision maker", "initiative")


@dataclass(frozen=True)
class Tie:
    """One fact tying a market to the sector, as one source states it."""

    kind: str
    fact: str
    label: str
    dates: tuple[str, ...]
    source: str
    source_label: str
    quote: str | None

    def as_dict(self) -> dict[str, object]:
        """The tie for JSON."""
        return {"kind": self.kind, "fact": self.fact, "label": self.label, "date": " or ".join(self.dates) or None,
                "source": self.source, "source_label": self.source_label, "quote": self.quote}


@dataclass(frozen=True)
class MarketTies:
    """A market's ties to the sector: how many facts of each kind, its score and the evidence."""

    market: Market
    counts: Mapping[str, int]
    score: int
    evidence: tuple[Tie, ...]

    @property
    def strongest(self) -> Tie:
        """The strongest tie: of the strongest kind (a partnership, an investment, a decision maker, an initiative),
        the newest, then by label and source."""
        return self.evidence[0]


def compare_markets(store: ox.Store, sector: str, home: Market, labels: Mapping[str, str],
                    as_of: datetime.date | None = None) -> list[MarketTies]:
    """The markets tied to ``sector`` (an IRI), ranked by their score, each with its evidence.

    ``home`` is the country of the partner firms that count; ``labels`` names entities and
    sources (:attr:`smartcity_kg.store.entities.EntityIndex.labels`). A market the sector
    has no tie with is not listed. With ``as_of`` (the last day the answer holds for), a fact
    whose every date lies after it is left out, as paths leave such a tie out, and so is the
    evidence of an edition not in force then (:mod:`smartcity_kg.network.editions`).
    """
    query = load_catalogue(shipped("queries"))["sector-markets"]
    rows = run_query(store, query, {"sector": ox.NamedNode(sector), "home": ox.NamedNode(home.iri)}).rows
    dates: dict[tuple[str, str, str, str, str | None], set[str]] = {}
    for market, kind, fact, date, source, quote in ([_value(term) for term in row] for row in rows):
        if market and kind and fact and source:
            dates.setdefault((market, kind, fact, source, quote), set()).update([date] if date else [])
    by_market: dict[str, list[Tie]] = {}
    editions = load_editions(store) if as_of is not None else None
    for (market, kind, fact, source, quote), found in dates.items():
        if as_of is not None and found and all(first_day(date) > as_of for date in found):
            continue
        if editions is not None and as_of is not None and not editions.in_force(source, as_of, quote):
            continue
        by_market.setdefault(market, []).append(Tie(kind, fact, labels.get(fact, fact), tuple(sorted(found)),
                                                    source, labels.get(source, source), quote))
    ranked = [_market_ties(resolve_market(iri), ties) for iri, ties in by_market.items()]
    return sorted(ranked, key=lambda m: (-m.score, -sum(m.counts.values()), m.market.code))


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    """The term's IRI or lexical value; ``None`` for an unbound one."""
    return term.value if term is not None else None


def _market_ties(market: Market, ties: list[Tie]) -> MarketTies:
    """A market's ties counted (distinct facts per kind), scored and ordered strongest first."""
    counts = {kind: len({t.fact for t in ties if t.kind == kind}) for kind in KINDS}
    newest_first = sorted(ties, key=lambda t: (t.label, t.source_label, t.quote or ""))
    newest_first.sort(key=lambda t: max(t.dates, default=""), reverse=True)
    newest_first.sort(key=lambda t: _STRENGTH.index(t.kind))
    return MarketTies(market, counts, sum(WEIGHTS[k] * n for k, n in counts.items()), tuple(newest_first))


def _counted(counts: Mapping[str, int]) -> str:
    """The counts in words: ``2 investments, 1 initiative, 0 partnerships``."""
    return ", ".join(f"{counts[k]} {k if counts[k] == 1 else k + 's'}" for k in KINDS)


def comparison_text(found: list[MarketTies], sector: str, home: Market, as_of: str) -> str:
    """The comparison as of ``as_of`` as text: a heading, then one entry per market with its strongest evidence."""
    if not found:
        return (f"No market in the graph is tied to {sector} as of {as_of}: no sector investment, initiative, "
                f"decision maker or partnership with a firm based in {home.label} in that sector.\n")
    score = " + ".join(f"{weight} × {kind}s" for kind, weight in WEIGHTS.items())
    lines = [f"Markets tied to {sector} as of {as_of} (partnerships with firms based in {home.label}), "
             f"by score = {score}:"]
    for rank, item in enumerate(found, start=1):
        tie = item.strongest
        dated = f", {' or '.join(tie.dates)}" if tie.dates else ""
        quote = f' — "{tie.quote}"' if tie.quote else " (cited without a quote)"
        lines += [f"{rank}. {item.market.label} ({item.market.code}): score {item.score} — {_counted(item.counts)}",
                  f"   strongest: {tie.label} ({tie.kind}{dated}), one of {len(item.evidence)} pieces of evidence",
                  f"   source: {tie.source_label}{quote}"]
    return "\n".join(lines) + "\n"
