"""Tests of the network exports (GraphML, GEXF, CSV), read back with networkx's own readers."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from smartcity_kg import EntityIndex, open_store
from smartcity_kg.cli.main import main
from smartcity_kg.network.exports import FORMATS, export_network
from smartcity_kg.network.projection import Network, project
from smartcity_kg.network.views import overview_view

EDGE_HEADER = ["source", "target", "relation", "label", "cost", "fact", "date", "evidence_source",
               "evidence_source_label", "quote"]
READERS = {"graphml": nx.read_graphml, "gexf": nx.read_gexf}


@pytest.fixture(scope="module")
def network(built: Path) -> Network:
    store = open_store(built)
    return project(store, labels=EntityIndex.from_store(store).labels)


def _cheapest(network: Network, u: str, v: str) -> dict[str, str]:
    tie = network.ties(u, v)[0]
    evidence = tie.evidence[0] if tie.evidence else None
    return {"relation": tie.relation, "label": tie.phrase(network.labels), "date": tie.date or "",
            "source": evidence.source if evidence else "", "quote": (evidence.quote or "") if evidence else ""}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_reads_back(network: Network, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "nested" / f"network.{fmt}"
    target.parent.mkdir()
    assert export_network(network, target, fmt) == [target]
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    graph = READERS[fmt](target)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (
        network.graph.number_of_nodes(), network.graph.number_of_edges())
    assert set(graph.nodes) == set(network.graph.nodes)
    assert {frozenset(e) for e in graph.edges} == {frozenset(e) for e in network.graph.edges}
    for node, data in graph.nodes(data=True):
        assert data["label"] == network.labels.get(node, node)
        assert data["type"], node
    assert graph.nodes[next(n for n in graph if n.endswith("/country/DK"))]["type"] == "country"
    for u, v, data in graph.edges(data=True):
        assert {key: data[key] for key in ("relation", "label", "date", "source", "quote")} == _cheapest(network, u, v)
    assert any(data["date"] for _, _, data in graph.edges(data=True))
    assert any(data["quote"] for _, _, data in graph.edges(data=True))


def test_export_is_deterministic(network: Network, tmp_path: Path) -> None:
    for fmt in ("graphml", "gexf"):
        first, second = (export_network(network, tmp_path / f"{name}.{fmt}", fmt)[0] for name in "ab")
        assert first.read_bytes() == second.read_bytes(), fmt


def test_csv_has_one_row_per_tie(network: Network, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert export_network(network, folder, "csv") == [folder / "nodes.csv", folder / "edges.csv"]
    with (folder / "nodes.csv").open(newline="", encoding="utf-8") as handle:
        nodes = list(csv.DictReader(handle))
    with (folder / "edges.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header, rows = next(reader), list(reader)
    assert header == EDGE_HEADER
    assert sorted(n["id"] for n in nodes) == sorted(network.graph.nodes)
    assert {n["id"]: n["label"] for n in nodes} == {n: network.labels.get(n, n) for n in network.graph.nodes}
    ties = sum(len(network.ties(u, v)) for u, v in network.graph.edges)
    assert ties > network.graph.number_of_edges()
    assert len(rows) == ties
    assert all(len(row) == len(EDGE_HEADER) for row in rows)
    per_pair = Counter(frozenset(row[:2]) for row in rows)
    assert per_pair == {frozenset((u, v)): len(network.ties(u, v)) for u, v in network.graph.edges}
    assert {float(row[4]) for row in rows} <= {t.cost for u, v in network.graph.edges for t in network.ties(u, v)}


@pytest.mark.parametrize("fmt", ["pajek", "GraphML", ""])
def test_unknown_format_is_refused(network: Network, tmp_path: Path, fmt: str) -> None:
    assert fmt not in FORMATS
    with pytest.raises(ValueError, match=f"^unknown format {fmt!r}; expected one of graphml, gexf, csv$"):
        export_network(network, tmp_path / "network.out", fmt)
    assert list(tmp_path.iterdir()) == []


def test_cli_export_graphml(network: Network, built: Path, tmp_path: Path) -> None:
    target = tmp_path / "network.graphml"
    result = CliRunner().invoke(main, ["export", "--format", "graphml", "-o", str(target), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {target}\n"
    graph = nx.read_graphml(target)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (
        network.graph.number_of_nodes(), network.graph.number_of_edges())


def test_cli_view_overview(network: Network, built: Path, tmp_path: Path) -> None:
    target = tmp_path / "overview.html"
    result = CliRunner().invoke(main, ["view", "overview", "-o", str(target), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    view = overview_view(network)
    assert result.output.startswith(f"wrote {target}: {view.nodes} nodes, {view.edges} ties, ")
    assert target.read_text(encoding="utf-8") == view.html


def test_cli_view_ego_radius_is_refused(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "ego.html"
    result = CliRunner().invoke(main, ["view", "ego", "--entity", "City of Copenhagen", "--radius", "9",
                                       "-o", str(target), "--build-dir", str(built)])
    assert result.exit_code == 2
    assert "radius must be between 1 and 4, not 9" in result.output
    assert not target.exists()
