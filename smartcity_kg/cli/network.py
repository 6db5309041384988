"""Commands on the network: paths, brokers, opportunities, views and exports."""

from __future__ import annotations

from pathlib import Path

import click

from ._shared import OUT, STORE, fail, network_of, open_graph, resolve_class
from ..exceptions import SmartCityKGError

__all__ = ['paths_command', 'brokers_command', 'opportunities_command', 'view_command', 'export_command']


@click.command("paths")
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
@OUT
@STORE
def paths_command(source: str | None, firm: str | None, country: str, sectors: tuple[str, ...], target: str | None,
                  target_class: str | None, k: int, max_hops: int, fmt: str, out: Path, store_dir: Path | None) -> None:
    """The k cheapest explained paths from a firm to decision makers, each hop with its evidence."""
    import json

    from ..namespaces import SCK
    from ..network.paths import Profile, add_profile, find_paths
    from ..network.render import paths_markdown, paths_text

    if (source is None) == (firm is None):
        raise click.UsageError("give either --from ENTITY or --firm NAME (with --sector)")
    if firm is not None and not sectors:
        raise click.UsageError("a firm profile needs at least one --sector")
    if target is not None and target_class is not None:
        raise click.UsageError("give --to or --to-class, not both")
    try:
        network, index, _ = network_of(out, store_dir)
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
            klass = resolve_class(network, target_class) if target_class else SCK + "DanishDecisionMaker"
            targets = network.members(klass)
            goal = f"any {network.labels.get(klass, klass)}"
        found = find_paths(network, start, targets, k=k, max_hops=max_hops)
    except SmartCityKGError as exc:
        raise fail(exc) from None
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


@click.command("brokers")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many brokers.")
@OUT
@STORE
def brokers_command(top: int, out: Path, store_dir: Path | None) -> None:
    """The organisations and posts on the most U.S.-firm-to-Danish-decision-maker paths."""
    from ..network.brokers import find_brokers
    from ..network.render import brokers_text

    try:
        network, _, _ = network_of(out, store_dir)
        found = find_brokers(network, top=top)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    click.echo(brokers_text(found) if found else "No broker: no U.S. firm reaches a Danish decision maker.\n", nl=False)


@click.command("opportunities")
@click.option("--sector", required=True, metavar="SECTOR", help="The sector, by notation or label.")
@click.option("--country", default="DK", show_default=True, metavar="COUNTRY", help="The market.")
@click.option("--top", type=click.IntRange(1, 1000), default=15, show_default=True, help="How many answers.")
@OUT
@STORE
def opportunities_command(sector: str, country: str, top: int, out: Path, store_dir: Path | None) -> None:
    """The initiatives, authorities and decision makers investing in a sector, ranked, with evidence."""
    from ..network.opportunities import find_opportunities
    from ..store.queries import bind_params, load_catalogue, run_query
    from ..network.render import opportunities_text
    from ..resources import shipped

    try:
        network, index, store = network_of(out, store_dir)
        query = load_catalogue(shipped("queries"))["entities-in-country"]
        rows = run_query(store, query, bind_params(query, {"country": country}, index)).rows
        in_country = {row[0].value for row in rows if row[0] is not None}
        found = find_opportunities(network, sector, in_country, top=top)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    where = network.labels.get(index.resolve(country).value, country)
    if not found:
        click.echo(f"No initiative, authority or decision maker in {where} is tied to {sector!r}.")
    else:
        click.echo(opportunities_text(found), nl=False)


@click.command("view")
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
@OUT
@STORE
def view_command(kind: str, entity: str | None, radius: int, cap: int, firm: str | None, country: str | None,
                 sectors: tuple[str, ...], target: str | None, k: int, size_by: str, output: Path, out: Path,
                 store_dir: Path | None) -> None:
    """Write an interactive network view (offline HTML) of the graph, an entity, paths or a sector."""
    from ..network import views

    try:
        network, index, store = network_of(out, store_dir)
        if kind == "overview":
            sizes = None
            if size_by == "broker":
                from ..network.brokers import find_brokers

                sizes = {b.node: b.score for b in find_brokers(network, top=1000)}
            view = views.overview_view(network, sizes=sizes)
        elif kind == "ego":
            if entity is None:
                raise click.UsageError("an ego view needs --entity")
            view = views.ego_view(network, index.resolve(entity).value, radius=radius, cap=cap)
        elif kind == "paths":
            from ..namespaces import SCK
            from ..network.paths import Profile, add_profile, find_paths

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
            from ..network.opportunities import find_opportunities
            from ..network.paths import resolve_sector
            from ..store.queries import bind_params, load_catalogue, run_query
            from ..resources import shipped

            if len(sectors) != 1:
                raise click.UsageError("an opportunities view needs one --sector")
            market = country or "DK"
            query = load_catalogue(shipped("queries"))["entities-in-country"]
            rows = run_query(store, query, bind_params(query, {"country": market}, index)).rows
            in_country = {row[0].value for row in rows if row[0] is not None}
            found = find_opportunities(network, sectors[0], in_country)
            view = views.opportunities_view(network, resolve_sector(network, sectors[0]), found)
        view.save(output)
    except SmartCityKGError as exc:
        raise fail(exc) from None
    click.echo(f"wrote {output}: {view.nodes} nodes, {view.edges} ties, {len(view.html.encode()) / 1024:.0f} KiB")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "schema-jsonld", "void"]), required=True,
              help="graphml, gexf: the projected network; csv: the network (nodes.csv, edges.csv) and one table "
                   "per class, all in one folder; schema-jsonld: the entities as schema.org; void: a VoID and DCAT description.")
@click.option("--output", "-o", "output", type=click.Path(path_type=Path), required=True,
              help="The file to write, or the folder for csv.")
@click.option("--dataset", default="https://w3id.org/smartcity-kg/", show_default=True,
              help="void: the IRI of the dataset described.")
@OUT
@STORE
def export_command(fmt: str, output: Path, dataset: str, out: Path, store_dir: Path | None) -> None:
    """Export for analysts' tools (Gephi, Cytoscape, spreadsheets) and for open-data tools."""
    import json

    from ..link import publish
    from ..network.exports import export_network
    from ..outputs import replacing_folder

    try:
        if fmt in ("graphml", "gexf"):
            network, index, store = network_of(out, store_dir)
            written = export_network(network, output, fmt)
        elif fmt == "csv":
            network, index, store = network_of(out, store_dir)
            with replacing_folder(output) as folder:
                tables = export_network(network, folder, fmt) + publish.csv_tables(store, folder, index.labels)
            written = [output / table.name for table in tables]
        else:
            store, index = open_graph(out, store_dir)
            if fmt == "schema-jsonld":
                written = [publish.schema_jsonld(store, output)]
            else:
                report = json.loads((out / "report.json").read_text(encoding="utf-8"))
                written = [publish.void_description(store, report, output, dataset=dataset)]
    except SmartCityKGError as exc:
        raise fail(exc) from None
    for path in written:
        click.echo(f"wrote {path}")

