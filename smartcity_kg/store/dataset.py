"""The embedded store: a build's own on-disk store read-only, or pyoxigraph in memory or on disk loaded from its TriG file."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError, OutputError
from ..outputs import check_folder
from ..resources import shipped
from .ondisk import build_store, file_digest, with_merge

__all__ = ["dataset_store", "load_dataset", "merge_default_graph", "open_store"]

_STAMP = "smartcity-kg-build.sha256"


def merge_default_graph(store: ox.Store) -> None:
    """Make the default graph of ``store`` the RDF merge (set union) of its named graphs.

    Queries then see every triple once, however many sources state it. (pyoxigraph's
    ``use_default_graph_as_union`` counts a triple once per graph that holds it, so a fact
    stated by two sources would come back twice, and counts would double.) The update
    ``queries/store/merge-default-graph.rq`` runs inside pyoxigraph: no quad passes through Python.
    """
    store.update(_merge_update())


@functools.cache
def _merge_update() -> str:
    from .queries import load_query

    return load_query(shipped("queries") / "store" / "merge-default-graph.rq").text


def load_dataset(store: ox.Store, trig: Path) -> None:
    """Load the TriG dataset ``trig`` into ``store`` and merge its graphs into the default graph."""
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    merge_default_graph(store)


def dataset_store(parts: Iterable[Mapping[str, Iterable[ox.Triple]]]) -> ox.Store:
    """An in-memory store of a dataset given in ``parts``, each a mapping of named graphs (IRI → triples; every
    graph in one part), the default graph holding their merge, as :func:`open_store` holds a build's graph.trig;
    blank nodes keep their labels. (A build hands over its dataset in parts as it has them, so that
    the store is filled while the rest is being made.)

    A build that has its dataset in memory gets the store so without parsing its TriG and without
    the merge update (:func:`merge_default_graph`). Each graph's triples without a blank node go in
    as N-Triples, serialised and parsed inside pyoxigraph, into their graph and into the default
    graph (at 1M triples 10–11 s, against 14–15 s making a quad object of each); those with one
    (which pyoxigraph's parsers would rename) as quads.

    Examples
    --------
    >>> a, b = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b")
    >>> triple = ox.Triple(a, ox.NamedNode("https://example.org/p"), b)
    >>> store = dataset_store([{"https://example.org/g1": [triple]}, {"https://example.org/g2": [triple]}])
    >>> len(store), len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    (3, 1)
    """
    store, blank = ox.Store(), ox.BlankNode
    for graphs in parts:
        for graph, triples in graphs.items():
            name = ox.NamedNode(graph)
            plain: list[ox.Triple] = []
            with_blank: list[ox.Triple] = []
            for t in triples:
                (with_blank if type(t.subject) is blank or type(t.object) is blank else plain).append(t)
            data = ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES) or b""
            for target in (name, ox.DefaultGraph()):
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
            store.extend(with_merge(ox.Quad(t.subject, t.predicate, t.object, name) for t in with_blank))
    return store


def open_store(build_dir: Path, store_dir: Path | None = None, *, in_memory: bool = False) -> ox.Store:
    """Open a store holding the dataset of ``build_dir``/graph.trig.

    The default graph holds the merge of all named graphs (see :func:`merge_default_graph`).
    Without ``store_dir``, the build's own on-disk store (:mod:`smartcity_kg.store.ondisk`, written
    by builds of :data:`~smartcity_kg.store.ondisk.STORE_FROM` quads or more) is opened read-only
    where it holds this graph.trig; otherwise the dataset is loaded into memory. With
    ``store_dir``, an on-disk store there is reused when it already holds this very build,
    and reloaded otherwise. ``store_dir`` must be
    absent, empty or a store that smartcity-kg made: its stamp file
    ``smartcity-kg-build.sha256``, written before the store itself, is the marker.

    ``in_memory`` loads the dataset into memory even where the build has a store of its own: work
    that reads the whole graph (projecting the network) runs 2–3 times faster in memory than on
    the on-disk store (at 1M triples 17 s against 46 s), which outweighs the load.

    Raises
    ------
    InputError
        If ``build_dir`` holds no graph.trig.
    OutputError
        If ``store_dir`` holds anything but a store that smartcity-kg made.
    """
    trig = build_dir / "graph.trig"
    if not trig.is_file():
        raise InputError.at(trig, None, "no built graph here; run 'smartcity-kg build' first")
    if store_dir is None:
        own = None if in_memory else build_store(build_dir)
        if own is not None:
            return ox.Store.read_only(str(own))
        store = ox.Store()
        load_dataset(store, trig)
        return store
    check_folder(store_dir, marker=_STAMP)
    if (store_dir / _STAMP).is_symlink():
        raise OutputError(store_dir / _STAMP, "is a symbolic link, not a stamp that smartcity-kg wrote; remove it")
    digest = file_digest(trig)
    store_dir.mkdir(parents=True, exist_ok=True)
    stamp = store_dir / _STAMP
    if not stamp.is_file():
        stamp.write_text("loading\n")  # marks the folder as ours before the store writes into it
    store = ox.Store(str(store_dir))
    if not stamp.is_file() or stamp.read_text().strip() != digest:
        store.clear()
        load_dataset(store, trig)
        store.flush()
        stamp.write_text(digest + "\n")
    return store
