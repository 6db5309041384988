"""``opportunities --sector S`` without ``--market``: the markets of the graph compared for a sector."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ._tables import print_records

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..network.compare import MarketTies
    from ..network.markets import Market
    from ..network.tenure import AsOf

__all__ = ["COLUMNS", "print_comparison"]

#: The columns of the comparison in CSV, JSON and Markdown.
COLUMNS = ["rank", "market", "code", "score", "investments", "initiatives", "decision_makers", "partnerships",
           "strongest", "source", "quote", "evidence", "as_of"]


def print_comparison(store: ox.Store, labels: dict[str, str], sector: str, home: Market, fmt: str,
                     top: int, as_of: AsOf) -> None:
    """Print the ``top`` markets tied to ``sector`` (an IRI) as of a date, ranked, in ``fmt``.

    The table gives each market's strongest evidence; CSV and Markdown that and the number of
    pieces of evidence; JSON every piece, with its source and quote.
    """
    from ..network.compare import compare_markets, comparison_text

    found = compare_markets(store, sector, home, labels, as_of.day)[:top]
    if fmt == "table":
        click.echo(comparison_text(found, labels.get(sector, sector), home, as_of.text), nl=False)
        return
    print_records(COLUMNS, [_row(rank, item, fmt, as_of.text) for rank, item in enumerate(found, start=1)], fmt)


def _row(rank: int, item: MarketTies, fmt: str, as_of: str) -> list[object]:
    tie = item.strongest
    evidence: object = ([t.as_dict() for t in item.evidence] if fmt == "json" else len(item.evidence))
    return [rank, item.market.label, item.market.code, item.score, *item.counts.values(),
            tie.label, tie.source_label, tie.quote, evidence, as_of]
