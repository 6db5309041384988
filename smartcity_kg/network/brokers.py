"""Brokers: the organisations and posts that sit on the most firm-to-decision-maker paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..namespaces import SCK
from .markets import DEFAULT_HOME, DEFAULT_MARKET, Market, decision_makers, firms_based_in, resolve_market
from .projection import Network
from .routes import add_start, hubs, remove_start, route_graph

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Broker", "find_brokers"]

_KINDS = (SCK + "Organisation", SCK + "Post")
#: Costs are compared in millionths, as whole numbers, so that paths of equal cost tie exactly
#: (costs carry six decimals; sums of floats would tell apart what is equal).
_UNITS = 1_000_000


@dataclass(frozen=True)
class Broker:
    """A gatekeeper: its score (the weighted shortest paths it lies on) and an example path."""

    node: str
    label: str
    kind: str
    score: float
    example: tuple[str, ...]  # labels along one cheapest firm-to-decision-maker path through it


def find_brokers(network: Network, *, top: int = 10, firms: set[str] | None = None,
                 targets: set[str] | None = None, market: Market | None = None,
                 home: Market | None = None) -> list[Broker]:
    """The ``top`` organisations and posts by betweenness restricted to firm → decision-maker pairs.

    The market defaults to DK and the home country to US
    (:data:`~smartcity_kg.network.markets.DEFAULT_MARKET`, ``DEFAULT_HOME``); firms default to the
    companies based in the home country and not in the market, targets to the market's
    decision makers. Paths run over :func:`~smartcity_kg.network.routes.route_graph` for the
    market and the home country, each firm with the arcs into its own sectors and countries
    only, so a sector or a country is never a stepping stone and the other markets stay out.
    The score of a node is the number of cheapest paths by the projection's costs it lies on,
    over all (firm, target) pairs, a path counting ``1/n`` where there are ``n`` cheapest: the
    subset betweenness of networkx's ``betweenness_centrality_subset``, computed by igraph in
    one pass over all firms. Example paths are found only for the brokers returned.
    """
    market = market or resolve_market(DEFAULT_MARKET)
    home = home or resolve_market(DEFAULT_HOME)
    firms = firms if firms is not None else firms_based_in(network, home, market)
    targets = targets if targets is not None else decision_makers(network, market)
    routes = route_graph(network, {market.iri}, targets, {home.iri})
    starts = sorted(f for f in firms if f in network.graph)
    ends = sorted(t for t in targets if t in routes)
    chosen: list[tuple[str, str, float]] = []
    for node, score in sorted(_betweenness(routes, network, starts, ends).items(), key=lambda item: (-item[1], item[0])):
        kinds = network.types.get(node, frozenset())
        kind = next((k for k in _KINDS if k in kinds), None)
        if score <= 0 or kind is None:
            continue
        chosen.append((node, kind, score))
        if len(chosen) == top:
            break
    examples = _examples(routes, network, starts, ends, {node for node, _, _ in chosen})
    return [Broker(node, network.labels.get(node, node), network.labels.get(kind, kind.rsplit("#", 1)[-1]),
                   round(score, 6), tuple(network.labels.get(n, n) for n in examples.get(node, ())))
            for node, kind, score in chosen]


def _betweenness(routes: nx.DiGraph, network: Network, firms: list[str], ends: list[str]) -> dict[str, float]:
    """Each node's betweenness over the (firm, end) pairs of ``routes``, in one igraph pass.

    Each firm starts from a vertex of its own that has the firm's arcs and those
    :func:`~smartcity_kg.network.routes.add_start` gives it (into its sectors and countries),
    and no arc in: so one firm's start arcs are never a stepping stone on another's paths, as
    when each firm is taken alone, and the firm's own node stays what it is for the others.
    Costs count in whole millionths (``_UNITS``), so that equal costs tie exactly.
    """
    import igraph as ig

    names = list(routes)
    index = {name: i for i, name in enumerate(names)}
    edges = [(index[u], index[v]) for u, v in routes.edges]
    weights = [round(w * _UNITS) for _, _, w in routes.edges(data="weight")]
    hub = hubs(network)
    for number, firm in enumerate(firms):
        added = add_start(routes, network, firm, hub)
        for _, other, weight in routes.out_edges(firm, data="weight"):
            edges.append((len(names) + number, index[other]))
            weights.append(round(weight * _UNITS))
        remove_start(routes, added)
    graph = ig.Graph(n=len(names) + len(firms), edges=edges, directed=True)
    scores = graph.betweenness(vertices=range(len(names)), directed=True, weights=weights,
                               sources=range(len(names), len(names) + len(firms)), targets=[index[t] for t in ends])
    return {name: score for name, score in zip(names, scores) if score > 0}


def _examples(routes: nx.DiGraph, network: Network, firms: list[str], ends: list[str],
              brokers: set[str]) -> dict[str, list[str]]:
    """For each of ``brokers``, the first cheapest firm-to-end path through it: firms in order, each
    firm's ends by cost and IRI; firm by firm, only until every broker has one."""
    import networkx as nx

    found: dict[str, list[str]] = {}
    hub = hubs(network)
    for firm in firms:
        if len(found) == len(brokers):
            break
        added = add_start(routes, network, firm, hub)
        lengths, paths = nx.single_source_dijkstra(routes, firm, weight="weight")
        remove_start(routes, added)
        for end in sorted((e for e in ends if e in paths), key=lambda e: (lengths[e], e)):
            for node in set(paths[end][1:-1]) & brokers - set(found):
                found[node] = paths[end]
    return found
