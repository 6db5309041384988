"""Commands on the network: paths, brokers, opportunities, views and exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..exceptions import SmartCityKGError
from ..network.markets import DEFAULT_HOME, DEFAULT_MARKET
from ._shared import (
    BUILD_DIR,
    ENDPOINT,
    EXIT_CODES,
    Read,
    STORE,
    UsageFailure,
    fail,
    format_option,
    network_of,
    open_graph,
    output_option,
    resolve_class,
)
from ._tables import plural, print_records

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..network.markets import Market
    from ..network.paths import Path as Route
    from ..network.projection import Network
    from ..network.tenure import AsOf
    from ..store.entities import EntityIndex

__all__ = ["brokers_command", "export_command", "opportunities_command", "paths_command", "view_command"]

_HOP_COLUMNS = ["path", "cost", "step", "from", "relation", "to", "date", "source", "quote", "age_months", "as_of"]

FROM = click.option("--from", "source", metavar="ENTITY", help="The firm (or any entity) to start from: IRI, id or label.")
FIRM = click.option("--firm", metavar="NAME", help="A firm that is not in the graph: its name (with --sector and --home).")
HOME = click.option("--home", metavar="CC", default=DEFAULT_HOME, show_default=True,
                    help="The firms' home country (ISO 3166-1 code): a firm profile's, or the firms brokers start from.")
MARKET = click.option("--market", metavar="CC", default=DEFAULT_MARKET, show_default=True,
                      help="The market: a country, by ISO 3166-1 code (any country; its decision makers are the targets).")
TO = click.option("--to", "target", metavar="ENTITY", help="One entity to reach.")
AS_OF = click.option("--as-of", "as_of", metavar="DATE",
                     help="The date the answer holds for: YYYY, YYYY-MM or YYYY-MM-DD. Default: today.")


def _as_of_network(network: Network, as_of: AsOf) -> Network:
    from ..network.tenure import network_as_of

    return network_as_of(network, as_of)


def _parse_as_of(text: str | None) -> AsOf:
    """The as-of date, refused before any work (exit 2, one line) if it is not a date."""
    from ..network.tenure import parse_as_of

    try:
        return parse_as_of(text)
    except SmartCityKGError as exc:
        raise UsageFailure(f"--as-of: {exc}") from None


def _check_start(source: str | None, firm: str | None, sectors: tuple[str, ...]) -> None:
    """Refuse, before any work, a start that is not one entity or one firm profile with a sector."""
    if (source is None) == (firm is None):
        raise UsageFailure("give either --from ENTITY or --firm NAME (with --sector)")
    if firm is not None and not sectors:
        raise UsageFailure("a firm profile needs at least one --sector")


def _market(network: Network, name: str) -> Market:
    """The market named ``name``; the markets of the graph come first among the suggestions."""
    from ..network.markets import resolve_market

    return resolve_market(name, {iri.rsplit("/", 1)[-1] for found in network.markets.values() for iri in found})


def _start(network: Network, index: EntityIndex, source: str | None, firm: str | None, home: str,
           sectors: tuple[str, ...]) -> tuple[Network, str]:
    """The network (with the firm profile added, if one is given) and the node paths start from."""
    from ..network.paths import Profile, add_profile, resolve_sector

    if firm is None:
        return network, index.resolve(source or "").value
    named = tuple(resolve_sector(network, sector, index.names) for sector in sectors)
    profile = Profile(firm, _market(network, home).iri, named)
    return add_profile(network, profile), profile.iri


def _targets(network: Network, index: EntityIndex, read: Read, store: ox.Store, target: str | None,
             target_class: str | None, market: str) -> tuple[set[str], str]:
    """The nodes to reach and how the answer names them; refuses a build made without reasoning
    and a market with no decision makers."""
    if target is not None and target_class is not None:
        raise UsageFailure("give --to or --to-class, not both")
    if target is not None:
        iri = index.resolve(target).value
        return {iri}, network.labels.get(iri, target)
    if target_class is not None:
        klass = resolve_class(network, target_class)
        return network.members(klass), f"any {network.labels.get(klass, klass)}"
    return _market_decision_makers(network, read, store, _market(network, market))


def _market_decision_makers(network: Network, read: Read, store: ox.Store, market: Market) -> tuple[set[str], str]:
    """The decision makers of ``market`` and how the answer names them; fails (exit 1) when there are none."""
    from ..network.markets import ADDING_A_MARKET, decision_posts

    members = decision_posts(network, market)
    if not members:
        _refuse_unreasoned(read, store)
        raise click.ClickException(f"no decision makers known in {market.label} ({market.code}) in {read.name}; "
                                   f"add the market's organisations and posts as {ADDING_A_MARKET} says")
    return members, f"any decision maker in {market.label}"


def _refuse_unreasoned(read: Read, store: ox.Store) -> None:
    """Fail (exit 1) when the graph has no inferred classes, rather than answer "no path"."""
    if not read.reasoned(store):
        raise click.ClickException(
            f"{read.name} was made without reasoning (--reasoner none), so no entity is known to be a "
            "decision maker; rebuild it with 'smartcity-kg build'")


def _print_paths(found: list[Route], fmt: str, start: str, name: str, goal: str, k: int, max_hops: int,
                 as_of: str) -> None:
    from ..network.render import paths_markdown, paths_text

    if fmt == "json":
        data = {"from": start, "from_label": name, "to": goal, "as_of": as_of, "k": k, "max_hops": max_hops,
                "paths": [p.to_dict() for p in found]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        rows = [[number, path.cost, step, hop.source_label, hop.relation, hop.target_label, hop.date,
                 hop.evidence_source_label, hop.quote, hop.age_months, as_of]
                for number, path in enumerate(found, start=1) for step, hop in enumerate(path.hops, start=1)]
        print_records(_HOP_COLUMNS, rows, "csv")
    elif not found:
        click.echo(f"No path from {name} to {goal} within {plural(max_hops, 'hop')}, as of {as_of}.")
    elif fmt == "markdown":
        click.echo(paths_markdown(found), nl=False)
    else:
        click.echo(f"{plural(len(found), 'cheapest path')} from {name} to {goal}, as of {as_of}:\n")
        click.echo(paths_text(found), nl=False)


@click.command("paths", epilog=EXIT_CODES)
@FROM
@FIRM
@HOME
@click.option("--sector", "sectors", multiple=True, metavar="SECTOR", help="A sector of the firm profile (repeatable).")
@TO
@MARKET
@click.option("--to-class", "target_class", metavar="CLASS",
              help="Reach any instance of this class (IRI, sck:Name, name or label). Default: the market's decision makers.")
@click.option("--k", "k", type=int, default=5, show_default=True, help="How many paths (1-100).")
@click.option("--max-hops", type=int, default=6, show_default=True, help="The longest path, in hops (1-10).")
@AS_OF
@format_option("table", "csv", "json", "markdown")
@BUILD_DIR
@STORE
@ENDPOINT
def paths_command(source: str | None, firm: str | None, home: str, sectors: tuple[str, ...], target: str | None,
                  market: str, target_class: str | None, k: int, max_hops: int, as_of: str | None, fmt: str,
                  build_dir: Path, store_dir: Path | None, endpoint: str | None) -> None:
    """The k cheapest explained paths from a firm to decision makers as of a date, each hop with its evidence."""
    from ..network.paths import find_paths
    from ..network.tenure import with_holders

    _check_start(source, firm, sectors)
    when = _parse_as_of(as_of)
    try:
        network, index, store = network_of(build_dir, store_dir, endpoint)
        network, start = _start(_as_of_network(network, when), index, source, firm, home, sectors)
        targets, goal = _targets(network, index, Read(build_dir, endpoint), store, target, target_class, market)
        aimed = _market(network, market) if target is None and target_class is None else None
        found = with_holders(find_paths(network, start, targets, market=aimed, k=k, max_hops=max_hops), network, when)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    _print_paths(found, fmt, start, network.labels.get(start, start), goal, k, max_hops, when.text)


@click.command("brokers", epilog=EXIT_CODES)
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many brokers.")
@HOME
@MARKET
@AS_OF
@format_option("table", "csv", "json", "markdown")
@BUILD_DIR
@STORE
@ENDPOINT
def brokers_command(top: int, home: str, market: str, as_of: str | None, fmt: str, build_dir: Path,
                    store_dir: Path | None, endpoint: str | None) -> None:
    """The organisations and posts on the most paths from the firms of a home country to a market's decision
    makers, as of a date."""
    from ..network.brokers import find_brokers
    from ..network.markets import firms_based_in
    from ..network.render import brokers_text

    when = _parse_as_of(as_of)
    try:
        network, index, store = network_of(build_dir, store_dir, endpoint)
        network = _as_of_network(network, when)
        where, origin = _market(network, market), _market(network, home)
        targets, goal = _market_decision_makers(network, Read(build_dir, endpoint), store, where)
        found = find_brokers(network, top=top, firms=firms_based_in(network, origin, where), targets=targets,
                             market=where, home=origin)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    if fmt == "table":
        click.echo(f"Brokers between firms based in {origin.label} and {goal}, as of {when.text}:" if found else
                   f"No broker: no firm based in {origin.label} reaches {goal}, as of {when.text}.")
        click.echo(brokers_text(found), nl=False)
        return
    rows = [[rank, b.label, b.kind, b.score, b.node, " → ".join(b.example), when.text]
            for rank, b in enumerate(found, start=1)]
    print_records(["rank", "broker", "kind", "paths", "iri", "example", "as_of"], rows, fmt)


def _in_market(store: ox.Store, index: EntityIndex, market: Market) -> set[str]:
    """The entities of the market ``market`` (the named query ``entities-in-country``)."""
    from ..resources import shipped
    from ..store.queries import bind_params, load_catalogue, run_query

    query = load_catalogue(shipped("queries"))["entities-in-country"]
    rows = run_query(store, query, bind_params(query, {"market": market.iri}, index)).rows
    return {row[0].value for row in rows if row[0] is not None}


@click.command("opportunities", epilog=EXIT_CODES)
@click.option("--sector", required=True, metavar="SECTOR", help="The sector, by notation or label.")
@click.option("--market", metavar="CC", help="The market, by ISO 3166-1 code. Without it, the markets of the graph "
              "are compared for the sector.")
@HOME
@click.option("--top", type=click.IntRange(1, 1000), default=15, show_default=True, help="How many answers.")
@AS_OF
@format_option("table", "csv", "json", "markdown")
@BUILD_DIR
@STORE
@ENDPOINT
def opportunities_command(sector: str, market: str | None, home: str, top: int, as_of: str | None, fmt: str,
                          build_dir: Path, store_dir: Path | None,
                 endpoint: str | None) -> None:
    """The initiatives, authorities and decision makers of a market tied to a sector as of a date, ranked, with
    evidence; without --market, the markets of the graph ranked for the sector, each with its evidence."""
    from ..network.opportunities import find_opportunities
    from ..network.paths import resolve_sector
    from ..network.render import opportunities_text
    from ._compare import print_comparison

    when = _parse_as_of(as_of)
    try:
        network, index, store = network_of(build_dir, store_dir, endpoint)
        named = resolve_sector(network, sector, index.names)
        if market is None:
            print_comparison(store, index.labels, named, _market(network, home), fmt, top, when)
            return
        where = _market(network, market)
        found = find_opportunities(_as_of_network(network, when), named, _in_market(store, index, where), top=top)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    if fmt == "table":
        click.echo(f"Opportunities in {where.label} tied to {sector!r}, as of {when.text}:\n" + opportunities_text(found)
                   if found else f"No initiative, authority or decision maker in {where.label} is tied to {sector!r}, "
                   f"as of {when.text}.\n", nl=False)
        return
    rows = [[rank, item.label, item.kind, item.cost, item.node, " → ".join([item.path.hops[0].source_label] +
                                                                       [h.target_label for h in item.path.hops]),
             when.text]
            for rank, item in enumerate(found, start=1)]
    print_records(["rank", "opportunity", "kind", "cost", "iri", "path", "as_of"], rows, fmt)


@click.command("view", epilog=EXIT_CODES)
@click.argument("kind", type=click.Choice(["overview", "ego", "paths", "opportunities"]))
@click.option("--entity", metavar="ENTITY", help="ego: the entity at the centre.")
@click.option("--radius", type=int, default=1, show_default=True, help="ego: how many hops around the entity (1-4).")
@click.option("--cap", type=int, default=25, show_default=True, help="ego: the most neighbours shown per node (1-500).")
@FROM
@FIRM
@HOME
@MARKET
@click.option("--sector", "sectors", multiple=True, metavar="SECTOR", help="paths: the profile's sectors; opportunities: the sector.")
@TO
@click.option("--k", "k", type=int, default=5, show_default=True, help="paths: how many paths (1-100).")
@click.option("--size-by", type=click.Choice(["degree", "broker"]), default="degree", show_default=True,
              help="overview: node size.")
@AS_OF
@output_option("The HTML file to write.")
@BUILD_DIR
@STORE
@ENDPOINT
def view_command(kind: str, entity: str | None, radius: int, cap: int, source: str | None, firm: str | None, home: str,
                 market: str, sectors: tuple[str, ...], target: str | None, k: int, size_by: str, as_of: str | None,
                 output: Path, build_dir: Path, store_dir: Path | None,
                 endpoint: str | None) -> None:
    """Write an interactive network view (offline HTML) of the graph, an entity, paths or a sector's opportunities."""
    from ..network import views

    if kind == "paths":
        _check_start(source, firm, sectors)
    when = _parse_as_of(as_of)
    try:
        network, index, store = network_of(build_dir, store_dir, endpoint)
        if kind == "overview":
            sizes = None
            if size_by == "broker":
                from ..network.brokers import find_brokers

                sizes = {b.node: b.score for b in find_brokers(_as_of_network(network, when), top=1000,
                                                               market=_market(network, market),
                                                               home=_market(network, home))}
            view = views.overview_view(network, sizes=sizes)
        elif kind == "ego":
            if entity is None:
                raise UsageFailure("an ego view needs --entity")
            view = views.ego_view(network, index.resolve(entity).value, radius=radius, cap=cap)
        elif kind == "paths":
            from ..network.paths import find_paths

            network, start = _start(_as_of_network(network, when), index, source, firm, home, sectors)
            targets, goal = _targets(network, index, Read(build_dir, endpoint), store, target, None, market)
            aimed = _market(network, market) if target is None else None
            from ..network.briefing import source_pages
            from ..network.tenure import with_holders

            routes = with_holders(find_paths(network, start, targets, market=aimed, k=k), network, when)
            view = views.paths_view(network, routes, pages=source_pages(store),
                                    title=f"Paths from {network.labels.get(start, start)} to {goal}, as of {when.text}")
        else:
            from ..network.opportunities import find_opportunities
            from ..network.paths import resolve_sector

            if len(sectors) != 1:
                raise UsageFailure("an opportunities view needs one --sector")
            named = resolve_sector(network, sectors[0], index.names)
            found = find_opportunities(_as_of_network(network, when), named,
                                       _in_market(store, index, _market(network, market)))
            from ..network.briefing import source_pages

            view = views.opportunities_view(network, named, found, pages=source_pages(store))
        view.save(output)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    click.echo(f"wrote {output}: {plural(view.nodes, 'node')}, {plural(view.edges, 'tie')}, "
               f"{len(view.html.encode()) / 1024:.0f} KiB")


@click.command("export", epilog=EXIT_CODES)
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "schema-jsonld", "void"]), required=True,
              help="graphml, gexf: the projected network; csv: the network (nodes.csv, edges.csv) and one table "
                   "per class, all in the folder given; schema-jsonld: the entities as schema.org; void: a VoID "
                   "and DCAT description.")
@output_option("The file to write, or the folder for csv.", folder=True)
@click.option("--dataset", default="https://w3id.org/smartcity-kg/", show_default=True,
              help="void: the IRI of the dataset described.")
@BUILD_DIR
@STORE
@ENDPOINT
def export_command(fmt: str, output: Path, dataset: str, build_dir: Path, store_dir: Path | None,
                   endpoint: str | None) -> None:
    """Export for analysts' tools (Gephi, Cytoscape, spreadsheets) and for open-data tools."""
    from ..link import publish
    from ..network.exports import export_network
    from ..outputs import replacing_folder

    if fmt != "csv" and output.is_dir():
        raise UsageFailure(f"-o/--output: {output} is a folder; give a file name")
    if fmt == "void" and endpoint is not None:
        raise UsageFailure("--format void describes a build from its report.json; give --build-dir, not --endpoint")
    try:
        if fmt in ("graphml", "gexf"):
            network, index, store = network_of(build_dir, store_dir, endpoint)
            written = export_network(network, output, fmt)
        elif fmt == "csv":
            network, index, store = network_of(build_dir, store_dir, endpoint)
            with replacing_folder(output) as folder:
                tables = export_network(network, folder, fmt) + publish.csv_tables(store, folder, index.labels)
            written = [output / table.name for table in tables]
        else:
            store, index = open_graph(build_dir, store_dir, endpoint)
            if fmt == "schema-jsonld":
                written = [publish.schema_jsonld(store, output)]
            else:
                report = json.loads((build_dir / "report.json").read_text(encoding="utf-8"))
                written = [publish.void_description(store, report, output, dataset=dataset)]
    except SmartCityKGError as exc:
        raise fail(exc) from None
    for path in written:
        click.echo(f"wrote {path}")
