"""Tests of smartcity_kg.link.publish (schema.org JSON-LD, VoID and DCAT, CSV tables per class) and of
`export --format schema-jsonld|void|csv`, read back with rdflib, pyld and the csv module."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from pyld import jsonld
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from smartcity_kg import EntityIndex
from smartcity_kg.cli.main import main
from smartcity_kg.namespaces import COUNTRY, SCK
from smartcity_kg.link.publish import (
    csv_tables,
    schema_jsonld,
    void_description,
)

ID = "https://w3id.org/smartcity-kg/id/"
SDO = rdflib.Namespace("https://schema.org/")
DATASET = "https://w3id.org/smartcity-kg/"
ITA_GUIDE = "https://www.trade.gov/country-commercial-guides/denmark-smart-cities"

pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture(scope="module")
def report(built: Path) -> dict[str, Any]:
    return json.loads((built / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema_file(store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return schema_jsonld(store, tmp_path_factory.mktemp("publish") / "schema.jsonld")


@pytest.fixture(scope="module")
def schema_graph(schema_file: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(schema_file, format="json-ld")


@pytest.fixture(scope="module")
def void_graph(store: ox.Store, report: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    path = void_description(store, report, tmp_path_factory.mktemp("publish") / "void.ttl", dataset=DATASET)
    return rdflib.Graph().parse(path, format="turtle")


def _no_remote_documents(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"pyld tried to load {url}")


def _number(graph: rdflib.Graph, subject: rdflib.term.Node, prop: rdflib.URIRef) -> Any:
    """The one literal value of ``prop``, as a Python value."""
    value = graph.value(subject, prop)
    assert isinstance(value, rdflib.Literal), (subject, prop, value)
    return value.toPython()


def _count(store: ox.Store, prop: str) -> int:
    return len(list(store.quads_for_pattern(None, ox.NamedNode(prop), None, ox.DefaultGraph())))


# --- schema.org JSON-LD ---------------------------------------------------------------------------

def test_schema_jsonld_has_a_schema_org_context(schema_file: Path) -> None:
    document = json.loads(schema_file.read_text(encoding="utf-8"))
    assert document["@context"]["@vocab"] == "https://schema.org/"
    assert document["@context"]["sameAs"] == {"@type": "@id"}
    nodes = document["@graph"]
    assert nodes and all(node.get("@type") for node in nodes)
    assert all(node.get("name") for node in nodes if {"Person", "Organization", "City"} & set(node["@type"]))
    assert [node["@id"] for node in nodes] == sorted(node["@id"] for node in nodes)


def test_schema_jsonld_expands_with_pyld(schema_file: Path) -> None:
    document = json.loads(schema_file.read_text(encoding="utf-8"))
    expanded = jsonld.expand(document, {"documentLoader": _no_remote_documents})
    cisco = next(node for node in expanded if node["@id"] == ID + "cisco")
    assert "https://schema.org/Corporation" in cisco["@type"]
    assert {"@id": "http://www.wikidata.org/entity/Q173395"} in cisco["https://schema.org/sameAs"]


@pytest.mark.parametrize(("entity", "types"), [
    (ID + "cisco", {"Corporation", "Organization"}),
    (ID + "copenhagen", {"City"}),
    (COUNTRY + "DK", {"Country"}),
    (ID + "capital-region", {"AdministrativeArea"}),
    (ID + "copenhagen-connecting", {"Action"}),  # an initiative is an activity, not a Project (an Organization)
    (ID + "aarhus-university", {"ResearchOrganization"}),
])
def test_schema_jsonld_types_each_entity(schema_graph: rdflib.Graph, entity: str, types: set[str]) -> None:
    found = {str(t) for t in schema_graph.objects(rdflib.URIRef(entity), RDF.type)}
    assert {SDO[t] for t in types} <= {rdflib.URIRef(t) for t in found}
    assert all(t.startswith("https://schema.org/") for t in found)


@pytest.mark.parametrize(("entity", "same"), [
    (ID + "cisco", "http://www.wikidata.org/entity/Q173395"),
    (ID + "copenhagen", "http://www.wikidata.org/entity/Q1748"),
    (ID + "copenhagen", "https://sws.geonames.org/2618425/"),
    (COUNTRY + "DK", "http://www.wikidata.org/entity/Q35"),
    (COUNTRY + "DK", "https://sws.geonames.org/2623032/"),
    (ID + "hitachi", "http://dbpedia.org/resource/Hitachi"),
])
def test_schema_jsonld_links_open_data_with_same_as(schema_graph: rdflib.Graph, entity: str, same: str) -> None:
    assert (rdflib.URIRef(entity), SDO.sameAs, rdflib.URIRef(same)) in schema_graph


def test_schema_jsonld_names_places_and_identifiers(schema_graph: rdflib.Graph) -> None:
    copenhagen = rdflib.URIRef(ID + "copenhagen")
    assert {str(n) for n in schema_graph.objects(copenhagen, SDO.name)} == {"Copenhagen"}
    assert (copenhagen, SDO.containedInPlace, rdflib.URIRef(COUNTRY + "DK")) in schema_graph
    assert {str(i) for i in schema_graph.objects(rdflib.URIRef(COUNTRY + "DK"), SDO.identifier)} >= {"DK", "DNK", "208"}


def test_schema_jsonld_carries_posts_with_their_dates(schema_graph: rdflib.Graph) -> None:
    person, holding = rdflib.URIRef(ID + "frank-jensen"), rdflib.URIRef(ID + "frank-jensen-lord-mayor-of-copenhagen")
    assert (person, SDO.memberOf, holding) in schema_graph
    assert (person, SDO.hasOccupation, rdflib.URIRef(ID + "lord-mayor-of-copenhagen")) in schema_graph
    assert (holding, RDF.type, SDO.OrganizationRole) in schema_graph
    assert (holding, SDO.memberOf, rdflib.URIRef(ID + "copenhagen-municipality")) in schema_graph
    assert str(schema_graph.value(holding, SDO.roleName)) == "Lord Mayor of Copenhagen"
    assert str(schema_graph.value(holding, SDO.endDate)) == "2020-10"


def test_schema_jsonld_carries_partnerships_awards_and_amounts(schema_graph: rdflib.Graph) -> None:
    street_lab = rdflib.URIRef(ID + "street-lab-partnership")
    assert (street_lab, RDF.type, SDO.Consortium) in schema_graph
    assert {rdflib.URIRef(ID + "cisco"), rdflib.URIRef(ID + "copenhagen-municipality")} <= set(
        schema_graph.objects(street_lab, SDO.member))
    assert "2016-06" in {str(d) for d in schema_graph.objects(street_lab, SDO.foundingDate)}
    awards = {str(a) for a in schema_graph.objects(rdflib.URIRef(ID + "copenhagen-connecting"), SDO.award)}
    assert any(a.startswith("World Smart Cities Awards 2014") for a in awards), awards
    amounts = [(m, next(v for v in (schema_graph.value(m, k) for k in (SDO.value, SDO.minValue, SDO.maxValue)) if v),
                str(schema_graph.value(m, SDO.currency))) for m in schema_graph.subjects(RDF.type, SDO.MonetaryAmount)]
    assert amounts and all(isinstance(v, rdflib.Literal) and v.toPython() > 0 and len(c) == 3 for _, v, c in amounts)
    linked = {m for m, _, _ in amounts if (None, SDO.amount, m) in schema_graph}
    assert linked and all(str(m).endswith("#amount") for m in linked)
    traffic = rdflib.URIRef(ID + "copenhagen-traffic-lights-investment-2014#amount")
    # "more than DKK 100 million": a lower bound, not the value
    assert schema_graph.value(traffic, SDO.value) is None
    assert (schema_graph.value(traffic, SDO.minValue).toPython(), str(schema_graph.value(traffic, SDO.currency))) == (
        100000000, "DKK")
    assert str(schema_graph.value(traffic, SDO.description)) == "more than 100000000 DKK"
    streetlights = rdflib.URIRef(ID + "copenhagen-streetlights-investment-2014#amount")
    assert schema_graph.value(streetlights, SDO.value).toPython() == 34000000
    assert schema_graph.value(streetlights, SDO.description) is None
    assert str(schema_graph.value(rdflib.URIRef(ID + "ita"), SDO.foundingDate)) == "1980-01-02"


def test_schema_jsonld_is_deterministic(store: ox.Store, schema_file: Path, tmp_path: Path) -> None:
    assert schema_jsonld(store, tmp_path / "again.jsonld").read_bytes() == schema_file.read_bytes()


# --- VoID and DCAT -------------------------------------------------------------------------------

def test_void_describes_the_dataset(void_graph: rdflib.Graph, report: dict[str, Any]) -> None:
    me = rdflib.URIRef(DATASET)
    assert {VOID.Dataset, DCAT.Dataset} <= set(void_graph.objects(me, RDF.type))
    [triples] = void_graph.objects(me, VOID.triples)
    assert isinstance(triples, rdflib.Literal) and triples.datatype == XSD.integer
    assert triples.toPython() == report["triples"]
    assert (me, DCTERMS.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in void_graph
    assert (me, VOID.sparqlEndpoint, rdflib.URIRef(DATASET + "sparql")) in void_graph
    assert (me, VOID.dataDump, rdflib.URIRef(DATASET + "graph.trig")) in void_graph
    assert void_graph.value(me, DCTERMS.description) and void_graph.value(me, DCTERMS.publisher)
    assert (me, DCTERMS.source, rdflib.URIRef(ITA_GUIDE)) in void_graph


def test_void_triples_match_the_built_graph(built: Path, report: dict[str, Any]) -> None:
    with (built / "graph.nt").open(encoding="utf-8") as handle:
        assert report["triples"] == sum(1 for line in handle if line.strip())


def test_void_classes_partition_by_the_report(void_graph: rdflib.Graph, report: dict[str, Any]) -> None:
    me = rdflib.URIRef(DATASET)
    partitions = {str(void_graph.value(part, VOID["class"])): _number(void_graph, part, VOID.entities)
                  for part in void_graph.objects(me, VOID.classPartition)}
    # Every class the report counts has a partition, with at least the report's entities (the
    # partitions count the ontology's graph too: its countries, sectors and terms).
    assert all(partitions.get(klass, 0) >= count for klass, count in report["classes"].items())
    assert partitions[SCK + "City"] == report["classes"][SCK + "City"] >= 5


def test_void_has_a_partition_for_every_class_of_entities(void_graph: rdflib.Graph, store: ox.Store) -> None:
    partitions = {str(void_graph.value(part, VOID["class"])): _number(void_graph, part, VOID.entities)
                  for part in void_graph.objects(rdflib.URIRef(DATASET), VOID.classPartition)}
    countries = len({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                                                ox.NamedNode(SCK + "Country"), ox.DefaultGraph())})
    assert partitions.get(SCK + "Country") == countries >= 10


def _links(store: ox.Store) -> set[tuple[str, str]]:
    """The entity → register IRI links the build stated, read straight from the store."""
    return {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(str(SDO.sameAs)), None)
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)}


def test_void_linksets_count_the_real_links(void_graph: rdflib.Graph, store: ox.Store) -> None:
    links = _links(store)
    linksets = {str(void_graph.value(linkset, VOID.objectsTarget)): _number(void_graph, linkset, VOID.triples)
                for linkset in void_graph.objects(rdflib.URIRef(DATASET), VOID.subset)}
    assert set(linksets) == {"http://www.wikidata.org/", "https://sws.geonames.org/", "http://dbpedia.org/",
                             "https://ror.org/", "http://data.europa.eu/"}
    for target, count in linksets.items():
        assert count == sum(1 for _, o in links if o.startswith(target)) > 0, target
    assert sum(linksets.values()) == len(links)
    for linkset in void_graph.objects(rdflib.URIRef(DATASET), VOID.subset):
        assert (linkset, RDF.type, VOID.Linkset) in void_graph
        assert void_graph.value(linkset, VOID.linkPredicate) == SDO.sameAs
        assert void_graph.value(linkset, VOID.subjectsTarget) == rdflib.URIRef(DATASET)


@pytest.mark.parametrize(("prop", "template"), [
    (SCK + "wikidataId", "http://www.wikidata.org/entity/{}"), (SCK + "geonamesId", "https://sws.geonames.org/{}/"),
    (SCK + "dbpediaResource", "{}"), (SCK + "rorId", "https://ror.org/{}"),
    (SCK + "nutsCode", "http://data.europa.eu/nuts/code/{}"),
])
def test_every_identifier_is_also_a_link(store: ox.Store, prop: str, template: str) -> None:
    links = _links(store)
    stated = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(prop), None)}
    assert stated
    assert {(s, template.format(v)) for s, v in stated} <= links
    # The identifiers stay as literals beside the links.
    assert all(isinstance(q.object, ox.Literal) for q in store.quads_for_pattern(None, ox.NamedNode(prop), None))


def test_void_lists_the_distributions(void_graph: rdflib.Graph) -> None:
    media = {str(void_graph.value(dist, DCTERMS.title)): str(void_graph.value(dist, DCAT.mediaType))
             for dist in void_graph.objects(rdflib.URIRef(DATASET), DCAT.distribution)}
    iana = "http://www.iana.org/assignments/media-types/"
    assert media == {"graph.trig": iana + "application/trig", "graph.nt": iana + "application/n-triples",
                     "graph.ttl": iana + "text/turtle", "graph.jsonld": iana + "application/ld+json"}
    for dist in void_graph.objects(rdflib.URIRef(DATASET), DCAT.distribution):
        name = str(void_graph.value(dist, DCTERMS.title))
        assert void_graph.value(dist, DCAT.downloadURL) == rdflib.URIRef(DATASET + name)
        assert void_graph.value(dist, DCAT.accessURL) == rdflib.URIRef(DATASET + name)


def test_dcat_meets_the_dcat_ap_like_shapes(void_graph: rdflib.Graph) -> None:
    shapes = rdflib.Graph().parse(Path(__file__).parents[1] / "data" / "dcat-ap-like.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(void_graph, shacl_graph=shapes)
    assert conforms, text
    # The shapes do catch a distribution without its URLs or with a literal media type.
    broken = rdflib.Graph() + void_graph
    dist = rdflib.URIRef(DATASET + "#distribution-graph.nt")
    broken.remove((dist, DCAT.downloadURL, None))
    broken.set((dist, DCAT.mediaType, rdflib.Literal("application/n-triples")))
    conforms, _, text = pyshacl.validate(broken, shacl_graph=shapes)
    assert not conforms and "downloadURL" in text and "mediaType" in text


# --- CSV tables per class --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tables(store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    written = csv_tables(store, tmp_path_factory.mktemp("tables"), EntityIndex.from_store(store).labels)
    out = {}
    for path in written:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames is not None and reader.fieldnames[:2] == ["iri", "label"], path
            out[path.stem] = list(reader)
    return out


def test_csv_tables_one_per_class(tables: dict[str, list[dict[str, str]]], store: ox.Store) -> None:
    query = f'SELECT DISTINCT ?c WHERE {{ ?e a ?c FILTER(isIRI(?e) && STRSTARTS(STR(?c), "{SCK}")) }}'
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    assert set(tables) == {str(row["c"].value).rsplit("#", 1)[-1] for row in solutions}
    assert {"City", "Country", "Company", "Region"} <= set(tables) and all(tables.values())


def test_csv_city_table_lists_copenhagen(tables: dict[str, list[dict[str, str]]]) -> None:
    copenhagen = next(row for row in tables["City"] if row["iri"] == ID + "copenhagen")
    assert copenhagen["label"] == "Copenhagen"
    assert copenhagen["geonamesId"] == "2618425" and copenhagen["wikidataId"] == "Q1748"
    assert "Denmark" in copenhagen["locatedIn"].split(" | ")
    assert [row["iri"] for row in tables["City"]] == sorted(row["iri"] for row in tables["City"])


# --- The command line ------------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "syntax", "expected"), [
    ("schema-jsonld", "json-ld", (rdflib.URIRef(ID + "copenhagen"), RDF.type, SDO.City)),
    ("void", "turtle", (rdflib.URIRef(DATASET), RDF.type, VOID.Dataset)),
])
def test_cli_export_open_data(built: Path, tmp_path: Path, fmt: str, syntax: str,
                              expected: tuple[rdflib.URIRef, rdflib.URIRef, rdflib.URIRef]) -> None:
    target = tmp_path / f"export.{fmt}"
    result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(target), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {target}\n"
    assert expected in rdflib.Graph().parse(target, format=syntax)


def test_cli_export_void_with_another_dataset_iri(built: Path, tmp_path: Path) -> None:
    target, dataset = tmp_path / "void.ttl", "https://example.org/kg/"
    result = CliRunner().invoke(main, ["export", "--format", "void", "-o", str(target), "--dataset", dataset,
                                       "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(target, format="turtle")
    assert (rdflib.URIRef(dataset), RDF.type, DCAT.Dataset) in graph
    assert (rdflib.URIRef(dataset), VOID.sparqlEndpoint, rdflib.URIRef(dataset + "sparql")) in graph


def test_cli_export_csv_writes_the_tables(built: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(tmp_path / "csv"), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "csv" / "nodes.csv").is_file() and (tmp_path / "csv" / "edges.csv").is_file()
    assert f"wrote {tmp_path / 'csv' / 'City.csv'}" in result.stdout
    assert not (tmp_path / "csv" / "tables").exists()
    with (tmp_path / "csv" / "City.csv").open(newline="", encoding="utf-8") as handle:
        assert "Copenhagen" in {row["label"] for row in csv.DictReader(handle)}
