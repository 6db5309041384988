"""Tests of smartcity_kg.network.brokers and smartcity_kg.network.opportunities on the shipped graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from smartcity_kg import (
    EntityIndex,
    EntityNotFoundError,
    bind_params,
    load_catalogue,
    run_query,
    shipped,
)
from smartcity_kg.network.brokers import Broker, find_brokers
from smartcity_kg.namespaces import COUNTRY, SCK, SECTOR
from smartcity_kg.network.projection import Network
from smartcity_kg.network.opportunities import Opportunity, find_opportunities

ID = "https://w3id.org/smartcity-kg/id/"
CITY_OF_COPENHAGEN = ID + "copenhagen-municipality"
LIGHTING = SECTOR + "intelligent-lighting"


@pytest.fixture(scope="module")
def brokers(network: Network) -> list[Broker]:
    return find_brokers(network)


@pytest.fixture(scope="module")
def in_denmark(store: ox.Store) -> set[str]:
    query = load_catalogue(shipped("queries"))["entities-in-country"]
    rows = run_query(store, query, bind_params(query, {"market": "DK"}, EntityIndex.from_store(store))).rows
    found = {row[0].value for row in rows}
    assert {row[1].value for row in rows} == {COUNTRY + "DK"}
    assert {CITY_OF_COPENHAGEN, ID + "albertslund-municipality", ID + "lord-mayor-of-copenhagen"} <= found
    assert ID + "cisco" not in found
    return found


@pytest.fixture(scope="module")
def opportunities(network: Network, in_denmark: set[str]) -> list[Opportunity]:
    return find_opportunities(network, "intelligent-lighting", in_denmark)


def test_city_of_copenhagen_is_a_top_broker(brokers: list[Broker]) -> None:
    assert len(brokers) >= 3
    assert CITY_OF_COPENHAGEN in [b.node for b in brokers[:3]]
    top = next(b for b in brokers if b.node == CITY_OF_COPENHAGEN)
    assert (top.label, top.kind) == ("City of Copenhagen", "organisation")


def test_brokers_are_organisations_or_posts(network: Network, brokers: list[Broker]) -> None:
    for broker in brokers:
        kinds = network.types[broker.node]
        assert SCK + "Organisation" in kinds or SCK + "Post" in kinds, broker
        assert broker.kind in {"organisation", "post"}
        assert broker.score > 0


def test_broker_scores_do_not_increase(brokers: list[Broker]) -> None:
    scores = [b.score for b in brokers]
    assert scores == sorted(scores, reverse=True)


def test_broker_examples_run_from_a_us_firm_through_the_broker(network: Network, brokers: list[Broker]) -> None:
    firms = {network.labels[f] for f in network.members(SCK + "USFirm")}
    assert firms == {"Amazon Web Services", "Apple", "Cisco", "Epic", "Facebook", "GE", "Google", "IBM", "Microsoft", "Uber"}
    deciders = {network.labels[d] for d in network.members(SCK + "DanishDecisionMaker")}
    for broker in brokers:
        assert broker.example[0] in firms, broker
        assert broker.label in broker.example[1:-1], broker
        assert broker.example[-1] in deciders, broker


def test_top_limits_the_brokers(network: Network, brokers: list[Broker]) -> None:
    assert find_brokers(network, top=2) == brokers[:2]


def test_city_of_copenhagen_invests_in_intelligent_lighting(opportunities: list[Opportunity]) -> None:
    assert CITY_OF_COPENHAGEN in [o.node for o in opportunities[:3]]
    first = opportunities[0]
    assert (first.node, first.kind) == (CITY_OF_COPENHAGEN, "public authority")
    assert "invests in intelligent lighting" in first.path.hops[0].relation
    assert "streetlights" in (first.path.hops[0].quote or "")


def test_opportunities_are_in_denmark_cheapest_first(opportunities: list[Opportunity], in_denmark: set[str]) -> None:
    assert len(opportunities) == 20  # the default top
    assert all(o.node in in_denmark for o in opportunities)
    costs = [o.cost for o in opportunities]
    assert costs == sorted(costs)
    assert all(o.cost == pytest.approx(o.path.cost) for o in opportunities)
    assert {o.kind for o in opportunities} <= {"initiative", "public authority", "decision maker"}


def test_each_opportunity_has_a_path_from_the_sector(opportunities: list[Opportunity]) -> None:
    for item in opportunities:
        assert item.path.hops[0].source == LIGHTING
        assert item.path.hops[0].source_label == "intelligent lighting"
        assert item.path.target == item.node
        assert all(h.relation for h in item.path.hops)


def test_opportunities_elsewhere_are_left_out(network: Network) -> None:
    assert find_opportunities(network, "intelligent-lighting", set()) == []
    only = find_opportunities(network, "intelligent lighting", {ID + "lord-mayor-of-copenhagen"})
    assert [o.node for o in only] == [ID + "lord-mayor-of-copenhagen"]


def test_opportunities_in_an_unknown_sector(network: Network, in_denmark: set[str]) -> None:
    with pytest.raises(EntityNotFoundError, match="no sector 'street lights'; the sectors are: .*intelligent-lighting"):
        find_opportunities(network, "street lights", in_denmark)


def test_decision_makers_are_offered_as_posts_never_as_persons(network: Network, in_denmark: set[str]) -> None:
    found = find_opportunities(network, "intelligent-lighting", in_denmark, top=1000, max_cost=100)
    assert any(SCK + "Post" in network.types[o.node] for o in found)
    assert not [o.label for o in found if SCK + "Person" in network.types[o.node]]


def test_broker_scores_are_networkx_subset_betweenness_firm_by_firm(network: Network) -> None:
    """igraph's one pass gives what networkx gives taking each firm alone with its own start arcs (costs in
    millionths, so that equal costs tie in both)."""
    import networkx as nx

    from smartcity_kg.network.markets import decision_makers, resolve_market
    from smartcity_kg.network.routes import add_start, remove_start, route_graph

    market, home = resolve_market("DK"), resolve_market("US")
    firms = {f for f in network.members(SCK + "Company") if f in network.graph}
    assert len(firms) >= 5, "the comparison needs several starts"
    targets = decision_makers(network, market)
    routes = route_graph(network, {market.iri}, targets, {home.iri})
    expected: dict[str, float] = {}
    for firm in sorted(firms):
        added = add_start(routes, network, firm)
        ends = sorted(t for t in targets if t in routes)
        exact = lambda u, v, data: round(data["weight"] * 1_000_000)  # noqa: E731  costs in millionths, tying exactly
        for node, score in nx.betweenness_centrality_subset(routes, [firm], ends, weight=exact).items():
            expected[node] = expected.get(node, 0.0) + score
        remove_start(routes, added)
    found = find_brokers(network, top=1000, firms=firms, targets=targets, market=market, home=home)
    assert found, "some broker is expected"
    for broker in found:
        assert broker.score == pytest.approx(expected[broker.node], abs=1e-6), broker.label
    shown = {b.node for b in found}
    kinds = (SCK + "Organisation", SCK + "Post")
    missing = {n for n, s in expected.items() if s > 1e-9 and n not in shown and set(kinds) & network.types.get(n, set())}
    assert not missing
