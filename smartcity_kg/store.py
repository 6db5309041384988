"""The embedded store: pyoxigraph, in memory or on disk, loaded from a build's TriG file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from .exceptions import InputError

__all__ = ["open_store"]

_STAMP = "smartcity-kg-build.sha256"


def open_store(build_dir: Path, store_dir: Path | None = None) -> ox.Store:
    """Open a store holding the dataset of ``build_dir``/graph.trig.

    Without ``store_dir`` the store is in memory. With it, an on-disk store is reused
    when it already holds this very build, and reloaded otherwise.

    Raises
    ------
    InputError
        If ``build_dir`` holds no graph.trig.
    """
    trig = build_dir / "graph.trig"
    if not trig.is_file():
        raise InputError.at(trig, None, "no built graph here; run 'smartcity-kg build' first")
    if store_dir is None:
        store = ox.Store()
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
        return store
    digest = hashlib.sha256(trig.read_bytes()).hexdigest()
    store_dir.mkdir(parents=True, exist_ok=True)
    stamp = store_dir / _STAMP
    store = ox.Store(str(store_dir))
    if not stamp.is_file() or stamp.read_text().strip() != digest:
        store.clear()
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
        store.flush()
        stamp.write_text(digest + "\n")
    return store
