"""The ontology and the shipped graph are consistent with the standard vocabularies they align to.

HermiT reasons over the ontology, the compiled fact sheets and the standards that ``make standards``
puts in ``.cache/standards`` (or ``$SMARTCITY_KG_STANDARDS``), each listed with its origin and licence
in tests/data/standards/README.md. A vocabulary published in RDFS is read as OWL: an ``rdfs:Class`` is
an ``owl:Class`` and an ``rdf:Property`` an object property, or a datatype property where its range is
a datatype or where the ontology declares it so; equivalences to RDF's and RDFS's own terms
(schema.org's ``schema:Class owl:equivalentClass rdfs:Class``) are left out, since OWL 2 DL forbids
them. schema.org's ``http://schema.org/`` IRIs are read as the ``https://schema.org/`` ones the
ontology uses: schema.org publishes its vocabulary in both forms, the same but for the scheme.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.facts import compile_facts
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.builder.pipeline import BuildOptions
from smartcity_kg.builder.reason import java_executable
from smartcity_kg.builder.sources import load_sources
from smartcity_kg.namespaces import DEFAULT_BASE, OWL, RDF, RDFS, XSD

LISTING = Path(__file__).parents[1] / "data" / "standards" / "README.md"
STANDARDS = Path(os.environ.get("SMARTCITY_KG_STANDARDS") or Path(__file__).parents[2] / ".cache" / "standards")
_SCHEMA_HTTP, _SCHEMA = "http://schema.org/", "https://schema.org/"
_TYPE = ox.NamedNode(RDF + "type")
_KINDS = {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty"}
_BUILT_IN = (RDF, RDFS, OWL, XSD)
needs_java = pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("SMARTCITY_KG_JAVA"),
                                reason="HermiT needs Java")


def standard_files() -> list[Path]:
    """The files that tests/data/standards/README.md lists (a table row per file), each of which must be there."""
    listed = re.findall(r"^\| `([^`]+)` \|", LISTING.read_text(encoding="utf-8"), flags=re.M)
    assert listed, f"{LISTING} lists no file"
    missing = [name for name in listed if not (STANDARDS / name).is_file()]
    assert not missing, f"{', '.join(missing)} not in {STANDARDS}: run 'make standards' (or set SMARTCITY_KG_STANDARDS)"
    return [STANDARDS / name for name in listed]


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, file: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """``term`` with schema.org's http IRI read as its https one, and a blank node made the file's own
    (the files label their blank nodes alike, ``_:c14n0`` and on, which would otherwise merge)."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(_SCHEMA_HTTP):
        return ox.NamedNode(_SCHEMA + term.value[len(_SCHEMA_HTTP):])
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"{file}-{term.value}")
    return term


def read_standard(path: Path) -> list[ox.Triple]:
    """The triples of the N-Quads file ``path``, whatever graph they are in, schema.org's IRIs as https."""
    return [ox.Triple(_term(q.subject, path.stem), _term(q.predicate, path.stem), _term(q.object, path.stem))
            for q in ox.parse(path=path, format=ox.RdfFormat.N_QUADS)]


def as_owl(triples: list[ox.Triple], declared: dict[str, str]) -> list[ox.Triple]:
    """``triples`` of an RDFS or OWL vocabulary, with its RDFS declarations read as OWL ones.

    ``declared`` maps the IRIs of properties that the ontology declares to their OWL kind."""
    kinds: dict[str, set[str]] = {}
    datatype_range: set[str] = set()
    for t in triples:
        if t.predicate == _TYPE:
            kinds.setdefault(t.subject.value, set()).add(t.object.value)
        elif t.predicate.value == RDFS + "range" and t.object.value.startswith((XSD, RDFS + "Literal", RDF)):
            datatype_range.add(t.subject.value)
    out = []
    for t in triples:
        if t.predicate.value in (OWL + "equivalentClass", OWL + "equivalentProperty") and t.object.value.startswith(_BUILT_IN):
            continue
        if t.predicate == _TYPE and t.object.value == RDFS + "Class":
            out.append(ox.Triple(t.subject, _TYPE, ox.NamedNode(OWL + "Class")))
        elif t.predicate == _TYPE and t.object.value == RDF + "Property":
            if not kinds[t.subject.value] & _KINDS:
                kind = declared.get(t.subject.value) or (
                    OWL + "DatatypeProperty" if t.subject.value in datatype_range else OWL + "ObjectProperty")
                out.append(ox.Triple(t.subject, _TYPE, ox.NamedNode(kind)))
        else:
            out.append(t)
    return out


@pytest.fixture(scope="module")
def ontology_and_data() -> tuple[list[ox.Triple], dict[str, str]]:
    options = BuildOptions()
    onto = load_ontology(options.ontology_dir)
    compiled = compile_facts(options.fact_sheets, load_sources(options.sources_file), onto, DEFAULT_BASE)
    declared = {t.subject.value: t.object.value for t in onto.triples
                if t.predicate == _TYPE and t.object.value in _KINDS and isinstance(t.subject, ox.NamedNode)}
    return onto.triples + [t for triples in compiled.graphs.values() for t in triples], declared


@pytest.fixture(scope="module")
def standards(ontology_and_data: tuple[list[ox.Triple], dict[str, str]]) -> list[ox.Triple]:
    out = []
    for path in standard_files():
        out += as_owl(read_standard(path), ontology_and_data[1])
    return out


def test_every_standard_is_there_with_its_origin() -> None:
    readme = LISTING.read_text(encoding="utf-8")
    for path in standard_files():
        assert read_standard(path), f"{path} holds no triple"
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{path.name}` |"))
        assert "http" in row and "licen" in row.lower(), f"{path.name}: the README row names no origin URL or licence"


def test_rdfs_declarations_are_read_as_owl() -> None:
    ex = "https://example.org/"
    triples = [ox.Triple(ox.NamedNode(ex + s), _TYPE, ox.NamedNode(k)) for s, k in
               (("C", RDFS + "Class"), ("p", RDF + "Property"), ("d", RDF + "Property"), ("q", RDF + "Property"))]
    triples.append(ox.Triple(ox.NamedNode(ex + "d"), ox.NamedNode(RDFS + "range"), ox.NamedNode(XSD + "string")))
    triples.append(ox.Triple(ox.NamedNode(ex + "C"), ox.NamedNode(OWL + "equivalentClass"), ox.NamedNode(RDFS + "Class")))
    read = {(t.subject.value[len(ex):], t.object.value) for t in as_owl(triples, {ex + "q": OWL + "DatatypeProperty"})
            if t.predicate == _TYPE}
    assert read == {("C", OWL + "Class"), ("p", OWL + "ObjectProperty"), ("d", OWL + "DatatypeProperty"),
                    ("q", OWL + "DatatypeProperty")}


def hermit_consistent(triples: list[ox.Triple], folder: Path) -> bool:
    """Whether HermiT finds ``triples`` consistent: its consistency check alone (``-k``), without the
    classification and realisation that a build asks for, which take too long with schema.org's
    thousands of classes. Literal values and ``owl:imports`` are withheld, as the build's HermiT check
    withholds them: every file is already here, and nothing is fetched."""
    import owlready2

    path = folder / "all.nt"
    kept = [t for t in triples if not isinstance(t.object, ox.Literal) and t.predicate.value != OWL + "imports"]
    ox.serialize(kept, path, format=ox.RdfFormat.N_TRIPLES)
    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    done = subprocess.run([java_executable(), "-Xmx2000M", "-cp", str(jar), "org.semanticweb.HermiT.cli.CommandLine",
                           "-k", "--ignoreUnsupportedDatatypes", path.as_uri()],
                          capture_output=True, text=True, timeout=900, check=False)
    said = done.stdout + done.stderr
    if "InconsistentOntologyException" in said or "is not satisfiable" in said:
        return False
    assert done.returncode == 0 and "is satisfiable" in said, said[:1500]
    return True


@needs_java
def test_the_shipped_graph_is_consistent_with_the_standards(
        ontology_and_data: tuple[list[ox.Triple], dict[str, str]], standards: list[ox.Triple], tmp_path: Path) -> None:
    assert hermit_consistent(ontology_and_data[0] + standards, tmp_path)


@needs_java
def test_an_alignment_that_does_not_hold_is_found(
        ontology_and_data: tuple[list[ox.Triple], dict[str, str]], standards: list[ox.Triple], tmp_path: Path) -> None:
    """The check can fail: evidence derived in PROV's sense makes every initiative an entity, which PROV-O
    declares disjoint from the activity that an initiative is."""
    from smartcity_kg.terms import SCK

    wrong = ox.Triple(ox.NamedNode(SCK.evidence), ox.NamedNode(RDFS + "subPropertyOf"),
                      ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert not hermit_consistent(ontology_and_data[0] + standards + [wrong], tmp_path)
