"""A build's own on-disk store: written with graph.trig, then opened read-only by every reader.

A build of at least :data:`STORE_FROM` quads (every build, by default) holds, beside ``graph.trig``, a pyoxigraph
(RocksDB) store in ``store/``: the same quads, and the default graph already the RDF merge of
the named graphs, as :func:`smartcity_kg.store.dataset.merge_default_graph` makes it in memory. Opening it is
:meth:`pyoxigraph.Store.read_only`: nothing is loaded, and any number of processes (commands,
the server's query workers) read one copy of the data, shared through the page cache.

The store's stamp (``smartcity-kg-store.json``) names the ``graph.trig`` it holds (SHA-256,
size, modification time); a store whose ``graph.trig`` changed is not used.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

__all__ = ["STORE_DIR", "STORE_FROM", "build_quads", "build_store", "file_digest", "file_stamp", "fill_store", "same_file",
           "stamp_store", "with_merge", "write_build_store"]

#: The folder of a build that holds its on-disk store.
STORE_DIR = "store"
#: Quads from which a build writes an on-disk store: every build. Loading graph.trig into memory costs
#: about twice pyoxigraph's bulk load of it, at any size (the merged default graph doubles what is
#: stored), while the store opens in milliseconds; writing it costs about as much as two such loads
#: (the shipped graph, 20k quads: 0.6–0.8 s against 0.36 s a load), so it pays from a build's second command.
STORE_FROM = 0
_STAMP = "smartcity-kg-store.json"


def file_digest(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in hex, read a megabyte at a time."""
    sha = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def file_stamp(path: Path) -> dict[str, object]:
    """What names the file at ``path``: its SHA-256, size and modification time (for :func:`same_file`)."""
    status = path.stat()
    return {"sha256": file_digest(path), "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def same_file(path: Path, stamp: object) -> bool:
    """Whether ``path`` is the file ``stamp`` (of :func:`file_stamp`) names: the same size and modification
    time, or else (a copy) the same size and SHA-256. A stamp that is no such mapping names no file."""
    if not isinstance(stamp, dict) or not path.is_file():
        return False
    status = path.stat()
    if status.st_size != stamp.get("size"):
        return False
    return status.st_mtime_ns == stamp.get("mtime_ns") or file_digest(path) == stamp.get("sha256")


def with_merge(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad, then its triple in the default graph (a store keeps each once).

    Blank nodes keep their labels, so the default graph's are those of the named graphs.
    """
    for quad in quads:
        yield quad
        yield ox.Quad(quad.subject, quad.predicate, quad.object)


def write_build_store(build_dir: Path, quads: Iterable[ox.Quad] | None = None) -> Path:
    """Write the on-disk store of the build in ``build_dir`` (:func:`fill_store`), and stamp it as holding its
    graph.trig (:func:`stamp_store`).

    ``quads`` are the store's whole content, named graphs and their merge in the default graph
    (a build passes those of the store it wrote its files from); by default, graph.trig's quads
    and their merge.
    """
    fill_store(build_dir / STORE_DIR, build_quads(build_dir) if quads is None else quads)
    return stamp_store(build_dir)


def build_quads(build_dir: Path) -> Iterator[ox.Quad]:
    """The quads of the build's graph.trig, each followed by its triple in the default graph (:func:`with_merge`),
    blank nodes keeping their labels. The file is the build's own, so its IRIs are not checked again."""
    trig = build_dir / "graph.trig"
    return with_merge(ox.parse(path=trig, format=ox.RdfFormat.TRIG, rename_blank_nodes=False, lenient=True))


def fill_store(folder: Path, quads: Iterable[ox.Quad]) -> None:
    """Add ``quads`` to the store in ``folder`` (made if absent) and compact it; it is not stamped.

    The quads are bulk-loaded (``bulk_extend``), blank nodes keeping their labels (pyoxigraph's
    ``bulk_load`` would rename them, file by file), then the store is compacted (``optimize``).
    """
    store = ox.Store(str(folder))
    store.bulk_extend(quads)
    store.flush()
    # Compacted once, as written: the bulk load leaves many overlapping files, and reading them
    # made the named queries about twice as slow (1M triples: 2.6 s to compact, 3.2 s → 1.5 s a query).
    store.optimize()
    del store


def stamp_store(build_dir: Path, trig: dict[str, object] | None = None) -> Path:
    """Stamp the store of the build in ``build_dir`` as holding its graph.trig, once the store is whole (a store
    cut short is never taken for a whole one). ``trig`` may give graph.trig's size and SHA-256, as its writer
    counted them, so that the file is not read again."""
    path, folder = build_dir / "graph.trig", build_dir / STORE_DIR
    status = path.stat()
    if trig is not None and trig.get("size") == status.st_size and isinstance(trig.get("sha256"), str):
        found: dict[str, object] = {"sha256": trig["sha256"], "size": status.st_size, "mtime_ns": status.st_mtime_ns}
    else:
        found = file_stamp(path)
    tmp = folder / f".{_STAMP}.tmp-{os.getpid()}"
    tmp.write_text(json.dumps({"graph.trig": found, "format": 1}, sort_keys=True) + "\n", encoding="utf-8")
    tmp.rename(folder / _STAMP)
    return folder


def build_store(build_dir: Path) -> Path | None:
    """The on-disk store of the build in ``build_dir``, or ``None`` if it has none that holds its graph.trig.

    The store holds the graph.trig it was written with when that file's size and modification
    time are the stamp's, or else (a copied build) when its SHA-256 is.
    """
    folder, trig = build_dir / STORE_DIR, build_dir / "graph.trig"
    if folder.is_symlink() or not (folder / _STAMP).is_file() or not trig.is_file():
        return None
    try:
        stamp = json.loads((folder / _STAMP).read_text(encoding="utf-8"))["graph.trig"]
    except (ValueError, KeyError, TypeError):
        return None
    return folder if same_file(trig, stamp) else None
