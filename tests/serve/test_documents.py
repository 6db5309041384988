"""Tests of smartcity_kg.serve.documents and .docs: the ontology, its version and modules, each named
graph and the dumps dereference under ``smartcity-kg serve`` (a real server on 127.0.0.1)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from smartcity_kg.namespaces import ONTOLOGY_IRI, OWL, RDF, RDFS, SCK, SKOS
from smartcity_kg.resources import shipped
from smartcity_kg.serve.docs import KINDS, module_triples

Serve = Callable[..., contextlib.AbstractContextManager[str]]
BASE = "https://w3id.org/smartcity-kg/"
#: How each RDF media type parses (pyoxigraph), for the answers that the tests read back.
PARSERS = {"text/turtle": ox.RdfFormat.TURTLE, "application/trig": ox.RdfFormat.TRIG,
           "application/n-triples": ox.RdfFormat.N_TRIPLES, "application/n-quads": ox.RdfFormat.N_QUADS,
           "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}


@pytest.fixture(scope="module")
def client(built: Path, serve: Serve) -> Iterator[httpx.Client]:
    with serve(built) as url, httpx.Client(base_url=url, timeout=60) as session:
        yield session


@pytest.fixture(scope="module")
def ontology() -> list[ox.Triple]:
    """The triples of the shipped ontology's files."""
    return [q.triple for path in sorted(shipped("ontology").glob("*.ttl"))
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


class _Page(HTMLParser):
    """The rows of a page's tables by id (their text), and its ``<link rel="alternate">`` elements."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: dict[str, str] = {}
        self.alternates: dict[str, str] = {}
        self._row: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("id"):
            self._row = str(found["id"])
            self.rows[self._row] = ""
        elif tag == "link" and found.get("rel") == "alternate":
            self.alternates[str(found["type"])] = str(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self.rows[self._row] += data


def _terms(triples: list[ox.Triple]) -> dict[str, dict[str, str]]:
    """Every term of the ontology's namespace declared a class, a property or a datatype: its label,
    definition and comment."""
    out: dict[str, dict[str, str]] = {}
    declared = {t.subject.value for t in triples if t.predicate.value == RDF + "type" and t.object.value in KINDS
                and isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(SCK)}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value in declared and isinstance(t.object, ox.Literal):
            names = {RDFS + "label": "label", SKOS + "definition": "definition", RDFS + "comment": "comment"}
            if t.predicate.value in names:
                out.setdefault(t.subject.value[len(SCK):], {})[names[t.predicate.value]] = t.object.value
    return {name: out.get(name, {}) for name in sorted(n[len(SCK):] for n in declared)}


def test_the_documentation_covers_every_term_with_its_label_and_definition(client: httpx.Client,
                                                                           ontology: list[ox.Triple]) -> None:
    page = _Page(client.get("/ontology", headers={"Accept": "text/html"}).text)
    terms = _terms(ontology)
    assert len(terms) > 100
    for name, texts in terms.items():
        assert name in page.rows, f"sck:{name} is not documented"
        assert texts.get("label") and texts.get("definition"), f"sck:{name} lacks a label or a definition"
        for text in texts.values():
            assert " ".join(text.split()) in " ".join(page.rows[name].split()), (name, text)


def _declared_modules(triples: list[ox.Triple]) -> list[str]:
    return sorted(t.subject.value for t in triples if t.predicate.value == RDF + "type"
                  and t.object.value == OWL + "Ontology" and t.subject.value != ONTOLOGY_IRI)


def _paths(client: httpx.Client, ontology: list[ox.Triple]) -> list[str]:
    """The path of every IRI that must dereference: the ontology, its version, its modules, every
    named graph of the dataset (found with SPARQL) and the dumps."""
    version = next(t.object.value for t in ontology if t.predicate.value == OWL + "versionIRI")
    rows = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                      headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    graphs = sorted(row["g"]["value"] for row in rows if row["g"]["value"] != ONTOLOGY_IRI)
    assert len(graphs) > 100 and BASE + "graph/inferred" in graphs
    iris = [ONTOLOGY_IRI, version, *_declared_modules(ontology), *graphs,
            *(BASE + name for name in ("graph.trig", "graph.nt", "graph.ttl", "graph.jsonld"))]
    assert all(iri.startswith(BASE) for iri in iris)
    return ["/" + iri[len(BASE):] for iri in iris]


def test_every_iri_dereferences_as_html_turtle_and_trig(client: httpx.Client, ontology: list[ox.Triple]) -> None:
    for path in _paths(client, ontology):
        html = client.get(path, headers={"Accept": "text/html"})
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html"), path
        alternates = _Page(html.text).alternates
        assert {"text/turtle", "application/trig"} <= set(alternates), (path, alternates)
        for media in ("text/turtle", "application/trig"):
            answer = client.get(path, headers={"Accept": media})
            assert answer.status_code == 200, (path, media, answer.text[:200])
            assert answer.headers["content-type"].split(";")[0] == media
            assert answer.headers["vary"] == "Accept"
            assert list(ox.parse(input=answer.content, format=PARSERS[media])), (path, media)


def test_each_alternate_link_gives_its_form(client: httpx.Client, ontology: list[ox.Triple]) -> None:
    for path in ("/ontology", "/ontology/places", "/graph/sources", "/graph.trig"):
        alternates = _Page(client.get(path, headers={"Accept": "text/html"}).text).alternates
        assert set(alternates) <= set(PARSERS), alternates
        for media, href in alternates.items():
            answer = client.get(href, headers={"Accept": "text/html"})  # the link decides, not the header
            assert answer.status_code == 200 and answer.headers["content-type"].split(";")[0] == media, (href, media)
            assert list(ox.parse(input=answer.content, format=PARSERS[media])), href


def test_a_module_is_its_header_and_the_terms_it_defines(client: httpx.Client) -> None:
    answer = client.get("/ontology/places", headers={"Accept": "text/turtle"})
    triples = {q.triple for q in ox.parse(input=answer.content, format=ox.RdfFormat.TURTLE)}
    subjects = {t.subject for t in triples}
    assert ox.NamedNode(SCK + "locatedIn") in subjects and ox.NamedNode(BASE + "ontology/places") in subjects
    assert ox.NamedNode(SCK + "Post") not in subjects  # organisations.ttl's
    page = _Page(client.get("/ontology/places", headers={"Accept": "text/html"}).text)
    assert "locatedIn" in page.rows and "Post" not in page.rows


def test_a_named_graph_in_trig_is_that_graph(client: httpx.Client, store: ox.Store) -> None:
    answer = client.get("/graph/sources", headers={"Accept": "application/trig"})
    quads = list(ox.parse(input=answer.content, format=ox.RdfFormat.TRIG))
    assert {q.graph_name for q in quads} == {ox.NamedNode(BASE + "graph/sources")}
    assert len(quads) == len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(BASE + "graph/sources"))))
    page = client.get("/graph/sources", headers={"Accept": "text/html"}).text
    assert f"{len(quads)} triples about {len({q.subject for q in quads})} subjects" in page


@pytest.mark.parametrize("path", ["/ontology/0.0.9", "/ontology/nowhere", "/graph/nowhere", "/graph/sources/extra"])
def test_unknown_documents_are_404(client: httpx.Client, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize("path", ["/ontology", "/ontology/core", "/graph/sources", "/graph.trig"])
def test_an_unoffered_type_is_406(client: httpx.Client, path: str) -> None:
    assert client.get(path, headers={"Accept": "image/png"}).status_code == 406


def test_a_module_keeps_the_blank_nodes_of_its_axioms() -> None:
    chain = ox.BlankNode()
    triples = [ox.Triple(ox.NamedNode(SCK + "p"), ox.NamedNode(RDFS + "isDefinedBy"), ox.NamedNode(BASE + "ontology/m")),
               ox.Triple(ox.NamedNode(SCK + "p"), ox.NamedNode(OWL + "propertyChainAxiom"), chain),
               ox.Triple(chain, ox.NamedNode(RDF + "first"), ox.NamedNode(SCK + "q")),
               ox.Triple(ox.NamedNode(SCK + "q"), ox.NamedNode(RDFS + "label"), ox.Literal("q"))]
    assert module_triples(triples, BASE + "ontology/m") == sorted(triples[:3], key=str)
