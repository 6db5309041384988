"""Tests of smartcity_kg.network.paths: explained paths from a firm to Danish decision makers."""

from __future__ import annotations

import pathlib
import time
from collections.abc import Iterator

import networkx as nx
import pytest

from smartcity_kg import EntityNotFoundError, QueryError, open_store, shipped
from smartcity_kg.namespaces import COUNTRY, OWL, RDF, SCK, SECTOR, SKOS
from smartcity_kg.network.markets import resolve_market
from smartcity_kg.network.projection import Network, project
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.network.paths import Path, Profile, add_profile, find_paths

ID = "https://w3id.org/smartcity-kg/id/"
CISCO = ID + "cisco"
AGREEMENT = ID + "cisco-three-municipalities-agreement-2014"
LIGHTING = SECTOR + "intelligent-lighting"
ITA = ID + "ita"
BRIGHTWAY = Profile("Brightway Lighting", COUNTRY + "US", ("intelligent-lighting",))
ALBERTSLUND = {ID + "mayor-of-albertslund", ID + "steen-christiansen"}
COPENHAGEN = {ID + "lord-mayor-of-copenhagen", ID + "copenhagen-technical-and-environmental-mayor",
              ID + "frank-jensen", ID + "sophie-haestorp-andersen", ID + "morten-kabell"}


@pytest.fixture(scope="module")
def network(built: pathlib.Path) -> Network:
    """The shipped graph (built once per session by conftest's ``built``), projected."""
    return project(open_store(built))


@pytest.fixture(scope="module")
def profiled(network: Network) -> Network:
    return add_profile(network, BRIGHTWAY)


@pytest.fixture(scope="module")
def brightway_paths(profiled: Network) -> list[Path]:
    return find_paths(profiled, BRIGHTWAY.iri, k=30)


@pytest.fixture(scope="module")
def many_paths(network: Network, brightway_paths: list[Path]) -> list[list[Path]]:
    """Several answers, to check the properties every answer has."""
    return [find_paths(network, CISCO, k=20), find_paths(network, CISCO, k=7, max_hops=3),
            find_paths(network, ID + "hitachi", k=10), brightway_paths]


def _nodes(path: Path) -> list[str]:
    return [path.hops[0].source] + [hop.target for hop in path.hops]


def _signed_by(path: Path, name: str) -> bool:
    """Whether a hop of ``path`` is the 2014 agreement, quoted where it names ``name`` as signatory."""
    return any(hop.fact == AGREEMENT and name in (hop.quote or "") and "underskrevet" in (hop.quote or "")
               for hop in path.hops)


def test_cisco_reaches_the_lord_mayor_through_the_2014_agreement(network: Network) -> None:
    found = find_paths(network, CISCO, {ID + "lord-mayor-of-copenhagen"}, k=5)
    assert found and all(p.target == ID + "lord-mayor-of-copenhagen" for p in found)
    assert len(found[0].hops) <= 2
    assert any(len(p.hops) <= 2 and _signed_by(p, "Frank Jensen") for p in found)
    signed = next(p for p in found if _signed_by(p, "Frank Jensen"))
    assert [h.target_label for h in signed.hops] == ["Frank Jensen", "Lord Mayor of Copenhagen"]
    assert signed.hops[0].date == "2014-05-28"
    assert signed.hops[0].evidence_source == "https://w3id.org/smartcity-kg/source/gate21-cisco-partnership"


@pytest.mark.parametrize(("post", "holder"), [
    ("mayor-of-albertslund", "Steen Christiansen"),
    ("mayor-of-frederikssund", "John Schmidt Andersen"),
])
def test_cisco_reaches_the_other_mayors_the_same_way(network: Network, post: str, holder: str) -> None:
    found = find_paths(network, CISCO, {ID + post}, k=5)
    assert found and all(p.target == ID + post for p in found)
    assert any(len(p.hops) <= 2 and _signed_by(p, holder) for p in found)


def test_a_profile_reaches_albertslund_and_copenhagen(brightway_paths: list[Path]) -> None:
    assert 1 < len(brightway_paths) <= 30
    targets = {p.target for p in brightway_paths}
    assert targets & ALBERTSLUND
    assert targets & COPENHAGEN


@pytest.mark.parametrize("targets", [ALBERTSLUND, COPENHAGEN], ids=["albertslund", "copenhagen"])
def test_a_profile_reaches_decision_makers_it_targets(profiled: Network, targets: set[str]) -> None:
    found = find_paths(profiled, BRIGHTWAY.iri, targets, k=3)
    assert 1 <= len(found) <= 3
    assert all(p.target in targets and p.hops[0].source == BRIGHTWAY.iri for p in found)


def test_a_profile_starts_with_its_sector_or_its_trade_channel(brightway_paths: list[Path]) -> None:
    firsts = {p.hops[0].target for p in brightway_paths}
    assert LIGHTING in firsts and firsts <= {LIGHTING, ITA}  # the channel leads on only through ties, not Denmark
    for path in brightway_paths:
        first = path.hops[0]
        assert first.source_label == "Brightway Lighting"
        if first.target == LIGHTING:
            assert first.relation == "Brightway Lighting works in the sector intelligent lighting (firm profile)"
        else:
            assert first.target_label == "International Trade Administration"
            assert first.relation.startswith("Brightway Lighting, a firm based in United States, can turn to "
                                             "International Trade Administration")
            assert "trade-promotion agency" in first.relation


def test_every_hop_says_what_ties_its_ends(many_paths: list[list[Path]]) -> None:
    for found in many_paths:
        assert found
        for path in found:
            for hop in path.hops:
                assert hop.relation.strip() and "{" not in hop.relation
                assert hop.source_label in hop.relation and hop.target_label in hop.relation, hop


def test_add_profile_leaves_the_network_unchanged(network: Network, profiled: Network) -> None:
    nodes, edges = network.graph.number_of_nodes(), network.graph.number_of_edges()
    again = add_profile(network, BRIGHTWAY)
    assert (network.graph.number_of_nodes(), network.graph.number_of_edges()) == (nodes, edges)
    assert BRIGHTWAY.iri not in network.graph and BRIGHTWAY.iri not in network.labels
    assert BRIGHTWAY.iri not in network.types
    assert again.graph.number_of_nodes() == nodes + 1
    assert set(again.graph[BRIGHTWAY.iri]) == {LIGHTING, ITA}
    assert profiled.labels[BRIGHTWAY.iri] == "Brightway Lighting"


def test_no_path_passes_through_the_schema(network: Network, many_paths: list[list[Path]]) -> None:
    onto = load_ontology(shipped("ontology"))
    schema = {t.subject.value for t in onto.triples if t.predicate.value == RDF + "type"
              and t.object.value in {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "Ontology"}}
    assert SCK + "Organisation" in schema
    for found in many_paths:
        for path in found:
            nodes = _nodes(path)
            assert not set(nodes) & schema, nodes
            assert all(n.startswith(("https://", "urn:smartcity-kg:profile:")) for n in nodes), nodes


def test_paths_are_simple_short_enough_and_cheapest_first(many_paths: list[list[Path]]) -> None:
    limits = [6, 3, 6, 6]
    for found, max_hops in zip(many_paths, limits):
        for path in found:
            nodes = _nodes(path)
            assert len(nodes) == len(set(nodes)), nodes
            assert 1 <= len(path.hops) <= max_hops
            assert all(a.target == b.source for a, b in zip(path.hops, path.hops[1:]))
            assert path.cost == pytest.approx(sum(h.cost for h in path.hops))
        costs = [p.cost for p in found]
        assert costs == sorted(costs)


@pytest.mark.parametrize("k", [1, 4, 9])
def test_k_is_respected(network: Network, k: int) -> None:
    assert len(find_paths(network, CISCO, k=k)) == k


def test_more_than_there_are_gives_each_pair_of_introducer_and_target_once(network: Network) -> None:
    found = find_paths(network, CISCO, k=100)
    pairs = [(p.hops[0].target, p.target) for p in found]
    assert 9 <= len(found) < 100 and len(set(pairs)) == len(pairs)


def test_max_hops_is_respected(network: Network) -> None:
    assert find_paths(network, CISCO, k=3, max_hops=1) == []  # the signatories are persons: paths end at posts
    found = find_paths(network, CISCO, k=3, max_hops=2)
    assert found and all(len(p.hops) == 2 and SCK + "Post" in network.types[p.target] for p in found)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"k": 0}, "k must be between 1 and 100, not 0"),
    ({"k": 101}, "k must be between 1 and 100, not 101"),
    ({"max_hops": 0}, "max-hops must be between 1 and 10, not 0"),
    ({"max_hops": 11}, "max-hops must be between 1 and 10, not 11"),
])
def test_out_of_range_arguments_are_refused(network: Network, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        find_paths(network, CISCO, **kwargs)


def test_unknown_source(network: Network) -> None:
    with pytest.raises(EntityNotFoundError, match="no-such-firm' has no documented ties"):
        find_paths(network, ID + "no-such-firm")


def test_unknown_sector_lists_the_sectors(network: Network) -> None:
    with pytest.raises(EntityNotFoundError, match="no sector 'lighting-ish'; the sectors are: .*intelligent-lighting") as info:
        add_profile(network, Profile("Dim", COUNTRY + "US", ("lighting-ish",)))
    assert LIGHTING in info.value.candidates


def test_sector_by_label(network: Network) -> None:
    profiled = add_profile(network, Profile("Dim", COUNTRY + "US", ("Intelligent Lighting",)))
    assert LIGHTING in profiled.graph["urn:smartcity-kg:profile:dim"]


@pytest.mark.parametrize("targets", [set(), {ID + "no-such-post"}, {CISCO}, {"https://w3id.org/smartcity-kg/ontology#Post"}],
                         ids=["none", "not-a-node", "the-source", "a-class"])
def test_targets_outside_the_network_give_no_path(network: Network, targets: set[str]) -> None:
    assert find_paths(network, CISCO, targets) == []


def test_a_target_in_another_component_gives_no_path(network: Network) -> None:
    assert ID + "tokyo" in network.graph
    assert not nx.has_path(network.graph, CISCO, ID + "tokyo")
    assert find_paths(network, CISCO, {ID + "tokyo"}) == []


@pytest.fixture
def bounded_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail, rather than wait minutes, if find_paths enumerates hundreds of candidate paths."""
    original = nx.shortest_simple_paths

    def bounded(*args: object, **kwargs: object) -> Iterator[list[str]]:
        started = time.perf_counter()
        for count, nodes in enumerate(original(*args, **kwargs)):  # type: ignore[arg-type]
            if count >= 500:
                raise AssertionError(f"find_paths enumerated {count} candidate paths "
                                     f"({time.perf_counter() - started:.1f}s) and was still going")
            yield nodes

    monkeypatch.setattr(nx, "shortest_simple_paths", bounded)


@pytest.mark.usefixtures("bounded_search")
def test_a_far_target_within_too_few_hops_gives_no_path_promptly(network: Network) -> None:
    assert find_paths(network, CISCO, {ID + "mayor-of-aarhus"}, max_hops=1) == []


@pytest.mark.usefixtures("bounded_search")
def test_fewer_than_k_paths_within_max_hops_come_promptly(network: Network) -> None:
    found = find_paths(network, CISCO, {ID + "lord-mayor-of-copenhagen"}, k=10, max_hops=2)
    assert sorted(tuple(_nodes(p)) for p in found) == [
        (CISCO, ID + "copenhagen-municipality", ID + "lord-mayor-of-copenhagen"),
        (CISCO, ID + "frank-jensen", ID + "lord-mayor-of-copenhagen"),
    ]


def test_find_paths_is_deterministic(network: Network, profiled: Network) -> None:
    assert find_paths(network, CISCO, k=20) == find_paths(network, CISCO, k=20)
    assert find_paths(profiled, BRIGHTWAY.iri, k=30) == find_paths(add_profile(network, BRIGHTWAY), BRIGHTWAY.iri, k=30)


def test_path_to_dict(network: Network) -> None:
    [path] = find_paths(network, CISCO, {ID + "frank-jensen"}, k=1)
    data = path.to_dict()
    assert data["target"] == ID + "frank-jensen" and data["cost"] == 1.0
    assert data["hops"][0]["fact"] == AGREEMENT and "underskrevet" in data["hops"][0]["quote"]


def test_a_lighting_firm_reaches_the_posts_of_the_city_investing_in_street_lighting_first(
        brightway_paths: list[Path]) -> None:
    """No stored source names the Copenhagen post whose portfolio holds street lighting, so the graph
    ranks the posts of the city that invests in it first, at one cost, and claims no more; with a
    sourced portfolio the post comes first by itself (tests/cli/test_cli_markets.py)."""
    first = [p for p in brightway_paths if p.cost == brightway_paths[0].cost]
    assert {p.target for p in first} == {ID + "copenhagen-technical-and-environmental-mayor",
                                         ID + "lord-mayor-of-copenhagen"}
    assert all(p.hops[1].source_label == "intelligent lighting" and "streetlights" in (p.hops[1].quote or "")
               for p in first)
    assert all(p.cost > first[0].cost for p in brightway_paths[len(first):])


def test_sectors_and_countries_are_no_stepping_stones(network: Network, many_paths: list[list[Path]]) -> None:
    hubs = {n for n, kinds in network.types.items() if {SKOS + "Concept", SCK + "Country"} & kinds}
    for found in many_paths:
        for path in found:
            inner = _nodes(path)[2:-1]  # a hub may be the first hop from the start, or the end
            assert not hubs & set(inner), [h.target_label for h in path.hops]


def test_no_path_is_a_cheaper_one_plus_a_detour(many_paths: list[list[Path]]) -> None:
    for found in many_paths:
        for later, path in enumerate(found):
            for cheaper in found[:later]:
                if cheaper.target != path.target:
                    continue
                assert not set(_nodes(cheaper)) < set(_nodes(path)), [h.target_label for h in path.hops]
                assert _nodes(cheaper)[1] != _nodes(path)[1]  # k targets or k introducers


def test_the_market_is_a_parameter(network: Network) -> None:
    assert find_paths(network, CISCO, market=resolve_market("DK"), k=3) == find_paths(network, CISCO, k=3)
    assert find_paths(network, CISCO, market=resolve_market("IT"), k=3) == []  # no decision makers known there


@pytest.mark.parametrize("market", ["DK", "PT"])
def test_route_arcs_are_the_route_graphs_successors_in_order(network: Network, market: str) -> None:
    from smartcity_kg.network.routes import add_start, route_arcs, route_graph, start_arcs

    iri = resolve_market(market).iri
    routes, arcs = route_graph(network, {iri}, homes={COUNTRY + "US"}), route_arcs(network, {iri}, homes={COUNTRY + "US"})
    assert add_start(routes, network, CISCO) == start_arcs(arcs, network, CISCO)
    assert list(arcs) == list(routes)
    assert arcs == {node: [(other, data["weight"]) for other, data in routes.adj[node].items()] for node in routes}


def test_dijkstra_finds_networkx_paths_where_several_cost_the_same() -> None:
    """On a grid where many paths cost the same, each node's path is the one networkx finds."""
    from smartcity_kg.network.paths import _walk_back, dijkstra

    graph = nx.grid_2d_graph(6, 6).to_directed()
    for number, (u, v) in enumerate(graph.edges):
        graph.edges[u, v]["weight"] = float(1 + number % 2)
    named = nx.relabel_nodes(graph, {n: f"{n[0]}-{n[1]}" for n in graph})
    arcs = {node: [(other, data["weight"]) for other, data in named.adj[node].items()] for node in named}
    costs, paths = nx.single_source_dijkstra(named, "0-0", weight="weight")
    found, before = dijkstra(arcs, "0-0", set(named))
    assert found == costs
    assert {node: _walk_back(before, node) for node in found} == paths
    assert len({tuple(p) for p in paths.values()}) == len(paths) and max(map(len, paths.values())) > 6
