"""The ``brief`` command: a printable, offline briefing on how a firm can reach a market's decision makers."""

from __future__ import annotations

from pathlib import Path

import click

from ..exceptions import SmartCityKGError
from ._shared import BUILD_DIR, ENDPOINT, EXIT_CODES, STORE, Read, fail, network_of, output_option
from ._tables import plural
from .network import AS_OF, FIRM, FROM, HOME, MARKET, _as_of_network, _check_start, _market, _market_decision_makers
from .network import _parse_as_of, _start

__all__ = ["brief_command"]


@click.command("brief", epilog=EXIT_CODES)
@FROM
@FIRM
@HOME
@click.option("--sector", "sectors", multiple=True, metavar="SECTOR",
              help="A sector of the firm (repeatable): a profile's sectors; with --from, the sectors whose investments "
                   "and initiatives are listed (default: its own sectors in the graph).")
@MARKET
@click.option("--k", "k", type=click.IntRange(1, 20), default=5, show_default=True,
              help="How many decision makers to rank (1-20).")
@AS_OF
@output_option("The HTML file to write.")
@BUILD_DIR
@STORE
@ENDPOINT
def brief_command(source: str | None, firm: str | None, home: str, sectors: tuple[str, ...], market: str, k: int,
                  as_of: str | None, output: Path, build_dir: Path, store_dir: Path | None,
                  endpoint: str | None) -> None:
    """Write a briefing (one offline HTML page that prints well): the decision makers of a market to approach,
    ranked, with their holders as of a date, the best paths with every hop's quote and source, the brokers, the
    market's investments and initiatives in the sectors, and what the graph does not know."""
    from ..network.briefing import Question, make_briefing, source_pages
    from ..network.paths import resolve_sector

    _check_start(source, firm, sectors)
    when = _parse_as_of(as_of)
    try:
        network, index, store = network_of(build_dir, store_dir, endpoint)
        network, start = _start(_as_of_network(network, when), index, source, firm, home, sectors)
        where = _market(network, market)
        _market_decision_makers(network, Read(build_dir, endpoint), store, where)  # none known: exit 1, saying how to add them
        named = tuple(resolve_sector(network, sector, index.names) for sector in sectors)
        question = Question(start, _market(network, home), where, named, when, k)
        briefing = make_briefing(network, question, pages=source_pages(store))
        briefing.save(output)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    click.echo(f"wrote {output}: {plural(briefing.decision_makers, 'decision maker')}, "
               f"{plural(briefing.paths, 'path')}, {len(briefing.html.encode()) / 1024:.0f} KiB")
