"""The names of a build's entities (labels, synonyms, notations) with their ids, types and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..resources import shipped
from ..store.queries import load_query

__all__ = ["Entity", "NameIndex", "find_ids", "load_names"]


@dataclass
class Entity:
    """One entity of a build: the id a fact sheet refers to it by, its names, types and sources."""

    iri: str
    id: str
    label: str = ""
    names: dict[str, str] = field(default_factory=dict)  # name -> kind (label, synonym, notation)
    types: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def type_names(self) -> list[str]:
        """The local names of the entity's asserted classes, sorted."""
        return sorted(t.rsplit("#", 1)[-1] for t in self.types)


@dataclass
class NameIndex:
    """Every entity of a build, and every name (case-folded) it answers to."""

    entities: dict[str, Entity]
    by_name: dict[str, set[str]]

    def named(self, name: str) -> list[Entity]:
        """The entities whose label, synonym or notation is ``name`` (case aside), by id."""
        return sorted((self.entities[i] for i in self.by_name.get(" ".join(name.split()).casefold(), ())),
                      key=lambda e: e.id)


def _id_of(iri: str, notation: str | None) -> str:
    """The reference a fact sheet uses: a sector's or country's notation, else the IRI's last segment."""
    return notation if notation else iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def load_names(store: ox.Store, query_dir: Path | None = None) -> NameIndex:
    """Read the names of every entity in ``store`` (``queries/draft/names.rq``).

    Examples
    --------
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("https://x.org/id/aarhus"),
    ...                   ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Aarhus")))
    >>> [e.id for e in load_names(store).named("AARHUS")]
    ['aarhus']
    """
    query = load_query((query_dir or shipped("queries") / "draft") / "names.rq")
    rows: list[tuple[str, str, str, str | None, str | None]] = []
    notations: dict[str, str] = {}
    for row in store.query(query.text, use_default_graph_as_union=True):  # type: ignore[union-attr]
        iri, name, kind = row["entity"].value, row["name"].value, row["kind"].value
        typ, source = row["type"], row["source"]
        rows.append((iri, name, kind, typ.value if typ is not None else None,
                     source.value if source is not None else None))
        if kind == "notation":
            notations[iri] = name
    entities: dict[str, Entity] = {}
    by_name: dict[str, set[str]] = {}
    for iri, name, kind, typ, source in rows:
        entity = entities.get(iri)
        if entity is None:
            entity = entities[iri] = Entity(iri, _id_of(iri, notations.get(iri)))
        name = " ".join(name.split())
        if kind == "label" and (not entity.label or name < entity.label):
            entity.label = name
        if entity.names.get(name) != "label":
            entity.names[name] = kind
        if typ:
            entity.types.add(typ)
        if source:
            entity.sources.add(source.rstrip("/").rsplit("/", 1)[-1])
        by_name.setdefault(name.casefold(), set()).add(iri)
        by_name.setdefault(entity.id.casefold(), set()).add(iri)
    for entity in entities.values():
        entity.label = entity.label or entity.id
    return NameIndex(entities, by_name)


def find_ids(index: NameIndex, query: str, *, limit: int = 20) -> list[tuple[Entity, str, float]]:
    """The entities whose id, label or synonym best match ``query``: (entity, matched name, score 0–100).

    An exact name (case aside) scores 100; otherwise names containing the query, then names
    close to it (rapidfuzz's normalised Indel similarity), at least 80, are given, best first.

    Examples
    --------
    >>> index = NameIndex({"i": Entity("i", "copenhagen", "Copenhagen", {"Copenhagen": "label"})},
    ...                   {"copenhagen": {"i"}})
    >>> [(e.id, n, s) for e, n, s in find_ids(index, "copenhagn")]
    [('copenhagen', 'Copenhagen', 94.7)]
    """
    from rapidfuzz import fuzz, process, utils

    wanted = " ".join(query.split()).casefold()
    if not wanted:
        return []
    best: dict[str, tuple[str, float]] = {}

    def offer(iri: str, name: str, score: float) -> None:
        if iri not in best or score > best[iri][1]:
            best[iri] = (name, round(score, 1))

    choices = list(index.by_name)
    for iri in index.by_name.get(wanted, ()):
        offer(iri, wanted, 100.0)
    for name in choices:
        if wanted in name and name != wanted:
            for iri in index.by_name[name]:
                offer(iri, name, 90.0 + 9.0 * len(wanted) / len(name))
    for name, score, _ in process.extract(wanted, choices, scorer=fuzz.ratio, processor=utils.default_process,
                                          limit=limit * 3, score_cutoff=80):
        for iri in index.by_name[name]:
            offer(iri, name, min(score, 99.0))
    found = []
    for iri, (name, score) in best.items():
        entity = index.entities[iri]
        shown = next((n for n in entity.names if n.casefold() == name), entity.id)
        found.append((entity, shown, score))
    found.sort(key=lambda f: (-f[2], f[0].id))
    return found[:limit]
