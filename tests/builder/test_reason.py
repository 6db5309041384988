"""Tests of reasoning with HermiT: inferences, inconsistency, time limit, missing Java."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import InconsistentOntologyError, JavaNotFoundError, ReasoningError
from smartcity_kg.namespaces import COUNTRY, RDF, SCK
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.builder.reason import reason
from smartcity_kg.resources import shipped

EX = "https://example.org/test/"


def _t(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))


@pytest.fixture(scope="module")
def ontology() -> list[ox.Triple]:
    return load_ontology(shipped("ontology")).triples


def test_defined_classes_are_inferred_through_cities_and_regions(ontology: list[ox.Triple]) -> None:
    facts = [
        _t(EX + "firm", RDF + "type", SCK + "Company"),
        _t(EX + "firm", SCK + "basedIn", EX + "austin"),
        _t(EX + "austin", RDF + "type", SCK + "City"),
        _t(EX + "austin", SCK + "locatedIn", EX + "texas"),
        _t(EX + "texas", RDF + "type", SCK + "Region"),
        _t(EX + "texas", SCK + "locatedIn", COUNTRY + "US"),
        _t(EX + "town", RDF + "type", SCK + "Municipality"),
        _t(EX + "town", SCK + "basedIn", EX + "odense"),
        _t(EX + "odense", RDF + "type", SCK + "City"),
        _t(EX + "odense", SCK + "locatedIn", COUNTRY + "DK"),
        _t(EX + "mayor", RDF + "type", SCK + "Post"),
        _t(EX + "mayor", SCK + "postIn", EX + "town"),
        _t(EX + "person", RDF + "type", SCK + "Person"),
        _t(EX + "holding", RDF + "type", SCK + "PostHolding"),
        _t(EX + "holding", SCK + "holder", EX + "person"),
        _t(EX + "holding", SCK + "post", EX + "mayor"),
    ]
    inferred = set(reason(ontology + facts).triples)
    assert _t(EX + "firm", RDF + "type", SCK + "USFirm") in inferred
    assert _t(EX + "firm", SCK + "basedIn", COUNTRY + "US") in inferred
    assert _t(EX + "town", RDF + "type", SCK + "DanishOrganisation") in inferred
    assert _t(EX + "mayor", RDF + "type", SCK + "DanishDecisionMakingPost") in inferred
    assert _t(EX + "person", SCK + "holds", EX + "mayor") in inferred
    assert _t(EX + "person", RDF + "type", SCK + "DanishDecisionMaker") in inferred
    assert _t(EX + "firm", RDF + "type", SCK + "DanishOrganisation") not in inferred


def test_inconsistent_facts_are_refused(ontology: list[ox.Triple]) -> None:
    facts = [_t(EX + "x", RDF + "type", SCK + "Company"), _t(EX + "x", RDF + "type", SCK + "PublicAuthority")]
    with pytest.raises(InconsistentOntologyError, match="inconsistent"):
        reason(ontology + facts)


def test_owl_imports_are_not_followed(ontology: list[ox.Triple]) -> None:
    facts = [_t(EX + "onto", "http://www.w3.org/2002/07/owl#imports", "file:///etc/passwd"),
             _t(EX + "onto2", "http://www.w3.org/2002/07/owl#imports", "http://127.0.0.1:9/none.owl")]
    reason(ontology + facts)  # would fail (no such ontology) if owlready2 tried to load them


def test_time_limit_stops_the_reasoner_and_its_java(ontology: list[ox.Triple], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this call's input file lives here
    with pytest.raises(ReasoningError, match=r"did not finish within 0\.2 s"):
        reason(ontology, timeout=0.2)
    left = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True)
    assert left.stdout.strip() == ""


def test_missing_java_says_how_to_fix_it(ontology: list[ox.Triple], monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.delenv("SMARTCITY_KG_JAVA", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(JavaNotFoundError, match="needs a Java runtime.*apt-get install default-jre-headless"):
        reason(ontology)


def test_python_modules_named_by_an_ontology_are_not_imported(ontology: list[ox.Triple], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "planted_module.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    annotation = "http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#python_module"
    planted = ox.Triple(ox.NamedNode(EX + "onto"), ox.NamedNode(annotation), ox.Literal("planted_module"))
    declared = _t(EX + "onto", RDF + "type", "http://www.w3.org/2002/07/owl#Ontology")
    reason(ontology + [declared, planted])
    assert not marker.exists()
