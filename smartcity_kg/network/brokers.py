"""Brokers: the organisations and posts that sit on the most firm-to-decision-maker paths."""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import SCK
from .markets import DEFAULT_HOME, DEFAULT_MARKET, Market, decision_makers, firms_based_in, resolve_market
from .projection import Network
from .routes import add_start, remove_start, route_graph

__all__ = ["Broker", "find_brokers"]

_KINDS = (SCK + "Organisation", SCK + "Post")


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
    over all (firm, target) pairs, a path counting ``1/n`` where there are ``n`` cheapest
    (``networkx.betweenness_centrality_subset`` over a directed graph, one firm at a time).
    """
    market = market or resolve_market(DEFAULT_MARKET)
    home = home or resolve_market(DEFAULT_HOME)
    firms = firms if firms is not None else firms_based_in(network, home, market)
    targets = targets if targets is not None else decision_makers(network, market)
    scores, cheapest = _betweenness(network, firms, targets, market.iri, home.iri)
    out = []
    for node, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        kinds = network.types.get(node, frozenset())
        kind = next((k for k in _KINDS if k in kinds), None)
        if score <= 0 or kind is None:
            continue
        example = next((route for route in cheapest if node in route[1:-1]), [])
        out.append(Broker(node, network.labels.get(node, node), network.labels.get(kind, kind.rsplit("#", 1)[-1]),
                          round(score, 6), tuple(network.labels.get(n, n) for n in example)))
        if len(out) == top:
            break
    return out


def _betweenness(network: Network, firms: set[str], targets: set[str], market: str,
                 home: str) -> tuple[dict[str, float], list[list[str]]]:
    """Each node's betweenness over the (firm, target) pairs, and the cheapest paths, firm by firm."""
    import networkx as nx

    routes = route_graph(network, {market}, targets, {home})
    scores: dict[str, float] = {}
    cheapest: list[list[str]] = []
    for firm in sorted(f for f in firms if f in network.graph):
        added = add_start(routes, network, firm)
        ends = sorted(t for t in targets if t in routes)
        for node, score in nx.betweenness_centrality_subset(routes, [firm], ends, weight="weight",
                                                            normalized=False).items():
            scores[node] = scores.get(node, 0.0) + score
        lengths, found = nx.single_source_dijkstra(routes, firm, weight="weight")
        cheapest += [found[t] for t in sorted(ends, key=lambda t: (lengths.get(t, float("inf")), t)) if t in found]
        remove_start(routes, added)
    return scores, cheapest
