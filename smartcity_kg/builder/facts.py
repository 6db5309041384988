"""Compile curated fact sheets (YAML) into RDF: one named graph per source, with evidence."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from .._yaml import Mapping, Node, Scalar, Sequence, decode_yaml
from ..exceptions import InputError, Problem
from ..limits import MAX_YAML_BYTES, read_capped
from ..namespaces import DCTERMS, FOAF, RDF, RDFS, SKOS
from ..store.rdfio import value_of
from ..terms import SCK
from .editions import copies_ending, edition_triples
from .items import Item, ItemCompiler, Reads, entity_iri, suggest
from .ontology import Ontology
from .sheetcache import Entry, SheetRecord
from .sources import Source
from .values import check_slug

__all__ = ["Compiled", "compile_facts", "compile_sheets", "entity_iri", "graph_iri"]

_TYPE, _LABEL, _NOTE = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "label"), ox.NamedNode(SKOS + "note")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def graph_iri(base: str, name: str) -> ox.NamedNode:
    """The IRI of the named graph ``name`` (a source id, ``sources`` or ``inferred``)."""
    return _n(f"{base}graph/{name}")


@dataclass
class Compiled:
    """The compiled facts: triples per named graph, and where each node was stated."""

    graphs: dict[str, list[ox.Triple]] = field(default_factory=dict)
    origins: dict[str, Problem] = field(default_factory=dict)
    #: Where each (subject, property) was stated: the item that carries it.
    statement_origins: dict[tuple[str, str], Problem] = field(default_factory=dict)
    sheets: dict[str, Path] = field(default_factory=dict)
    items: int = 0


@dataclass
class _Sheet:
    """A sheet read: its bytes, their SHA-256, its source, its items as the other sheets see them, and either its
    items (read from its bytes) or its previous record, whose items those are."""

    path: Path
    data: bytes
    sha256: str
    source: Source
    source_line: int
    entries: list[Entry]
    items: list[Item] | None
    previous: SheetRecord | None = None


class _Stale(Exception):
    """A previous record that does not describe its sheet: the sheets are compiled from nothing."""


def compile_facts(sheets: list[Path], sources: dict[str, Source], onto: Ontology,
                  base: str) -> Compiled:
    """Compile the fact sheets ``sheets`` citing ``sources`` against ``onto``.

    Raises
    ------
    InputError
        Listing every problem found, each with its file and line: malformed YAML, unknown
        keys, duplicate ids, references to entities or sources that do not exist, values that
        are not what the property's range asks for, and quotes not found in their source.
    """
    return compile_sheets(sheets, sources, onto, base)[0]


def compile_sheets(sheets: list[Path], sources: dict[str, Source], onto: Ontology, base: str,
                   previous: MappingABC[str, SheetRecord] | None = None) -> tuple[Compiled, list[SheetRecord]]:
    """:func:`compile_facts`, with a record of what each sheet compiled to and read, reusing ``previous`` records.

    ``previous`` are the records of an earlier compile by sheet file name, made with the same
    code, base, ontology and sectors (:mod:`smartcity_kg.builder.sheetcache`). A sheet's record
    is reused, rather than the sheet compiled, where the sheet has the same bytes, its source the
    same record (all but where it stands in ``sources.yaml``) and the same end of a later
    edition's copy, and every name its compile resolved and every label it read give the same
    now: an item's triples depend on nothing else. The result is that of a compile from nothing;
    wherever a problem is found, the sheets are compiled from nothing, so the errors are its own,
    each with its file and line, in its order.

    Raises
    ------
    InputError
        As :func:`compile_facts`.
    """
    if previous:
        try:
            return _compile(sorted(sheets), sources, onto, base, previous)
        except (InputError, _Stale):
            pass  # compiled from nothing below, which finds every problem in its place and order
    return _compile(sorted(sheets), sources, onto, base, {})


def _compile(sheets: list[Path], sources: dict[str, Source], onto: Ontology, base: str,
             previous: MappingABC[str, SheetRecord]) -> tuple[Compiled, list[SheetRecord]]:
    compiled = Compiled()
    problems: list[Problem] = []
    read: list[_Sheet] = []
    for path in sheets:
        try:
            read.append(_read_sheet(path, sources, compiled, previous.get(path.name)))
        except InputError as exc:
            problems += exc.problems
    declared = _declare(read, onto, base, compiled, problems)
    labels = dict(onto.labels)
    for key, (_, entry) in declared.items():
        if entry.label is not None:
            labels[entity_iri(base, key).value] = entry.label
    copies = copies_ending(sources)
    compiler = ItemCompiler(onto, base, declared, labels, copies)
    records: list[SheetRecord] = []
    for sheet in read:
        digest = _source_digest(sheet.source, copies)
        try:
            record = _reuse(sheet, digest, compiler) or _compile_sheet(sheet, digest, compiler)
        except InputError as exc:
            problems += exc.problems
            continue
        _add(compiled, record, sheet.path, base)
        records.append(record)
    if problems:
        raise InputError(problems)
    compiled.graphs[graph_iri(base, "sources").value] = _source_triples(sources, base)
    return compiled, records


def _read_sheet(path: Path, sources: dict[str, Source], compiled: Compiled, previous: SheetRecord | None) -> _Sheet:
    """Read the sheet ``path`` as far as the other sheets need it, and claim its source in ``compiled``; from
    ``previous`` where that is a record of the same bytes citing a source that exists."""
    data = read_capped(path, MAX_YAML_BYTES)
    sha256 = hashlib.sha256(data).hexdigest()
    if previous is not None and previous.sha256 == sha256 and previous.source in sources:
        source = sources[previous.source]
        _claim(compiled, source, path, previous.source_line)
        return _Sheet(path, data, sha256, source, previous.source_line, previous.entries, None, previous)
    root, source, line = _head(path, decode_yaml(data, path), sources)
    _claim(compiled, source, path, line)
    items = _items(path, root, source)
    return _Sheet(path, data, sha256, source, line, [_entry(item) for item in items], items)


def _head(path: Path, root: Node, sources: dict[str, Source]) -> tuple[Mapping, Source, int]:
    """The sheet ``path`` (its YAML ``root``) as a mapping, and the source it cites with the line that cites it."""
    if not isinstance(root, Mapping):
        raise InputError.at(path, root.line, "expected a mapping with the keys 'source' and 'items'")
    for key, line in root.keys.items():
        if key not in ("source", "items"):
            raise InputError.at(path, line, f"unknown key {key!r}; expected 'source' and 'items'")
    source_node = root.values.get("source")
    if not isinstance(source_node, Scalar):
        raise InputError.at(path, root.line, "expected 'source: <id of a record in sources.yaml>'")
    source = sources.get(source_node.value)
    if source is None:
        hint = suggest(source_node.value, sources)
        raise InputError.at(path, source_node.line, f"unknown source {source_node.value!r}{hint}")
    return root, source, source_node.line


def _claim(compiled: Compiled, source: Source, path: Path, line: int) -> None:
    """Record ``path`` as the fact sheet of ``source``, which may have only one."""
    if source.id in compiled.sheets:
        raise InputError.at(path, line, f"source {source.id!r} already has a fact sheet: {compiled.sheets[source.id]}")
    compiled.sheets[source.id] = path


def _items(path: Path, root: Mapping, source: Source) -> list[Item]:
    """The items of the sheet ``path`` (its YAML ``root``) citing ``source``."""
    items_node = root.values.get("items")
    if not isinstance(items_node, Sequence):
        raise InputError.at(path, root.line, "expected 'items:' with a list of items")
    out: list[Item] = []
    problems: list[Problem] = []
    subjects: dict[str, int] = {}
    for node in items_node.items:
        if not isinstance(node, Mapping):
            problems.append(Problem(path, node.line, "expected an item (a mapping with 'id' or 'about')"))
            continue
        has_id, has_about = "id" in node.values, "about" in node.values
        if has_id == has_about:
            problems.append(Problem(path, node.line, "an item needs exactly one of 'id' (declares a node) or 'about' (refers to one)"))
            continue
        key_node = node.values["id" if has_id else "about"]
        if not isinstance(key_node, Scalar):
            problems.append(Problem(path, key_node.line, "an id must be a single text value"))
            continue
        if has_id:
            try:
                check_slug(key_node.value, path, key_node.line)
            except InputError as exc:
                problems += exc.problems
                continue
        if key_node.value in subjects:
            problems.append(Problem(path, key_node.line, f"{key_node.value!r} is already the subject of the item at line {subjects[key_node.value]}; merge the two"))
            continue
        subjects[key_node.value] = node.line
        out.append(Item(path, source, node, key_node.value, has_id))
    if problems:
        raise InputError(problems)
    return out


def _entry(item: Item) -> Entry:
    """``item`` as the other sheets see it."""
    label = item.node.values.get("label")
    return Entry(item.key, item.declares, item.node.line, item.node.keys["id"] if item.declares else None,
                 label.value if item.declares and isinstance(label, Scalar) else None)


def _declare(sheets: list[_Sheet], onto: Ontology, base: str, compiled: Compiled,
             problems: list[Problem]) -> dict[str, tuple[Path, Entry]]:
    """The ids that ``sheets`` declare, each with its sheet and item, in order; where each is declared goes into
    ``compiled``, and an id that the ontology takes or that an item before declared into ``problems``."""
    declared: dict[str, tuple[Path, Entry]] = {}
    for sheet in sheets:
        for entry in sheet.entries:
            if not entry.declares:
                continue
            if entry.key in onto.references:
                problems.append(Problem(sheet.path, entry.id_line, f"id {entry.key!r} is taken by the ontology; choose another"))
            elif entry.key in declared:
                path, first = declared[entry.key]
                problems.append(Problem(sheet.path, entry.id_line, f"duplicate id {entry.key!r} (first declared at {path}:{first.line})"))
            else:
                declared[entry.key] = (sheet.path, entry)
                compiled.origins[entity_iri(base, entry.key).value] = Problem(sheet.path, entry.line, f"{entry.key!r}")
    return declared


def _source_digest(source: Source, copies: dict[str, tuple[str, int]]) -> str:
    """A digest of what an item's compile reads of its source: its record but where it stands in ``sources.yaml``
    (its text among it), and where the stored copy of a later edition ends in it (``copies``)."""
    edition = replace(source.edition, lines=()) if source.edition is not None else None
    record = replace(source, path=Path(), line=0, edition=edition)
    return hashlib.sha256(repr((record, copies.get(source.id))).encode()).hexdigest()


def _reuse(sheet: _Sheet, digest: str, compiler: ItemCompiler) -> SheetRecord | None:
    """The sheet's previous record, its triples read, where compiling the sheet would give them again: None where
    its source's ``digest`` differs, a name it resolved or a label it read gives another value now, or its triples
    cannot be read."""
    record = sheet.previous
    if record is None or record.source_digest != digest:
        return None
    for name, iri in record.reads.resolved.items():
        now = compiler.known(name)
        if now is None or now.value != iri:
            return None
    if any(compiler.labels.get(iri) != label for iri, label in record.reads.labels.items()):
        return None
    triples = record.read_triples()
    return None if triples is None else replace(record, triples=triples, ntriples=None)


def _compile_sheet(sheet: _Sheet, digest: str, compiler: ItemCompiler) -> SheetRecord:
    """Compile the items of ``sheet`` (read from its bytes where it was read from its previous record)."""
    items = sheet.items
    if items is None:
        root = decode_yaml(sheet.data, sheet.path)
        items = _items(sheet.path, root, sheet.source) if isinstance(root, Mapping) else []
        if [_entry(item) for item in items] != sheet.entries:
            raise _Stale(sheet.path)
    compiler.reads = Reads()
    triples: list[ox.Triple] = []
    counts: list[int] = []
    problems: list[Problem] = []
    for item in items:
        try:
            found = compiler.item(item)
        except InputError as exc:
            problems += exc.problems
            continue
        triples += found
        counts.append(len(found))
    if problems:
        raise InputError(problems)
    return SheetRecord(sheet.path.name, sheet.sha256, sheet.source.id, sheet.source_line, digest, sheet.entries,
                       counts, _beyond(compiler.reads, sheet.entries, compiler.base), triples)


def _beyond(reads: Reads, entries: list[Entry], base: str) -> Reads:
    """``reads`` but those of the ids that ``entries`` declare: the sheet's bytes decide those (where another sheet
    declares one too, or the ontology has it, the compile fails)."""
    own = {entry.key for entry in entries if entry.declares}
    iris = {entity_iri(base, key).value for key in own}
    return Reads({name: iri for name, iri in reads.resolved.items() if name not in own},
                 {iri: label for iri, label in reads.labels.items() if iri not in iris})


def _add(compiled: Compiled, record: SheetRecord, path: Path, base: str) -> None:
    """Add the triples of ``record`` (the sheet ``path``) to its source's graph, and the item that first stated each
    (subject, property) to ``compiled.statement_origins``."""
    if not record.entries:
        return
    compiled.graphs.setdefault(graph_iri(base, record.source).value, []).extend(record.triples)
    origins = compiled.statement_origins
    at = 0
    for entry, count in zip(record.entries, record.counts):
        origin = Problem(path, entry.line, entry.key)
        for triple in record.triples[at:at + count]:
            subject = triple.subject  # a named node but in odd data; read at once, since this runs per triple
            origins.setdefault((subject.value if type(subject) is ox.NamedNode else value_of(subject),
                                triple.predicate.value), origin)
        at += count
    compiled.items += len(record.entries)


def _source_triples(sources: dict[str, Source], base: str) -> list[ox.Triple]:
    out = []
    for source in sources.values():
        s = _n(f"{base}source/{source.id}")
        out += [
            ox.Triple(s, _TYPE, _n(SCK.Source)),
            ox.Triple(s, _LABEL, ox.Literal(source.label)),
            ox.Triple(s, _n(DCTERMS + "title"), ox.Literal(source.title, language=source.language)),
            ox.Triple(s, _n(SCK.publisherName), ox.Literal(source.publisher)),
            ox.Triple(s, _n(SCK.sourceKind), ox.Literal(source.kind)),
            ox.Triple(s, _n(DCTERMS + "language"), ox.Literal(source.language)),
        ]
        if source.url is not None:
            out.append(ox.Triple(s, _n(FOAF + "page"), _n(source.url)))
        if source.date is not None:
            out.append(ox.Triple(s, _n(DCTERMS + "issued"), ox.Literal(source.date[0], datatype=_n(source.date[1]))))
        if source.licence is not None:
            out.append(ox.Triple(s, _n(DCTERMS + "license"), _n(source.licence)))
        if source.note is not None:
            out.append(ox.Triple(s, _NOTE, ox.Literal(source.note)))
        out += edition_triples(source, s, base)
    return out

