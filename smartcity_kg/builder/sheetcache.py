"""The compile cache: what each fact sheet compiled to and read, so that a rebuild compiles only the sheets that changed.

A build writes the two files of :data:`CACHE_FILES` among its outputs (in its temporary folder,
so that they are whole or absent): ``compile-cache.nt``, each sheet's triples in N-Triples, one
sheet after another, and ``compile-cache.json``, a :class:`SheetRecord` of each sheet: the
SHA-256 of its bytes, the source it cites with a digest of that source's record, its items (id
or notation, line, label, how many triples), where its triples lie in ``compile-cache.nt``, and
what its compile read of the other sheets (each name it resolved with the IRI it gave, each label
it read). The index names the cache's format, the size and SHA-256 of the triples file, and a
digest of everything else that a sheet's compile reads (:func:`compile_context`: the package's
code and library versions, the base, the ontology folder and ``sectors.yaml``). The next build
in the same folder reads the records where all of that still holds (:func:`read_records`); the
compile (:func:`smartcity_kg.builder.facts.compile_sheets`) decides which of them still stand.
The cache is data: JSON and N-Triples, never code, since a build folder may come from anyone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .cache import code_digest, folder_digest
from .items import Reads

__all__ = ["CACHE_FILES", "Entry", "SheetRecord", "compile_context", "read_records", "write_records"]

_INDEX, _TRIPLES = "compile-cache.json", "compile-cache.nt"
#: The files of the compile cache in a build folder: the index, then the triples.
CACHE_FILES = (_INDEX, _TRIPLES)
_FORMAT = 1
_NT = ox.RdfFormat.N_TRIPLES
#: The libraries that read the fact sheets, whose versions the compile depends on too.
_READERS = ("PyYAML", "ruamel.yaml")


@dataclass(frozen=True)
class Entry:
    """An item of a sheet as the other sheets see it: the id it declares or the entity it is about (``key``), the
    line of the item and of its ``id``, and the label it declares."""

    key: str
    declares: bool
    line: int
    id_line: int | None = None
    label: str | None = None


@dataclass
class SheetRecord:
    """What one fact sheet compiled to, and what its compile read besides the sheet, the ontology and the base.

    ``triples`` are the sheet's in order: the first ``counts[0]`` the first item's, and so on.
    A record read from a cache holds them as N-Triples instead (``ntriples``, a view of the cache's
    triples file, which all the records share) until :meth:`read_triples`.
    """

    name: str
    sha256: str
    source: str
    source_line: int
    #: A digest of the record of its source (see :func:`smartcity_kg.builder.facts.compile_sheets`).
    source_digest: str
    entries: list[Entry]
    counts: list[int]
    reads: Reads
    triples: list[ox.Triple] = field(default_factory=list)
    ntriples: memoryview | None = None

    def read_triples(self) -> list[ox.Triple] | None:
        """Its triples, parsed from ``ntriples`` where the record came from a cache; None where they cannot be
        parsed or are not as many as its items' counts add up to."""
        if self.ntriples is None:
            return self.triples
        try:  # lenient: the bytes are those this package wrote, as their SHA-256 in the index says
            triples = [quad.triple for quad in ox.parse(bytes(self.ntriples), format=_NT, lenient=True)]
        except (SyntaxError, ValueError):
            return None
        return triples if len(triples) == sum(self.counts) else None


def compile_context(*, ontology_dir: Path, graph_dir: Path, base: str) -> str:
    """A digest of all that every sheet's compile reads but the sheets and their sources: the format of the cache,
    the package's code with the versions of its libraries (and of the YAML readers), the base, the ontology
    folder and the sectors."""
    sectors = graph_dir / "sectors.yaml"
    parts = [str(_FORMAT), code_digest(_READERS), base, folder_digest(ontology_dir),
             hashlib.sha256(sectors.read_bytes()).hexdigest() if sectors.is_file() else "no sectors"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def read_records(folder: Path, context: str) -> dict[str, SheetRecord]:
    """The records of the compile cache in ``folder`` by sheet file name, their triples unparsed; none where the
    cache is missing or unsound, was written for another ``context`` (:func:`compile_context`), or its triples
    file has not the size and SHA-256 its index names."""
    try:
        index = json.loads((folder / _INDEX).read_text(encoding="utf-8"))
        if index.get("format") != _FORMAT or index.get("context") != context:
            return {}
        stamp, path = index["triples"], folder / _TRIPLES
        if path.stat().st_size != stamp["size"]:
            return {}
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != stamp["sha256"]:
            return {}
        view = memoryview(data)
        records = [_record(entry, view) for entry in index["sheets"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}
    return {record.name: record for record in records}


def _record(entry: dict[str, object], data: memoryview) -> SheetRecord:
    """The record that the index's ``entry`` describes, its triples the bytes of ``data`` (the triples file) it names.

    Raises
    ------
    ValueError
        Where a value is not of the type the cache writes.
    """
    span = entry["span"]
    if not isinstance(span, list) or len(span) != 2:
        raise ValueError("span")
    start, end = _int(span[0]), _int(span[1])
    if not 0 <= start <= end <= len(data):
        raise ValueError("span out of the triples file")
    items = entry["items"]
    if not isinstance(items, list):
        raise ValueError("items")
    entries, counts = [], []
    for key, declares, line, id_line, label, count in items:
        if type(declares) is not bool:
            raise ValueError("item")
        entries.append(Entry(_text(key), declares, _int(line), None if id_line is None else _int(id_line),
                             None if label is None else _text(label)))
        counts.append(_int(count))
    resolved, labels = entry["resolved"], entry["labels"]
    if not isinstance(resolved, dict) or not isinstance(labels, dict):
        raise ValueError("reads")
    reads = Reads({_text(k): _text(v) for k, v in resolved.items()},
                  {_text(k): None if v is None else _text(v) for k, v in labels.items()})
    return SheetRecord(_text(entry["name"]), _text(entry["sha256"]), _text(entry["source"]),
                       _int(entry["source_line"]), _text(entry["source_digest"]), entries, counts, reads,
                       ntriples=data[start:end])


def _int(value: object) -> int:
    """``value``, an integer (not a boolean)."""
    if type(value) is not int:
        raise ValueError(f"expected an integer, not {value!r}")
    return value


def _text(value: object) -> str:
    """``value``, a string."""
    if not isinstance(value, str):
        raise ValueError(f"expected a string, not {value!r}")
    return value


def write_records(folder: Path, context: str, records: list[SheetRecord]) -> None:
    """Write the compile cache of ``records`` (compiled in ``context``) into ``folder``, the new build's folder."""
    sheets, chunks, at = [], [], 0
    for record in records:
        ntriples = ox.serialize(record.triples, format=_NT) or b""
        chunks.append(ntriples)
        sheets.append({
            "name": record.name, "sha256": record.sha256, "source": record.source, "source_line": record.source_line,
            "source_digest": record.source_digest,
            "items": [[e.key, e.declares, e.line, e.id_line, e.label, count]
                      for e, count in zip(record.entries, record.counts)],
            "resolved": record.reads.resolved, "labels": record.reads.labels, "span": [at, at + len(ntriples)],
        })
        at += len(ntriples)
    data = b"".join(chunks)
    (folder / _TRIPLES).write_bytes(data)
    index = {"format": _FORMAT, "context": context, "triples": {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
             "sheets": sheets}
    (folder / _INDEX).write_text(json.dumps(index, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
