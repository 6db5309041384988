"""Sectors a user adds from the graph folder (``graph/sectors.yaml``) to the ontology's SKOS scheme.

The shipped scheme (``ontology/sectors.ttl``) is extended without editing the ontology: each
new concept has a notation (its slug, by which fact sheets refer to it), a label, a
definition, optional synonyms (``skos:altLabel``), and a broader concept already in the
scheme or earlier in the file.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .._yaml import Mapping, Node, Scalar, Sequence, read_yaml
from ..exceptions import InputError, Problem
from ..limits import MAX_LABEL_CHARS, MAX_TEXT_CHARS, check_length
from ..namespaces import OWL, RDF, RDFS, SECTOR, SKOS
from .ontology import Ontology
from .values import check_slug

__all__ = ["add_sectors"]

_KEYS = ("notation", "label", "altLabel", "broader", "definition")
_SCHEME = ox.NamedNode(SECTOR + "scheme")


def add_sectors(onto: Ontology, path: Path) -> int:
    """Add the sectors of ``path`` (if it exists) to ``onto``'s triples and references; how many.

    Raises
    ------
    InputError
        With the file and line of each problem: an unknown key, a notation that is not a slug
        or is taken, a missing label or definition, or a broader concept that is not a sector.
    """
    if not path.exists():
        return 0
    root = read_yaml(path)
    if not isinstance(root, Mapping) or set(root.values) != {"sectors"} or not isinstance(root.values["sectors"], Sequence):
        raise InputError.at(path, root.line, "expected 'sectors:' with a list of sectors")
    sectors = {value for value, iri in onto.references.items() if iri.value.startswith(SECTOR)}
    triples: list[ox.Triple] = []
    problems: list[Problem] = []
    for item in root.values["sectors"].items:
        try:
            notation = _sector(item, path, sectors, onto, triples)
        except InputError as exc:
            problems += exc.problems
            continue
        sectors.add(notation)
    if problems:
        raise InputError(problems)
    onto.triples += triples
    return sum(1 for t in triples if t.predicate.value == SKOS + "notation")


def _text(node: Node | None, path: Path, line: int, what: str, limit: int) -> list[str]:
    values = [node] if isinstance(node, Scalar) else list(node.items) if isinstance(node, Sequence) else []
    if node is None or not values or not all(isinstance(v, Scalar) for v in values):
        raise InputError.at(path, getattr(node, "line", line), f"{what} must be a text or a list of texts")
    for value in values:
        check_length(value.value, limit, path, value.line, what)  # type: ignore[union-attr]
    return [v.value for v in values]  # type: ignore[union-attr]


def _sector(item: Node, path: Path, sectors: set[str], onto: Ontology, triples: list[ox.Triple]) -> str:
    """Check one sector, append its triples and return its notation."""
    if not isinstance(item, Mapping):
        raise InputError.at(path, item.line, "expected a sector (a mapping with notation, label and broader)")
    for key, line in item.keys.items():
        if key not in _KEYS:
            raise InputError.at(path, line, f"unknown key {key!r}; expected one of {', '.join(_KEYS)}")
    for key in ("notation", "label", "definition", "broader"):
        if key not in item.values:
            raise InputError.at(path, item.line, f"a sector needs '{key}'")
    notation = _text(item.values["notation"], path, item.line, "notation", MAX_LABEL_CHARS)[0]
    check_slug(notation, path, item.values["notation"].line)
    if notation in onto.references or notation in sectors:
        raise InputError.at(path, item.values["notation"].line, f"notation {notation!r} is taken; choose another")
    broader = _text(item.values["broader"], path, item.line, "broader", MAX_LABEL_CHARS)[0]
    if broader not in sectors:
        raise InputError.at(path, item.values["broader"].line,
                            f"broader: {broader!r} is not a sector; expected one of {', '.join(sorted(sectors))}")
    node = ox.NamedNode(SECTOR + notation)
    label = _text(item.values["label"], path, item.line, "label", MAX_LABEL_CHARS)[0]
    triples += [ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(SKOS + "Concept")),
                ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "NamedIndividual")),
                ox.Triple(node, ox.NamedNode(SKOS + "inScheme"), _SCHEME),
                ox.Triple(node, ox.NamedNode(SKOS + "notation"), ox.Literal(notation)),
                ox.Triple(node, ox.NamedNode(RDFS + "label"), ox.Literal(label, language="en")),
                ox.Triple(node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label, language="en")),
                ox.Triple(node, ox.NamedNode(SKOS + "broader"), ox.NamedNode(SECTOR + broader)),
                ox.Triple(node, ox.NamedNode(RDFS + "isDefinedBy"), _SCHEME)]
    for key, predicate, limit in (("altLabel", SKOS + "altLabel", MAX_LABEL_CHARS),
                                  ("definition", SKOS + "definition", MAX_TEXT_CHARS)):
        if key in item.values:
            triples += [ox.Triple(node, ox.NamedNode(predicate), ox.Literal(text, language="en"))
                        for text in _text(item.values[key], path, item.line, key, limit)]
    onto.references[notation] = node
    onto.labels[node.value] = label
    return notation
