"""A rebuild's writing: which blocks of the previous build's files to copy, and its on-disk store updated in place.

The previous build's record (:mod:`smartcity_kg.builder.cache`) names a digest of each named
graph and where its blocks lie in each file (:mod:`smartcity_kg.builder.blocks`). A graph whose
digest is the same keeps its TriG and JSON-LD blocks; it keeps its N-Triples and Turtle blocks
(its share of the RDF merge) too unless it holds a triple that a changed graph holds or held,
since which graph a triple first appears in may then have moved. The previous on-disk store is
copied and the changed graphs replaced in it (their old quads removed, their new ones added, the
merge in the default graph mended), which gives the store a build from nothing writes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..store.ondisk import STORE_DIR, build_store, file_digest, fill_store
from .blocks import FILES, Plan, Span, merge_blocks, read_blocks

__all__ = ["Earlier", "plan_rewrite", "update_store"]


@dataclass(frozen=True)
class Earlier:
    """The previous build's files: its folder, each graph's digest and the spans of its blocks by file."""

    folder: Path
    digests: dict[str, str]
    spans: dict[str, dict[str, Span]]

    @classmethod
    def from_record(cls, folder: Path, record: object) -> Earlier | None:
        """The previous build in ``folder`` as its record's ``blocks`` entry names it, or None where a file it
        names is not the one written then (its size and SHA-256) or the entry is unsound."""
        try:
            files, graphs = record["files"], record["graphs"]  # type: ignore[index]
            if set(files) != set(FILES) or not all(_same(folder / name, files[name]) for name in FILES):
                return None
            digests = {str(g): str(entry["digest"]) for g, entry in graphs.items()}
            spans = {str(g): {name: (int(s[0]), int(s[1])) for name, s in entry["spans"].items()}
                     for g, entry in graphs.items()}
            return cls(folder, digests, spans)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None


def _same(path: Path, stamp: dict[str, object]) -> bool:
    """Whether the file at ``path`` has the size and SHA-256 of ``stamp``."""
    return path.is_file() and path.stat().st_size == stamp["size"] and file_digest(path) == stamp["sha256"]


@dataclass
class Rewrite:
    """A rebuild's plan of the files, the graphs written anew, and the quads they held before."""

    plan: Plan
    changed: set[str]
    old_quads: list[ox.Quad]
    touched: set[ox.Triple]


def plan_rewrite(graphs: dict[str, list[ox.Triple]], digests: dict[str, str], earlier: Earlier | None) -> Rewrite:
    """The plan of the files of ``graphs`` (by IRI, in order), copying what ``earlier`` wrote of the graphs
    whose digest in ``digests`` it shares (none without ``earlier``)."""
    merged = merge_blocks(graphs)
    if earlier is None:
        return Rewrite(Plan(graphs, merged), set(graphs), [], set())
    changed = {g for g in set(graphs) | set(earlier.digests)
               if g not in digests or digests.get(g) != earlier.digests.get(g)}
    old = [s["graph.trig"] for g, s in earlier.spans.items() if g in changed]
    old_quads = read_blocks(earlier.folder / "graph.trig", old) if old else []
    touched = {q.triple for q in old_quads}.union(*(graphs[g] for g in changed if g in graphs))
    reuse: dict[str, dict[str, Span]] = {}
    for graph, triples in graphs.items():
        if graph in changed:
            continue
        spans = earlier.spans[graph]
        keep = FILES if touched.isdisjoint(triples) else ("graph.trig", "graph.jsonld")
        reuse[graph] = {name: spans[name] for name in keep}
    previous = {name: earlier.folder / name for name in FILES}
    return Rewrite(Plan(graphs, merged, reuse, previous), changed, old_quads, touched)


def update_store(folder: Path, previous: Path, old_quads: list[ox.Quad], new_quads: list[ox.Quad]) -> bool:
    """Write ``folder``'s on-disk store as that of the build in ``previous`` with the changed graphs' ``old_quads``
    replaced by their ``new_quads``; False (nothing written) where the previous build has no sound store.

    The store is left unstamped: its stamp (:func:`smartcity_kg.store.ondisk.stamp_store`) follows once
    the store is whole, so a store cut short is never taken for a whole one.
    """
    source = build_store(previous)
    if source is None:
        return False
    target = folder / STORE_DIR
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.json", "LOCK"),  # no stamp: not whole yet
                    dirs_exist_ok=True)
    store = ox.Store(str(target))
    for quad in old_quads:
        store.remove(quad)
    store.extend(new_quads)
    touched = {q.triple for q in old_quads}.union(q.triple for q in new_quads)
    for triple in touched:  # the merge: a triple some named graph holds (in the store's form of it)
        held = any(not isinstance(q.graph_name, ox.DefaultGraph)
                   for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object))
        quad = ox.Quad(triple.subject, triple.predicate, triple.object)
        if held:
            store.add(quad)
        else:
            store.remove(quad)
    store.flush()
    del store
    fill_store(target, ())  # compacted
    return True
