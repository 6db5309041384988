"""Finding an entity of the graph by IRI, id, notation or label, with helpful errors."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pyoxigraph as ox

from ..exceptions import EntityNotFoundError
from ..namespaces import PREFIXES
from .rdfio import select

__all__ = ["EntityIndex", "labels_of"]

_LABELS = """
SELECT ?entity ?name ?preferred WHERE {
  { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?name BIND(true AS ?preferred) }
  UNION { ?entity <http://www.w3.org/2004/02/skos/core#altLabel> ?name BIND(false AS ?preferred) }
  UNION { ?entity <http://www.w3.org/2004/02/skos/core#notation> ?name BIND(false AS ?preferred) }
  FILTER(isIRI(?entity))
}
"""


def labels_of(store: ox.Store) -> dict[str, str]:
    """Map each IRI of ``store`` that has an ``rdfs:label`` to one label (the smallest)."""
    return EntityIndex.from_store(store).labels


@dataclass
class EntityIndex:
    """Every name an entity answers to: its IRI, id (last IRI segment), notation and labels."""

    names: dict[str, set[str]]
    labels: dict[str, str]

    @classmethod
    def from_store(cls, store: ox.Store) -> "EntityIndex":
        """Index the names of the entities in ``store``."""
        names: dict[str, set[str]] = {}
        labels: dict[str, str] = {}
        for row in select(store, _LABELS):
            iri, name = row["entity"].value, row["name"].value
            names.setdefault(name.casefold(), set()).add(iri)
            slug = iri.rstrip("/").rsplit("/", 1)[-1]
            names.setdefault(slug.casefold(), set()).add(iri)
            if row["preferred"].value == "true" and (iri not in labels or name < labels[iri]):
                labels[iri] = name
        return cls(names, labels)

    def resolve(self, name: str) -> ox.NamedNode:
        """The entity that ``name`` (an IRI, prefixed name such as ``sck:Post``, id, notation or label) designates.

        Raises
        ------
        EntityNotFoundError
            If no entity answers to ``name`` (the closest labels are suggested), or more
            than one does (the candidates are listed).
        """
        prefix, colon, local = name.strip().partition(":")
        if colon and prefix in PREFIXES and not local.startswith("//"):
            iri = PREFIXES[prefix] + local
            if iri in self.labels or any(iri in iris for iris in self.names.values()):
                return ox.NamedNode(iri)
            raise EntityNotFoundError(f"no entity {name} (<{iri}>) in the graph")
        if name.startswith(("http://", "https://", "urn:")):
            if name in self.labels or any(name in iris for iris in self.names.values()):
                return ox.NamedNode(name)
            raise EntityNotFoundError(f"no entity with the IRI <{name}> in the graph")
        found = self.names.get(name.strip().casefold(), set())
        if len(found) == 1:
            return ox.NamedNode(next(iter(found)))
        if found:
            candidates = sorted(f"{self.labels.get(i, i)} <{i}>" for i in found)
            raise EntityNotFoundError(
                f"{name!r} is ambiguous; it names {len(found)} entities: " + "; ".join(candidates)
                + ". Give the IRI or id instead.", candidates)
        close = difflib.get_close_matches(name.casefold(), list(self.names), n=5, cutoff=0.6)
        hints = sorted({self.labels.get(i, n) for n in close for i in self.names[n]})
        message = f"no entity named {name!r} in the graph"
        if hints:
            message += "; did you mean " + ", ".join(repr(h) for h in hints) + "?"
        raise EntityNotFoundError(message, hints)
