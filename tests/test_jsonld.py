"""Tests of smartcity_kg.jsonld: the shipped context, and compacted JSON-LD that pyld expands back to the dataset."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld

from smartcity_kg.jsonld import CONTEXT_FILE, compact_iri, context, write_compacted
from smartcity_kg.namespaces import DEFAULT_BASE, PREFIXES

pytestmark = pytest.mark.usefixtures("no_network")


def _no_remote_documents(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"pyld tried to load {url}")


def _canonical(quads: Any) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _round_trip(document: dict[str, Any]) -> set[ox.Quad]:
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": _no_remote_documents})
    return _canonical(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def test_the_context_names_the_project_prefixes() -> None:
    shipped = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    assert shipped == context()
    assert {name: shipped[name] for name in PREFIXES} == PREFIXES
    assert shipped["id"] == DEFAULT_BASE + "id/" and shipped["graph"] == DEFAULT_BASE + "graph/"
    assert all(iri.endswith(("/", "#")) for iri in shipped.values())


@pytest.mark.parametrize(("iri", "compact"), [
    ("https://w3id.org/smartcity-kg/ontology#Partnership", "sck:Partnership"),
    ("https://w3id.org/smartcity-kg/country/DK", "country:DK"),
    ("http://www.w3.org/2001/XMLSchema#gYear", "xsd:gYear"),
    ("https://w3id.org/smartcity-kg/id//x", "id:/x"),
    ("https://w3id.org/smartcity-kg/id///x", "https://w3id.org/smartcity-kg/id///x"),
    ("https://w3id.org/smartcity-kg/", "https://w3id.org/smartcity-kg/"),
])
def test_compact_iri(iri: str, compact: str) -> None:
    assert compact_iri(iri) == compact


@pytest.mark.parametrize("prefixes", [None, {"ex": "https://example.org/"}])
def test_an_iri_that_json_ld_would_read_as_a_compact_iri_is_refused(prefixes: dict[str, str] | None) -> None:
    name = "id" if prefixes is None else "ex"
    with pytest.raises(ValueError, match=f"'{name}' is a prefix of it"):
        compact_iri(f"{name}:cisco", prefixes)
    assert compact_iri(f"{name}://host/cisco", prefixes) == f"{name}://host/cisco"  # absolute: read as it is
    assert compact_iri("urn:isbn:0451450523", prefixes) == "urn:isbn:0451450523"


def test_the_build_writes_compacted_json_ld_that_expands_to_the_dataset(built: Path) -> None:
    document = json.loads((built / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context()
    assert all(node["@id"].startswith("graph:") or node["@id"].startswith("https://") for node in document["@graph"])
    cisco = next(node for graph in document["@graph"] for node in graph.get("@graph", ())
                 if node["@id"] == "id:cisco" and "rdfs:label" in node)
    assert cisco["rdfs:label"] == {"@value": "Cisco", "@language": "en"} or cisco["rdfs:label"] == "Cisco"
    assert _round_trip(document) == _canonical(ox.parse(path=str(built / "graph.trig")))


def test_every_kind_of_term_round_trips() -> None:
    n = ox.NamedNode
    s, p = n("https://w3id.org/smartcity-kg/id/a"), n("https://w3id.org/smartcity-kg/ontology#p")
    quads = sorted([
        ox.Quad(s, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n("https://example.org/T"), ox.DefaultGraph()),
        ox.Quad(s, p, ox.Literal("plain"), ox.DefaultGraph()),
        ox.Quad(s, p, ox.Literal("tekst", language="da"), ox.DefaultGraph()),
        ox.Quad(s, p, ox.Literal("2014", datatype=n("http://www.w3.org/2001/XMLSchema#gYear")), ox.DefaultGraph()),
        ox.Quad(s, p, ox.Literal("x", datatype=n("https://example.org/dt")), ox.DefaultGraph()),
        ox.Quad(s, p, ox.BlankNode("b1"), n("https://w3id.org/smartcity-kg/graph/g")),
        ox.Quad(ox.BlankNode("b1"), n("https://example.org/q"), n("https://w3id.org/smartcity-kg/id//odd"),
                n("https://w3id.org/smartcity-kg/graph/g")),
        ox.Quad(s, n("https://example.org/q"), ox.Literal('"quoted" \\ and ünïcode'), n("https://example.org/other-graph")),
    ], key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    out = io.StringIO()
    write_compacted(quads, out)
    document = json.loads(out.getvalue())
    assert _round_trip(document) == _canonical(quads)
    # pyld's own compaction with the same context gives the same dataset back, too.
    compacted = jsonld.compact(jsonld.expand(document), {"@context": context()})
    assert _round_trip(compacted) == _canonical(quads)


def test_a_subject_s_quads_need_not_be_adjacent_nor_grouped_by_predicate() -> None:
    """Quads come grouped by graph only (the store's order): no value of a property is lost."""
    n = ox.NamedNode
    graph = n("https://w3id.org/smartcity-kg/graph/g")
    a, b = n("https://w3id.org/smartcity-kg/id/a"), n("https://w3id.org/smartcity-kg/id/b")
    p, q = n("https://w3id.org/smartcity-kg/ontology#p"), n("https://w3id.org/smartcity-kg/ontology#q")
    quads = [ox.Quad(a, p, ox.Literal("1"), graph), ox.Quad(a, q, ox.Literal("2"), graph),
             ox.Quad(a, p, ox.Literal("3"), graph), ox.Quad(b, p, ox.Literal("4"), graph),
             ox.Quad(a, p, ox.Literal("5"), graph)]
    out = io.StringIO()
    write_compacted(quads, out)
    document = json.loads(out.getvalue())
    assert _round_trip(document) == _canonical(quads)
    first = document["@graph"][0]["@graph"][0]
    assert first == {"@id": "id:a", "sck:p": ["1", "3"], "sck:q": "2"}
