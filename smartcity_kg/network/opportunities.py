"""Opportunities in a sector: the initiatives, authorities and decision makers closest to it."""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import SCK
from .projection import Network
from .paths import Path, _explain, resolve_sector

__all__ = ["Opportunity", "find_opportunities"]

_KINDS = (SCK + "Initiative", SCK + "PublicAuthority", SCK + "DecisionMaker")


@dataclass(frozen=True)
class Opportunity:
    """An initiative, authority or decision maker tied to a sector, with the path that ties it."""

    node: str
    label: str
    kind: str
    cost: float
    path: Path


def find_opportunities(network: Network, sector: str, in_country: set[str], *, top: int = 20,
                       max_cost: float = 12.0) -> list[Opportunity]:
    """Rank the initiatives, authorities and decision makers in ``in_country`` by their tie to ``sector``.

    The rank is the cost of the cheapest path from the sector's node (its investments,
    initiatives and the authorities behind them come first); each answer carries that path,
    hop by hop, with its evidence.

    Raises
    ------
    EntityNotFoundError
        If the sector is unknown (the sectors are listed).
    """
    import networkx as nx

    start = resolve_sector(network, sector)
    lengths, routes = nx.single_source_dijkstra(network.graph, start, cutoff=max_cost, weight="weight")
    out = []
    for node, cost in sorted(lengths.items(), key=lambda item: (item[1], item[0])):
        kinds = network.types.get(node, frozenset())
        kind = next((k for k in _KINDS if k in kinds), None)
        # A decision maker is offered as its post: who holds a post is a dated claim, not a timeless fact.
        if node == start or kind is None or node not in in_country or SCK + "Person" in kinds:
            continue
        out.append(Opportunity(node, network.labels.get(node, node), network.labels.get(kind, kind.rsplit("#", 1)[-1]),
                               round(cost, 6), _explain(network, routes[node])))
        if len(out) == top:
            break
    return out
