"""The build cache: what a build was made from, so the next build in the same folder redoes only what changed.

A build writes :data:`CACHE_FILE` beside its outputs: a digest of every input other than the
fact sheets (ontology and shapes, sources, sectors, base, checks, the package's own code and
the versions of the libraries that decide the result), a digest of each fact sheet and of each
named graph it compiled, the size and SHA-256 of each dataset file it wrote and where each
graph's blocks lie in them (:mod:`smartcity_kg.builder.blocks`). The next build into the same
folder copies the blocks of the graphs that did not change from those files where they still
have their size and SHA-256 and the code is the same (:func:`previous_blocks`); it trusts the
previous ``graph.trig`` as *validated* data where, besides, every other input is the same
(:func:`previous_data`), and reads back only the blocks of the graphs whose digest changed.
Anything else (no record, another format, a changed input, an edited or truncated file) means
full work. The previous build is read before it is replaced, and the record is written after the swap, so a build killed in
between leaves a folder with no record: the next build then does full work.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_IRI
from ..outputs import claim_folder, write_file
from .blocks import FILES, read_blocks
from .rewrite import Earlier
from .writing import Tally

__all__ = ["CACHE_FILE", "BuildKey", "Previous", "build_key", "code_digest", "folder_digest", "graph_digests",
           "previous_blocks", "previous_data", "write_record"]

#: The record of the inputs of the build in the same folder.
CACHE_FILE = "build-cache.json"
_FORMAT = 3
#: Libraries whose version decides what a build validates, checks or writes.
_LIBRARIES = ("pyoxigraph", "pyshacl", "rdflib")
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuildKey:
    """The digests of a build's inputs: ``inputs`` (all but the sheets, by name), each sheet's, and
    each named graph's that the sheets compiled to (see :func:`graph_digests`)."""

    inputs: dict[str, str]
    sheets: dict[str, str] = field(default_factory=dict)
    graphs: dict[str, str] = field(default_factory=dict)

    def same_inputs(self, other: BuildKey, names: tuple[str, ...]) -> bool:
        """Whether ``other`` has the same digests as this key for every input of ``names``."""
        return all(name in self.inputs and self.inputs.get(name) == other.inputs.get(name) for name in names)


def _digest_files(paths: list[Path], root: Path) -> str:
    """One digest over the names (relative to ``root``) and bytes of ``paths``."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _tree(folder: Path, pattern: str = "*") -> list[Path]:
    return [p for p in folder.rglob(pattern) if p.is_file()] if folder.is_dir() else []


def folder_digest(folder: Path, pattern: str = "*") -> str:
    """One digest over the names and bytes of the files of ``folder`` (and its subfolders) that match ``pattern``."""
    return _digest_files(_tree(folder, pattern), folder)


def code_digest(also: tuple[str, ...] = ()) -> str:
    """A digest of the package's Python files and of the versions of the libraries in :data:`_LIBRARIES` and ``also``."""
    versions = "\n".join(f"{name}={_version(name)}" for name in _LIBRARIES + also)
    return hashlib.sha256(versions.encode() + folder_digest(_PACKAGE, "*.py").encode()).hexdigest()


def graph_digests(graphs: dict[str, list[ox.Triple]]) -> dict[str, str]:
    """A digest of each graph's triples, as N-Triples in their order: equal digests, equal graphs."""
    return {name: hashlib.sha256(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").hexdigest()
            for name, triples in graphs.items()}


def build_key(*, ontology_dir: Path, graph_dir: Path, checks_dir: Path, base: str,
              sheets: list[Path], graphs: dict[str, list[ox.Triple]] | None = None) -> BuildKey:
    """The digests of a build's inputs.

    ``ontology`` covers the ontology folder with its shapes; ``graph`` every file of the graph
    folder but the fact sheets (sources, their texts, sectors); ``code`` the package's Python
    files and the versions of the libraries in :data:`_LIBRARIES`. ``graphs`` are the compiled
    named graphs (with their identifier links), as the build writes them.
    """
    facts = graph_dir / "facts"
    others = [p for p in _tree(graph_dir) if not (p.parent == facts and p.suffix == ".yaml")]
    inputs = {
        "format": str(_FORMAT),
        "base": base,
        "ontology": folder_digest(ontology_dir),
        "graph": _digest_files(others, graph_dir),
        "checks": folder_digest(checks_dir, "*.rq"),
        "code": code_digest(),
    }
    return BuildKey(inputs, {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sheets},
                    graph_digests(graphs or {}))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _read_record(out_dir: Path) -> tuple[BuildKey, dict[str, object]] | None:
    """The key and the ``blocks`` entry recorded in ``out_dir``, or None where there is no sound record."""
    try:
        record = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
        if record.get("format") != _FORMAT:
            return None
        inputs, sheets, graphs, blocks = record["inputs"], record["sheets"], record["graphs"], record["blocks"]
        if not (isinstance(inputs, dict) and isinstance(sheets, dict) and isinstance(graphs, dict)
                and isinstance(blocks, dict)):
            return None
        return BuildKey(*({str(k): str(v) for k, v in d.items()} for d in (inputs, sheets, graphs))), blocks
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def previous_blocks(out_dir: Path, key: BuildKey) -> Earlier | None:
    """The previous build in ``out_dir`` whose files' blocks a build of ``key`` may copy, or None.

    Only where its record names the same format and code as ``key`` (a block depends on its
    graph and on the code that wrote it) and its files are those it wrote.
    """
    found = _read_record(out_dir)
    if found is None or not key.same_inputs(found[0], ("format", "code")):
        return None
    return Earlier.from_record(out_dir, found[1])


@dataclass(frozen=True)
class Previous:
    """A trusted previous build: the key it recorded, the graphs whose digest differs from this
    build's (or that only one of the two has), and the quads those graphs held."""

    key: BuildKey
    changed: set[str]
    quads: set[ox.Quad]


def previous_data(out_dir: Path, key: BuildKey, needs: tuple[str, ...], earlier: Earlier | None = None) -> Previous | None:
    """The fact sheets' quads of the previous build in ``out_dir``, or None where it cannot be trusted.

    Trusted only when its record names the same digests as ``key`` for every input of
    ``needs`` and its files still have their recorded size and SHA-256 (``earlier``, where given,
    is that build, its files checked). The quads are those of the fact sheets' graphs (with the
    identifier links) whose digest differs from ``key``'s.
    """
    found = _read_record(out_dir)
    if found is None:
        return None
    recorded, blocks = found
    if not key.same_inputs(recorded, needs):
        return None
    earlier = earlier or Earlier.from_record(out_dir, blocks)
    if earlier is None or earlier.folder != out_dir:
        return None
    try:
        names = set(recorded.graphs) | set(key.graphs)
        changed = {name for name in names if recorded.graphs.get(name) != key.graphs.get(name)}
        spans = [earlier.spans[name]["graph.trig"] for name in sorted(changed - {ONTOLOGY_IRI}) if name in earlier.spans]
        quads = set(read_blocks(out_dir / "graph.trig", spans)) if spans else set()
        return Previous(recorded, changed, quads)
    except (OSError, SyntaxError, ValueError):
        return None


def write_record(out_dir: Path, key: BuildKey, written: Tally) -> None:
    """Record ``key``, the size and SHA-256 of ``out_dir``'s dataset files and where ``written`` put each graph's
    blocks in them (with the graph's digest); written after the build's swap."""
    files = {name: written.files[name] for name in FILES}
    graphs = {graph: {"digest": written.digests[graph], "spans": {n: list(s) for n, s in spans.items()}}
              for graph, spans in written.spans.items() if graph in written.digests}
    record = {"format": _FORMAT, "inputs": key.inputs, "sheets": key.sheets, "graphs": key.graphs,
              "blocks": {"files": files, "graphs": graphs}}
    claim_folder(out_dir, [CACHE_FILE])
    write_file(out_dir / CACHE_FILE, json.dumps(record, indent=1, sort_keys=True) + "\n")
