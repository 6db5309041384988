"""Compile one item of a fact sheet into triples, recording what it read of the other sheets."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .._yaml import Mapping, Node, Scalar, Sequence
from ..exceptions import InputError, Problem
from ..limits import MAX_LABEL_CHARS, MAX_QUOTE_CHARS, MAX_TEXT_CHARS, check_length
from ..namespaces import RDF, RDFS, SKOS
from ..store.rdfio import value_of
from ..terms import SCK
from .fragments import quote_fragments, selector_triples
from .ontology import Ontology
from .qualifiers import numeric_keys, qualifier_index, qualifier_triples
from .quotes import explain_mismatch
from .sources import Source, quote_span
from .tables import table_triples
from .values import typed_literal

__all__ = ["Item", "ItemCompiler", "Reads", "entity_iri", "suggest"]

_RESERVED = ("id", "about", "type", "label", "altLabel", "quote", "unquoted", "confidence", "note", "table",
             "qualifier")
_CONFIDENCE = ("high", "medium", "low")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_TYPE, _LABEL, _ALT, _NOTE = _n(RDF + "type"), _n(RDFS + "label"), _n(SKOS + "altLabel"), _n(SKOS + "note")


def entity_iri(base: str, slug: str) -> ox.NamedNode:
    """The IRI of the entity with id ``slug`` under ``base``."""
    return _n(f"{base}id/{slug}")


@dataclass
class Item:
    """An item of the fact sheet ``path``, citing ``source``: its mapping, and the id it declares or the entity it
    is about."""

    path: Path
    source: Source
    node: Mapping
    key: str  # the id or notation of the subject
    declares: bool


@dataclass
class Reads:
    """What the items of a sheet read beyond the sheet: each name they resolved with the IRI it gave, and each
    entity whose label they read with that label (None: it had none)."""

    resolved: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str | None] = field(default_factory=dict)


def suggest(name: str, known: object) -> str:
    """A hint naming up to three of ``known`` that are close to ``name`` (empty where none is)."""
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


class ItemCompiler:
    """Compiles items against the ontology ``onto`` and the ids ``declared`` by the sheets (in the order declared),
    with the ``labels`` of the entities (the ontology's and the sheets'); ``copies`` are the superseded editions
    whose successor's stored copy ends early, each with that successor and where the copy ends
    (:func:`~smartcity_kg.builder.editions.copies_ending`).

    Every name it resolves and every label it reads is recorded in :attr:`reads`, which the caller
    renews for each sheet: besides those, an item's triples depend only on the item, its source
    (with ``copies``), the ontology, the base and the code.
    """

    def __init__(self, onto: Ontology, base: str, declared: Collection[str], labels: dict[str, str],
                 copies: dict[str, tuple[str, int]]) -> None:
        self.onto, self.base, self.declared, self.labels = onto, base, declared, labels
        self.copies = copies
        #: The ontology's qualifiers of numbers ("about", "more than", …) by each of their words.
        self.qualifiers = qualifier_index(onto.triples)
        self.reads = Reads()

    def resolve(self, name: str, path: Path, line: int) -> ox.NamedNode:
        """The IRI of the entity a sheet declares with the id ``name``, or of the ontology's term with that notation.

        Raises
        ------
        InputError
            At ``path``:``line`` where neither exists.
        """
        iri = self.known(name)
        if iri is None:
            hint = suggest(name, list(self.declared) + list(self.onto.references))
            raise InputError.at(path, line, f"unknown entity {name!r}: no fact sheet declares it and the ontology has no such notation{hint}")
        self.reads.resolved[name] = iri.value
        return iri

    def known(self, name: str) -> ox.NamedNode | None:
        """What :meth:`resolve` gives for ``name``, or None where it raises; not recorded."""
        if name in self.declared:
            return entity_iri(self.base, name)
        return self.onto.references.get(name)

    def label(self, iri: str, default: str) -> str:
        """The label of the entity ``iri``, or ``default`` where it has none; recorded."""
        label = self.reads.labels[iri] = self.labels.get(iri)
        return default if label is None else label

    def item(self, item: Item) -> list[ox.Triple]:
        """The triples of ``item``: its statements, then its evidence.

        Raises
        ------
        InputError
            With the file and line of each problem of the item.
        """
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
                                             label=self.label(subject.value, item.key), labels=self.onto.labels)
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
        """The class of the ontology that ``scalar`` names; a defined class may not be asserted."""
        name = scalar.value
        if name in self.onto.defined:
            raise InputError.at(path, scalar.line, f"{name!r} is a defined class: the reasoner infers it, a fact sheet may not assert it")
        if name not in self.onto.classes:
            raise InputError.at(path, scalar.line, f"unknown type {name!r}; expected a class of the ontology{suggest(name, self.onto.classes)}")
        return self.onto.classes[name]

    def statement(self, subject: ox.NamedNode, key: str, value: Node, path: Path, line: int,
                  parts: list[str]) -> list[ox.Triple]:
        """The triples of ``key: value`` (a property of the ontology); adds the statement's words to ``parts``."""
        prop = self.onto.properties.get(key)
        if prop is None or key == "quote":
            allowed = suggest(key, list(self.onto.properties) + list(_RESERVED))
            raise InputError.at(path, line, f"unknown key {key!r}; expected a property of the ontology or one of {', '.join(_RESERVED)}{allowed}")
        out = []
        shown = []
        for scalar in _scalars(value, path, repr(key)):
            if prop.kind == "object":
                target = self.resolve(scalar.value, path, scalar.line)
                shown.append(self.label(target.value, scalar.value))
                out.append(ox.Triple(subject, prop.iri, target))
            else:
                literal = typed_literal(scalar.value, prop.datatypes, path, scalar.line)
                shown.append(literal.value)
                out.append(ox.Triple(subject, prop.iri, literal))
        parts.append(f"{prop.label} {', '.join(shown)}")
        return out

    def evidence(self, item: Item, subject: ox.NamedNode, parts: list[str]) -> list[ox.Triple]:
        """The evidence of ``item``: its statement (``parts``), source, place in the sheet, confidence and quotes."""
        node, path, source = item.node, item.path, item.source
        ev = _n(f"{self.base}evidence/{source.id}/{item.key}")
        label = self.label(subject.value, item.key)
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

