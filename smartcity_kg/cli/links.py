"""Commands for linking to open data: propose and accept links, report coverage."""

from __future__ import annotations

from pathlib import Path

import click

from ._shared import BUILD_DIR, ENDPOINT, EXIT_CODES, STORE, UsageFailure, fail, format_option, open_graph, output_option
from ._tables import plural, print_records
from ..exceptions import SmartCityKGError

__all__ = ['link_command', 'links_command']


@click.command("link", epilog=EXIT_CODES)
@BUILD_DIR
@output_option("The review file to write (CSV): one proposal a row, to mark accept=yes.",
               default=Path("link-review.csv"))
@click.option("--wikidata/--no-wikidata", default=True, show_default=True, help="Ask Wikidata about organisations.")
@click.option("--offline", is_flag=True, help="Answer Wikidata questions from the cache only.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), help="Wikidata cache folder.")
@click.option("--accept", "accept", metavar="REVIEW", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Write the links marked accept=yes in this review file into the fact sheets (proposes nothing).")
@click.option("--graph", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="With --accept (and then required): your graph folder, whose facts/ receive the links.")
@STORE
def link_command(build_dir: Path, output: Path, wikidata: bool, offline: bool, cache: Path | None, accept: Path | None,
                 graph: Path | None, store_dir: Path | None) -> None:
    """Propose links to GeoNames, ISO 3166 and Wikidata for review (-o), or accept the reviewed ones (--accept)."""
    import datetime

    from ..link.linking import (
        Unreached,
        accept_review,
        propose_organisations,
        propose_places,
        write_review,
    )
    from ..link.wikidata import WikidataClient

    if accept is not None and graph is None:
        raise UsageFailure("--accept needs --graph DIR: your graph folder, whose fact sheets receive the links "
                           "(the shipped fact sheets are never written; copy them with the rest of the folder)")
    try:
        if accept is not None and graph is not None:
            counts = accept_review(accept, graph / "facts", datetime.date.today().isoformat())
            for sheet, count in counts.items():
                click.echo(f"added {plural(count, 'link')} to {sheet}.yaml")
            if not counts:
                click.echo("no new accepted link in the review file")
            return
        store, _ = open_graph(build_dir, store_dir)
        proposals = propose_places(store)
        unreached: list[Unreached] = []
        if wikidata:
            found, unreached = propose_organisations(store, WikidataClient(cache, offline=offline))
            proposals += found
        write_review(proposals, output)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    by_status: dict[str, int] = {}
    for proposal in proposals:
        by_status[proposal.status] = by_status.get(proposal.status, 0) + 1
    click.echo(f"wrote {output}: {plural(len(proposals), 'proposal')} (" +
               ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) +
               f"); mark accept=yes and run 'smartcity-kg link --accept {output}'")
    for item in unreached:
        click.echo(f"could not ask {item.register} about {item.label}: {item.reason}", err=True)


@click.command("links", epilog=EXIT_CODES)
@format_option("table", "csv", "json", "markdown")
@BUILD_DIR
@STORE
@ENDPOINT
def links_command(fmt: str, build_dir: Path, store_dir: Path | None, endpoint: str | None) -> None:
    """For each class, how many entities are linked to each open-data register, and which are not."""
    from ..resources import shipped
    from ..store.queries import bind_params, load_catalogue, run_query

    try:
        store, index = open_graph(build_dir, store_dir, endpoint)
        catalogue = load_catalogue(shipped("queries"))
        coverage = run_query(store, catalogue["links"])
        unlinked = run_query(store, catalogue["unlinked"], bind_params(catalogue["unlinked"], {}, index))
    except SmartCityKGError as exc:
        raise fail(exc) from None
    names = sorted(index.labels.get(row[1].value, row[1].value) for row in unlinked.rows if row[1] is not None)
    if fmt == "json":
        import json

        click.echo(json.dumps({"coverage": [dict(zip(coverage.columns, row)) for row in coverage.cells(index.labels)],
                               "unlinked_organisations": names}, ensure_ascii=False, indent=2))
        return
    print_records(coverage.columns, coverage.cells(index.labels), fmt, noun=("class", "classes"))
    if fmt != "csv":
        click.echo(f"\n{plural(len(names), 'organisation')} without any link: " + "; ".join(names))
