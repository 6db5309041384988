"""Qualifiers of numbers ("about", "more than", …): read from the ontology, compiled from fact sheets."""

from __future__ import annotations

import difflib
from pathlib import Path

import pyoxigraph as ox

from .._yaml import Mapping, Node, Scalar
from ..exceptions import InputError
from ..namespaces import RDF, RDFS, SKOS, XSD
from ..terms import SCK
from .ontology import Property

__all__ = ["NUMERIC_DATATYPES", "numeric_keys", "qualifier_index", "qualifier_triples"]

#: The datatypes whose values are numbers that a qualifier may qualify.
NUMERIC_DATATYPES = frozenset(XSD + name for name in (
    "decimal", "integer", "nonNegativeInteger", "positiveInteger", "double", "float", "long", "int"))


def qualifier_index(triples: list[ox.Triple]) -> dict[str, ox.NamedNode]:
    """The qualifiers of the ontology by each of their words, in lower case.

    A qualifier is an individual of ``sck:ValueQualifier``; its ``rdfs:label`` and every
    ``skos:altLabel`` (in any language) name it.

    Examples
    --------
    >>> q = ox.NamedNode("https://w3id.org/smartcity-kg/ontology#moreThan")
    >>> found = qualifier_index([ox.Triple(q, ox.NamedNode(RDF + "type"), ox.NamedNode(SCK.ValueQualifier)),
    ...                          ox.Triple(q, ox.NamedNode(RDFS + "label"), ox.Literal("more than", language="en")),
    ...                          ox.Triple(q, ox.NamedNode(SKOS + "altLabel"), ox.Literal("Over", language="en"))])
    >>> sorted(found)
    ['more than', 'over']
    """
    kinds = {t.subject for t in triples
             if t.predicate.value == RDF + "type" and t.object == ox.NamedNode(SCK.ValueQualifier)}
    words = (RDFS + "label", SKOS + "altLabel")
    return {_normal(t.object.value): t.subject for t in triples
            if isinstance(t.subject, ox.NamedNode) and t.subject in kinds and t.predicate.value in words
            and isinstance(t.object, ox.Literal)}


def numeric_keys(node: Mapping, properties: dict[str, Property]) -> list[str]:
    """The keys of the item ``node`` that state a number (a datatype property with a numeric range)."""
    return [key for key in node.values
            if (prop := properties.get(key)) is not None and prop.kind == "datatype"
            and any(d in NUMERIC_DATATYPES for d in prop.datatypes)]


def qualifier_triples(subject: ox.NamedNode, value: Node, numbers: list[str],
                      index: dict[str, ox.NamedNode], path: Path) -> tuple[ox.Triple, str]:
    """The ``sck:valueQualifier`` triple of an item's ``qualifier:`` and the key of the number it qualifies.

    Raises
    ------
    InputError
        With the file and line: when the value is not one known qualifier, or the item states
        no number or more than one (``numbers``: its keys that do), so that what is qualified
        would be unclear.
    """
    if not isinstance(value, Scalar):
        raise InputError.at(path, value.line, "a qualifier is one word or phrase, such as 'about' or 'more than'")
    phrase = _normal(value.value)
    if phrase not in index:
        close = difflib.get_close_matches(phrase, list(index), n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        known = ", ".join(sorted(index))
        raise InputError.at(path, value.line, f"unknown qualifier {value.value!r}; expected one of: {known}{hint}")
    if len(numbers) != 1:
        found = f"states {len(numbers)} ({', '.join(numbers)})" if numbers else "states none"
        raise InputError.at(path, value.line, f"a qualifier qualifies the one number of its item (such as 'amount' "
                                              f"or 'memberCount'); this item {found}")
    return ox.Triple(subject, ox.NamedNode(SCK.valueQualifier), index[phrase]), numbers[0]


def _normal(words: str) -> str:
    return " ".join(words.lower().split())
