"""The 'editions' command: what changed between two editions of a source, item by item."""

from __future__ import annotations

from pathlib import Path

import click

from ..exceptions import SmartCityKGError
from ..network.changes import CHANGES
from ._shared import BUILD_DIR, ENDPOINT, EXIT_CODES, STORE, UsageFailure, fail, format_option, open_graph
from ._tables import print_records

__all__ = ["editions_command"]

_COLUMNS = ("change", "item", "kind", "old quote", "new quote")


@click.command("editions", epilog=EXIT_CODES)
@click.argument("old")
@click.argument("new")
@click.option("--all", "show_all", is_flag=True, help="List the unchanged items too.")
@click.option("--only", "only", multiple=True, type=click.Choice(list(CHANGES)),
              help="List only this kind of change (repeat for several).")
@format_option("table", "csv", "json", "markdown")
@BUILD_DIR
@STORE
@ENDPOINT
def editions_command(old: str, new: str, show_all: bool, only: tuple[str, ...], fmt: str, build_dir: Path,
                     store_dir: Path | None, endpoint: str | None) -> None:
    """What changed from the edition OLD of a source to the edition NEW (source ids, as in sources.yaml).

    Each item is 'dropped' (only OLD states it), 'added' (only NEW), or 'reworded' (both, in
    other words: the same node, or a node of the same kind tied to the same entities), with
    both quotes; 'beyond-copy' where only OLD states it but NEW's stored copy ends before the
    passage ('coversUpTo:'), so NEW is not known to drop it. The editions of a source are the records that supersede one another
    ('supersedes:' in sources.yaml).
    """
    from ..network.changes import edition_changes, edition_sources

    try:
        store, index = open_graph(build_dir, store_dir, endpoint)
        editions = edition_sources(store)
        for name in (old, new):
            if name not in editions:
                known = ", ".join(editions) or "none in the graph"
                raise UsageFailure(f"{name!r} is not an edition of a source (one that supersedes another or is "
                                   f"superseded); the editions: {known}")
        changes = edition_changes(store, editions[old], editions[new])
    except SmartCityKGError as exc:
        raise fail(exc) from None
    labels = index.labels
    rows = []
    for change in changes:
        if (only and change.change not in only) or (not only and change.change == "unchanged" and not show_all):
            continue
        sides = [side for side in (change.old, change.new) if side is not None]
        names = dict.fromkeys(labels.get(side.subject, side.subject) for side in sides)
        kinds = ", ".join(sorted(labels.get(k, k.rsplit("#", 1)[-1]) for k in sides[0].kinds))
        rows.append((change.change, " → ".join(names), kinds,
                     " | ".join(change.old.quotes) if change.old else "",
                     " | ".join(change.new.quotes) if change.new else ""))
    counts = {kind: sum(1 for c in changes if c.change == kind) for kind in CHANGES}
    if fmt == "table":
        click.echo(f"From {labels.get(editions[old], old)} to {labels.get(editions[new], new)}: "
                   + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    print_records(_COLUMNS, rows, fmt, noun=("item", "items"))
