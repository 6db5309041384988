"""Tests of smartcity_kg.builder.links: the build adds a register link beside each identifier."""

from __future__ import annotations

import pyoxigraph as ox

from smartcity_kg.builder.links import add_links
from smartcity_kg.identifiers import LINK_PREDICATE, LINK_TEMPLATE, link_templates
from smartcity_kg.namespaces import SCK


def test_add_links_puts_each_link_beside_its_identifier_in_its_graph() -> None:
    n = ox.NamedNode
    ontology = [ox.Triple(n(SCK + "wikidataId"), LINK_TEMPLATE, ox.Literal("http://www.wikidata.org/entity/{id}")),
                ox.Triple(n(SCK + "isoCode"), n("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("ISO"))]
    assert link_templates(ontology) == {n(SCK + "wikidataId"): "http://www.wikidata.org/entity/{id}"}
    city, other = n("https://example.org/id/city"), n("https://example.org/id/other")
    graphs = {"g1": [ox.Triple(city, n(SCK + "wikidataId"), ox.Literal("Q1748")),
                     ox.Triple(city, n(SCK + "isoCode"), ox.Literal("DK"))],
              "g2": [ox.Triple(other, n(SCK + "wikidataId"), ox.Literal("Q35")),
                     ox.Triple(other, LINK_PREDICATE, n("http://www.wikidata.org/entity/Q35"))]}
    assert add_links(ontology, graphs) == 1
    assert graphs["g1"][-1] == ox.Triple(city, LINK_PREDICATE, n("http://www.wikidata.org/entity/Q1748"))
    assert len(graphs["g1"]) == 3 and len(graphs["g2"]) == 2
