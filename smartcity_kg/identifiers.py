"""Identifiers and their links: how a register's identifier becomes the IRI of the same thing there.

Each identifier property of the ontology may carry ``sck:linkTemplate``; the build adds a
``schema:sameAs`` link made with it (:mod:`smartcity_kg.builder.links`), and entity pages
show each identifier with its link.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import pyoxigraph as ox

from .namespaces import SCHEMA, SCK

__all__ = ["LINK_PREDICATE", "LINK_TEMPLATE", "link_iri", "link_templates"]

#: The property that links an entity to the same thing in a register.
LINK_PREDICATE = ox.NamedNode(SCHEMA + "sameAs")
#: The annotation of an identifier property that says how its values become IRIs.
LINK_TEMPLATE = ox.NamedNode(SCK + "linkTemplate")


def link_templates(ontology: Iterable[ox.Triple]) -> dict[ox.NamedNode, str]:
    """The identifier properties of the ontology that have a ``sck:linkTemplate``, with it."""
    return {t.subject: t.object.value for t in ontology
            if t.predicate == LINK_TEMPLATE and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal)}


def link_iri(template: str, value: str) -> ox.NamedNode | None:
    """The IRI that ``template`` makes of the identifier ``value``, or ``None`` where it makes no http(s) IRI.

    ``{id}`` is replaced by the value, percent-encoded; ``{iri}`` by the value itself.

    Examples
    --------
    >>> link_iri("http://www.wikidata.org/entity/{id}", "Q35")
    <NamedNode value=http://www.wikidata.org/entity/Q35>
    >>> link_iri("https://sws.geonames.org/{id}/", "2618425")
    <NamedNode value=https://sws.geonames.org/2618425/>
    >>> link_iri("{iri}", "http://dbpedia.org/resource/Aarhus")
    <NamedNode value=http://dbpedia.org/resource/Aarhus>
    >>> link_iri("{iri}", "javascript:alert(1)") is None
    True
    """
    text = template.replace("{id}", quote(value, safe="")).replace("{iri}", value)
    if not text.startswith(("http://", "https://")):
        return None
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None
