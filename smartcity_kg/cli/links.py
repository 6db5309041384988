"""Commands for linking to open data: propose and accept links, report coverage."""

from __future__ import annotations

from pathlib import Path

import click

from ._shared import OUT, STORE, fail, open_graph
from ..exceptions import SmartCityKGError

__all__ = ['link_command', 'links_command']


@click.command("link")
@OUT
@click.option("--review", "review", type=click.Path(dir_okay=False, path_type=Path), default=Path("link-review.csv"),
              show_default=True, help="The review file to write (or, with --accept, to read).")
@click.option("--wikidata/--no-wikidata", default=True, show_default=True, help="Ask Wikidata about organisations.")
@click.option("--offline", is_flag=True, help="Answer Wikidata questions from the cache only.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), help="Wikidata cache folder.")
@click.option("--accept", "accept", is_flag=True, help="Write the review file's accepted links into the fact sheets.")
@click.option("--graph", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="With --accept: the graph folder whose facts/ receive the links. Default: the shipped one.")
@STORE
def link_command(out: Path, review: Path, wikidata: bool, offline: bool, cache: Path | None, accept: bool,
                 graph: Path | None, store_dir: Path | None) -> None:
    """Propose links to GeoNames, ISO 3166 and Wikidata for review, or accept the reviewed ones."""
    import datetime

    from ..link.linking import (
        Unreached,
        accept_review,
        propose_organisations,
        propose_places,
        write_review,
    )
    from ..resources import shipped
    from ..link.wikidata import WikidataClient

    try:
        if accept:
            counts = accept_review(review, (graph or shipped("graph")) / "facts", datetime.date.today().isoformat())
            for sheet, count in counts.items():
                click.echo(f"added {count} links to {sheet}.yaml")
            if not counts:
                click.echo("no new accepted link in the review file")
            return
        store, _ = open_graph(out, store_dir)
        proposals = propose_places(store)
        unreached: list[Unreached] = []
        if wikidata:
            found, unreached = propose_organisations(store, WikidataClient(cache, offline=offline))
            proposals += found
        write_review(proposals, review)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    by_status: dict[str, int] = {}
    for proposal in proposals:
        by_status[proposal.status] = by_status.get(proposal.status, 0) + 1
    click.echo(f"wrote {review}: {len(proposals)} proposals (" +
               ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) + "); mark accept=yes and run 'link --accept'")
    for item in unreached:
        click.echo(f"could not ask {item.register} about {item.label}: {item.reason}", err=True)


@click.command("links")
@OUT
@STORE
def links_command(out: Path, store_dir: Path | None) -> None:
    """For each class, how many entities are linked to each open-data register, and which are not."""
    from ..store.queries import bind_params, load_catalogue, run_query
    from ..resources import shipped

    try:
        store, index = open_graph(out, store_dir)
        catalogue = load_catalogue(shipped("queries"))
        coverage = run_query(store, catalogue["links"])
        unlinked = run_query(store, catalogue["unlinked"], bind_params(catalogue["unlinked"], {}, index))
    except SmartCityKGError as exc:
        raise fail(exc) from None
    click.echo(coverage.to_csv(index.labels), nl=False)
    names = sorted(index.labels.get(row[1].value, row[1].value) for row in unlinked.rows if row[1] is not None)
    click.echo(f"\n{len(names)} organisations without any link: " + "; ".join(names))

