"""Documentation of the ontology, generated from its named graph: every term, by module."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_IRI, OWL, PREFIXES, RDF, RDFS, SCK, SKOS
from ..resources import shipped
from ..store.queries import load_query

__all__ = ["KINDS", "OntologyDocs", "document_query", "module_triples", "ontology_docs", "ontology_triples", "short"]


#: The kinds of term the documentation lists, in its order, with their section titles.
KINDS = {OWL + "Class": "Classes", OWL + "ObjectProperty": "Object properties",
         OWL + "DatatypeProperty": "Datatype properties", OWL + "AnnotationProperty": "Annotation properties",
         RDFS + "Datatype": "Datatypes"}
_CHARACTERISTICS = {OWL + "TransitiveProperty": "transitive", OWL + "FunctionalProperty": "functional",
                    OWL + "SymmetricProperty": "symmetric", OWL + "InverseFunctionalProperty": "inverse functional"}


@dataclass
class OntologyDocs:
    """What the ontology page shows: the ontology's metadata, its modules, its terms by kind, and the
    terms of other vocabularies that it declares (by IRI)."""

    iri: str
    version: str
    version_iri: str
    label: str
    description: str
    modules: list[dict[str, str]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    external: list[dict[str, str]] = field(default_factory=list)


@functools.lru_cache(maxsize=None)
def document_query(name: str) -> str:
    """The text of the shipped query ``queries/documents/<name>.rq`` (read once per process)."""
    return load_query(shipped("queries") / "documents" / f"{name}.rq").text


def ontology_triples(graph: Any) -> list[ox.Triple]:
    """The ontology's triples, from its named graph (``queries/documents/ontology.rq``)."""
    return sorted({ox.Triple(t.subject, t.predicate, t.object) for t in graph.query(document_query("ontology"))}, key=str)


def _index(triples: list[ox.Triple]) -> dict[str, dict[str, list[str]]]:
    by_subject: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else str(t.subject)
        values = by_subject.setdefault(subject, {})
        values.setdefault(t.predicate.value, []).append(
            str(t.object) if isinstance(t.object, ox.BlankNode) else getattr(t.object, "value", str(t.object)))
    return by_subject


def short(iri: str) -> str:
    """The prefixed name of ``iri`` with the prefixes of the project's Turtle, or the IRI itself.

    Examples
    --------
    >>> short("http://www.w3.org/2001/XMLSchema#gYear"), short("http://example.org/x")
    ('xsd:gYear', 'http://example.org/x')
    """
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _named(values: list[str]) -> list[str]:
    return sorted(short(v) for v in values if not v.startswith("_:"))


def _term(iri: str, props: dict[str, list[str]], kind: str, modules: dict[str, str]) -> dict[str, Any]:
    def first(prop: str) -> str:
        return sorted(props.get(prop, [""]))[0]

    module = first(RDFS + "isDefinedBy")
    return {"name": iri[len(SCK):], "iri": iri, "kind": kind, "label": first(RDFS + "label"),
            "definition": first(SKOS + "definition"), "comment": first(RDFS + "comment"),
            "module": module, "module_label": modules.get(module, module),
            "parents": _named(props.get(RDFS + "subClassOf", []) + props.get(RDFS + "subPropertyOf", [])),
            "domain": _named(props.get(RDFS + "domain", [])), "range": _named(props.get(RDFS + "range", [])),
            "inverse": _named(props.get(OWL + "inverseOf", [])),
            "characteristics": sorted(_CHARACTERISTICS[k] for k in props.get(RDF + "type", []) if k in _CHARACTERISTICS),
            "value_datatypes": _named(props.get(SCK + "valueDatatype", []))}


def ontology_docs(triples: list[ox.Triple], module: str | None = None) -> OntologyDocs:
    """The documentation of the ontology in ``triples``, or of the one ``module`` (its IRI) in it.

    Every term in the ontology's namespace that is declared a class, a property or a datatype is
    listed with its label, definition and comment, its module, and (for properties) its domain,
    range, inverse and characteristics; a term declared with several kinds is listed under each.
    """
    by_subject = _index(triples)

    def first(iri: str, prop: str) -> str:
        return sorted(by_subject.get(iri, {}).get(prop, [""]))[0]

    ontologies = sorted(s for s, p in by_subject.items() if OWL + "Ontology" in p.get(RDF + "type", []))
    labels = {iri: first(iri, RDFS + "label") or iri for iri in ontologies}
    docs = OntologyDocs(iri=module or ONTOLOGY_IRI, version=first(ONTOLOGY_IRI, OWL + "versionInfo"),
                        version_iri=first(ONTOLOGY_IRI, OWL + "versionIRI"), label=labels.get(module or ONTOLOGY_IRI, ""),
                        description=first(module or ONTOLOGY_IRI, RDFS + "comment"))
    docs.modules = [{"iri": iri, "label": labels[iri], "comment": first(iri, RDFS + "comment")}
                    for iri in ontologies if iri != ONTOLOGY_IRI]
    for kind, title in KINDS.items():
        terms = [_term(iri, props, kind, labels) for iri, props in sorted(by_subject.items())
                 if iri.startswith(SCK) and kind in props.get(RDF + "type", [])]
        terms = [t for t in terms if module is None or t["module"] == module]
        if terms:
            docs.sections.append({"kind": kind, "title": title, "terms": terms})
    if module is None:
        docs.external = [{"iri": iri, "kind": KINDS[kind]} for iri, props in sorted(by_subject.items())
                         if not iri.startswith(SCK) and not iri.startswith("_:")
                         for kind in KINDS if kind in props.get(RDF + "type", [])]
    return docs


def module_triples(triples: list[ox.Triple], module: str) -> list[ox.Triple]:
    """The triples of one module: its header, and every statement about the terms it defines
    (``rdfs:isDefinedBy``), with the blank nodes (restrictions, lists) that hang from them."""
    by_subject: dict[ox.NamedNode | ox.BlankNode | ox.Triple, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    defined_by = ox.NamedNode(RDFS + "isDefinedBy")
    seeds = [ox.NamedNode(module)] + [t.subject for t in triples
                                      if t.predicate == defined_by and t.object == ox.NamedNode(module)]
    out: set[ox.Triple] = set()
    todo, seen = list(seeds), set(seeds)
    while todo:
        for t in by_subject.get(todo.pop(), []):
            out.add(t)
            if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                seen.add(t.object)
                todo.append(t.object)
    return sorted(out, key=str)
