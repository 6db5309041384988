"""The build cache: what a build was made from, so the next build in the same folder redoes only what changed.

A build writes :data:`CACHE_FILE` beside its outputs: a digest of every input other than the
fact sheets (ontology and shapes, sources, sectors, base, checks, the package's own code and
the versions of the libraries that decide the result), a digest of each fact sheet and of each
named graph it compiled, and the digest of the ``graph.trig`` it wrote. Only the graphs whose
digest changed are read back from the previous ``graph.trig``. The next build into the same folder trusts that
``graph.trig`` as the previous *validated* data only when the record is well formed, names the
same inputs and the file still has its digest; anything else (no record, another format, a
changed input, an edited or truncated ``graph.trig``) means full work. The previous build is
read before it is replaced, and the record is written after the swap, so a build killed in
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
from ..store.ondisk import file_digest

__all__ = ["CACHE_FILE", "BuildKey", "Previous", "build_key", "graph_digests", "previous_data", "write_record"]

#: The record of the inputs of the build in the same folder.
CACHE_FILE = "build-cache.json"
_FORMAT = 2
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
    versions = "\n".join(f"{name}={_version(name)}" for name in _LIBRARIES)
    inputs = {
        "format": str(_FORMAT),
        "base": base,
        "ontology": _digest_files(_tree(ontology_dir), ontology_dir),
        "graph": _digest_files(others, graph_dir),
        "checks": _digest_files(_tree(checks_dir, "*.rq"), checks_dir),
        "code": hashlib.sha256(versions.encode() + _digest_files(_tree(_PACKAGE, "*.py"), _PACKAGE).encode()).hexdigest(),
    }
    return BuildKey(inputs, {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sheets},
                    graph_digests(graphs or {}))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _read_record(out_dir: Path) -> tuple[BuildKey, str] | None:
    """The key and ``graph.trig`` digest recorded in ``out_dir``, or None where there is no sound record."""
    try:
        record = json.loads((out_dir / CACHE_FILE).read_text(encoding="utf-8"))
        if record.get("format") != _FORMAT:
            return None
        inputs, sheets, graphs, trig = record["inputs"], record["sheets"], record["graphs"], record["graph.trig"]
        if not (isinstance(inputs, dict) and isinstance(sheets, dict) and isinstance(graphs, dict)
                and isinstance(trig, str)):
            return None
        return BuildKey(*({str(k): str(v) for k, v in d.items()} for d in (inputs, sheets, graphs))), trig
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class Previous:
    """A trusted previous build: the key it recorded, the graphs whose digest differs from this
    build's (or that only one of the two has), and the quads those graphs held."""

    key: BuildKey
    changed: set[str]
    quads: set[ox.Quad]


def previous_data(out_dir: Path, key: BuildKey, needs: tuple[str, ...]) -> Previous | None:
    """The fact sheets' quads of the previous build in ``out_dir``, or None where it cannot be trusted.

    Trusted only when its record names the same digests as ``key`` for every input of
    ``needs`` and its ``graph.trig`` still has the recorded digest. The quads are those of the
    fact sheets' graphs (with the identifier links) whose digest differs from ``key``'s.
    """
    found = _read_record(out_dir)
    if found is None:
        return None
    recorded, trig = found
    if not key.same_inputs(recorded, needs):
        return None
    path = out_dir / "graph.trig"
    try:
        if not path.is_file() or file_digest(path) != trig:
            return None
        names = set(recorded.graphs) | set(key.graphs)
        changed = {name for name in names if recorded.graphs.get(name) != key.graphs.get(name)}
        wanted = {ox.NamedNode(name) for name in changed} - {ox.NamedNode(ONTOLOGY_IRI)}
        quads = {q for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG) if q.graph_name in wanted} if wanted else set()
        return Previous(recorded, changed, quads)
    except (OSError, SyntaxError, ValueError):
        return None


def write_record(out_dir: Path, key: BuildKey) -> None:
    """Record ``key`` and the digest of ``out_dir``/graph.trig, written after the build's swap."""
    record = {"format": _FORMAT, "inputs": key.inputs, "sheets": key.sheets, "graphs": key.graphs,
              "graph.trig": file_digest(out_dir / "graph.trig")}
    claim_folder(out_dir, [CACHE_FILE])
    write_file(out_dir / CACHE_FILE, json.dumps(record, indent=1, sort_keys=True) + "\n")
