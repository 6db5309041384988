"""Frozen answers: reading, comparing and writing the dumps that tests compare answers with.

A dump is gzipped JSON, made from a build of the generated 10k graph and from a build of the
shipped graph before a change that must not change the answers. The test files that compare with
dumps write them again when run as scripts, with this folder on the path::

    PYTHONPATH=tests python tests/network/test_projection_frozen.py [folder]
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartcity_kg import BuildOptions, EntityIndex, build, open_store
from smartcity_kg.network.projection import Network, project

__all__ = ["assert_parts_as_frozen", "first_difference", "freeze", "generated_build", "projected", "read_frozen"]

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def read_frozen(path: Path) -> Any:
    """The data of the frozen dump at ``path``.

    Parameters
    ----------
    path : Path
        A ``.json.gz`` file.

    Returns
    -------
    Any
        The JSON data, decompressed and parsed.
    """
    return json.loads(gzip.decompress(path.read_bytes()))


def generated_build(folder: Path) -> Path:
    """Generate a graph of 10k triples (seed 11) into ``folder / "graph"`` and build it.

    Parameters
    ----------
    folder : Path
        An empty folder.

    Returns
    -------
    Path
        The build's folder, ``folder / "build"``.
    """
    sys.path.insert(0, str(BENCHMARKS))
    from generate import generate  # benchmarks/ is not a package

    made = generate(folder / "graph", 10_000, seed=11)
    build(folder / "build", BuildOptions(graph_dir=made.folder))
    return folder / "build"


def projected(build_dir: Path) -> Network:
    """The network projected from the build in ``build_dir``, labelled by its entity index.

    Parameters
    ----------
    build_dir : Path
        A build's folder.

    Returns
    -------
    Network
        The projection.
    """
    store = open_store(build_dir)
    return project(store, labels=EntityIndex.from_store(store).labels)


def first_difference(frozen: list[Any], current: list[Any], unit: str = "line") -> str:
    """Where ``current`` first differs from ``frozen``, counted in ``unit`` from 0.

    Parameters
    ----------
    frozen, current : list
        The lines (or rows) as frozen and as they are now.
    unit : str
        What one item is called in the message.

    Returns
    -------
    str
        The first differing item's number and both values; else, that the lengths differ.
    """
    for number, (a, b) in enumerate(zip(frozen, current)):
        if a != b:
            return f"{unit} {number}: expected {a!r}, got {b!r}"
    return f"expected {len(frozen)} {unit}s, got {len(current)}"


def assert_parts_as_frozen(name: str, frozen: dict[str, list[Any]], current: dict[str, list[Any]]) -> None:
    """Assert that ``current`` has the parts of ``frozen``, in order, each with the same lines in order.

    Parameters
    ----------
    name : str
        The dump's name, for the message.
    frozen : dict
        The frozen dump: lines by part.
    current : dict
        The dump as made now; its tuples are compared as the lists JSON makes of them.

    Raises
    ------
    AssertionError
        Naming the part and its first differing line.
    """
    current = json.loads(json.dumps(current))  # tuples as lists, as frozen
    assert list(current) == list(frozen)
    for part in frozen:
        assert current[part] == frozen[part], f"{name} {part}: {first_difference(frozen[part], current[part])}"


def freeze(out: Path, prefix: str, dump: Callable[[Path], Any]) -> None:
    """Write ``dump`` of a build of the generated 10k graph and of the shipped graph into ``out``.

    The files are ``{prefix}-generated-10k.json.gz`` and ``{prefix}-shipped.json.gz``: compact
    JSON, gzipped without a timestamp, each written whole or not at all.

    Parameters
    ----------
    out : Path
        The folder to write to.
    prefix : str
        What the files' names start with.
    dump : callable
        Gives the data to freeze from a build's folder.
    """
    with tempfile.TemporaryDirectory() as tmp:
        builds = {"generated-10k": generated_build(Path(tmp)), "shipped": build(Path(tmp) / "shipped").out_dir}
        for name, build_dir in builds.items():
            data = json.dumps(dump(build_dir), ensure_ascii=False, separators=(",", ":")).encode()
            target = out / f"{prefix}-{name}.json.gz"
            part = target.with_suffix(".part")
            part.write_bytes(gzip.compress(data, mtime=0))
            part.replace(target)
            print(target, len(data), "bytes before compression")
