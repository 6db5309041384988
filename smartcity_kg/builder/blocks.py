"""The dataset files as blocks, one per named graph: each serialised anew, or copied from the previous build.

Each of ``graph.trig``, ``graph.jsonld``, ``graph.nt`` and ``graph.ttl`` is a header, then one
block per named graph in the order of the graphs' IRIs, then a footer. A graph's TriG and JSON-LD
blocks hold its quads; its N-Triples and Turtle blocks hold the triples of the RDF merge that
first appear in it (those of no graph before it), so that the merge holds each triple once. A
block depends on its graph alone (and, for the merge, on the graphs before it), so a rebuild copies
the bytes of the blocks whose graph did not change from the previous build's files
(:class:`Plan`), and writes the same bytes as a build from nothing.

Blocks are serialised by pyoxigraph (TriG, N-Triples, Turtle) and :func:`smartcity_kg.jsonld.write_compacted`
(JSON-LD), each graph's quads in the order the build gave them: no sort in Python.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..jsonld import write_compacted
from ..namespaces import PREFIXES

__all__ = ["FILES", "Plan", "Span", "Written", "merge_blocks", "read_blocks", "write_files"]

#: The dataset files, each written as blocks.
FILES = ("graph.trig", "graph.jsonld", "graph.nt", "graph.ttl")
#: Where a block lies in its file: (offset, length) in bytes.
Span = tuple[int, int]
_PROBE = ox.NamedNode("urn:x-smartcity-kg:probe")


@dataclass
class Plan:
    """What to write: each graph's quads, its merge triples, and where an unchanged graph's blocks lie in the
    previous files (``reuse``: graph → file → span; ``previous``: file name → the previous file's path)."""

    graphs: dict[str, list[ox.Triple]]
    merged: dict[str, list[ox.Triple]]
    reuse: dict[str, dict[str, Span]] = field(default_factory=dict)
    previous: dict[str, Path] = field(default_factory=dict)


@dataclass
class Written:
    """What :func:`write_files` wrote: each graph's spans by file, each file's size and SHA-256."""

    spans: dict[str, dict[str, Span]]
    files: dict[str, dict[str, object]]


def merge_blocks(graphs: dict[str, list[ox.Triple]]) -> dict[str, list[ox.Triple]]:
    """Each graph's triples (none repeated within a graph) that no graph before it in ``graphs``' order holds.

    Examples
    --------
    >>> s, p, o = (ox.NamedNode(f"https://example.org/{x}") for x in "spo")
    >>> blocks = merge_blocks({"a": [ox.Triple(s, p, o)], "b": [ox.Triple(s, p, o), ox.Triple(s, p, s)]})
    >>> [len(triples) for triples in blocks.values()]
    [1, 1]
    """
    seen: set[ox.Triple] = set()
    blocks: dict[str, list[ox.Triple]] = {}
    for name, triples in graphs.items():
        held = seen.intersection(triples)
        blocks[name] = [t for t in triples if t not in held] if held else triples
        seen.update(triples)
    return blocks


@lru_cache(maxsize=None)
def _frame(name: str) -> tuple[bytes, bytes]:
    """The header and footer of a file of ``name``: what a file of one probe graph holds around its block."""
    if name == "graph.jsonld":
        out = io.StringIO()
        write_compacted([], out)
        empty = out.getvalue().encode()
        cut = empty.rindex(b"\n  ]")
        return empty[:cut], empty[cut:]
    if name == "graph.nt":
        return b"", b""
    quad = ox.Quad(_PROBE, _PROBE, _PROBE, _PROBE)
    if name == "graph.trig":
        text = ox.serialize([quad], format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
        return text[:text.index(b"<" + _PROBE.value.encode() + b"> {")], b""
    text = ox.serialize([quad.triple], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    return text[:text.index(b"<" + _PROBE.value.encode() + b"> ")], b""


def _blocks(graph: str, plan: Plan, names: Iterable[str]) -> dict[str, bytes]:
    """The blocks of ``graph`` in the files ``names``, serialised."""
    blocks: dict[str, bytes] = {}
    if "graph.jsonld" in names or "graph.trig" in names:
        node = ox.NamedNode(graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, node) for t in plan.graphs[graph]]
    for name in names:
        if name == "graph.jsonld":
            out = io.StringIO()
            write_compacted(quads, out)
            text = out.getvalue().encode()
            header, footer = _frame(name)
            blocks[name] = text[len(header):len(text) - len(footer)].removeprefix(b",")
            continue
        if name == "graph.trig":
            text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""
        elif name == "graph.nt":
            text = ox.serialize(plan.merged[graph], format=ox.RdfFormat.N_TRIPLES) or b""
        else:
            text = ox.serialize(plan.merged[graph], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        blocks[name] = text[len(_frame(name)[0]):] if text else b""
    return blocks


class _Out:
    """One file being written: its bytes counted and digested, and the previous file its copied blocks come from."""

    def __init__(self, name: str, folder: Path, previous: Path | None) -> None:
        self.name, self.at, self.digest = name, 0, hashlib.sha256()
        self.file: BinaryIO = (folder / name).open("wb")
        self.old: BinaryIO | None = previous.open("rb") if previous is not None else None

    def put(self, data: bytes) -> Span:
        """Append ``data``; where it lies."""
        self.file.write(data)
        self.digest.update(data)
        span = (self.at, len(data))
        self.at += len(data)
        return span

    def copy(self, span: Span) -> bytes:
        """The bytes at ``span`` of the previous file."""
        assert self.old is not None  # only called where a previous file is open
        self.old.seek(span[0])
        data = self.old.read(span[1])
        if len(data) != span[1]:
            raise OSError(f"the previous {self.name} is shorter than its record says")
        return data

    def close(self) -> None:
        """Close both files."""
        self.file.close()
        if self.old is not None:
            self.old.close()


def write_files(folder: Path, plan: Plan) -> Written:
    """Write the dataset files of ``plan`` into ``folder``; where each graph's blocks are, each file's stamp.

    A graph's block is copied from the previous file where ``plan.reuse`` names its span there,
    else serialised; either way the bytes are those a build from nothing writes.
    """
    outs = [_Out(name, folder, plan.previous.get(name)) for name in FILES]
    spans: dict[str, dict[str, Span]] = {}
    try:
        for out in outs:
            out.put(_frame(out.name)[0])
        for position, graph in enumerate(plan.graphs):
            reuse = plan.reuse.get(graph, {})
            fresh = _blocks(graph, plan, [out.name for out in outs if out.name not in reuse or out.old is None])
            spans[graph] = {}
            for out in outs:
                if out.name == "graph.jsonld" and position:
                    out.put(b",")
                data = fresh[out.name] if out.name in fresh else out.copy(reuse[out.name])
                spans[graph][out.name] = out.put(data)
        for out in outs:
            out.put(_frame(out.name)[1])
    finally:
        for out in outs:
            out.close()
    files = {out.name: {"size": out.at, "sha256": out.digest.hexdigest()} for out in outs}
    return Written(spans, files)


def read_blocks(path: Path, spans: Iterable[Span]) -> list[ox.Quad]:
    """The quads of the TriG blocks at ``spans`` of the file at ``path`` (written by :func:`write_files`)."""
    header = _frame("graph.trig")[0]
    with path.open("rb") as data:
        parts = []
        for start, length in spans:
            data.seek(start)
            parts.append(data.read(length))
    return list(ox.parse(header + b"".join(parts), format=ox.RdfFormat.TRIG, rename_blank_nodes=False))
