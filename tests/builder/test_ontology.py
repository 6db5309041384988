"""Tests of smartcity_kg.builder.ontology: the modular ontology, loaded offline from one directory."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.exceptions import InputError
from smartcity_kg.limits import MAX_BLANK_NODE_DEPTH, MAX_BLANK_NODE_WORK, MAX_MODULE_BYTES
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
    assert len(imports) == 12
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


# (Turtle appended to places.ttl from line 62, the line of the problem, what the message says)
# Each bad line with where it lands: its number counted from the end of the module it is appended to.
BAD_MODULE_LINES = [
    pytest.param('sck:Place rdfs:seeAlso <notes.html> .\n', 1,
                 "invalid Turtle: .*No scheme found in an absolute IRI; a relative IRI, expected an absolute IRI$",
                 id="relative-iri"),
    pytest.param('@base <../> .\nsck:Place rdfs:seeAlso <x> .\n', 1, "invalid Turtle: .*a relative IRI",
                 id="relative-base"),
    pytest.param('sck:Place rdfs:comment "a place\u202e"@en .\n', 1,
                 re.escape("the file holds the control or format character U+202E RIGHT-TO-LEFT OVERRIDE"),
                 id="bidi-override"),
    pytest.param('\nsck:Place rdfs:comment "a\x00place"@en .\n', 2, re.escape("the file holds the control or "
                 "format character U+0000 (a control character)"), id="nul"),
    pytest.param('sck:Place rdfs:comment "a place\x85"@en .\n', 1, ".*" + re.escape("U+0085"), id="c1-control"),
    pytest.param('sck:Place rdfs:comment "a place\u2029"@en .\n', 1, ".*" + re.escape("U+2029 PARAGRAPH SEPARATOR"),
                 id="paragraph-separator"),
    pytest.param('sck:Place rdfs:comment "a place\\u2066"@en .\n', 1,
                 re.escape("an escape holds the control or format character U+2066 LEFT-TO-RIGHT ISOLATE"),
                 id="escaped-isolate"),
    pytest.param('sck:Place rdfs:comment """a\nplace\\U0000001B"""@en .\n', 2, re.escape("an escape holds the "
                 "control or format character U+001B"), id="escaped-escape-character"),
    pytest.param('\nsck:Place rdfs:comment "' + "long " * 80_000 + '"@en .\n', 2,
                 re.escape("the literal 'long long long long long long long long '… is 400,000 characters long; "
                           "expected at most 10,000") + "$", id="a-400000-character-comment"),
    pytest.param('sck:Place rdfs:seeAlso <https://example.org/\\u202Eevil> .\n', 1, ".*" + re.escape("U+202E"),
                 id="escaped-in-an-iri"),
]


@pytest.mark.parametrize(("turtle", "line", "message"), BAD_MODULE_LINES)
def test_a_module_line_is_refused_with_file_and_line(ontology_copy: Path, turtle: str, line: int,
                                                     message: str) -> None:
    module = ontology_copy / "places.ttl"
    line += len(module.read_text(encoding="utf-8").splitlines())
    with module.open("a", encoding="utf-8") as out:
        out.write(turtle)
    with pytest.raises(InputError, match="^" + re.escape(f"{module}:{line}: ") + message):
        load_ontology(ontology_copy)


def test_an_escaped_backslash_is_not_an_escape(ontology_copy: Path) -> None:
    module = ontology_copy / "places.ttl"
    with module.open("a", encoding="utf-8") as out:
        out.write('sck:Place skos:example "C:\\\\u202e"@en .\n')
    assert load_ontology(ontology_copy).modules


@pytest.mark.parametrize("nested", [
    pytest.param("[ sck:p " * 3000 + "sck:Place" + " ]" * 3000, id="3000-nested-blank-nodes"),
    pytest.param("(" + " sck:Place" * 3000 + " )", id="a-list-of-3000"),
    pytest.param("[ sck:p " * 101 + "sck:Place" + " ]" * 101, id="101-nested-blank-nodes"),
])
def test_deeply_nested_blank_nodes_are_refused(ontology_copy: Path, nested: str) -> None:
    module = ontology_copy / "places.ttl"
    with module.open("a", encoding="utf-8") as out:
        out.write(f"sck:Place skos:example {nested} .\n")
    message = re.escape(f"{module}: blank nodes nested ") + "[0-9,]+" + re.escape(
        f" deep (a list counts a level per item); expected at most {MAX_BLANK_NODE_DEPTH}") + "$"
    with pytest.raises(InputError, match="^" + message):
        load_ontology(ontology_copy)


def test_many_nested_blank_nodes_are_refused(ontology_copy: Path) -> None:
    module = ontology_copy / "places.ttl"
    with module.open("a", encoding="utf-8") as out:  # about 4 s to canonicalise, by today's code
        for n in range(100):
            out.write(f"sck:Place skos:example {'[ sck:p ' * 99}sck:N{n}{' ]' * 99} .\n")
    message = re.escape(f"{module}: too many nested blank nodes: their depths add up to ") + "[0-9,]+" + re.escape(
        f" with the modules before this one; expected at most {MAX_BLANK_NODE_WORK:,}") + "$"
    with pytest.raises(InputError, match="^" + message):
        load_ontology(ontology_copy)


def test_blank_nodes_up_to_the_limit_are_accepted(ontology_copy: Path) -> None:
    module = ontology_copy / "places.ttl"
    with module.open("a", encoding="utf-8") as out:
        out.write("sck:Place skos:example " + "[ sck:p " * 99 + "sck:Place" + " ]" * 99 + " .\n")
    assert load_ontology(ontology_copy).modules


def test_a_byte_order_mark_is_accepted_and_dropped(ontology_copy: Path) -> None:
    module = ontology_copy / "places.ttl"
    module.write_bytes("\ufeff".encode("utf-8") + module.read_bytes())
    assert load_ontology(ontology_copy).modules[ONTOLOGY_IRI + "/places"] == module


@pytest.mark.parametrize(("make", "message"), [
    pytest.param(lambda p: p.open("wb").truncate(MAX_MODULE_BYTES + 1),
                 "too large: 10,000,001 bytes; expected at most 10,000,000$", id="too-large"),
])
def test_a_module_that_is_not_a_small_file_is_refused(ontology_copy: Path, make: Callable[[Path], object],
                                                      message: str) -> None:
    module = ontology_copy / "places.ttl"
    module.unlink()
    make(module)
    with pytest.raises(InputError, match="^" + re.escape(f"{module}: ") + message):
        load_ontology(ontology_copy)


def _ontology_terms(onto: Ontology) -> dict[str, list[str]]:
    """Each term of the ontology's namespace with its labels."""
    sck = "https://w3id.org/smartcity-kg/ontology#"
    labels: dict[str, list[str]] = {}
    for t in onto.triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(sck):
            entry = labels.setdefault(t.subject.value[len(sck):], [])
            if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label" and isinstance(t.object, ox.Literal):
                entry.append(t.object.value)
    return labels


def test_every_term_has_a_label_of_its_own(onto: Ontology) -> None:
    owners: dict[str, list[str]] = {}
    for name, labels in _ontology_terms(onto).items():
        for label in labels:
            owners.setdefault(label.casefold(), []).append(name)
    assert {label: names for label, names in owners.items() if len(names) > 1} == {}


def test_organisation_has_one_spelling_in_names_and_labels(onto: Ontology) -> None:
    found = {name: labels for name, labels in _ontology_terms(onto).items()
             if "organiz" in name.casefold() or any("organiz" in label.casefold() for label in labels)}
    assert found == {}


def test_inverse_properties_swap_domain_and_range(onto: Ontology) -> None:
    def objects(subject: ox.NamedNode, predicate: str) -> set[ox.Term]:
        return {t.object for t in onto.triples if t.subject == subject and t.predicate.value == predicate}

    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    pairs = [(t.subject, t.object) for t in onto.triples if t.predicate.value == OWL + "inverseOf"
             and isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)]
    assert len(pairs) >= 9
    for one, other in pairs:
        assert objects(one, rdfs + "domain") == objects(other, rdfs + "range"), (one, other)
        assert objects(one, rdfs + "range") == objects(other, rdfs + "domain"), (one, other)
