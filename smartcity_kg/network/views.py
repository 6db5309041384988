"""Interactive network views: pyvis networks rendered as offline, escaped HTML pages.

Four views: the whole graph, an entity's neighbourhood, explained paths (the route
highlighted, the rest faded) and a sector's opportunities. Each page inlines vis-network
(shipped with pyvis) and references no remote resource; every label, tooltip and heading
that comes from data is escaped, and tooltips are built as text, never as HTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import QueryError
from ..namespaces import SCK, SKOS
from ..outputs import HTML_SIGNATURE, write_file
from .projection import Network

if TYPE_CHECKING:
    from .opportunities import Opportunity
    from .paths import Path as RoutePath

__all__ = ["View", "ego_view", "node_style", "opportunities_view", "overview_view", "paths_view"]

RADIUS_RANGE = (1, 4)
CAP_RANGE = (1, 500)
#: Past this many nodes, positions are computed here and the browser's physics is off.
_LAYOUT_THRESHOLD = 500
_FADED = "rgba(180,180,180,0.25)"
#: (class, legend label, colour, shape), most specific first.
_STYLES = (
    (SCK + "Person", "person", "#e15759", "dot"),
    (SCK + "Post", "post", "#f28e2b", "star"),
    (SCK + "Municipality", "municipality", "#4e79a7", "square"),
    (SCK + "PublicAuthority", "public authority", "#76b7b2", "square"),
    (SCK + "TradePromotionAgency", "trade-promotion agency", "#b07aa1", "square"),
    (SCK + "ResearchInstitution", "research institution", "#59a14f", "square"),
    (SCK + "Company", "company", "#edc948", "diamond"),
    (SCK + "Cluster", "cluster or network", "#9c755f", "square"),
    (SCK + "Organisation", "organisation", "#bab0ac", "square"),
    (SCK + "Initiative", "initiative", "#ff9da7", "triangle"),
    (SCK + "City", "city", "#86bcb6", "dot"),
    (SCK + "Region", "region", "#a0cbe8", "dot"),
    (SCK + "Country", "country", "#8cd17d", "dot"),
    (SCK + "Award", "award", "#f1ce63", "hexagon"),
    (SCK + "Report", "report", "#d4a6c8", "box"),
    (SKOS + "Concept", "sector", "#499894", "ellipse"),
)
_OTHER = ("", "other", "#cccccc", "dot")


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


def _render(network: Network, nodes: Iterable[str], edges: Iterable[tuple[str, str]], *, title: str,
            summary: str, empty: str, highlighted: Sequence[str] = (), sizes: dict[str, float] | None = None,
            extra_nodes: Sequence[dict[str, object]] = (), extra_edges: Sequence[dict[str, object]] = (),
            notes: str = "", fade: bool = True) -> View:
    import jinja2
    import networkx as nx
    from pyvis.network import Network as PyvisNetwork

    nodes = sorted(set(nodes))
    edge_list = sorted({tuple(sorted(e)) for e in edges})
    marked = set(highlighted)
    marked_edges = {tuple(sorted(pair)) for pair in zip(highlighted, highlighted[1:])}
    net = PyvisNetwork(height="720px", width="100%", cdn_resources="local")
    positions = {}
    if len(nodes) > _LAYOUT_THRESHOLD:
        positions = nx.spring_layout(network.graph.subgraph(nodes), seed=1, weight=None)
    degree = dict(network.graph.degree(nodes))
    legend: dict[str, dict[str, str]] = {}
    for node in nodes:
        cls, kind, color, shape = node_style(network, node)
        legend.setdefault(kind, {"label": kind, "color": color, "shape": shape})
        faded = fade and bool(marked) and node not in marked
        size = 10 + 4 * (sizes.get(node, 0.0) if sizes is not None else degree.get(node, 0)) ** 0.5
        options: dict[str, object] = {"label": network.labels.get(node, node), "title": _node_title(network, node),
                                      "color": _FADED if faded else color, "shape": shape, "size": round(size, 2)}
        if node in marked:
            options.update(borderWidth=4, font={"size": 18, "bold": True})
        if node in positions:
            x, y = positions[node]
            options.update(x=round(float(x) * 1000, 1), y=round(float(y) * 1000, 1))
        net.add_node(node, **options)
    for extra in extra_nodes:
        net.add_node(str(extra["id"]), **{k: v for k, v in extra.items() if k != "id"})
    for u, v in edge_list:
        tie = network.ties(u, v)[0]
        on_route = (u, v) in marked_edges
        net.add_edge(u, v, title=_edge_title(network, u, v), label=tie.relation.replace("-", " ") if on_route else None,
                     width=5 if on_route else 1,
                     color=("#d62728" if on_route else (_FADED if marked and fade else "#999999")))
    for extra in extra_edges:
        net.add_edge(str(extra["from"]), str(extra["to"]), **{k: v for k, v in extra.items() if k not in ("from", "to")})
    data_nodes, data_edges = net.get_network_data()[:2]
    for edge in data_edges:
        if edge.get("label") is None:
            edge.pop("label", None)
    options = {
        "physics": {"enabled": not positions, "stabilization": {"enabled": True, "iterations": 300},
                    "barnesHut": {"springLength": 140}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
        "edges": {"smooth": False},
    }
    payload = {"nodes": data_nodes, "edges": data_edges, "options": options, "highlighted": list(highlighted)}
    import pyvis

    lib = Path(str(pyvis.__file__)).parent / "lib" / "vis-9.1.2"
    environment = jinja2.Environment(loader=jinja2.PackageLoader("smartcity_kg", "templates"), autoescape=True)
    page = environment.get_template("view.html").render(
        title=title, summary=summary, empty=empty, notes=notes, height="720px",
        nodes=len(data_nodes), edges=len(data_edges), legend=sorted(legend.values(), key=lambda i: i["label"]),
        data=_script_json(payload), vis_js=_script_text((lib / "vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=(lib / "vis-network.css").read_text(encoding="utf-8").replace("</", "<\\/"),
    )
    return View(page, title, len(data_nodes), len(data_edges), tuple(highlighted))


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


def paths_view(network: Network, paths: Sequence[RoutePath], *, title: str = "Paths") -> View:
    """The nodes and ties of ``paths``, the best route highlighted and the others faded."""
    if not paths:
        return _render(network, [], [], title=title, summary="", empty="No path to show.")
    nodes: set[str] = set()
    edges: set[tuple[str, str]] = set()
    for path in paths:
        route = [path.hops[0].source] + [h.target for h in path.hops]
        nodes.update(route)
        edges.update(zip(route, route[1:]))
    best = [paths[0].hops[0].source] + [h.target for h in paths[0].hops]
    return _render(network, nodes, edges, title=title, highlighted=best,
                   summary=f"{len(paths)} paths; the cheapest is highlighted", empty="")


def opportunities_view(network: Network, sector: str, found: Sequence[Opportunity]) -> View:
    """The sector, its opportunities and the paths that tie them to it."""
    label = network.labels.get(sector, sector)
    if not found:
        return _render(network, [], [], title=f"Opportunities in {label}", summary="",
                       empty=f"No initiative, authority or decision maker is tied to {label}.")
    nodes: set[str] = {sector}
    edges: set[tuple[str, str]] = set()
    for item in found:
        route = [item.path.hops[0].source] + [h.target for h in item.path.hops]
        nodes.update(route)
        edges.update(zip(route, route[1:]))
    return _render(network, nodes, edges, title=f"Opportunities in {label}", highlighted=[sector],
                   summary=f"{len(found)} opportunities, nearest first", empty="")
