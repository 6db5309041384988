"""Tests of the network exports (GraphML, GEXF, CSV), read back with networkx's own readers."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree
from click.testing import CliRunner

from smartcity_kg import EntityIndex, open_store
from smartcity_kg.cli.main import main
from smartcity_kg.network.exports import FORMATS, GEXF_NAMESPACE, export_network, node_id
from smartcity_kg.network.projection import Network, Tie, project
from smartcity_kg.network.views import overview_view

EDGE_HEADER = ["source", "target", "relation", "label", "cost", "fact", "date", "evidence_source",
               "evidence_source_label", "quote"]
READERS = {"graphml": nx.read_graphml, "gexf": nx.read_gexf}


@pytest.fixture(scope="module")
def network(built: Path) -> Network:
    store = open_store(built)
    return project(store, labels=EntityIndex.from_store(store).labels)


XSD = Path(__file__).parents[1] / "data" / "xsd"
SCHEMAS = {"graphml": XSD / "graphml.xsd", "gexf": XSD / "gexf.xsd"}


def _all_ties(network: Network) -> list[Tie]:
    return [tie for u, v in network.graph.edges for tie in network.ties(u, v)]


def _expected(network: Network, tie: Tie) -> dict[str, object]:
    evidence = tie.evidence[0] if tie.evidence else None
    return {"relation": tie.relation, "label": tie.phrase(network.labels), "fact": tie.fact or "",
            "date": tie.date or "", "source": evidence.source if evidence else "",
            "quote": (evidence.quote or "") if evidence else "", "evidence": len(tie.evidence)}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_validates_against_its_schema(network: Network, tmp_path: Path, fmt: str) -> None:
    target = export_network(network, tmp_path / f"network.{fmt}", fmt)[0]
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS[fmt])))
    document = etree.parse(str(target))
    assert schema.validate(document), schema.error_log
    assert document.getroot().tag == "{%s}%s" % (
        {"graphml": "http://graphml.graphdrawing.org/xmlns", "gexf": GEXF_NAMESPACE}[fmt], fmt)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_schema_refuses_an_iri_as_a_node_id(network: Network, tmp_path: Path, fmt: str) -> None:
    """The schemas are strict enough to catch what the exports once did: IRIs as GraphML ids,
    ``name`` on a GEXF graph."""
    target = export_network(network, tmp_path / f"network.{fmt}", fmt)[0]
    text = target.read_text(encoding="utf-8")
    broken = (text.replace('id="id:cisco"', 'id="https://w3id.org/smartcity-kg/id/cisco"', 1) if fmt == "graphml"
              else text.replace('<graph defaultedgetype', '<graph name="" defaultedgetype', 1))
    assert broken != text
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS[fmt])))
    assert not schema.validate(etree.fromstring(broken.encode("utf-8")))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_reads_back(network: Network, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "nested" / f"network.{fmt}"
    target.parent.mkdir()
    assert export_network(network, target, fmt) == [target]
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    graph = READERS[fmt](target)
    ties = _all_ties(network)
    # Directed, one edge per tie: parallel ties stay apart.
    assert graph.is_directed() and graph.is_multigraph()
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (network.graph.number_of_nodes(), len(ties))
    assert len(ties) > network.graph.number_of_edges()
    iri = {node: data["iri"] for node, data in graph.nodes(data=True)}
    assert sorted(iri.values()) == sorted(network.graph.nodes)
    assert all(node == node_id(iri[node]) and re.fullmatch(r"[\w.:-]+", node) for node in graph)
    for node, data in graph.nodes(data=True):
        assert data["label"] == network.labels.get(iri[node], iri[node])
        assert data["type"], node
    assert graph.nodes["country:DK"]["type"] == "country"
    found = Counter()
    for u, v, data in graph.edges(data=True):
        row = {key: data.get(key, "") for key in ("relation", "label", "fact", "date", "source", "quote")}
        found[(iri[u], iri[v], data["weight" if fmt == "gexf" else "cost"], data.get("evidence", 0),
               tuple(sorted(row.items())))] += 1
    expected = Counter((t.a, t.b, t.cost, len(t.evidence),
                        tuple(sorted((k, v) for k, v in _expected(network, t).items() if k != "evidence")))
                       for t in ties)
    assert found == expected
    assert any(data.get("date") for _, _, data in graph.edges(data=True))
    assert any(data.get("quote") for _, _, data in graph.edges(data=True))


def test_node_ids_are_distinct_nmtokens() -> None:
    iris = ["https://w3id.org/smartcity-kg/id/a_b", "https://w3id.org/smartcity-kg/id/a/b",
            "https://w3id.org/smartcity-kg/id/a_2Fb", "https://example.org/x#y", "https://example.org/x_23y",
            "urn:x:y", "https://w3id.org/smartcity-kg/id/", "https://w3id.org/smartcity-kg/id/Ø"]
    ids = [node_id(iri) for iri in iris]
    assert len(set(ids)) == len(iris)
    assert all(re.fullmatch(r"[A-Za-z0-9._:-]+", i) for i in ids), ids


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
    assert Counter((row[0], row[1], row[2]) for row in rows) == Counter((t.a, t.b, t.relation) for t in _all_ties(network))
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
        network.graph.number_of_nodes(), len(_all_ties(network)))


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
