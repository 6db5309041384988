"""Brokers: the organisations and posts that sit on the most firm-to-decision-maker paths."""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import SCK
from .projection import Network

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
                 targets: set[str] | None = None) -> list[Broker]:
    """The ``top`` organisations and posts by betweenness restricted to firm → decision-maker pairs.

    Firms default to the U.S. firms and targets to the Danish decision makers (both inferred
    classes); betweenness counts the cheapest paths by the projection's costs
    (``networkx.betweenness_centrality_subset``), unnormalised.
    """
    import networkx as nx

    firms = firms if firms is not None else network.members(SCK + "USFirm")
    targets = targets if targets is not None else network.members(SCK + "DanishDecisionMaker")
    graph = network.graph
    scores = nx.betweenness_centrality_subset(graph, sorted(firms), sorted(targets), weight="weight", normalized=False)
    cheapest: list[list[str]] = []
    for firm in sorted(firms):
        lengths, routes = nx.single_source_dijkstra(graph, firm, weight="weight")
        cheapest += [routes[t] for t in sorted(targets, key=lambda t: (lengths.get(t, float("inf")), t)) if t in routes]
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
