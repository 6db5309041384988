"""Identifiers as links: each identifier whose property has a ``sck:linkTemplate`` also becomes a ``schema:sameAs`` IRI."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..identifiers import LINK_PREDICATE, link_iri, link_templates

__all__ = ["add_links"]


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
