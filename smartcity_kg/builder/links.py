"""Identifiers as links: each identifier whose property has a ``sck:linkTemplate`` also becomes a ``schema:sameAs`` IRI."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import SCHEMA, SCK

__all__ = ["LINK_PREDICATE", "add_links", "link_iri", "link_templates"]

#: The property that links an entity to the same thing in a register.
LINK_PREDICATE = ox.NamedNode(SCHEMA + "sameAs")
_TEMPLATE = ox.NamedNode(SCK + "linkTemplate")


def link_templates(ontology: Iterable[ox.Triple]) -> dict[ox.NamedNode, str]:
    """The identifier properties of the ontology that have a ``sck:linkTemplate``, with it."""
    return {t.subject: t.object.value for t in ontology
            if t.predicate == _TEMPLATE and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal)}


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


def add_links(ontology: Iterable[ox.Triple], graphs: dict[str, list[ox.Triple]]) -> int:
    """Add to each graph a ``schema:sameAs`` link for every identifier it states; return how many.

    Each link goes into the same named graph as its identifier, so it keeps the identifier's
    source. The identifiers themselves stay, as literals.
    """
    templates = link_templates(ontology)
    added = 0
    for graph, triples in graphs.items():
        links = []
        for t in triples:
            template = templates.get(t.predicate) if isinstance(t.predicate, ox.NamedNode) else None
            if template is not None and isinstance(t.object, ox.Literal):
                iri = link_iri(template, t.object.value)
                if iri is not None:
                    links.append(ox.Triple(t.subject, LINK_PREDICATE, iri))
        fresh = sorted(set(links) - set(triples), key=str)
        triples.extend(fresh)
        added += len(fresh)
    return added
