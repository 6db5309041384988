"""The ``smartcity-kg`` command line: the group and its commands for building, querying and serving.

The commands on the network (paths, brokers, opportunities, view, export) are in
:mod:`smartcity_kg.cli.network`, those for open data (link, links) in :mod:`smartcity_kg.cli.links`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._shared import OUT, STORE, build_missing_graph, build_options, fail, open_graph, run_build
from .links import link_command, links_command
from .network import (
    brokers_command,
    export_command,
    opportunities_command,
    paths_command,
    view_command,
)
from ..exceptions import SmartCityKGError

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="smartcity-kg")
def main() -> None:
    """A knowledge graph of smart-city market opportunities, with source-cited facts."""


@main.command("build")
@OUT
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
        result = run_build(out, build_options(ontology, graph, checks, base, reason, reason_timeout), quiet)
    except SmartCityKGError as exc:
        raise fail(exc) from None
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
    from ..store.queries import load_catalogue
    from ..resources import shipped

    try:
        folder = queries_dir or shipped("queries")
        catalogue = load_catalogue(folder)
        if (folder / "federated").is_dir():
            catalogue.update(load_catalogue(folder / "federated"))
    except SmartCityKGError as exc:
        raise fail(exc) from None
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
@OUT
@STORE
@click.option("--queries", "queries_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Directory of named queries. Default: the shipped one.")
@click.option("--allow-service", is_flag=True,
              help="Allow a federated query (queries/federated/) to reach a remote endpoint through SERVICE.")
def query_command(name: str, params: tuple[str, ...], fmt: str, out: Path, store_dir: Path | None,
                  queries_dir: Path | None, allow_service: bool) -> None:
    """Run the named query NAME over the built graph (building it first if there is none)."""
    from ..store.queries import bind_params, load_catalogue
    from ..resources import shipped

    try:
        folder = queries_dir or shipped("queries")
        catalogue = load_catalogue(folder)
        federated = load_catalogue(folder / "federated") if (folder / "federated").is_dir() else {}
        if name in federated:
            if not allow_service:
                raise click.UsageError(f"{name!r} is a federated query: it sends parts of itself to a remote "
                                       "endpoint through SERVICE. Run it with --allow-service.")
            catalogue = {**catalogue, name: federated[name]}
        if name not in catalogue:
            import difflib

            close = difflib.get_close_matches(name, list(catalogue), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise click.UsageError(f"no named query {name!r}{hint} ('smartcity-kg queries' lists them)")
        store, index = open_graph(out, store_dir)
        given = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise click.BadParameter(f"{item!r}; expected NAME=VALUE", param_hint="--param")
            given[key] = value
        from ..store.queries import run_query

        result = run_query(store, catalogue[name], bind_params(catalogue[name], given, index))
    except SmartCityKGError as exc:
        raise fail(exc) from None
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

    from ..store.queries import _cell as cell

    return escape(cell(term, labels))


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@OUT
@STORE
@click.option("--endpoint", metavar="URL", help="Serve a remote SPARQL 1.1 endpoint (its default graph the union) instead of the build.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Query worker processes.")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True, help="Seconds a query may run.")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True, help="Rows (or triples) a query may return.")
@click.option("--max-body", type=click.IntRange(1000), default=100_000, show_default=True, help="Bytes a request may carry.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="An origin allowed to query from a browser (repeatable; '*' for any).")
def serve_command(host: str, port: int, out: Path, store_dir: Path | None, endpoint: str | None, workers: int,
                  timeout: float, max_rows: int, max_body: int, cors: tuple[str, ...]) -> None:
    """Serve SPARQL, named queries, entity pages and views over HTTP."""
    import logging

    import uvicorn

    from ..serve.server import ServerConfig, create_app

    if endpoint is None:
        try:
            build_missing_graph(out)
        except SmartCityKGError as exc:
            raise fail(exc) from None
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = ServerConfig(build_dir=out, store_dir=store_dir, endpoint=endpoint, workers=workers, timeout=timeout,
                          max_rows=max_rows, max_body=max_body, cors_origins=cors)
    uvicorn.run(create_app(config), host=host, port=port, access_log=False, log_level="info")


@main.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The Graph Store Protocol endpoint, such as http://localhost:7878/store for Oxigraph.")
@OUT
def push_command(endpoint: str, out: Path) -> None:
    """Upload the built dataset's named graphs to a triple store (PUT: pushing twice changes nothing)."""
    from ..store.push import push

    try:
        pushed = push(out, endpoint)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    for item in pushed:
        click.echo(f"pushed <{item.graph}>: {item.triples} triples")


for _command in (paths_command, brokers_command, opportunities_command, view_command, export_command,
                 link_command, links_command):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
