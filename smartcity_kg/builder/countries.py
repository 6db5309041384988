"""Every ISO 3166-1 country as an individual of the ontology, generated from ``pycountry``.

No hand list: whichever country a fact sheet names by its alpha-2 code exists, with the IRI
``https://w3id.org/smartcity-kg/country/CC``, its English name as label, its official name as
an alternative label, and its code as ``skos:notation`` and ``sck:isoCode``.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import COUNTRY, OWL, RDF, RDFS, SCK, SKOS

__all__ = ["COUNTRIES_MODULE", "country_triples"]

#: The ontology module that the generated countries belong to (``ontology/countries.ttl``).
COUNTRIES_MODULE = "https://w3id.org/smartcity-kg/ontology/countries"


def country_triples() -> list[ox.Triple]:
    """The triples of every ISO 3166-1 country, sorted by code.

    Examples
    --------
    >>> found = country_triples()
    >>> dk = ox.NamedNode("https://w3id.org/smartcity-kg/country/DK")
    >>> [t.object.value for t in found if t.subject == dk and t.predicate.value.endswith("#label")]
    ['Denmark']
    """
    import pycountry

    label, alt = ox.NamedNode(RDFS + "label"), ox.NamedNode(SKOS + "altLabel")
    out: list[ox.Triple] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        node = ox.NamedNode(COUNTRY + country.alpha_2)
        name = getattr(country, "common_name", None) or country.name
        code = ox.Literal(country.alpha_2)
        out += [ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(SCK + "Country")),
                ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "NamedIndividual")),
                ox.Triple(node, label, ox.Literal(name, language="en")),
                ox.Triple(node, ox.NamedNode(SKOS + "notation"), code),
                ox.Triple(node, ox.NamedNode(SCK + "isoCode"), code),
                ox.Triple(node, ox.NamedNode(RDFS + "isDefinedBy"), ox.NamedNode(COUNTRIES_MODULE))]
        others = {getattr(country, "official_name", None), country.name} - {None, name}
        out += [ox.Triple(node, alt, ox.Literal(other, language="en")) for other in sorted(o for o in others if o)]
    return out
