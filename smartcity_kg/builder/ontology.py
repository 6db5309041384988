"""Load the modular OWL ontology and index its terms for the fact-sheet compiler."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError
from ..limits import MAX_BLANK_NODE_DEPTH, MAX_BLANK_NODE_WORK
from ..namespaces import ONTOLOGY_IRI, OWL, RDF, RDFS, SCK, SKOS, XSD
from ..store.rdfio import read_rdf, value_of
from .countries import country_triples

__all__ = ["Ontology", "Property", "blank_node_depths", "load_ontology"]

_TYPE = ox.NamedNode(RDF + "type")
_LABEL = ox.NamedNode(RDFS + "label")


@dataclass(frozen=True)
class Property:
    """A property of the ontology as the compiler sees it."""

    iri: ox.NamedNode
    name: str
    label: str
    kind: str  # "object" or "datatype"
    datatypes: tuple[str, ...]  # the range's datatypes, for a datatype property


@dataclass
class Ontology:
    """The ontology's triples (from every module) and an index of its terms.

    ``classes`` and ``properties`` are keyed by local name in the ``sck:`` namespace;
    ``references`` maps the ``skos:notation`` of a country or sector to its IRI;
    ``defined`` holds the names of defined classes, which fact sheets may not assert.
    """

    triples: list[ox.Triple]
    modules: dict[str, Path]
    classes: dict[str, ox.NamedNode] = field(default_factory=dict)
    class_labels: dict[str, str] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)
    properties: dict[str, Property] = field(default_factory=dict)
    references: dict[str, ox.NamedNode] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def load_ontology(directory: Path) -> Ontology:
    """Load the hub ``smartcity-kg.ttl`` in ``directory`` and the modules it imports.

    Imports are resolved to the files of ``directory`` by the ontology IRI each file
    declares; nothing is fetched from the network. Every ISO 3166-1 country is added as an
    individual (:func:`~smartcity_kg.builder.countries.country_triples`).

    Raises
    ------
    InputError
        If a file is not valid Turtle (see :func:`~smartcity_kg.store.rdfio.read_rdf` for
        what is refused), nests blank nodes more than ``MAX_BLANK_NODE_DEPTH`` deep (a
        list counts a level per item) or their depths add up to more than
        ``MAX_BLANK_NODE_WORK``, or an import has no file in ``directory``.
    """
    files = sorted(p for p in directory.glob("*.ttl") if p.is_file())
    if not files:
        raise InputError.at(directory, None, "no ontology files (*.ttl) in this directory")
    modules: dict[str, Path] = {}
    triples: list[ox.Triple] = []
    imports: list[tuple[Path, str]] = []
    work = 0
    for path in files:
        found = read_rdf(path)
        work = _check_blank_nodes(path, found, work)
        declared = [value_of(t.subject) for t in found
                    if t.predicate == _TYPE and t.object == ox.NamedNode(OWL + "Ontology")
                    and isinstance(t.subject, ox.NamedNode)]
        if len(declared) != 1:
            raise InputError.at(path, None, "expected exactly one owl:Ontology declaration")
        modules[declared[0]] = path
        imports += [(path, value_of(t.object)) for t in found if t.predicate.value == OWL + "imports"]
        triples += found
    if ONTOLOGY_IRI not in modules:
        raise InputError.at(directory, None, f"no file declares the hub ontology <{ONTOLOGY_IRI}>")
    for path, iri in imports:
        if iri not in modules:
            raise InputError.at(path, None, f"imports <{iri}>, which no file in {directory} declares")
    onto = Ontology(triples=triples + country_triples(), modules=modules)
    _index(onto)
    return onto


def blank_node_depths(triples: list[ox.Triple]) -> dict[ox.BlankNode, int]:
    """The depth of each blank node: the longest chain of blank nodes that starts at it.

    Canonicalising costs about the sum of these depths (each chain of length d costs d²/2).

    Examples
    --------
    >>> found = ox.parse(input=b"<http://x/a> <http://x/p> [ <http://x/p> ( 1 2 ) ] .", format=ox.RdfFormat.TURTLE)
    >>> sorted(blank_node_depths([ox.Triple(q.subject, q.predicate, q.object) for q in found]).values())
    [1, 2, 3]
    """
    children: dict[ox.BlankNode, list[ox.BlankNode]] = {}
    for t in triples:
        for node in (t.subject, t.object):
            if isinstance(node, ox.BlankNode):
                children.setdefault(node, [])
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            children[t.subject].append(t.object)
    depth: dict[ox.BlankNode, int] = {}
    for root in children:
        stack = [root]
        while stack:  # depth first, without recursion; a cycle counts once
            node = stack[-1]
            waiting = [c for c in children[node] if c not in depth]
            if node not in depth:
                depth[node] = 0
                if waiting:
                    stack += waiting
                    continue
            stack.pop()
            depth[node] = 1 + max((depth[c] for c in children[node]), default=0)
    return depth


def _check_blank_nodes(path: Path, found: list[ox.Triple], work: int) -> int:
    """Refuse blank nodes nested too deep, or too costly to canonicalise; return the work so far."""
    depths = blank_node_depths(found)
    deepest = max(depths.values(), default=0)
    if deepest > MAX_BLANK_NODE_DEPTH:
        raise InputError.at(path, None, f"blank nodes nested {deepest:,} deep (a list counts a level per item); "
                                        f"expected at most {MAX_BLANK_NODE_DEPTH}")
    work += sum(depths.values())
    if work > MAX_BLANK_NODE_WORK:
        raise InputError.at(path, None, f"too many nested blank nodes: their depths add up to {work:,} with the "
                                        f"modules before this one; expected at most {MAX_BLANK_NODE_WORK:,}")
    return work


#: The order in which a value is tried against the XML Schema datatypes that ``sck:valueDatatype``
#: names (the most precise first); annotations have no order of their own.
_PRECISION = [XSD + name for name in ("dateTime", "date", "gYearMonth", "gYear", "decimal", "string")]


def _precision(datatype: str) -> tuple[int, str]:
    return (_PRECISION.index(datatype) if datatype in _PRECISION else len(_PRECISION), datatype)


def _local(iri: str) -> str | None:
    return iri[len(SCK):] if iri.startswith(SCK) else None


def _index(onto: Ontology) -> None:
    types: dict[str, set[str]] = {}
    ranges: dict[str, str] = {}
    unions: dict[str, list[str]] = {}
    firsts: dict[str, str] = {}
    rests: dict[str, str] = {}
    equivalents: dict[str, str] = {}
    value_types: dict[str, list[str]] = {}
    for t in onto.triples:
        s, p, o = value_of(t.subject), t.predicate.value, t.object
        if p == RDF + "type":
            types.setdefault(s, set()).add(value_of(o))
        elif p == RDFS + "label" and isinstance(o, ox.Literal):
            onto.labels.setdefault(s, o.value)
        elif p == RDFS + "range":
            ranges[s] = value_of(o)
        elif p == OWL + "unionOf":
            unions[s] = [value_of(o)]
        elif p == RDF + "first":
            firsts[s] = value_of(o)
        elif p == RDF + "rest":
            rests[s] = value_of(o)
        elif p == OWL + "equivalentClass":
            equivalents[s] = value_of(o)
        elif p == SCK + "valueDatatype":
            value_types.setdefault(s, []).append(value_of(o))
        elif p == SKOS + "notation" and isinstance(o, ox.Literal):
            onto.references[o.value] = ox.NamedNode(s)

    def members(head: str) -> list[str]:
        out = []
        while head in firsts:
            out.append(firsts[head])
            head = rests.get(head, RDF + "nil")
        return out

    for iri, kinds in types.items():
        name = _local(iri)
        if name is None:
            continue
        label = onto.labels.get(iri, name)
        if OWL + "Class" in kinds:
            onto.classes[name] = ox.NamedNode(iri)
            onto.class_labels[name] = label
            if iri in equivalents:
                onto.defined.add(name)
        elif OWL + "ObjectProperty" in kinds:
            onto.properties[name] = Property(ox.NamedNode(iri), name, label, "object", ())
        elif OWL + "DatatypeProperty" in kinds:
            rng = ranges.get(iri, "http://www.w3.org/2001/XMLSchema#string")
            datatypes: tuple[str, ...] = (rng,)
            if rng in value_types:  # a datatype of the ontology, written in XML Schema datatypes
                datatypes = tuple(sorted(value_types[rng], key=_precision))
            elif rng in equivalents and equivalents[rng] in unions:
                datatypes = tuple(members(unions[equivalents[rng]][0]))
            onto.properties[name] = Property(ox.NamedNode(iri), name, label, "datatype", datatypes)
