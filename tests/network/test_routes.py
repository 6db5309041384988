"""Tests of smartcity_kg.network.routes and of the rules paths follow over it, on an invented graph."""

from __future__ import annotations

import networkx as nx
import pytest

from smartcity_kg.namespaces import SCK, SKOS
from smartcity_kg.network.markets import Market
from smartcity_kg.network.paths import find_paths
from smartcity_kg.network.projection import Network, Tie
from smartcity_kg.network.routes import add_start, remove_start, route_graph

DK, PT, US = Market("DK", "country:DK", "Denmark"), Market("PT", "country:PT", "Portugal"), "country:US"
POST = frozenset({SCK + "Post", SCK + "DecisionMaker"})
#: An invented graph: a firm, two markets' towns and posts, a shared sector and a country.
TIES = [("firm", "lighting", 3.0), ("lighting", "dk-town", 2.0), ("lighting", "pt-town", 2.0),
        ("dk-town", "dk-mayor", 0.5), ("pt-town", "pt-mayor", 0.5), ("firm", "partner", 1.0),
        ("partner", "denmark", 3.0), ("denmark", "dk-town", 1.0), ("partner", "dk-town", 1.0),
        ("partner", "dk-agency", 0.5), ("dk-agency", "dk-town", 0.5), ("firm", "pt-town", 1.0),
        ("pt-town", "dk-town", 0.1), ("partner", "dk-mayor", 3.0)]
MARKETS = {"dk-town": {DK.iri}, "dk-mayor": {DK.iri}, "dk-agency": {DK.iri}, "pt-town": {PT.iri},
           "pt-mayor": {PT.iri}, "firm": {US}, "partner": {US}, "denmark": {DK.iri}}


@pytest.fixture()
def network() -> Network:
    graph = nx.Graph()
    for a, b, cost in TIES:
        graph.add_edge(a, b, weight=cost, ties=(Tie("test", a, b, cost, "{a} and {b}"),))
    types = {n: frozenset() for n in graph}
    types.update(lighting=frozenset({SKOS + "Concept"}), denmark=frozenset({SCK + "Country"}),
                 **{"dk-mayor": POST, "pt-mayor": POST})
    return Network(graph, {n: n for n in graph}, types, markets={n: frozenset(m) for n, m in MARKETS.items()})


def test_a_hub_is_entered_from_the_start_only(network: Network) -> None:
    routes = route_graph(network, {DK.iri}, homes={US})
    assert not routes.has_edge("partner", "denmark") and not routes.has_edge("firm", "lighting")
    added = add_start(routes, network, "firm")
    assert added == [("firm", "lighting")] and routes.has_edge("lighting", "dk-town")
    remove_start(routes, added)
    assert not routes.has_edge("firm", "lighting")


def test_another_markets_nodes_are_no_stepping_stones(network: Network) -> None:
    routes = route_graph(network, {DK.iri}, homes={US})
    assert "pt-town" not in routes and "pt-mayor" not in routes
    for path in find_paths(network, "firm", market=DK, k=10):
        assert [h.target for h in path.hops][-1] == "dk-mayor"
        assert not {"pt-town", "denmark"} & {h.target for h in path.hops}


def test_a_cheaper_path_plus_a_detour_is_not_offered(network: Network) -> None:
    routes = [[h.target for h in p.hops] for p in find_paths(network, "firm", market=DK, k=10)]
    # firm → partner → dk-mayor (cost 4) has the introducer of the cheaper firm → partner → dk-town
    # → dk-mayor (2.5), and firm → partner → dk-agency → dk-town → dk-mayor is that path plus a detour.
    assert routes == [["partner", "dk-town", "dk-mayor"], ["lighting", "dk-town", "dk-mayor"]]


def test_the_other_market_is_reached_the_same_way(network: Network) -> None:
    routes = [[h.target for h in p.hops] for p in find_paths(network, "firm", market=PT, k=10)]
    # firm → lighting → pt-town → pt-mayor has another introducer, but it is the first path plus a detour
    assert routes == [["pt-town", "pt-mayor"]]
