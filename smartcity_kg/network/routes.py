"""The graph one question's paths run over: sectors and countries are no stepping stones, other markets stay out.

The projection (:mod:`smartcity_kg.network.projection`) keeps every tie, for views and
exports. A question (from a start, to the decision makers of a market) runs over a directed
copy of it in which each tie is an arc each way, except:

- **Hubs** (sectors, ``skos:Concept``, and countries, ``sck:Country``) are entered only from
  the start itself ("Brightway works in intelligent lighting"), or as an end, and are left
  only towards a node known in the asked market ("City of Copenhagen invests in intelligent
  lighting"), never towards another hub or the start's own country's organisations. So a
  sector or a country is never a stepping stone between two organisations, and never a way
  from one market's facts into another's.
- **Other markets**: a node whose known markets (:attr:`Network.markets`) are all outside the
  asked market and the starts' home countries is left out, unless it is a start or an end (a
  U.S. firm still reaches Denmark through its U.S. partners).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..namespaces import SCK, SKOS
from .projection import Network

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["HUB_TYPES", "Arcs", "add_start", "hubs", "remove_start", "route_arcs", "route_graph", "start_arcs"]

#: The graph a question runs over as plain successor lists: node → [(next node, cost), ...], in the
#: order :func:`route_graph` gives each node its successors (which settles equal-cost paths).
Arcs = dict[str, list[tuple[str, float]]]

#: The classes whose instances are hubs: sectors and countries.
HUB_TYPES = frozenset({SKOS + "Concept", SCK + "Country"})


def hubs(network: Network) -> set[str]:
    """The sectors and countries of ``network``."""
    kinds = {found for found in set(network.types.values()) if not found.isdisjoint(HUB_TYPES)}  # nodes share sets
    return {node for node in network.graph if network.types.get(node) in kinds}


def route_graph(network: Network, markets: Iterable[str], ends: Iterable[str] = (),
                homes: Iterable[str] = ()) -> nx.DiGraph:
    """The directed graph paths to ``ends`` in ``markets`` (country IRIs) run over, with no start yet.

    Every arc into a hub is missing but those into an end; :func:`add_start` adds a start's.
    Nodes known only outside ``markets`` and ``homes`` (the starts' countries) are left out.
    With no ``markets``, no node is left out as foreign and a hub may be left towards any
    node that is not a hub.

    Examples
    --------
    >>> import networkx as nx
    >>> from smartcity_kg.network.projection import Network
    >>> g = nx.Graph()
    >>> g.add_edge("firm", "lighting", weight=3.0)
    >>> g.add_edge("lighting", "city", weight=2.0)
    >>> g.add_edge("other-city", "lighting", weight=2.0)
    >>> net = Network(g, {}, {"lighting": frozenset({SKOS + "Concept"})},
    ...               markets={"city": frozenset({"DK"}), "other-city": frozenset({"PT"})})
    >>> routes = route_graph(net, {"DK"})
    >>> sorted(routes.edges)
    [('lighting', 'city')]
    >>> sorted(add_start(routes, net, "firm"))
    [('firm', 'lighting')]
    >>> sorted(routes.edges)
    [('firm', 'lighting'), ('lighting', 'city')]
    """
    import networkx as nx

    routes = nx.DiGraph()
    nodes, arcs = _route(network, markets, ends, homes)
    routes.add_nodes_from(nodes)
    routes.add_weighted_edges_from(arcs)
    return routes


def route_arcs(network: Network, markets: Iterable[str], ends: Iterable[str] = (), homes: Iterable[str] = (), *,
               hub: set[str] | None = None) -> Arcs:
    """:func:`route_graph` as plain successor lists, each node's in the order the graph has them (``hub``:
    :func:`hubs` of ``network``, if the caller has them).

    Path finding walks these lists itself: a search over them does the same steps as networkx's
    over the graph, without the cost of its views.

    Examples
    --------
    >>> import networkx as nx
    >>> from smartcity_kg.network.projection import Network
    >>> g = nx.Graph()
    >>> g.add_edge("firm", "lighting", weight=3.0)
    >>> g.add_edge("lighting", "city", weight=2.0)
    >>> net = Network(g, {}, {"lighting": frozenset({SKOS + "Concept"})}, markets={"city": frozenset({"DK"})})
    >>> arcs = route_arcs(net, {"DK"})
    >>> arcs
    {'firm': [], 'lighting': [('city', 2.0)], 'city': []}
    >>> start_arcs(arcs, net, "firm")
    [('firm', 'lighting')]
    >>> arcs["firm"]
    [('lighting', 3.0)]
    """
    nodes, arcs = _route(network, markets, ends, homes, hub)
    found: Arcs = {node: [] for node in nodes}
    for a, b, weight in arcs:
        found[a].append((b, weight))
    return found


def _route(network: Network, markets: Iterable[str], ends: Iterable[str], homes: Iterable[str],
           hub: set[str] | None = None) -> tuple[list[str], Iterator[tuple[str, str, float]]]:
    """The nodes of :func:`route_graph`, in the network's order, and its arcs (from, to, cost), in the order
    they are added: each edge in the order of ``network.graph.edges``, one way and then the other."""
    wanted, targets, hub = frozenset(markets), set(ends), hubs(network) if hub is None else hub
    kept = wanted | frozenset(homes) if wanted else wanted
    nodes = [n for n in network.graph if n in targets or not _foreign(network, n, kept)]
    # Whether an arc may enter the node, and whether an arc out of a hub may lead to it.
    enters = {n: n not in hub or n in targets for n in nodes}
    leaves = {n: _leaves_to(network, n, wanted, hub) for n in nodes}

    def arcs() -> Iterator[tuple[str, str, float]]:
        done: set[str] = set()  # the nodes whose edges were all met, as graph.edges walks them
        for u, neighbours in network.graph._adj.items():  # networkx's own dicts, walked as its algorithms do
            if u in enters:  # not left out as foreign
                from_hub = u in hub
                for v, data in neighbours.items():
                    if v in done or v not in enters:
                        continue
                    weight = data["weight"]
                    if enters[v] and (not from_hub or leaves[v]):
                        yield u, v, weight
                    if enters[u] and (v not in hub or leaves[u]):
                        yield v, u, weight
            done.add(u)

    return nodes, arcs()


def add_start(routes: nx.DiGraph, network: Network, start: str, hub: set[str] | None = None) -> list[tuple[str, str]]:
    """Add to ``routes`` the arcs from ``start`` into the hubs it is tied to (and, if ``start`` was
    left out as foreign, all its arcs out); the arcs added, for :func:`remove_start`.

    ``hub`` is :func:`hubs` of ``network``, for a caller that adds many starts (finding the hubs
    walks every node)."""
    hub = hubs(network) if hub is None else hub
    added = []
    for other, data in network.graph.adj[start].items():
        if routes.has_edge(start, other) or (other not in hub and other not in routes):
            continue
        if other in hub or start not in routes:
            added.append((start, other))
    routes.add_weighted_edges_from((a, b, network.graph.edges[a, b]["weight"]) for a, b in added)
    return added


def start_arcs(arcs: Arcs, network: Network, start: str, hub: set[str] | None = None) -> list[tuple[str, str]]:
    """Add to ``arcs`` (:func:`route_arcs`) the arcs :func:`add_start` would add to the graph; the arcs added."""
    hub = hubs(network) if hub is None else hub
    present = {other for other, _ in arcs.get(start, ())}
    added = [(start, other) for other in network.graph.adj[start]
             if other not in present and (other in hub or other in arcs) and (other in hub or start not in arcs)]
    edges = network.graph.adj[start]
    if added:
        successors = arcs.setdefault(start, [])
        for _, other in added:
            successors.append((other, edges[other]["weight"]))
            arcs.setdefault(other, [])
    return added


def remove_start(routes: nx.DiGraph, added: list[tuple[str, str]]) -> None:
    """Take the arcs :func:`add_start` added out of ``routes`` again."""
    routes.remove_edges_from(added)


def _foreign(network: Network, node: str, markets: frozenset[str]) -> bool:
    known = network.markets.get(node, frozenset())
    return bool(markets) and bool(known) and not known & markets


def _leaves_to(network: Network, node: str, markets: frozenset[str], hub: set[str]) -> bool:
    if node in hub:
        return False
    return not markets or bool(network.markets.get(node, frozenset()) & markets)
