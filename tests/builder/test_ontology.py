"""Tests of smartcity_kg.builder.ontology: the modular ontology, loaded offline from one directory."""

from __future__ import annotations

import re
import shutil
import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.exceptions import InputError
from smartcity_kg.namespaces import COUNTRY, ONTOLOGY_IRI, OWL, SECTOR
from smartcity_kg.builder.ontology import Ontology, load_ontology
from smartcity_kg.store.rdfio import read_rdf
from smartcity_kg.resources import shipped

SHIPPED = shipped("ontology")
HUB = "smartcity-kg.ttl"


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology(SHIPPED)


@pytest.fixture
def ontology_copy(tmp_path: Path) -> Path:
    """A copy of the shipped ontology directory that a test may break."""
    return Path(shutil.copytree(SHIPPED, tmp_path / "ontology"))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test on any attempt to open a connection or resolve a host name."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _hub_imports() -> list[str]:
    return [t.object.value for t in read_rdf(SHIPPED / HUB)
            if t.predicate.value == OWL + "imports" and isinstance(t.object, ox.NamedNode)]


def test_every_hub_import_resolves_to_a_module_file(onto: Ontology) -> None:
    imports = _hub_imports()
    assert len(imports) == 11
    assert onto.modules[ONTOLOGY_IRI] == SHIPPED / HUB
    for iri in imports:
        assert onto.modules[iri].parent == SHIPPED
    assert set(onto.modules) == {ONTOLOGY_IRI, *imports}


def test_defined_classes(onto: Ontology) -> None:
    assert onto.defined == {"USFirm", "DanishOrganisation", "DecisionMaker",
                            "DanishDecisionMakingPost", "DanishDecisionMaker"}
    assert onto.defined <= set(onto.classes)


@pytest.mark.parametrize(("notation", "iri"), [
    ("DK", COUNTRY + "DK"),
    ("US", COUNTRY + "US"),
    ("intelligent-lighting", SECTOR + "intelligent-lighting"),
])
def test_countries_and_sectors_by_notation(onto: Ontology, notation: str, iri: str) -> None:
    assert onto.references[notation].value == iri


def test_properties_are_indexed_with_their_ranges(onto: Ontology) -> None:
    assert onto.properties["basedIn"].kind == "object"
    assert onto.properties["year"].datatypes == ("http://www.w3.org/2001/XMLSchema#gYear",)
    assert len(onto.properties["founded"].datatypes) == 3  # a day, a month or a year


def test_a_missing_module_is_refused_offline(offline: None, ontology_copy: Path) -> None:
    (ontology_copy / "sectors.ttl").unlink()
    hub = ontology_copy / HUB
    message = re.escape(f"{hub}: imports <{ONTOLOGY_IRI}/sectors>, which no file in {ontology_copy} declares")
    with pytest.raises(InputError, match="^" + message + "$"):
        load_ontology(ontology_copy)


def test_a_module_with_invalid_turtle_names_file_and_line(ontology_copy: Path) -> None:
    module = ontology_copy / "places.ttl"
    lines = module.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(11, "nope:Broken a owl:Class .\n")  # line 12: an undeclared prefix
    module.write_text("".join(lines), encoding="utf-8")
    expected = "^" + re.escape(f"{module}:12: invalid Turtle: ") + ".*The prefix nope: has not been declared"
    with pytest.raises(InputError, match=expected):
        load_ontology(ontology_copy)


def test_a_directory_without_the_hub_is_refused(ontology_copy: Path) -> None:
    (ontology_copy / HUB).unlink()
    with pytest.raises(InputError, match=re.escape(f"no file declares the hub ontology <{ONTOLOGY_IRI}>")):
        load_ontology(ontology_copy)


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="^" + re.escape(f"{tmp_path}: no ontology files (*.ttl)")):
        load_ontology(tmp_path)
