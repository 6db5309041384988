"""IRIs of the vocabularies that smartcity-kg uses, and of its own namespaces."""

from __future__ import annotations

__all__ = [
    "COUNTRY", "DCTERMS", "DEFAULT_BASE", "FOAF", "MEASURE", "OA", "ONTOLOGY_IRI", "ORG", "OWL", "PROV",
    "QB", "RDF", "RDFS", "SCHEMA", "SCK", "SECTOR", "SH", "SKOS", "VANN", "XSD", "PREFIXES",
]

SCK = "https://w3id.org/smartcity-kg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/smartcity-kg/ontology"
COUNTRY = "https://w3id.org/smartcity-kg/country/"
SECTOR = "https://w3id.org/smartcity-kg/sector/"
#: The trade-measure scheme (ontology/trade.ttl): the rows of a trade table.
MEASURE = "https://w3id.org/smartcity-kg/measure/"
DEFAULT_BASE = "https://w3id.org/smartcity-kg/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
VANN = "http://purl.org/vocab/vann/"
QB = "http://purl.org/linked-data/cube#"

#: Prefixes written into Turtle and TriG output.
PREFIXES = {
    "sck": SCK, "country": COUNTRY, "sector": SECTOR, "rdf": RDF, "rdfs": RDFS, "owl": OWL,
    "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS, "foaf": FOAF, "org": ORG, "oa": OA,
    "prov": PROV, "schema": SCHEMA, "vann": VANN,
}
