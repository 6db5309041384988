"""The ``smartcity-kg`` command line: build the graph, list and run the named queries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .exceptions import SmartCityKGError

if TYPE_CHECKING:
    from .build import BuildOptions, BuildResult

__all__ = ["main"]

_OUT = click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
                    show_default=True, help="Directory of the built graph.")


def _fail(exc: SmartCityKGError) -> "click.ClickException":
    error = click.ClickException(str(exc))
    error.exit_code = 2 if isinstance(exc, ValueError) else 1
    return error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smartcity-kg")
def main() -> None:
    """A knowledge graph of smart-city market opportunities, with source-cited facts."""


def _options(ontology: Path | None, graph: Path | None, checks: Path | None, base: str | None,
             reason: bool, reason_timeout: float) -> BuildOptions:
    from dataclasses import replace

    from .build import BuildOptions

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


def _run_build(out: Path, options: BuildOptions, quiet: bool) -> BuildResult:
    from rich.console import Console

    from .build import build

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return build(out, options)
    with console.status("building") as status:
        return build(out, options, on_stage=lambda stage: status.update(f"building: {stage}"))


@main.command("build")
@_OUT
@click.option("--ontology", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Ontology directory (hub smartcity-kg.ttl, modules, shapes/). Default: the shipped one.")
@click.option("--graph", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Graph directory (sources/sources.yaml, facts/*.yaml). Default: the shipped one.")
@click.option("--checks", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Directory of *-violation.rq quality checks. Default: the shipped one.")
@click.option("--base", help="Base IRI of the entities, ending in '/'.", default=None)
@click.option("--reason/--no-reason", default=True, show_default=True, help="Reason with HermiT (needs Java).")
@click.option("--reason-timeout", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds the reasoner may take.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def build_command(out: Path, ontology: Path | None, graph: Path | None, checks: Path | None,
                  base: str | None, reason: bool, reason_timeout: float, quiet: bool) -> None:
    """Build the graph: validate, reason, and write TriG, N-Triples, Turtle, JSON-LD and a report."""
    try:
        result = _run_build(out, _options(ontology, graph, checks, base, reason, reason_timeout), quiet)
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    report: dict[str, Any] = result.report
    reasoning = report["reasoning"]
    click.echo(f"built {out}/: {report['triples']} triples ({report['quads']} quads) from "
               f"{len(report['sources'])} fact sheets, {report['items']} items")
    if reasoning.get("reasoner"):
        click.echo(f"reasoning: consistent; {reasoning['inferred_triples']} inferred triples")
    else:
        click.echo("reasoning: skipped (--no-reason)")
    click.echo("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()))


@main.command("queries")
@click.option("--queries", "queries_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Directory of named queries. Default: the shipped one.")
def queries_command(queries_dir: Path | None) -> None:
    """List the named queries with their parameters."""
    from .queries import load_catalogue
    from .resources import shipped

    try:
        catalogue = load_catalogue(queries_dir or shipped("queries"))
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    for query in catalogue.values():
        click.echo(f"{query.name}: {query.summary}")
        for param in query.params:
            default = f" (default: {param.default})" if param.default is not None else ""
            click.echo(f"    --param {param.name}=…  {param.description}{default}")


@main.command("query")
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the query; entities by IRI, id or label.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@_OUT
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the loaded graph in an on-disk store here and reuse it.")
@click.option("--queries", "queries_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Directory of named queries. Default: the shipped one.")
def query_command(name: str, params: tuple[str, ...], fmt: str, out: Path, store_dir: Path | None,
                  queries_dir: Path | None) -> None:
    """Run the named query NAME over the built graph (building it first if there is none)."""
    from .entities import EntityIndex
    from .queries import bind_params, load_catalogue
    from .resources import shipped
    from .store import open_store

    try:
        catalogue = load_catalogue(queries_dir or shipped("queries"))
        if name not in catalogue:
            import difflib

            close = difflib.get_close_matches(name, list(catalogue), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise click.UsageError(f"no named query {name!r}{hint} ('smartcity-kg queries' lists them)")
        if not (out / "graph.trig").is_file():
            click.echo(f"no graph in {out}/; building it first", err=True)
            _run_build(out, _options(None, None, None, None, True, 120.0), quiet=False)
        store = open_store(out, store_dir)
        index = EntityIndex.from_store(store)
        given = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise click.BadParameter(f"{item!r}; expected NAME=VALUE", param_hint="--param")
            given[key] = value
        from .queries import run_query

        result = run_query(store, catalogue[name], bind_params(catalogue[name], given, index))
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    if fmt == "csv":
        click.echo(result.to_csv(index.labels), nl=False)
    elif fmt == "json":
        click.echo(result.to_json(index.labels), nl=False)
    else:
        _table(result, index.labels)


def _table(result, labels: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.columns, show_lines=False)
    for row in result.rows:
        table.add_row(*[_cell(term, labels) for term in row])
    Console(soft_wrap=False).print(table)
    click.echo(f"{len(result.rows)} rows")


def _cell(term, labels: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    from rich.markup import escape

    from .queries import _cell as cell

    return escape(cell(term, labels))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
