"""What the command-line modules share: common options, error reporting, opening the graph."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..exceptions import SmartCityKGError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..builder.pipeline import BuildOptions, BuildResult
    from ..store.entities import EntityIndex
    from ..network.projection import Network

__all__ = ["OUT", "STORE", "build_missing_graph", "fail", "network_of", "open_graph", "build_options", "resolve_class",
           "run_build"]

OUT = click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
                    show_default=True, help="Directory of the built graph.")


STORE = click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                      help="Keep the loaded graph in an on-disk store here and reuse it.")


class _BadInput(click.ClickException):
    """A click error for bad input: exit status 2."""

    exit_code = 2


def fail(exc: SmartCityKGError) -> click.ClickException:
    """A click error for ``exc``: exit status 2 for bad input, 1 otherwise."""
    return _BadInput(str(exc)) if isinstance(exc, ValueError) else click.ClickException(str(exc))


def build_options(ontology: Path | None, graph: Path | None, checks: Path | None, base: str | None,
                  reason: bool, reason_timeout: float) -> BuildOptions:
    """The build options, the shipped files standing in for any path not given."""
    from dataclasses import replace

    from ..builder.pipeline import BuildOptions

    options = replace(BuildOptions(), reason=reason, reason_timeout=reason_timeout)
    if ontology is not None:
        options = replace(options, ontology_dir=ontology)
    if graph is not None:
        options = replace(options, graph_dir=graph)
    if checks is not None:
        options = replace(options, checks_dir=checks)
    if base is not None:
        options = replace(options, base=base)
    return options


def run_build(out: Path, options: BuildOptions, quiet: bool) -> BuildResult:
    """Build into ``out``, with a progress display on a terminal only."""
    from rich.console import Console

    from ..builder.pipeline import build

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return build(out, options)
    with console.status("building") as status:
        return build(out, options, on_stage=lambda stage: status.update(f"building: {stage}"))


def build_missing_graph(out: Path) -> None:
    """Build the shipped graph into ``out`` if it holds no graph.

    Only into a folder that is absent, empty, or a build of smartcity-kg that lost its graph:
    a command that reads a build never builds over anything else.

    Raises
    ------
    OutputError
        If ``out`` holds no graph but holds something else.
    """
    from ..outputs import check_folder

    if (out / "graph.trig").is_file():
        return
    check_folder(out)
    click.echo(f"no graph in {out}/; building it first", err=True)
    run_build(out, build_options(None, None, None, None, True, 120.0), quiet=False)


def open_graph(out: Path, store_dir: Path | None) -> tuple[ox.Store, EntityIndex]:
    """The store of the build in ``out`` (building it first if there is none) and its index."""
    from ..store.entities import EntityIndex
    from ..store.dataset import open_store

    build_missing_graph(out)
    store = open_store(out, store_dir)
    return store, EntityIndex.from_store(store)


def network_of(out: Path, store_dir: Path | None) -> tuple[Network, EntityIndex, ox.Store]:
    """The projected network of the build in ``out``, its entity index and its store."""
    from ..network.projection import project

    store, index = open_graph(out, store_dir)
    return project(store, labels=index.labels), index, store


def resolve_class(network: Network, name: str) -> str:
    """The IRI of a class named by IRI, local name or label."""
    import difflib

    from ..namespaces import SCK

    classes = {t for types in network.types.values() for t in types}
    wanted = name.strip().casefold()
    for iri in sorted(classes, key=lambda i: (not i.startswith(SCK), i)):  # the ontology's own classes first
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if wanted in (iri.casefold(), local.casefold(), network.labels.get(iri, "").casefold()):
            return iri
    names = sorted({network.labels.get(i, i) for i in classes})
    close = difflib.get_close_matches(name, names, n=5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise click.BadParameter(f"no class {name!r} in the graph{hint}", param_hint="--to-class")

