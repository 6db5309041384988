"""Exports for open-data tools: schema.org JSON-LD, a VoID and DCAT description, CSV tables per class."""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..namespaces import DCTERMS, RDF, RDFS, SCK
from ..store.rdfio import select, value_of
from ..resources import shipped

__all__ = ["LINK_TARGETS", "csv_tables", "schema_jsonld", "void_description"]

SCHEMA_CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    "sameAs": {"@type": "@id"}, "containedInPlace": {"@type": "@id"}, "location": {"@type": "@id"},
    "parentOrganization": {"@type": "@id"}, "memberOf": {"@type": "@id"}, "funder": {"@type": "@id"},
    "affiliation": {"@type": "@id"},
}
#: Each register the graph links to: its property, the VoID target dataset, and how an id becomes an IRI.
LINK_TARGETS = {
    "wikidata": (SCK + "wikidataId", "http://www.wikidata.org/", "http://www.wikidata.org/entity/{}"),
    "geonames": (SCK + "geonamesId", "https://www.geonames.org/", "https://sws.geonames.org/{}/"),
    "dbpedia": (SCK + "dbpediaResource", "https://dbpedia.org/", "{}"),
    "iso-3166": (SCK + "isoCode", "https://www.iso.org/iso-3166-country-codes.html", None),
    "nuts": (SCK + "nutsCode", "https://ec.europa.eu/eurostat/web/nuts", None),
    "municipality-codes": (SCK + "municipalityCode", "https://www.dst.dk/", None),
    "ror": (SCK + "rorId", "https://ror.org/", "https://ror.org/{}"),
}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def schema_jsonld(store: ox.Store, path: Path) -> Path:
    """The entities as schema.org JSON-LD, compacted with a schema.org context (pyld)."""
    from pyld import jsonld

    query = (shipped("queries") / "exports" / "schema-org.rq").read_text(encoding="utf-8")
    triples = sorted(store.query(query), key=str)  # type: ignore[arg-type]
    nquads = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, {"@context": SCHEMA_CONTEXT})
    compacted["@context"] = SCHEMA_CONTEXT
    return _write(path, json.dumps(compacted, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def void_description(store: ox.Store, report: dict[str, Any], path: Path, *, dataset: str) -> Path:
    """A VoID and DCAT description of the dataset: size, classes, links per target, licence, sources.

    The size is the build report's; the class partitions count the entities of every class
    in every graph, the ontology's countries and sectors included.
    """
    n = ox.NamedNode
    me = n(dataset)
    triples = [
        ox.Triple(me, n(RDF + "type"), n("http://rdfs.org/ns/void#Dataset")),
        ox.Triple(me, n(RDF + "type"), n("http://www.w3.org/ns/dcat#Dataset")),
        ox.Triple(me, n(DCTERMS + "title"), ox.Literal("smartcity-kg: a knowledge graph of smart-city market opportunities", language="en")),
        ox.Triple(me, n(DCTERMS + "license"), n("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(me, n("http://rdfs.org/ns/void#triples"), ox.Literal(str(report["triples"]), datatype=n("http://www.w3.org/2001/XMLSchema#integer"))),
        ox.Triple(me, n("http://rdfs.org/ns/void#vocabulary"), n(SCK)),
        ox.Triple(me, n("http://rdfs.org/ns/void#sparqlEndpoint"), n(dataset.rstrip("/") + "/sparql")),
    ]
    classes = {value_of(row["class"]): int(value_of(row["n"])) for row in select(
        store, "SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE { ?entity a ?class "
               "FILTER(isIRI(?entity) && isIRI(?class)) } GROUP BY ?class")}
    triples.append(ox.Triple(me, n("http://rdfs.org/ns/void#classes"), ox.Literal(str(len(classes)), datatype=n("http://www.w3.org/2001/XMLSchema#integer"))))
    for iri, count in sorted(classes.items()):
        part = n(f"{dataset}#class-{len(triples)}")
        triples += [ox.Triple(me, n("http://rdfs.org/ns/void#classPartition"), part),
                    ox.Triple(part, n("http://rdfs.org/ns/void#class"), n(iri)),
                    ox.Triple(part, n("http://rdfs.org/ns/void#entities"), ox.Literal(str(count), datatype=n("http://www.w3.org/2001/XMLSchema#integer")))]
    for name, (prop, target, _) in sorted(LINK_TARGETS.items()):
        rows = list(select(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{prop}> ?o }}"))
        count = int(value_of(rows[0]["n"])) if rows else 0
        linkset = n(f"{dataset}#links-{name}")
        triples += [ox.Triple(linkset, n(RDF + "type"), n("http://rdfs.org/ns/void#Linkset")),
                    ox.Triple(me, n("http://rdfs.org/ns/void#subset"), linkset),
                    ox.Triple(linkset, n("http://rdfs.org/ns/void#subjectsTarget"), me),
                    ox.Triple(linkset, n("http://rdfs.org/ns/void#objectsTarget"), n(target)),
                    ox.Triple(linkset, n("http://rdfs.org/ns/void#linkPredicate"), n(prop)),
                    ox.Triple(linkset, n("http://rdfs.org/ns/void#triples"), ox.Literal(str(count), datatype=n("http://www.w3.org/2001/XMLSchema#integer")))]
    for row in select(store, "SELECT ?source ?page WHERE { ?source a <" + SCK + "Source> ; <http://xmlns.com/foaf/0.1/page> ?page }"):
        triples.append(ox.Triple(me, n(DCTERMS + "source"), row["page"]))
    for name, media in (("graph.trig", "application/trig"), ("graph.nt", "application/n-triples"),
                        ("graph.ttl", "text/turtle"), ("graph.jsonld", "application/ld+json")):
        dist = n(f"{dataset}#distribution-{name}")
        triples += [ox.Triple(me, n("http://www.w3.org/ns/dcat#distribution"), dist),
                    ox.Triple(dist, n(RDF + "type"), n("http://www.w3.org/ns/dcat#Distribution")),
                    ox.Triple(dist, n("http://www.w3.org/ns/dcat#mediaType"), ox.Literal(media)),
                    ox.Triple(dist, n(DCTERMS + "title"), ox.Literal(name))]
        if name == "graph.trig":
            triples.append(ox.Triple(me, n("http://rdfs.org/ns/void#dataDump"), n(f"{dataset.rstrip('/')}/{name}")))
    body = ox.serialize(sorted(set(triples), key=str), format=ox.RdfFormat.TURTLE, prefixes={
        "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#", "dcterms": DCTERMS, "sck": SCK})
    return _write(path, (body or b"").decode("utf-8"))


def csv_tables(store: ox.Store, folder: Path, labels: dict[str, str]) -> list[Path]:
    """One CSV table per class of the ontology: the entities' ids, labels and property values.

    Values of a property that an entity has more than once are joined with `` | ``; entities
    are shown by their labels (their IRIs are in the ``iri`` column of their own table).
    """
    rows = select(store, f"""
        SELECT ?class ?entity ?p ?o WHERE {{
          ?entity a ?class ; ?p ?o .
          FILTER(STRSTARTS(STR(?class), "{SCK}") && isIRI(?entity))
          FILTER(?p != <{RDF}type> && ?p != <{SCK}evidence>)
        }}""")
    tables: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for row in rows:
        klass, entity, prop, value = (value_of(row[k]) for k in ("class", "entity", "p", "o"))
        shown = labels.get(value, value) if isinstance(row["o"], ox.NamedNode) else value
        column = "label" if prop == RDFS + "label" else prop.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        tables[klass][entity][column].add(shown)
    written = []
    for klass, entities in sorted(tables.items()):
        columns = ["iri", "label"] + sorted({c for values in entities.values() for c in values} - {"label"})
        path = folder / f"{klass.rsplit('#', 1)[-1]}.csv"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for entity, values in sorted(entities.items()):
                writer.writerow([entity] + [" | ".join(sorted(values.get(c, ()))) for c in columns[1:]])
        tmp.replace(path)
        written.append(path)
    return written


