"""A network encoded as JSON data and decoded again is the same network: nodes, neighbour order, ties, lookups."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from smartcity_kg import EntityIndex, open_store
from smartcity_kg.network.projection import project
from smartcity_kg.network.snapshot_format import decode, encode, insertion_order
from test_projection_frozen import _compare, dumps


def _round_trip(network):  # through JSON text, as the file holds it
    return decode(json.loads(json.dumps(encode(network), ensure_ascii=False)))


def test_the_generated_network_comes_back_as_frozen(generated: Path) -> None:
    store = open_store(generated)
    _compare("generated-10k", _round_trip(project(store, labels=EntityIndex.from_store(store).labels)))


def test_the_shipped_network_comes_back_as_frozen(built: Path) -> None:
    store = open_store(built)
    network = project(store, labels=EntityIndex.from_store(store).labels)
    back = _round_trip(network)
    _compare("shipped", back)
    assert dumps(back) == dumps(network)


@pytest.mark.parametrize("seed", range(20))
def test_insertion_order_rebuilds_each_nodes_neighbours_in_order(seed: int) -> None:
    graph = nx.gnm_random_graph(30, 80, seed=seed)
    shuffled = nx.Graph()
    shuffled.add_nodes_from(graph)
    edges = list(graph.edges())
    import random

    random.Random(seed).shuffle(edges)
    shuffled.add_edges_from((v, u) if i % 2 else (u, v) for i, (u, v) in enumerate(edges))
    rebuilt = nx.Graph()
    rebuilt.add_nodes_from(shuffled)
    rebuilt.add_edges_from(insertion_order({n: list(shuffled.adj[n]) for n in shuffled}))
    assert [list(rebuilt.adj[n]) for n in rebuilt] == [list(shuffled.adj[n]) for n in shuffled]
    naive = nx.Graph()
    naive.add_nodes_from(shuffled)
    naive.add_edges_from(shuffled.edges())  # the graph's own edge order does not rebuild it
    assert seed > 0 or [list(naive.adj[n]) for n in naive] != [list(shuffled.adj[n]) for n in shuffled]


def test_a_body_that_is_not_a_network_is_refused() -> None:
    with pytest.raises((KeyError, IndexError, TypeError, ValueError)):
        decode({"strings": [], "typesets": [], "evidence": [], "nodes": [], "edges": [[0, 1, 1.0, []]]})
