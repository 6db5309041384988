"""The projected network saved with a build (``network.json.gz``), read back instead of projecting again.

Projecting a large graph costs more than any question asked of the network: at 1M triples,
loading the graph and projecting it took most of a minute, path finding under a second. A
build that has its own on-disk store (:mod:`smartcity_kg.store.ondisk`) therefore also saves
its network, which the network commands read back in a few seconds.

The file is gzip-compressed text, two lines of JSON, each line a gzip member of its own (a build
compresses the second while it writes its other files). The first is the header::

    {"format": "smartcity-kg network", "version": 1,
     "graph.trig": {"sha256": ..., "size": ..., "mtime_ns": ...}, "definitions": "<sha256>"}

naming the ``graph.trig`` the network was projected from (as the on-disk store's stamp does)
and a digest of what made it (the code that projects and saves the network, and the queries it
runs). A snapshot whose header does not match the build's graph.trig and this code is not read:
the network is projected again. The second line is the network, every string written once in
``strings`` and named elsewhere by its index (``null`` for none):

- ``typesets``: lists of strings, each a set of classes; ``types``: ``[node, typeset]`` pairs; ``classes``:
  every class with an instance;
- ``labels``: ``[entity, label]`` pairs; ``nodes``: ``[node, label, typeset]``, in the graph's order;
- ``evidence``: ``[source, source label, quote]``;
- ``edges``: ``[u, v, weight, ties]`` in an order that, added to the nodes, gives each node its
  neighbours in the projected order; each tie ``[relation, a, b, cost, says, fact, date,
  evidence indexes, dates, age in months]``;
- ``identifiers`` and ``markets``: ``[node, [string, ...]]``; ``names`` (the entity index's names, by
  which a command's ``--from`` finds an entity): ``[name, [entity, ...]]``;
- ``time``: ``claims`` (``[holding, post, holder, kind, date, source]``), and ``ends``,
  ``sources``, ``successors`` and ``rivals`` as ``[key, value]`` pairs (``null`` where the
  network has none);
- ``editions``: ``windows`` (``[source, first day, end day]``, days as ``YYYY-MM-DD``) and
  ``beyond`` (``[source, quote]``).

The file is data, never code: it may come from someone else, and a file that is not such a
network is refused with its name.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..exceptions import InputError
from ..resources import shipped
from ..store.entities import EntityIndex
from ..store.ondisk import file_stamp, same_file
from .collector import collector_paused
from .projection import Network

__all__ = ["SNAPSHOT", "Saved", "build_network", "dataset_network", "network_body", "read_network", "save_network",
           "write_build_network", "write_network"]

#: The file of a build that holds its projected network.
SNAPSHOT = "network.json.gz"
_FORMAT, _VERSION = "smartcity-kg network", 1
#: The modules whose code makes the network saved (a change to any of them makes older snapshots stale).
_CODE = tuple(f"network/{name}.py" for name in ("projection", "rows", "claims", "editions", "snapshot", "snapshot_format")) + (
    "store/entities.py",)


@dataclass(frozen=True)
class Saved:
    """A saved network, and the index of the entities' names saved with it (``None`` if none was)."""

    network: Network
    index: EntityIndex | None


def write_network(network: Network, path: Path, graph_trig: Path, *, index: EntityIndex | None = None) -> Path:
    """Write ``network``, projected from ``graph_trig``, and the names of ``index`` if given, to ``path``
    (through a temporary file renamed into place)."""
    return _write(path, graph_trig, _body(network, index))


def _body(network: Network, index: EntityIndex | None) -> bytes:
    """The second line of a snapshot of ``network`` (and the names of ``index``), gzip-compressed: a member of
    the file, which the header's member precedes (a gzip file may hold several, read as one text)."""
    from .snapshot_format import encode

    # dumps in C, at once (at 1M triples the network's text is about 30 MB).
    text = json.dumps(encode(network, None if index is None else index.names), ensure_ascii=False,
                      separators=(",", ":")) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)


def _write(path: Path, graph_trig: Path, body: bytes) -> Path:
    """Write the snapshot of ``body`` (of :func:`_body`), projected from ``graph_trig``, to ``path``, through a
    temporary file renamed into place."""
    header = {"format": _FORMAT, "version": _VERSION, "graph.trig": file_stamp(graph_trig),
              "definitions": _definitions()}
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("wb") as out:
            out.write(gzip.compress((json.dumps(header, sort_keys=True) + "\n").encode("utf-8"), mtime=0))
            out.write(body)
        tmp.rename(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_network(path: Path, graph_trig: Path | None = None) -> Saved | None:
    """The network saved in ``path`` and its index; ``None`` if its header names another ``graph_trig`` (when
    given) or another version of the projection.

    Raises
    ------
    InputError
        If ``path`` is not a network snapshot of this format, or is cut short.
    """
    from .snapshot_format import decode, decode_names

    try:
        with gzip.open(path, "rt", encoding="utf-8") as data:
            header = json.loads(data.readline())
            if not isinstance(header, dict) or header.get("format") != _FORMAT:
                raise ValueError(f"the first line is not the header of a {_FORMAT!r} file")
            if header.get("version") != _VERSION or header.get("definitions") != _definitions():
                return None
            if graph_trig is not None and not same_file(graph_trig, header.get("graph.trig")):
                return None
            with collector_paused():  # millions of small lists, none in a cycle
                body = json.loads(data.readline())
                network, names = decode(body), decode_names(body)
        return Saved(network, None if names is None else EntityIndex(names, network.labels))
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise InputError.at(path, None, f"not a network snapshot of smartcity-kg ({_FORMAT} {_VERSION}): "
                                        f"{exc}; remove it, or rebuild") from None


def write_build_network(build_dir: Path) -> Path:
    """Project the graph of the build being written in ``build_dir`` and save its network there."""
    from ..store.dataset import open_store

    return save_network(build_dir, network_body(open_store(build_dir, in_memory=True)))


def network_body(store: ox.Store) -> bytes:
    """The network and entity index of ``store`` (its whole graph), projected and encoded as the body of a
    snapshot, for :func:`save_network`."""
    from .projection import project

    index = EntityIndex.from_store(store)
    return _body(project(store, labels=index.labels), index)


def dataset_network(parts: Iterable[Mapping[str, Iterable[ox.Triple]]]) -> bytes:
    """:func:`network_body` of the dataset given in ``parts`` (each a mapping of named graphs, IRI → triples; a
    build's graph.trig as it holds it in memory, in the parts it hands over), for :func:`save_network`."""
    from ..store.dataset import dataset_store

    return network_body(dataset_store(parts))


def save_network(build_dir: Path, body: bytes) -> Path:
    """Save the network of ``body`` (:func:`network_body`), projected from the graph.trig of the build being
    written in ``build_dir``, there."""
    return _write(build_dir / SNAPSHOT, build_dir / "graph.trig", body)


def build_network(build_dir: Path) -> Saved | None:
    """The network saved with the build in ``build_dir`` and its index, or ``None`` if it has none for its
    graph.trig and this version of the projection.

    Raises
    ------
    InputError
        If the build's snapshot is not one (see :func:`read_network`).
    """
    path = build_dir / SNAPSHOT
    if path.is_symlink() or not path.is_file():
        return None
    return read_network(path, build_dir / "graph.trig")


@functools.cache
def _definitions() -> str:
    """A digest of what makes the network: the code that projects and saves it, and the queries it runs."""
    sha = hashlib.sha256(f"{_FORMAT} {_VERSION}\n".encode())
    queries, package = shipped("queries"), Path(__file__).resolve().parent.parent
    for path in [*(package / name for name in _CODE), queries / "markets.rq",
                 *sorted((queries / "projections").glob("*.rq")), *sorted((queries / "network").glob("*.rq")),
                 *sorted((queries / "time").glob("*.rq"))]:
        sha.update(f"{path.parent.name}/{path.name}\n".encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()
