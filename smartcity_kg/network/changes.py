"""What changed between two editions of a source: statements dropped, added and reworded.

Each edition's statements are read with ``queries/time/edition-statements.rq``: the node each is
about, its asserted classes, the entities the edition ties it to (its *ends*) and its quotes.
Two statements are the same item when they are about the same node; a statement of the old
edition and one of the new that are about different nodes are the same item reworded when both
are reified facts (an insight, an estimate, a partnership, …; never two entities such as two
firms) of the same kind (asserted classes) with the same ends, the closest quotes paired first.
An item of both editions whose quotes differ is *reworded*; one of only the old edition is
*dropped*, of only the new *added*; one whose quotes are the same is *unchanged*. An item of
only the old edition whose every quote lies after the end of the new edition's stored copy
(``coversUpTo:``) is *beyond-copy*: the new edition is not known to drop it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..exceptions import QueryError
from ..resources import shipped
from ..store.queries import load_query
from ..store.rdfio import select, value_of

__all__ = ["CHANGES", "Change", "Statement", "edition_changes", "edition_sources"]

#: The kinds of change, in the order they are listed.
CHANGES = ("dropped", "reworded", "added", "beyond-copy", "unchanged")


@dataclass(frozen=True)
class Statement:
    """What one edition states about one node: its kinds, its ends and its quotes."""

    subject: str
    kinds: frozenset[str]
    ends: frozenset[tuple[str, str]]
    quotes: tuple[str, ...]
    #: Whether the node is a reified fact (an insight, an estimate, a partnership, …), not an entity.
    fact: bool = False
    #: The later editions whose stored copy ends before every passage that states it.
    beyond: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    """One item's change between the editions: ``old`` and ``new`` are ``None`` where it is absent."""

    change: str
    old: Statement | None
    new: Statement | None


def _query(name: str) -> str:
    return load_query(shipped("queries") / "time" / f"{name}.rq").text


def edition_sources(store: ox.Store) -> dict[str, str]:
    """The sources that are editions, by id (the last segment of the IRI), to their IRI."""
    query = _query("source-editions")
    found = {value_of(row["source"]) for row in select(store, query)}
    return {iri.rstrip("/").rsplit("/", 1)[-1]: iri for iri in sorted(found)}


def _statements(store: ox.Store, source: str) -> dict[str, Statement]:
    query = _query("edition-statements")
    kinds: dict[str, set[str]] = {}
    ends: dict[str, set[tuple[str, str]]] = {}
    quotes: dict[str, set[str]] = {}
    beyond: dict[str, set[str | None]] = {}
    facts = {value_of(row["class"]) for row in select(store, _query("fact-classes"))}
    for row in select(store, query, substitutions={ox.Variable("source"): ox.NamedNode(source)}):
        subject = value_of(row["subject"])
        kinds.setdefault(subject, set())
        ends.setdefault(subject, set())
        quotes.setdefault(subject, set())
        if row["type"] is not None:
            kinds[subject].add(value_of(row["type"]))
        if row["end"] is not None:
            ends[subject].add((value_of(row["via"]), value_of(row["end"])))
        if row["quote"] is not None:
            quotes[subject].add(" ".join(value_of(row["quote"]).split()))
        beyond.setdefault(subject, set()).add(value_of(row["beyond"]) if row["beyond"] is not None else None)
    return {s: Statement(s, frozenset(kinds[s]), frozenset(ends[s]), tuple(sorted(quotes[s])), bool(kinds[s] & facts),
                         frozenset(b for b in beyond[s] if b is not None) if None not in beyond[s] else frozenset())
            for s in kinds}


def _similarity(a: Statement, b: Statement) -> float:
    return difflib.SequenceMatcher(None, " ".join(a.quotes), " ".join(b.quotes)).ratio()


def edition_changes(store: ox.Store, old: str, new: str) -> list[Change]:
    """The changes from the edition ``old`` to the edition ``new`` (source IRIs), item by item.

    Raises
    ------
    QueryError
        If either source is not an edition of the graph, or both are the same.
    """
    editions = set(edition_sources(store).values())
    for iri in (old, new):
        if iri not in editions:
            raise QueryError(f"{iri} is not an edition (a source that supersedes another or is superseded)")
    if old == new:
        raise QueryError("the two editions are the same source; name an older and a newer one")
    before, after = _statements(store, old), _statements(store, new)
    changes = []
    for subject in sorted(before.keys() & after.keys()):
        same = before[subject].quotes == after[subject].quotes
        changes.append(Change("unchanged" if same else "reworded", before[subject], after[subject]))
    dropped = {s: before[s] for s in sorted(before.keys() - after.keys())}
    added = {s: after[s] for s in sorted(after.keys() - before.keys())}
    pairs = sorted(((-_similarity(a, b), a.subject, b.subject) for a in dropped.values() for b in added.values()
                    if a.fact and b.fact and a.kinds == b.kinds and a.ends == b.ends), key=lambda p: p)
    for _, a_subject, b_subject in pairs:
        if a_subject in dropped and b_subject in added:
            changes.append(Change("reworded", dropped.pop(a_subject), added.pop(b_subject)))
    changes += [Change("beyond-copy" if new in s.beyond else "dropped", s, None) for s in dropped.values()]
    changes += [Change("added", None, s) for s in added.values()]
    return sorted(changes, key=lambda c: (CHANGES.index(c.change), (c.old or c.new).subject))  # type: ignore[union-attr]
