"""The ``smartcity-kg`` command line: build the graph, list and run the named queries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .exceptions import SmartCityKGError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from .builder import BuildOptions, BuildResult
    from .entities import EntityIndex
    from .network import Network

__all__ = ["main"]

_OUT = click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
                    show_default=True, help="Directory of the built graph.")


_STORE = click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                      help="Keep the loaded graph in an on-disk store here and reuse it.")


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

    from .builder import BuildOptions

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

    from .builder import build

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
        folder = queries_dir or shipped("queries")
        catalogue = load_catalogue(folder)
        if (folder / "federated").is_dir():
            catalogue.update(load_catalogue(folder / "federated"))
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
@_STORE
@click.option("--queries", "queries_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Directory of named queries. Default: the shipped one.")
@click.option("--allow-service", is_flag=True,
              help="Allow a federated query (queries/federated/) to reach a remote endpoint through SERVICE.")
def query_command(name: str, params: tuple[str, ...], fmt: str, out: Path, store_dir: Path | None,
                  queries_dir: Path | None, allow_service: bool) -> None:
    """Run the named query NAME over the built graph (building it first if there is none)."""
    from .queries import bind_params, load_catalogue
    from .resources import shipped

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
        store, index = _open(out, store_dir)
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


def _open(out: Path, store_dir: Path | None) -> tuple[ox.Store, EntityIndex]:
    """The store of the build in ``out`` (building it first if there is none) and its index."""
    from .entities import EntityIndex
    from .store import open_store

    if not (out / "graph.trig").is_file():
        click.echo(f"no graph in {out}/; building it first", err=True)
        _run_build(out, _options(None, None, None, None, True, 120.0), quiet=False)
    store = open_store(out, store_dir)
    return store, EntityIndex.from_store(store)


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


def _network(out: Path, store_dir: Path | None) -> tuple[Network, EntityIndex, ox.Store]:
    from .network import project

    store, index = _open(out, store_dir)
    return project(store, labels=index.labels), index, store


def _resolve_class(network: Network, name: str) -> str:
    """The IRI of a class named by IRI, local name or label."""
    import difflib

    from .namespaces import SCK

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


@main.command("paths")
@click.option("--from", "source", metavar="ENTITY", help="The firm (or any entity) to start from: IRI, id or label.")
@click.option("--firm", metavar="NAME", help="A firm that is not in the graph: its name (use with --country and --sector).")
@click.option("--country", metavar="COUNTRY", default="US", show_default=True, help="The profile's home country.")
@click.option("--sector", "sectors", multiple=True, metavar="SECTOR", help="A sector of the profile (repeatable).")
@click.option("--to", "target", metavar="ENTITY", help="One entity to reach.")
@click.option("--to-class", "target_class", metavar="CLASS",
              help="Reach any instance of this class. Default: Danish decision makers (the inferred class).")
@click.option("--k", "k", type=int, default=5, show_default=True, help="How many paths (1-100).")
@click.option("--max-hops", type=int, default=6, show_default=True, help="The longest path, in hops (1-10).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@_OUT
@_STORE
def paths_command(source: str | None, firm: str | None, country: str, sectors: tuple[str, ...], target: str | None,
                  target_class: str | None, k: int, max_hops: int, fmt: str, out: Path, store_dir: Path | None) -> None:
    """The k cheapest explained paths from a firm to decision makers, each hop with its evidence."""
    import json

    from .namespaces import SCK
    from .paths import Profile, add_profile, find_paths
    from .render import paths_markdown, paths_text

    if (source is None) == (firm is None):
        raise click.UsageError("give either --from ENTITY or --firm NAME (with --sector)")
    if firm is not None and not sectors:
        raise click.UsageError("a firm profile needs at least one --sector")
    if target is not None and target_class is not None:
        raise click.UsageError("give --to or --to-class, not both")
    try:
        network, index, _ = _network(out, store_dir)
        if firm is not None:
            profile = Profile(firm, index.resolve(country).value, tuple(sectors))
            network = add_profile(network, profile)
            start = profile.iri
        else:
            start = index.resolve(source or "").value
        if target is not None:
            targets = {index.resolve(target).value}
            goal = network.labels.get(next(iter(targets)), target)
        else:
            klass = _resolve_class(network, target_class) if target_class else SCK + "DanishDecisionMaker"
            targets = network.members(klass)
            goal = f"any {network.labels.get(klass, klass)}"
        found = find_paths(network, start, targets, k=k, max_hops=max_hops)
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    name = network.labels.get(start, start)
    if fmt == "json":
        data = {"from": start, "from_label": name, "to": goal, "k": k, "max_hops": max_hops,
                "paths": [p.to_dict() for p in found]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif not found:
        click.echo(f"No path from {name} to {goal} within {max_hops} hops.")
    elif fmt == "markdown":
        click.echo(paths_markdown(found), nl=False)
    else:
        click.echo(f"{len(found)} cheapest paths from {name} to {goal}:\n")
        click.echo(paths_text(found), nl=False)


@main.command("brokers")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many brokers.")
@_OUT
@_STORE
def brokers_command(top: int, out: Path, store_dir: Path | None) -> None:
    """The organisations and posts on the most U.S.-firm-to-Danish-decision-maker paths."""
    from .brokers import find_brokers
    from .render import brokers_text

    try:
        network, _, _ = _network(out, store_dir)
        found = find_brokers(network, top=top)
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    click.echo(brokers_text(found) if found else "No broker: no U.S. firm reaches a Danish decision maker.\n", nl=False)


@main.command("opportunities")
@click.option("--sector", required=True, metavar="SECTOR", help="The sector, by notation or label.")
@click.option("--country", default="DK", show_default=True, metavar="COUNTRY", help="The market.")
@click.option("--top", type=click.IntRange(1, 1000), default=15, show_default=True, help="How many answers.")
@_OUT
@_STORE
def opportunities_command(sector: str, country: str, top: int, out: Path, store_dir: Path | None) -> None:
    """The initiatives, authorities and decision makers investing in a sector, ranked, with evidence."""
    from .opportunities import find_opportunities
    from .queries import bind_params, load_catalogue, run_query
    from .render import opportunities_text
    from .resources import shipped

    try:
        network, index, store = _network(out, store_dir)
        query = load_catalogue(shipped("queries"))["entities-in-country"]
        rows = run_query(store, query, bind_params(query, {"country": country}, index)).rows
        in_country = {row[0].value for row in rows if row[0] is not None}
        found = find_opportunities(network, sector, in_country, top=top)
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    where = network.labels.get(index.resolve(country).value, country)
    if not found:
        click.echo(f"No initiative, authority or decision maker in {where} is tied to {sector!r}.")
    else:
        click.echo(opportunities_text(found), nl=False)


@main.command("view")
@click.argument("kind", type=click.Choice(["overview", "ego", "paths", "opportunities"]))
@click.option("--entity", metavar="ENTITY", help="ego: the entity at the centre; paths: the firm (--from).")
@click.option("--radius", type=int, default=1, show_default=True, help="ego: how many hops around the entity (1-4).")
@click.option("--cap", type=int, default=25, show_default=True, help="ego: the most neighbours shown per node (1-500).")
@click.option("--firm", metavar="NAME", help="paths: a firm profile instead of --entity.")
@click.option("--country", default=None, help="paths: the profile's home country (default US); opportunities: the market (default DK).")
@click.option("--sector", "sectors", multiple=True, metavar="SECTOR", help="paths: the profile's sectors; opportunities: the sector.")
@click.option("--to", "target", metavar="ENTITY", help="paths: one entity to reach.")
@click.option("--k", "k", type=int, default=5, show_default=True)
@click.option("--size-by", type=click.Choice(["degree", "broker"]), default="degree", show_default=True,
              help="overview: node size.")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write.")
@_OUT
@_STORE
def view_command(kind: str, entity: str | None, radius: int, cap: int, firm: str | None, country: str | None,
                 sectors: tuple[str, ...], target: str | None, k: int, size_by: str, output: Path, out: Path,
                 store_dir: Path | None) -> None:
    """Write an interactive network view (offline HTML) of the graph, an entity, paths or a sector."""
    from . import views

    try:
        network, index, store = _network(out, store_dir)
        if kind == "overview":
            sizes = None
            if size_by == "broker":
                from .brokers import find_brokers

                sizes = {b.node: b.score for b in find_brokers(network, top=1000)}
            view = views.overview_view(network, sizes=sizes)
        elif kind == "ego":
            if entity is None:
                raise click.UsageError("an ego view needs --entity")
            view = views.ego_view(network, index.resolve(entity).value, radius=radius, cap=cap)
        elif kind == "paths":
            from .namespaces import SCK
            from .paths import Profile, add_profile, find_paths

            if (entity is None) == (firm is None):
                raise click.UsageError("a paths view needs --entity ENTITY or --firm NAME (with --sector)")
            if firm is not None:
                profile = Profile(firm, index.resolve(country or "US").value, tuple(sectors))
                network = add_profile(network, profile)
                start = profile.iri
            else:
                start = index.resolve(entity or "").value
            targets = {index.resolve(target).value} if target else network.members(SCK + "DanishDecisionMaker")
            view = views.paths_view(network, find_paths(network, start, targets, k=k),
                                    title=f"Paths from {network.labels.get(start, start)}")
        else:
            from .opportunities import find_opportunities
            from .paths import resolve_sector
            from .queries import bind_params, load_catalogue, run_query
            from .resources import shipped

            if len(sectors) != 1:
                raise click.UsageError("an opportunities view needs one --sector")
            market = country or "DK"
            query = load_catalogue(shipped("queries"))["entities-in-country"]
            rows = run_query(store, query, bind_params(query, {"country": market}, index)).rows
            in_country = {row[0].value for row in rows if row[0] is not None}
            found = find_opportunities(network, sectors[0], in_country)
            view = views.opportunities_view(network, resolve_sector(network, sectors[0]), found)
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    view.save(output)
    click.echo(f"wrote {output}: {view.nodes} nodes, {view.edges} ties, {len(view.html.encode()) / 1024:.0f} KiB")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "schema-jsonld", "void"]), required=True,
              help="graphml, gexf: the projected network; csv: the network (nodes.csv, edges.csv) and one table "
                   "per class (tables/); schema-jsonld: the entities as schema.org; void: a VoID and DCAT description.")
@click.option("--output", "-o", "output", type=click.Path(path_type=Path), required=True,
              help="The file to write, or the folder for csv.")
@click.option("--dataset", default="https://w3id.org/smartcity-kg/", show_default=True,
              help="void: the IRI of the dataset described.")
@_OUT
@_STORE
def export_command(fmt: str, output: Path, dataset: str, out: Path, store_dir: Path | None) -> None:
    """Export for analysts' tools (Gephi, Cytoscape, spreadsheets) and for open-data tools."""
    import json

    from . import publish
    from .exports import export_network

    try:
        if fmt in ("graphml", "gexf", "csv"):
            network, index, store = _network(out, store_dir)
            written = export_network(network, output, fmt)
            if fmt == "csv":
                written += publish.csv_tables(store, output / "tables", index.labels)
        else:
            store, index = _open(out, store_dir)
            if fmt == "schema-jsonld":
                written = [publish.schema_jsonld(store, output)]
            else:
                report = json.loads((out / "report.json").read_text(encoding="utf-8"))
                written = [publish.void_description(store, report, output, dataset=dataset)]
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    for path in written:
        click.echo(f"wrote {path}")


@main.command("links")
@_OUT
@_STORE
def links_command(out: Path, store_dir: Path | None) -> None:
    """For each class, how many entities are linked to each open-data register, and which are not."""
    from .queries import bind_params, load_catalogue, run_query
    from .resources import shipped

    try:
        store, index = _open(out, store_dir)
        catalogue = load_catalogue(shipped("queries"))
        coverage = run_query(store, catalogue["links"])
        unlinked = run_query(store, catalogue["unlinked"], bind_params(catalogue["unlinked"], {}, index))
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    click.echo(coverage.to_csv(index.labels), nl=False)
    names = sorted(index.labels.get(row[1].value, row[1].value) for row in unlinked.rows if row[1] is not None)
    click.echo(f"\n{len(names)} organisations without any link: " + "; ".join(names))


@main.command("link")
@_OUT
@click.option("--review", "review", type=click.Path(dir_okay=False, path_type=Path), default=Path("link-review.csv"),
              show_default=True, help="The review file to write (or, with --accept, to read).")
@click.option("--wikidata/--no-wikidata", default=True, show_default=True, help="Ask Wikidata about organisations.")
@click.option("--offline", is_flag=True, help="Answer Wikidata questions from the cache only.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), help="Wikidata cache folder.")
@click.option("--accept", "accept", is_flag=True, help="Write the review file's accepted links into the fact sheets.")
@click.option("--graph", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="With --accept: the graph folder whose facts/ receive the links. Default: the shipped one.")
@_STORE
def link_command(out: Path, review: Path, wikidata: bool, offline: bool, cache: Path | None, accept: bool,
                 graph: Path | None, store_dir: Path | None) -> None:
    """Propose links to GeoNames, ISO 3166 and Wikidata for review, or accept the reviewed ones."""
    import datetime

    from .linking import (
        Unreached,
        accept_review,
        propose_organisations,
        propose_places,
        write_review,
    )
    from .resources import shipped
    from .wikidata import WikidataClient

    try:
        if accept:
            counts = accept_review(review, (graph or shipped("graph")) / "facts", datetime.date.today().isoformat())
            for sheet, count in counts.items():
                click.echo(f"added {count} links to {sheet}.yaml")
            if not counts:
                click.echo("no new accepted link in the review file")
            return
        store, _ = _open(out, store_dir)
        proposals = propose_places(store)
        unreached: list[Unreached] = []
        if wikidata:
            found, unreached = propose_organisations(store, WikidataClient(cache, offline=offline))
            proposals += found
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    write_review(proposals, review)
    by_status: dict[str, int] = {}
    for proposal in proposals:
        by_status[proposal.status] = by_status.get(proposal.status, 0) + 1
    click.echo(f"wrote {review}: {len(proposals)} proposals (" +
               ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) + "); mark accept=yes and run 'link --accept'")
    for item in unreached:
        click.echo(f"could not ask {item.register} about {item.label}: {item.reason}", err=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@_OUT
@_STORE
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

    from .server import ServerConfig, create_app

    if endpoint is None and not (out / "graph.trig").is_file():
        click.echo(f"no graph in {out}/; building it first", err=True)
        try:
            _run_build(out, _options(None, None, None, None, True, 120.0), quiet=False)
        except SmartCityKGError as exc:
            raise _fail(exc) from None
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = ServerConfig(build_dir=out, store_dir=store_dir, endpoint=endpoint, workers=workers, timeout=timeout,
                          max_rows=max_rows, max_body=max_body, cors_origins=cors)
    uvicorn.run(create_app(config), host=host, port=port, access_log=False, log_level="info")


@main.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The Graph Store Protocol endpoint, such as http://localhost:7878/store for Oxigraph.")
@_OUT
def push_command(endpoint: str, out: Path) -> None:
    """Upload the built dataset's named graphs to a triple store (PUT: pushing twice changes nothing)."""
    from .push import push

    try:
        pushed = push(out, endpoint)
    except SmartCityKGError as exc:
        raise _fail(exc) from None
    for item in pushed:
        click.echo(f"pushed <{item.graph}>: {item.triples} triples")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
