"""The ``smartcity-kg`` command line: the group and its commands for building, querying, serving and pushing.

The commands on the network (paths, brokers, opportunities, view, export) are in
:mod:`smartcity_kg.cli.network`, those for open data (link, links) in :mod:`smartcity_kg.cli.links`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..exceptions import SmartCityKGError
from ._shared import (BUILD_DIR, DEFERRED, ENDPOINT, EXIT_CODES, STORE, UsageFailure, build_options, ensure_build, fail,
                      format_option, leave_network, open_graph, run_build)
from ._tables import plural, print_records
from .brief import brief_command
from .draft import draft_command, ids_command
from .editions import editions_command
from .links import link_command, links_command
from .trade import trade_data_command
from .network import brokers_command, export_command, opportunities_command, paths_command, view_command

__all__ = ["main"]

_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


#: Commands that reach the network (``query`` only with --allow-service; ``serve``'s workers isolate themselves).
_NETWORKED = frozenset({"link", "push", "serve", "query"})


class _CommandLine(click.Group):
    """The group; run as a program (its arguments from ``sys.argv``), it runs the commands that need no
    network without one (:mod:`smartcity_kg.sandbox`). Called with arguments, as tests do, it leaves
    the calling process as it is."""

    def main(self, args: Any = None, *rest: Any, **extra: Any) -> Any:  # type: ignore[override]
        if args is None:
            extra.setdefault("obj", _ISOLATE)
        return super().main(args, *rest, **extra)


_ISOLATE = "isolate"


def _isolate(ctx: click.Context) -> None:
    """Leave the network, when run as a program; warn (and go on) where that cannot be done."""
    leave_network(None)


def _names_endpoint(ctx: click.Context) -> bool:
    """Whether the command takes --endpoint and the command line gives it: the command then leaves the
    network when it opens the graph, keeping a way to the endpoint only."""
    command = main.get_command(ctx, ctx.invoked_subcommand or "")
    takes = command is not None and any(p.name == "endpoint" for p in command.params)
    return takes and any(a == "--endpoint" or a.startswith("--endpoint=") for a in sys.argv[1:])


@click.group(cls=_CommandLine, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(__version__, "--version", "-V", prog_name="smartcity-kg")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A knowledge graph of smart-city market opportunities, with source-cited facts.

    Build the graph once ('smartcity-kg build'), then ask it: named queries, explained paths
    from a firm to the people who decide, brokers, opportunities, views, exports, a server.
    """
    if ctx.invoked_subcommand not in _NETWORKED:
        if ctx.find_root().obj == _ISOLATE and _names_endpoint(ctx):
            ctx.meta[DEFERRED] = True
        else:
            _isolate(ctx)


@main.command("build", epilog=EXIT_CODES)
@BUILD_DIR
@click.option("--ontology", type=_DIR, help="Ontology folder (hub smartcity-kg.ttl, modules, shapes/). Default: the shipped one.")
@click.option("--graph", type=_DIR, help="Graph folder (sources/sources.yaml, facts/*.yaml). Default: the shipped one.")
@click.option("--checks", type=_DIR, help="Folder of *-violation.rq quality checks. Default: the shipped one.")
@click.option("--base", help="Base IRI of the entities, ending in '/' or '#'.", default=None)
@click.option("--reasoner", type=click.Choice(["rules", "hermit", "none"]), default="rules", show_default=True,
              help="rules: the ontology's axioms as rules, no Java needed; hermit: owlready2 and HermiT (needs Java); "
                   "none: no inferred classes (paths then find no decision maker).")
@click.option("--reason-timeout", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds the reasoner may take: CPU time for the rules (waiting for a busy processor does "
                   "not count), wall-clock time for HermiT.")
@click.option("--check-timeout", type=click.FloatRange(min=0.1), default=None,
              help="Seconds each quality check may take.  [default: 60]")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@format_option("table", "json")
def build_command(build_dir: Path, ontology: Path | None, graph: Path | None, checks: Path | None,
                  base: str | None, reasoner: str, reason_timeout: float, check_timeout: float | None, quiet: bool,
                  fmt: str) -> None:
    """Build the graph: validate, reason, and write TriG, N-Triples, Turtle, JSON-LD and a report.

    The build folder is replaced only when the build succeeds, and only when it is absent,
    empty or a build that smartcity-kg wrote.
    """
    import json
    from dataclasses import replace

    try:
        options = build_options(ontology, graph, checks, base, reasoner, reason_timeout)
        if check_timeout is not None:
            options = replace(options, check_timeout=check_timeout)
        result = run_build(build_dir, options, quiet)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    report: dict[str, Any] = result.report
    if fmt == "json":
        click.echo(json.dumps({"build_dir": str(build_dir), "report": report, "timings": result.timings}, indent=2,
                              ensure_ascii=False))
        return
    reasoning = report["reasoning"]
    click.echo(f"built {build_dir}/: {report['triples']} triples ({report['quads']} quads) from "
               f"{plural(len(report['sources']), 'fact sheet')}, {plural(report['items'], 'item')}")
    if reasoning.get("reasoner"):
        click.echo(f"reasoning: {reasoning['reasoner']}; consistent; "
                   f"{plural(reasoning['inferred_triples'], 'inferred triple')}")
    else:
        click.echo("reasoning: skipped (--reasoner none): no inferred classes, so paths find no decision maker")
    click.echo("timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()))


def _catalogues(queries_dir: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The named queries of ``queries_dir`` (default: the shipped ones) and those of its ``federated/``."""
    from ..resources import shipped
    from ..store.queries import load_catalogue

    folder = queries_dir or shipped("queries")
    federated = load_catalogue(folder / "federated") if (folder / "federated").is_dir() else {}
    return load_catalogue(folder), federated


@main.command("queries", epilog=EXIT_CODES)
@click.option("--queries", "queries_dir", type=_DIR, help="Folder of named queries. Default: the shipped one.")
@format_option("table", "csv", "json", "markdown")
def queries_command(queries_dir: Path | None, fmt: str) -> None:
    """List the named queries with their parameters."""
    try:
        local, federated = _catalogues(queries_dir)
        catalogue = {**local, **federated}
    except SmartCityKGError as exc:
        raise fail(exc) from None
    rows = [[query.name, query.summary,
             "; ".join(f"{p.name}" + (f" (default {p.default})" if p.default is not None else "") for p in query.params)]
            for query in catalogue.values()]
    print_records(["query", "summary", "parameters"], rows, fmt, noun=("query", "queries"))


@main.command("query", epilog=EXIT_CODES)
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the query; entities by IRI, prefixed name, id or label.")
@format_option("table", "csv", "json", "markdown")
@BUILD_DIR
@STORE
@click.option("--queries", "queries_dir", type=_DIR, help="Folder of named queries. Default: the shipped one.")
@click.option("--allow-service", is_flag=True,
              help="Allow a federated query (queries/federated/) to reach a remote endpoint through SERVICE.")
@ENDPOINT
def query_command(name: str, params: tuple[str, ...], fmt: str, build_dir: Path, store_dir: Path | None,
                  queries_dir: Path | None, allow_service: bool, endpoint: str | None) -> None:
    """Run the named query NAME over the built graph (building it first if there is none).

    CSV, Markdown and the table show entities by their label; JSON is the SPARQL 1.1 results
    format with each entity's label added.
    """
    from ..store.queries import bind_params, run_query

    if not allow_service and endpoint is None:
        _isolate(click.get_current_context())
    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r}; expected NAME=VALUE", param_hint="--param")
        given[key] = value
    try:
        catalogue, federated = _catalogues(queries_dir)
        if name in federated:
            if not allow_service:
                raise UsageFailure(f"{name!r} is a federated query: it sends parts of itself to a remote "
                                   "endpoint through SERVICE. Run it with --allow-service.")
            catalogue = {**catalogue, name: federated[name]}
        if name not in catalogue:
            import difflib

            close = difflib.get_close_matches(name, list(catalogue), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageFailure(f"no named query {name!r}{hint} ('smartcity-kg queries' lists them)")
        store, index = open_graph(build_dir, store_dir, endpoint)
        result = run_query(store, catalogue[name], bind_params(catalogue[name], given, index))
    except SmartCityKGError as exc:
        raise fail(exc) from None
    if fmt == "csv":
        click.echo(result.to_csv(index.labels), nl=False)
    elif fmt == "json":
        click.echo(result.to_json(index.labels), nl=False)
    else:
        print_records(result.columns, result.cells(index.labels), fmt)


@main.command("serve", epilog=EXIT_CODES)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@BUILD_DIR
@STORE
@ENDPOINT
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Query worker processes.  [default: 8 per core (at most 16, and no more than the memory holds at "
                   "--max-memory each) over a build's store/; 2 for a build loaded by each worker]")
@click.option("--fast-workers", type=click.IntRange(0, 16), default=1, show_default=True,
              help="More workers kept for light queries (ASK, a final LIMIT of at most 100, or a query that ran in "
                   "under a quarter of a second last time).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True, help="Seconds a query may run.")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True, help="Rows (or triples) a query may return.")
@click.option("--max-bytes", type=click.IntRange(1000), default=10 * 2**20, show_default=True, help="Bytes an answer may have.")
@click.option("--max-memory", type=click.IntRange(0), default=1024, show_default=True,
              help="Megabytes of memory a query worker may use (0: no limit).")
@click.option("--per-client", type=click.IntRange(1), default=1, show_default=True,
              help="Queries one client address may run at a time.")
@click.option("--queue-wait", "wait", type=click.FloatRange(0, 3600), default=30.0, show_default=True,
              help="Seconds a query may wait, in turn, for a free worker before it is answered 503.")
@click.option("--queue", type=click.IntRange(1, 1000), default=32, show_default=True,
              help="Queries that may wait for a worker at once; one more is answered 503 at once.")
@click.option("--max-body", type=click.IntRange(1000), default=100_000, show_default=True, help="Bytes a request may carry.")
@click.option("--read-timeout", type=click.FloatRange(0.5, 600), default=10.0, show_default=True,
              help="Seconds a client may take to send a request's headers, and again its body.")
@click.option("--unsafe-allow-network", is_flag=True,
              help="Where no network namespace can be made (not Linux, a container forbidding it), run queries anyway, "
                   "with only the text check between them and the network.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="An origin allowed to query from a browser (repeatable; '*' for any).")
def serve_command(host: str, port: int, build_dir: Path, store_dir: Path | None, endpoint: str | None,
                  cors: tuple[str, ...], read_timeout: float, unsafe_allow_network: bool, **bounds: Any) -> None:
    """Serve SPARQL, named queries, entity pages and views over HTTP.

    Queries run in worker processes without a network (Linux network namespaces); where none
    can be made the server refuses to start, unless --unsafe-allow-network.
    """
    import logging

    import uvicorn

    from ..sandbox import OPT_OUT, isolation_problem
    from ..serve.clients import bounded_protocol
    from ..serve.server import ServerConfig, create_app

    if endpoint is None:
        problem = None if unsafe_allow_network or os.environ.get(OPT_OUT) == "1" else isolation_problem()
        if problem:
            raise click.ClickException(f"queries cannot run without a network here: {problem}. "
                                       "Start with --unsafe-allow-network to serve them anyway.")
        try:
            ensure_build(build_dir)
        except SmartCityKGError as exc:
            raise fail(exc) from None
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = ServerConfig(build_dir=build_dir, store_dir=store_dir, endpoint=endpoint, cors_origins=cors,
                          read_timeout=read_timeout, isolate=not unsafe_allow_network, **bounds)
    uvicorn.run(create_app(config), host=host, port=port, access_log=False, log_level="info",
                http=bounded_protocol(read_timeout))


@main.command("push", epilog=EXIT_CODES)
@click.option("--endpoint", required=True, metavar="URL",
              help="The Graph Store Protocol endpoint, such as http://localhost:7878/store for Oxigraph.")
@BUILD_DIR
@format_option("table", "csv", "json")
def push_command(endpoint: str, build_dir: Path, fmt: str) -> None:
    """Upload the built dataset's named graphs to a triple store (PUT: pushing twice changes nothing)."""
    from ..store.push import push

    try:
        ensure_build(build_dir)
        pushed = push(build_dir, endpoint)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    if fmt == "table":
        for item in pushed:
            name = f"<{item.graph}>" if item.graph else "the default graph (the merge of the named graphs)"
            click.echo(f"pushed {name}: {plural(item.triples, 'triple')}")
    else:
        print_records(["graph", "triples"], [[item.graph, item.triples] for item in pushed], fmt)


for _command in (paths_command, brokers_command, opportunities_command, view_command, export_command,
                 link_command, links_command, draft_command, ids_command, trade_data_command, brief_command):
    main.add_command(_command)
main.add_command(editions_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
