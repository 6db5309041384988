"""Compile curated fact sheets (YAML) into RDF: one named graph per source, with evidence."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .._yaml import Mapping, Node, Scalar, Sequence, read_yaml
from ..exceptions import InputError, Problem
from ..limits import MAX_LABEL_CHARS, MAX_QUOTE_CHARS, MAX_TEXT_CHARS, check_length
from ..namespaces import DCTERMS, FOAF, RDF, RDFS, SKOS
from .ontology import Ontology
from ..store.rdfio import value_of
from .quotes import explain_mismatch
from .editions import edition_triples
from .editions import copies_ending
from .fragments import quote_fragments, selector_triples
from .sources import Source, quote_span
from .tables import table_triples
from ..terms import SCK
from .values import check_slug, typed_literal
from .qualifiers import numeric_keys, qualifier_index, qualifier_triples

__all__ = ["Compiled", "compile_facts", "entity_iri", "graph_iri"]

_RESERVED = ("id", "about", "type", "label", "altLabel", "quote", "unquoted", "confidence", "note", "table",
             "qualifier")
_CONFIDENCE = ("high", "medium", "low")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_TYPE, _LABEL, _ALT, _NOTE = _n(RDF + "type"), _n(RDFS + "label"), _n(SKOS + "altLabel"), _n(SKOS + "note")


def entity_iri(base: str, slug: str) -> ox.NamedNode:
    """The IRI of the entity with id ``slug`` under ``base``."""
    return _n(f"{base}id/{slug}")


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
class _Item:
    path: Path
    source: Source
    node: Mapping
    key: str  # the id or notation of the subject
    declares: bool


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
    compiled = Compiled()
    problems: list[Problem] = []
    items: list[_Item] = []
    declared: dict[str, _Item] = {}
    for path in sorted(sheets):
        try:
            items += _read_sheet(path, sources, compiled)
        except InputError as exc:
            problems += exc.problems
    for item in items:
        if not item.declares:
            continue
        if item.key in onto.references:
            problems.append(Problem(item.path, item.node.keys["id"], f"id {item.key!r} is taken by the ontology; choose another"))
        elif item.key in declared:
            first = declared[item.key]
            problems.append(Problem(item.path, item.node.keys["id"], f"duplicate id {item.key!r} (first declared at {first.path}:{first.node.line})"))
        else:
            declared[item.key] = item
            compiled.origins[entity_iri(base, item.key).value] = Problem(item.path, item.node.line, f"{item.key!r}")
    labels = dict(onto.labels)
    for key, item in declared.items():
        label = item.node.values.get("label")
        if isinstance(label, Scalar):
            labels[entity_iri(base, key).value] = label.value
    compiler = _Compiler(onto, base, declared, labels, copies_ending(sources))
    for item in items:
        try:
            triples = compiler.item(item)
        except InputError as exc:
            problems += exc.problems
            continue
        compiled.graphs.setdefault(graph_iri(base, item.source.id).value, []).extend(triples)
        compiled.items += 1
        for triple in triples:
            stated = (value_of(triple.subject), triple.predicate.value)
            compiled.statement_origins.setdefault(stated, Problem(item.path, item.node.line, item.key))
    if problems:
        raise InputError(problems)
    compiled.graphs[graph_iri(base, "sources").value] = _source_triples(sources, base)
    return compiled


def _read_sheet(path: Path, sources: dict[str, Source], compiled: Compiled) -> list[_Item]:
    root = read_yaml(path)
    if not isinstance(root, Mapping):
        raise InputError.at(path, root.line, "expected a mapping with the keys 'source' and 'items'")
    for key, line in root.keys.items():
        if key not in ("source", "items"):
            raise InputError.at(path, line, f"unknown key {key!r}; expected 'source' and 'items'")
    source_node, items_node = root.values.get("source"), root.values.get("items")
    if not isinstance(source_node, Scalar):
        raise InputError.at(path, root.line, "expected 'source: <id of a record in sources.yaml>'")
    source = sources.get(source_node.value)
    if source is None:
        hint = _suggest(source_node.value, sources)
        raise InputError.at(path, source_node.line, f"unknown source {source_node.value!r}{hint}")
    if source.id in compiled.sheets:
        raise InputError.at(path, source_node.line, f"source {source.id!r} already has a fact sheet: {compiled.sheets[source.id]}")
    compiled.sheets[source.id] = path
    if not isinstance(items_node, Sequence):
        raise InputError.at(path, root.line, "expected 'items:' with a list of items")
    out: list[_Item] = []
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
        out.append(_Item(path, source, node, key_node.value, has_id))
    if problems:
        raise InputError(problems)
    return out


def _suggest(name: str, known: object) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)  # type: ignore[call-overload]
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _scalars(node: Node, path: Path, what: str, limit: int = MAX_TEXT_CHARS) -> list[Scalar]:
    """The values of ``node``, each at most ``limit`` characters long."""
    if isinstance(node, Scalar):
        scalars = [node]
    elif isinstance(node, Sequence) and node.items and all(isinstance(i, Scalar) for i in node.items):
        scalars = list(node.items)  # type: ignore[arg-type]
    else:
        raise InputError.at(path, node.line, f"{what} must be a value or a non-empty list of values")
    for scalar in scalars:
        check_length(scalar.value, limit, path, scalar.line, what)
    return scalars


class _Compiler:
    def __init__(self, onto: Ontology, base: str, declared: dict[str, _Item], labels: dict[str, str],
                 copies: dict[str, tuple[str, int]]) -> None:
        self.onto, self.base, self.declared, self.labels = onto, base, declared, labels
        #: Superseded editions whose successor's stored copy ends early: the successor, and where.
        self.copies = copies
        #: The ontology's qualifiers of numbers ("about", "more than", …) by each of their words.
        self.qualifiers = qualifier_index(onto.triples)

    def resolve(self, name: str, path: Path, line: int) -> ox.NamedNode:
        if name in self.declared:
            return entity_iri(self.base, name)
        if name in self.onto.references:
            return self.onto.references[name]
        hint = _suggest(name, list(self.declared) + list(self.onto.references))
        raise InputError.at(path, line, f"unknown entity {name!r}: no fact sheet declares it and the ontology has no such notation{hint}")

    def item(self, item: _Item) -> list[ox.Triple]:
        node, path = item.node, item.path
        subject = entity_iri(self.base, item.key) if item.declares else self.resolve(item.key, path, node.keys["about"])
        triples: list[ox.Triple] = []
        problems: list[Problem] = []
        parts: list[str] = []
        for key, value in node.values.items():
            line = node.keys[key]
            try:
                if key in ("id", "about", "quote", "unquoted", "confidence"):
                    continue
                if key == "qualifier":  # compiled after the number it qualifies
                    continue
                if key == "type":
                    for scalar in _scalars(value, path, "'type'"):
                        triples.append(ox.Triple(subject, _TYPE, self.klass(scalar, path)))
                        parts.insert(0, self.onto.class_labels.get(scalar.value, scalar.value))
                elif key == "table":  # a trade table's cells, compiled to Data Cube observations
                    evidence = _n(f"{self.base}evidence/{item.source.id}/{item.key}")
                    triples += table_triples(subject, value, path, line, references=self.onto.references,
                                             resolve=self.resolve, evidence=evidence,
                                             label=self.labels.get(subject.value, item.key), labels=self.onto.labels)
                elif key in ("label", "altLabel", "note"):
                    predicate = {"label": _LABEL, "altLabel": _ALT, "note": _NOTE}[key]
                    limit = MAX_TEXT_CHARS if key == "note" else MAX_LABEL_CHARS
                    for scalar in _scalars(value, path, repr(key), limit):
                        triples.append(ox.Triple(subject, predicate, ox.Literal(" ".join(scalar.value.split()))))
                else:
                    triples += self.statement(subject, key, value, path, line, parts)
            except InputError as exc:
                problems += exc.problems
        if "qualifier" in node.values:
            try:
                triples.append(self.qualifier(subject, node, path, parts))
            except InputError as exc:
                problems += exc.problems
        if item.declares:
            if "type" not in node.values:
                problems.append(Problem(path, node.line, f"{item.key!r} declares a node without 'type'; expected a class of the ontology"))
            if "label" not in node.values:
                problems.append(Problem(path, node.line, f"{item.key!r} declares a node without 'label'"))
        try:
            triples += self.evidence(item, subject, parts)
        except InputError as exc:
            problems += exc.problems
        if problems:
            raise InputError(problems)
        return triples

    def qualifier(self, subject: ox.NamedNode, node: Mapping, path: Path, parts: list[str]) -> ox.Triple:
        """The item's ``qualifier:`` of its one number; the statement shows it before the number."""
        triple, key = qualifier_triples(subject, node.values["qualifier"], numeric_keys(node, self.onto.properties),
                                        self.qualifiers, path)
        label = self.onto.properties[key].label
        phrase = self.onto.labels.get(value_of(triple.object), "")
        parts[:] = [f"{label} {phrase} {part[len(label) + 1:]}" if part.startswith(f"{label} ") else part
                    for part in parts]
        return triple

    def klass(self, scalar: Scalar, path: Path) -> ox.NamedNode:
        name = scalar.value
        if name in self.onto.defined:
            raise InputError.at(path, scalar.line, f"{name!r} is a defined class: the reasoner infers it, a fact sheet may not assert it")
        if name not in self.onto.classes:
            raise InputError.at(path, scalar.line, f"unknown type {name!r}; expected a class of the ontology{_suggest(name, self.onto.classes)}")
        return self.onto.classes[name]

    def statement(self, subject: ox.NamedNode, key: str, value: Node, path: Path, line: int,
                  parts: list[str]) -> list[ox.Triple]:
        prop = self.onto.properties.get(key)
        if prop is None or key == "quote":
            allowed = _suggest(key, list(self.onto.properties) + list(_RESERVED))
            raise InputError.at(path, line, f"unknown key {key!r}; expected a property of the ontology or one of {', '.join(_RESERVED)}{allowed}")
        out = []
        shown = []
        for scalar in _scalars(value, path, repr(key)):
            if prop.kind == "object":
                target = self.resolve(scalar.value, path, scalar.line)
                shown.append(self.labels.get(target.value, scalar.value))
                out.append(ox.Triple(subject, prop.iri, target))
            else:
                literal = typed_literal(scalar.value, prop.datatypes, path, scalar.line)
                shown.append(literal.value)
                out.append(ox.Triple(subject, prop.iri, literal))
        parts.append(f"{prop.label} {', '.join(shown)}")
        return out

    def evidence(self, item: _Item, subject: ox.NamedNode, parts: list[str]) -> list[ox.Triple]:
        node, path, source = item.node, item.path, item.source
        ev = _n(f"{self.base}evidence/{source.id}/{item.key}")
        label = self.labels.get(subject.value, item.key)
        statement = f"{label}: " + "; ".join(parts) if parts else label
        out = [
            ox.Triple(subject, _n(SCK.evidence), ev),
            ox.Triple(ev, _TYPE, _n(SCK.Evidence)),
            ox.Triple(ev, _n(SCK.source), _n(f"{self.base}source/{source.id}")),
            ox.Triple(ev, _n(SCK.statement), ox.Literal(statement)),
            ox.Triple(ev, _n(SCK.factSheet), ox.Literal(f"{path.name}:{node.line}")),
        ]
        confidence = node.values.get("confidence")
        if confidence is not None:
            if not isinstance(confidence, Scalar) or confidence.value not in _CONFIDENCE:
                raise InputError.at(path, node.keys["confidence"], f"confidence must be one of {', '.join(_CONFIDENCE)}")
            out.append(ox.Triple(ev, _n(SCK.confidence), ox.Literal(confidence.value)))
        quote, unquoted = node.values.get("quote"), node.values.get("unquoted")
        if (quote is None) == (unquoted is None):
            raise InputError.at(path, node.line, "every item needs its evidence: 'quote' (verbatim from the source) or, where the source gives none, 'unquoted: <why>'")
        if unquoted is not None:
            reason = _scalars(unquoted, path, "'unquoted'")[0]
            out.append(ox.Triple(ev, _n(SCK.unquotedReason), ox.Literal(reason.value)))
            return out
        problems = []
        spans: list[tuple[int, int] | None] = []
        quotes = _scalars(quote, path, "'quote'", MAX_QUOTE_CHARS) if quote is not None else []
        for n, scalar in enumerate(quotes, start=1):
            text = " ".join(scalar.value.split())
            span = quote_span(text, source.text) if source.text is not None else None
            spans.append(span)
            if source.text is not None and span is None:
                problems.append(Problem(path, scalar.line, f"quote not found in the text of source {source.id!r}: "
                                                           f"{text[:80]!r}; {explain_mismatch(text, source.text)}"))
                continue
            selector = _n(f"{ev.value}/quote-{n}")
            fragments = quote_fragments(text, source.text)
            if fragments is None:  # the comparison found the quote, so each part is there
                problems.append(Problem(path, scalar.line, f"the parts of the quote are not verbatim in the text of source {source.id!r}: {text[:80]!r}"))
                continue
            out.append(ox.Triple(ev, _n(SCK.selector), selector))
            out += selector_triples(selector, text, fragments, source.language)
        if problems:
            raise InputError(problems)
        out += self._beyond_copy(ev, source, spans)
        return out

    def _beyond_copy(self, ev: ox.NamedNode, source: Source, spans: list[tuple[int, int] | None]) -> list[ox.Triple]:
        """``sck:beyondCopyOf`` where every quote of the evidence (``spans``: where each lies in the source's
        text) lies after the end of the stored copy of the edition that supersedes ``source``: that edition is
        not known to drop the statement."""
        if source.id not in self.copies or not spans:
            return []
        later, end = self.copies[source.id]
        if all(span is not None and span[0] >= end for span in spans):
            return [ox.Triple(ev, _n(SCK.beyondCopyOf), _n(f"{self.base}source/{later}"))]
        return []


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
