"""Commands that help write fact sheets: draft one from a guide's text, find the ids a sheet refers to."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..exceptions import SmartCityKGError
from ._shared import BUILD_DIR, ENDPOINT, EXIT_CODES, STORE, UsageFailure, fail, format_option, open_graph, output_option
from ._tables import plural, print_records

__all__ = ["draft_command", "ids_command"]


@click.command("draft", epilog=EXIT_CODES)
@click.argument("text", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", "source", required=True, metavar="ID",
              help="The id of the text's record in sources.yaml (a slug); the draft's 'source:'.")
@output_option("The fact sheet to write (YAML); never an existing file. Default: print it.", optional=True)
@click.option("--market", metavar="CC", help="The market (ISO 3166-1 alpha-2): GeoNames places are looked for there too, and it is the "
                   "market of a trade-data block.")
@BUILD_DIR
@STORE
@ENDPOINT
def draft_command(text: Path, source: str, output: Path | None, market: str | None, build_dir: Path,
                  store_dir: Path | None, endpoint: str | None) -> None:
    """Draft a fact sheet from a guide's TEXT: sentences, mentions of the build's entities, countries,
    places and sectors, money, percentages, years and dates, and candidate items typed from the
    ontology, each quoting its sentence verbatim, with a comment saying what was found and how sure.

    Review the draft (ids, labels, slots; uncomment the candidates that lack a required slot once
    filled), put it in facts/ and build.
    """
    from ..draft.sheet import draft_sheet
    from ..draft.text import read_text
    from ..outputs import write_file

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", source):
        raise UsageFailure(f"--source: {source!r} is not a source id (lowercase letters, digits, single hyphens)")
    if market is not None and not re.fullmatch(r"[A-Z]{2}", market.upper()):
        raise UsageFailure(f"--market: {market!r} is not an ISO 3166-1 alpha-2 code such as DK")
    if output is not None and (output.exists() or output.is_symlink()):
        raise UsageFailure(f"-o/--output: {output} exists; a draft never replaces a file (it may be a reviewed "
                           "fact sheet): choose another name")
    try:
        guide = read_text(text)
        store, _ = open_graph(build_dir, store_dir, endpoint)
        sheet, found = draft_sheet(store, guide, source, origin=text.name, market=market.upper() if market else None)
        if output is not None:
            write_file(output, sheet, signature=())
    except SmartCityKGError as exc:
        raise fail(exc) from None
    if output is None:
        click.echo(sheet, nl=False)
    mentions = sum(len(m) for _, m, _ in found.sentences)
    held = sum(1 for line in sheet.splitlines() if line.startswith("  # - id:"))
    click.echo(f"drafted {plural(len(found.items), 'candidate item')} ({held} commented out until a required slot "
               f"is filled) and {plural(mentions, 'mention')} from {plural(len(found.sentences), 'sentence')}"
               + (f" into {output}" if output is not None else ""), err=True)


@click.command("ids", epilog=EXIT_CODES)
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="At most this many ids.")
@format_option("table", "csv", "json", "markdown")
@BUILD_DIR
@STORE
@ENDPOINT
def ids_command(query: str, limit: int, fmt: str, build_dir: Path, store_dir: Path | None, endpoint: str | None) -> None:
    """Find the ids of existing entities by label, synonym or id (exact, contained, or close),
    with their types and the sources whose fact sheets state them."""
    from ..draft.names import find_ids, load_names

    try:
        store, _ = open_graph(build_dir, store_dir, endpoint)
        found = find_ids(load_names(store), query, limit=limit)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    if not found:
        click.echo(f"No id answers to {query!r}.")
        return
    if fmt == "table":
        for e, name, score in found:
            sources = ", ".join(sorted(e.sources)) or "the ontology"
            matched = "" if score == 100 and name == e.label else f", matched {name!r} ({score:g})"
            kind = ", ".join(e.type_names) or ("sector" if "/sector/" in e.iri else "no asserted type")
            click.echo(f"{e.id}: {e.label} ({kind}{matched}); "
                       f"stated by {sources}")
        return
    rows = [[e.id, e.label, ", ".join(e.type_names), name, score, ", ".join(sorted(e.sources))]
            for e, name, score in found]
    print_records(["id", "label", "type", "matched", "score", "sources"], rows, fmt)
