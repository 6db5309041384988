"""Tests of smartcity_kg.network.markets: naming a market, and its decision makers."""

from __future__ import annotations

import pytest

from smartcity_kg import EntityNotFoundError
from smartcity_kg.namespaces import SCK
from smartcity_kg.network.markets import decision_makers, firms_based_in, resolve_market
from smartcity_kg.network.projection import Network


@pytest.mark.parametrize("name", ["DK", "dk", "DNK", "Denmark", "https://w3id.org/smartcity-kg/country/DK"])
def test_a_market_by_code_name_or_iri(name: str) -> None:
    assert resolve_market(name).code == "DK"


def test_an_unknown_code_lists_the_nearest_markets_in_the_graph_first() -> None:
    with pytest.raises(EntityNotFoundError, match=r"did you mean DE, DJ") as caught:
        resolve_market("DN", {"DE"})
    assert caught.value.candidates[:2] == ["DE", "DJ"]


def test_the_decision_makers_of_denmark_are_its_named_class(network: Network) -> None:
    found = decision_makers(network, resolve_market("DK"))
    assert found == network.members(SCK + "DanishDecisionMaker")
    assert decision_makers(network, resolve_market("IT")) == set()


def test_firms_based_in_a_home_country(network: Network) -> None:
    assert firms_based_in(network, resolve_market("US"), resolve_market("DK")) == network.members(SCK + "USFirm")


def test_an_initiative_is_in_the_market_where_it_is_located_or_led(network: Network) -> None:
    """So that a sector leads to a market's initiatives (routes leave a sector only towards the asked market)."""
    from smartcity_kg.network.routes import route_graph

    doll_lab = "https://w3id.org/smartcity-kg/id/doll-living-lab"  # located in Albertslund
    organicity = "https://w3id.org/smartcity-kg/id/organicity"  # led from several countries
    assert network.markets[doll_lab] == {resolve_market("DK").iri}
    assert {resolve_market(code).iri for code in ("DK", "ES", "GB")} <= network.markets[organicity]
    lighting = "https://w3id.org/smartcity-kg/sector/intelligent-lighting"
    assert route_graph(network, {resolve_market("DK").iri}).has_edge(lighting, doll_lab)
    assert not route_graph(network, {resolve_market("PT").iri}).has_edge(lighting, doll_lab)
