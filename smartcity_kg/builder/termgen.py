"""Generate :mod:`smartcity_kg.terms`, the Python constants of the ontology's terms.

Run ``python -m smartcity_kg.builder.termgen > smartcity_kg/terms.py`` after editing the ontology;
a test regenerates the module and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import OWL, RDF, RDFS, SCK
from .ontology import load_ontology
from ..resources import shipped

__all__ = ["generate"]

_HEADER = '''"""Constants for the terms of the smartcity-kg ontology: a closed rdflib namespace.

Generated from the ontology by ``python -m smartcity_kg.builder.termgen``; do not edit by hand.

Examples
--------
>>> from smartcity_kg.terms import SCK
>>> SCK.City
rdflib.term.URIRef('https://w3id.org/smartcity-kg/ontology#City')
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["SCK"]


class SCK(DefinedNamespace):
    """The classes, properties and datatypes of ``https://w3id.org/smartcity-kg/ontology#``."""

    _NS = Namespace("{namespace}")
    _fail = True

'''


def generate(ontology_dir: Path | None = None) -> str:
    """The source of :mod:`smartcity_kg.terms` for the ontology in ``ontology_dir``."""
    onto = load_ontology(ontology_dir or shipped("ontology"))
    definitions: dict[str, str] = {}
    for triple in onto.triples:
        subject = getattr(triple.subject, "value", "")
        if subject.startswith(SCK) and triple.predicate.value.endswith("core#definition"):
            definitions[subject[len(SCK):]] = getattr(triple.object, "value", "")
    kinds = {OWL + "AnnotationProperty", RDFS + "Datatype"}
    others = {t.subject.value[len(SCK):] for t in onto.triples if isinstance(t.subject, ox.NamedNode)
              and t.subject.value.startswith(SCK) and t.predicate.value == RDF + "type" and getattr(t.object, "value", "") in kinds}
    names = sorted(set(onto.classes) | set(onto.properties) | others)
    lines = [_HEADER.replace("{namespace}", SCK)]
    for name in names:
        comment = " ".join(definitions.get(name, "").split())
        lines.append(f"    {name}: URIRef  # {comment}" if comment else f"    {name}: URIRef")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(generate())
