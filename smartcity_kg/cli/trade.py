"""The 'trade-data' command: the guides' trade tables as one spreadsheet (CSV), a row per measure, a column per year."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import click

from ..exceptions import SmartCityKGError
from ._shared import BUILD_DIR, ENDPOINT, EXIT_CODES, STORE, UsageFailure, fail, open_graph, output_option

__all__ = ["pivot", "trade_data_command"]

_KEYS = ("market", "sector", "code", "measure", "unit", "multiplier", "partner", "source")


def pivot(rows: Sequence[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    """The rows of the named query ``trade-data`` as a wide table: a row per market, sector, code,
    measure, unit, multiplier, partner and source; a column per year, an estimated value marked ``(e)``.

    Examples
    --------
    >>> header, table = pivot([
    ...     {"market": "Norway", "sector": "", "code": "LGT", "measure": "exports", "unit": "USD", "multiplier": "6",
    ...      "partner": "", "source": "guide", "year": "2020", "value": "230", "status": "actual"},
    ...     {"market": "Norway", "sector": "", "code": "LGT", "measure": "exports", "unit": "USD", "multiplier": "6",
    ...      "partner": "", "source": "guide", "year": "2021", "value": "241", "status": "estimated"}])
    >>> header[-2:], table
    (['2020', '2021'], [['Norway', '', 'LGT', 'exports', 'USD', '6', '', 'guide', '230', '241 (e)']])
    """
    years = sorted({r["year"] for r in rows})
    cells: dict[tuple[str, ...], dict[str, str]] = {}
    for row in rows:
        value = row["value"] + (" (e)" if row["status"] == "estimated" else "")
        cells.setdefault(tuple(row[k] for k in _KEYS), {})[row["year"]] = value
    table = [[*key, *(by_year.get(y, "") for y in years)] for key, by_year in sorted(cells.items())]
    return [*_KEYS, *years], table


@click.command("trade-data", epilog=EXIT_CODES)
@click.option("--market", metavar="CC", help="Only this market (ISO 3166-1 alpha-2 code, label or IRI).")
@output_option("The CSV file to write (UTF-8 with a byte-order mark, for spreadsheets); never an existing file. "
               "Default: print it.", optional=True)
@BUILD_DIR
@STORE
@ENDPOINT
def trade_data_command(market: str | None, output: Path | None, build_dir: Path, store_dir: Path | None,
                       endpoint: str | None) -> None:
    """The trade data of the guides as a spreadsheet: a row per market, sector, measure (with its unit,
    multiplier, partner and source), a column per year; '(e)' marks an estimated value.

    The long form, one row per value, is the named query: 'smartcity-kg query trade-data --format csv'.
    """
    from ..outputs import write_with
    from ..resources import shipped
    from ..store.queries import bind_params, load_catalogue, run_query

    if output is not None and (output.exists() or output.is_symlink()):
        raise UsageFailure(f"-o/--output: {output} exists; choose another name (a spreadsheet is never replaced)")
    try:
        query = load_catalogue(shipped("queries"))["trade-data"]
        store, index = open_graph(build_dir, store_dir, endpoint)
        result = run_query(store, query, bind_params(query, {"market": market} if market else {}, index))
    except SmartCityKGError as exc:
        raise fail(exc) from None
    rows = [dict(zip(result.columns, cells)) for cells in result.cells(index.labels)]
    header, table = pivot([{k: str(v) for k, v in row.items()} for row in rows])
    if not table:
        click.echo("No trade table in the graph" + (f" for {market}" if market else "")
                   + " (a fact sheet's TradeTable: see graph/README.md).", err=True)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(table)
    if output is None:
        click.echo(text.getvalue(), nl=False)
        return
    try:
        write_with(output, lambda tmp: tmp.write_text(text.getvalue(), encoding="utf-8-sig", newline=""), signature=())
    except SmartCityKGError as exc:
        raise fail(exc) from None
    click.echo(f"wrote {output}: {len(table)} rows, {len(header) - len(_KEYS)} years", err=True)
