"""Interactive network views: pyvis networks rendered as offline, escaped HTML pages.

Four views: the whole graph, an entity's neighbourhood, explained paths (the route
highlighted, the rest faded) and a sector's opportunities. Each page inlines vis-network
(shipped with pyvis) and references no remote resource; every label, tooltip and heading
that comes from data is escaped, and tooltips are built as text, never as HTML.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import QueryError
from ..namespaces import COUNTRY, SCK, SKOS
from ..outputs import HTML_SIGNATURE, write_file
from .paths import PROFILE_PREFIX
from .projection import Network

if TYPE_CHECKING:
    from .opportunities import Opportunity
    from .paths import Hop
    from .paths import Path as RoutePath

__all__ = ["View", "ego_view", "hop_item", "node_style", "opportunities_view", "overview_view", "paths_view", "vis_assets"]

RADIUS_RANGE = (1, 4)
CAP_RANGE = (1, 500)
#: Past this many nodes, only the best-connected nodes carry a label; the others show theirs on hover.
LABEL_THRESHOLD = 60
_LABELLED = 40
#: How many members an aggregate node shows at a time ("+N more" for the rest).
GROUP_CAP = 200
_FADED = "rgba(180,180,180,0.25)"
#: (class, legend label, colour, shape), most specific first. The colours are Okabe and Ito's
#: colour-blind-safe set; classes that share a colour never share a shape.
_STYLES = (
    (SCK + "Person", "person", "#D55E00", "dot"),
    (SCK + "Post", "post", "#E69F00", "star"),
    (SCK + "Municipality", "municipality", "#0072B2", "square"),
    (SCK + "PublicAuthority", "public authority", "#56B4E9", "square"),
    (SCK + "TradePromotionAgency", "trade-promotion agency", "#CC79A7", "square"),
    (SCK + "ResearchInstitution", "research institution", "#009E73", "square"),
    (SCK + "Company", "company", "#F0E442", "diamond"),
    (SCK + "Cluster", "cluster or network", "#009E73", "triangleDown"),
    (SCK + "Organisation", "organisation", "#999999", "square"),
    (SCK + "Initiative", "initiative", "#CC79A7", "triangle"),
    (SCK + "City", "city", "#0072B2", "dot"),
    (SCK + "Region", "region", "#56B4E9", "dot"),
    (SCK + "Country", "country", "#555555", "dot"),
    (SCK + "Award", "award", "#E69F00", "hexagon"),
    (SCK + "Report", "report", "#999999", "triangleDown"),
    (SKOS + "Concept", "sector", "#F0E442", "triangle"),
)
_OTHER = ("", "other", "#BBBBBB", "diamond")
#: A sequential, colour-blind-safe scale (viridis), best rank first.
_RANK_COLOURS = ("#440154", "#3B528B", "#21918C", "#5EC962", "#FDE725")


@dataclass(frozen=True)
class View:
    """A rendered view: its HTML page and what it shows."""

    html: str = field(repr=False)
    title: str
    nodes: int
    edges: int
    highlighted: tuple[str, ...] = ()

    def save(self, path: Path) -> Path:
        """Write the page to ``path`` (through a temporary file) and return the path.

        Raises
        ------
        OutputError
            If ``path`` is a folder, its folder is missing, or it is a file that
            smartcity-kg did not write (a page of ours carries its generator meta tag).
        """
        return write_file(path, self.html, signature=HTML_SIGNATURE)

    def _repr_html_(self) -> str:
        """Jupyter shows the page in a sandboxed iframe, never in the notebook's own page."""
        return (f'<iframe sandbox="allow-scripts" style="width:100%;height:640px;border:1px solid #ddd" '
                f'title="{html.escape(self.title)}" srcdoc="{html.escape(self.html, quote=True)}"></iframe>')


def node_style(network: Network, node: str) -> tuple[str, str, str, str]:
    """The (class, legend label, colour, shape) a node is drawn with: its most specific class's."""
    types = network.types.get(node, frozenset()) | network.graph.nodes[node].get("types", frozenset())
    return next((style for style in _STYLES if style[0] in types), _OTHER)


def _node_title(network: Network, node: str) -> str:
    style = node_style(network, node)
    lines = [network.labels.get(node, node), f"type: {style[1]}", node]
    lines += list(network.identifiers.get(node, ()))
    return "\n".join(lines)


def _edge_title(network: Network, u: str, v: str) -> str:
    lines = []
    for tie in network.ties(u, v):
        lines.append(tie.phrase(network.labels) + (f" ({tie.date})" if tie.date else ""))
        for evidence in tie.evidence[:2]:
            quote = f': "{evidence.quote}"' if evidence.quote else ""
            lines.append(f"  source: {evidence.source_label}{quote}")
    return "\n".join(lines)


def _muted(color: str) -> str:
    """``color`` (``#RRGGBB``) at a third of its strength: a node that stays visible but recedes."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},0.3)"


def _wrap(text: str, width: int = 34) -> str:
    """``text`` broken into lines of about ``width`` characters, for an edge label on the canvas."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)) or text


def _route(path: RoutePath) -> list[str]:
    return [path.hops[0].source] + [h.target for h in path.hops]


def _node_data(network: Network, nodes: list[str], *, sizes: dict[str, float] | None, marked: set[str],
               placed: dict[str, tuple[float, float]],
               ranks: Mapping[str, int]) -> tuple[list[dict[str, object]], dict[str, dict[str, str]]]:
    """The vis-network nodes, and the legend (one entry per class shown). A ranked node is
    numbered and coloured by its rank on a sequential scale."""
    degree = dict(network.graph.degree(nodes))
    labelled = set(nodes) if len(nodes) <= LABEL_THRESHOLD else \
        set(sorted(nodes, key=lambda n: (-degree.get(n, 0), n))[:_LABELLED]) | marked
    legend: dict[str, dict[str, str]] = {}
    out: list[dict[str, object]] = []
    for node in nodes:
        _, kind, color, shape = node_style(network, node)
        legend.setdefault(kind, {"label": kind, "color": color, "shape": shape})
        name = network.labels.get(node, node)
        size = 10 + 4 * (sizes.get(node, 0.0) if sizes is not None else degree.get(node, 0)) ** 0.5
        data: dict[str, object] = {
            "id": node, "label": name if node in labelled else "", "name": name, "title": _node_title(network, node),
            "color": color, "base": color, "muted": _muted(color), "shape": shape, "size": round(size, 2),
            "kind": kind, "markets": sorted(m.rsplit("/", 1)[-1] for m in network.markets.get(node, ())),
        }
        if node in placed:
            data.update(x=placed[node][0], y=placed[node][1])
        if node in ranks:
            rank = ranks[node]
            color = _RANK_COLOURS[min(len(_RANK_COLOURS) - 1, (rank - 1) * len(_RANK_COLOURS) // max(len(ranks), 1))]
            data.update(label=f"#{rank} {name}", color=color, base=color, muted=_muted(color), rank=rank)
        out.append(data)
    return out, legend


def _render(network: Network, nodes: Iterable[str], edges: Iterable[tuple[str, str]], *, title: str,
            summary: str, empty: str, highlighted: Sequence[str] = (), sizes: dict[str, float] | None = None,
            extra_nodes: Sequence[dict[str, object]] = (), extra_edges: Sequence[dict[str, object]] = (),
            notes: str = "", fade: bool = True, panel: Sequence[dict[str, object]] = (),
            panel_title: str = "", mute_others: bool = True, ranks: Mapping[str, int] | None = None) -> View:
    """The page of a view. ``panel`` items (see :func:`_panel_item`) are listed beside the canvas;
    selecting one highlights its ``nodes`` and shows its hops; the first is selected at first."""
    import jinja2

    from .layout import AGGREGATE_THRESHOLD, LAYOUT_THRESHOLD, aggregate, positions

    nodes = sorted(set(nodes))
    edge_list: list[tuple[str, str]] = sorted({(min(u, v), max(u, v)) for u, v in edges})
    marked = set(highlighted)
    placed = positions(nodes, edge_list) if len(nodes) > LAYOUT_THRESHOLD else {}
    data_nodes, legend = _node_data(network, nodes, sizes=sizes, marked=marked, placed=placed, ranks=ranks or {})
    data_edges: list[dict[str, object]] = []
    for number, (u, v) in enumerate(edge_list):
        tie = network.ties(u, v)[0]
        title_text = tie.phrase(network.labels) if len(nodes) > AGGREGATE_THRESHOLD else _edge_title(network, u, v)
        data_edges.append({"id": f"e{number}", "from": u, "to": v, "title": title_text, "width": 1,
                           "color": _FADED if marked and fade else "#999999"})
    edge_ids = {(e["from"], e["to"]): str(e["id"]) for e in data_edges}
    paths = []
    for item in panel:
        route = list(item["nodes"])  # type: ignore[call-overload]
        pairs = [tuple(sorted(pair)) for pair in zip(route, route[1:])]
        paths.append({"nodes": route, "edges": [edge_ids[p] for p in pairs if p in edge_ids],
                      "labels": {edge_ids[p]: _wrap(str(h["sentence"])) for p, h in zip(pairs, item["hops"])  # type: ignore[call-overload]
                                 if p in edge_ids}})
    _style_selection(data_nodes, data_edges, marked, paths[0] if paths else None, fade=fade, mute_others=mute_others)
    for extra in extra_nodes:
        data_nodes.append(dict(extra))
    for number, extra in enumerate(extra_edges):
        data_edges.append({"id": f"x{number}", **extra})
    groups: list[object] = []
    between: list[object] = []
    if len(nodes) > AGGREGATE_THRESHOLD:
        by_kind = {str(n["id"]): str(n["kind"]) for n in data_nodes}
        found, counts = aggregate(by_kind, dict(network.graph.degree(nodes)), placed, edge_list)
        groups = [{**g, "color": legend[str(g["kind"])]["color"]} for g in found]
        between = [[a, b, count] for (a, b), count in sorted(counts.items())]
    options = {
        "physics": {"enabled": not placed, "stabilization": {"enabled": True, "iterations": 300},
                    "barnesHut": {"springLength": 140}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False},
        "edges": {"smooth": False, "font": {"size": 12, "align": "horizontal", "strokeWidth": 5}},
        "nodes": {"font": {"size": 15, "strokeWidth": 3, "strokeColor": "#ffffff"}},
    }
    markets = sorted({m for n in data_nodes for m in n.get("markets", ())})  # type: ignore[attr-defined]
    payload = {"nodes": data_nodes, "edges": data_edges, "options": options, "highlighted": list(highlighted),
               "paths": paths, "groups": groups, "between": between, "cap": GROUP_CAP, "mute": mute_others}
    vis_js, vis_css = vis_assets()
    environment = jinja2.Environment(loader=jinja2.PackageLoader("smartcity_kg", "templates"), autoescape=True)
    page = environment.get_template("view.html").render(
        title=title, summary=summary, empty=empty, notes=notes, height="720px",
        nodes=len(data_nodes), edges=len(data_edges), legend=sorted(legend.values(), key=lambda i: i["label"]),
        markets=[{"code": m, "label": _country_label(network, m)} for m in markets],
        panel=panel, panel_title=panel_title, mute=mute_others, grouped=AGGREGATE_THRESHOLD if groups else 0,
        data=_script_json(payload), vis_js=vis_js, vis_css=vis_css,
    )
    return View(page, title, len(data_nodes), len(data_edges), tuple(highlighted))


@functools.cache
def vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet (shipped with pyvis), safe to inline in a page's
    ``<script>`` and ``<style>`` elements: no view references a remote resource. Read once per process."""
    import pyvis

    lib = Path(str(pyvis.__file__)).parent / "lib" / "vis-9.1.2"
    return (_script_text((lib / "vis-network.min.js").read_text(encoding="utf-8")),
            (lib / "vis-network.css").read_text(encoding="utf-8").replace("</", "<\\/"))


def _country_label(network: Network, code: str) -> str:
    return network.labels.get(COUNTRY + code, code)


def _style_selection(nodes: list[dict[str, object]], edges: list[dict[str, object]], marked: set[str],
                     selected: dict[str, object] | None, *, fade: bool, mute_others: bool) -> None:
    """Style the marked nodes, and the selected panel item's route and edge labels (the page's
    script does the same on each selection)."""
    on_route = set(selected["edges"]) if selected else set()  # type: ignore[call-overload]
    labels = dict(selected["labels"]) if selected else {}  # type: ignore[call-overload]
    for node in nodes:
        if node["id"] in marked:
            node.update(borderWidth=4, font={"size": 18, "bold": True})
        elif marked and fade:
            node["color"] = node["muted"] if mute_others else node["base"]
    for edge in edges:
        if edge["id"] in on_route:
            edge.update(color="#C0392B", width=5, label=labels.get(edge["id"], ""))


def _panel_item(heading: str, meta: Sequence[str], path: RoutePath, *, pages: Mapping[str, str] | None = None,
                holders: Sequence[str] = ()) -> dict[str, object]:
    """One entry of a view's side panel: a heading, lines about it, and each hop in words with
    its date, source (a link where the source has an http(s) page) and verbatim quote."""
    hops = [hop_item(hop, pages or {}) for hop in path.hops]
    return {"heading": heading, "meta": list(meta), "holders": list(holders), "hops": hops, "nodes": _route(path)}


def hop_item(hop: Hop, pages: Mapping[str, str]) -> dict[str, object]:
    """A hop as views and briefings show it: its sentence, date, source, verbatim quote, and a link to
    the source's page (``pages``: source IRI to URL) only where that page is an http(s) URL."""
    from .render import hop_date

    page = pages.get(hop.evidence_source or "")
    return {"sentence": hop.relation, "date": hop_date(hop).strip(" ()"), "source": hop.evidence_source_label,
            "quote": hop.quote, "url": page if page and page.lower().startswith(("http://", "https://")) else None,
            "profile": hop.evidence_source_label is None and hop.source.startswith(PROFILE_PREFIX)}


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' left to end it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script_text(code: str) -> str:
    return code.replace("</script", "<\\/script")


def overview_view(network: Network, *, sizes: dict[str, float] | None = None, title: str = "The whole graph") -> View:
    """The whole network; node size by degree, or by ``sizes`` (such as broker scores)."""
    graph = network.graph
    return _render(network, graph.nodes, graph.edges, title=title, sizes=sizes,
                   summary=f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} documented ties",
                   empty="The graph has no documented ties to show.",
                   notes="Node size: " + ("broker score." if sizes is not None else "number of ties."))


def ego_view(network: Network, entity: str, *, radius: int = 1, cap: int = 25) -> View:
    """The neighbourhood of ``entity`` within ``radius`` hops; a hub shows at most ``cap``
    neighbours and a "+N more" node for the rest.

    Raises
    ------
    QueryError
        If ``radius`` or ``cap`` is out of range.
    """
    if not RADIUS_RANGE[0] <= radius <= RADIUS_RANGE[1]:
        raise QueryError(f"radius must be between {RADIUS_RANGE[0]} and {RADIUS_RANGE[1]}, not {radius}")
    if not CAP_RANGE[0] <= cap <= CAP_RANGE[1]:
        raise QueryError(f"cap must be between {CAP_RANGE[0]} and {CAP_RANGE[1]}, not {cap}")
    label = network.labels.get(entity, entity)
    if entity not in network.graph or network.graph.degree(entity) == 0:
        return _render(network, [], [], title=f"Around {label}", summary="",
                       empty=f"{label} has no documented ties to show.")
    graph = network.graph
    keep, frontier, capped = {entity}, [entity], []
    for _ in range(radius):
        following = []
        for node in frontier:
            neighbours = sorted((n for n in graph.neighbors(node) if n not in keep),
                                key=lambda n: (graph.edges[node, n]["weight"], n))
            shown = neighbours[:cap]
            keep.update(shown)
            following += shown
            if len(neighbours) > cap:
                capped.append(node)
        frontier = following
    # Count what stays hidden once every ring is drawn: a neighbour that another node brought
    # in is not hidden.
    more = [(node, len(set(graph.neighbors(node)) - keep)) for node in capped]
    more = [(node, count) for node, count in more if count > 0]
    extra_nodes: list[dict[str, object]] = [{"id": f"more:{node}", "label": f"+{count} more", "shape": "box", "color": "#eeeeee",
                    "title": f"{count} more neighbours of {network.labels.get(node, node)} are not shown"}
                   for node, count in more]
    extra_edges: list[dict[str, object]] = [{"from": node, "to": f"more:{node}", "dashes": True, "color": "#bbbbbb"} for node, _ in more]
    edges = [e for e in graph.subgraph(keep).edges]
    return _render(network, keep, edges, title=f"Around {label}", highlighted=[entity], fade=False,
                   summary=f"radius {radius}, at most {cap} neighbours per node",
                   empty="", extra_nodes=extra_nodes, extra_edges=extra_edges)


def paths_view(network: Network, paths: Sequence[RoutePath], *, title: str = "Paths",
               pages: Mapping[str, str] | None = None) -> View:
    """The nodes and ties of ``paths``, with a side panel listing every path (cost, hops, the
    decision maker and its holders as of the answer's date). Selecting one (click, or the arrow
    keys and Enter) highlights it, labels its ties in words and shows each hop's sentence, date,
    source and quote; the other paths stay drawn, muted. The cheapest is selected at first.
    ``pages`` maps a source to its web page, so that the hops link to their sources.
    """
    from .render import holder_lines

    if not paths:
        return _render(network, [], [], title=title, summary="", empty="No path to show.")
    nodes: set[str] = set()
    edges: set[tuple[str, str]] = set()
    panel = []
    for number, path in enumerate(paths, start=1):
        route = _route(path)
        nodes.update(route)
        edges.update(zip(route, route[1:]))
        hops = "1 hop" if len(path.hops) == 1 else f"{len(path.hops)} hops"
        panel.append(_panel_item(f"Path {number}: {' → '.join(network.labels.get(n, n) for n in route)}",
                                 [f"cost {path.cost:g}, {hops}", f"ends at {path.hops[-1].target_label}"],
                                 path, pages=pages, holders=holder_lines(path)))
    summary = f"{len(paths)} paths, cheapest first" + (f", as of {paths[0].as_of}" if paths[0].as_of else "")
    return _render(network, nodes, edges, title=title, highlighted=_route(paths[0]), panel=panel,
                   panel_title="Paths", summary=summary, empty="")


def opportunities_view(network: Network, sector: str, found: Sequence[Opportunity], *,
                       pages: Mapping[str, str] | None = None) -> View:
    """The sector, its opportunities and the paths that tie them to it, ranked: the nearest are
    drawn largest and darkest, and numbered; a side panel lists them in order, each with the
    evidence of every tie. Selecting one highlights its path."""
    label = network.labels.get(sector, sector)
    if not found:
        return _render(network, [], [], title=f"Opportunities in {label}", summary="",
                       empty=f"No initiative, authority or decision maker is tied to {label}.")
    nodes: set[str] = {sector}
    edges: set[tuple[str, str]] = set()
    panel: list[dict[str, object]] = []
    sizes: dict[str, float] = {}
    ranks: dict[str, int] = {}
    for rank, item in enumerate(found, start=1):
        route = _route(item.path)
        nodes.update(route)
        edges.update(zip(route, route[1:]))
        ranks.setdefault(item.node, rank)
        sizes[item.node] = float(4 * (len(found) - rank + 1))
        panel.append(_panel_item(f"{rank}. {item.label}", [f"{item.kind}, cost {item.cost:g}"], item.path, pages=pages))
    view = _render(network, nodes, edges, title=f"Opportunities in {label}", highlighted=[sector], sizes=sizes,
                   ranks=ranks, panel=panel, panel_title="Ranked, nearest first", mute_others=False, fade=False,
                   notes="The numbered nodes are coloured by rank, not by class: the darker, the nearer.",
                   summary=f"{len(found)} opportunities, nearest first (larger and darker is nearer)", empty="")
    return view
