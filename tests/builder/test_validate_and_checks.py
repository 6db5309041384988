"""Tests of smartcity_kg.builder.validate and smartcity_kg.builder.checks, through the build.

A failing build names the fact sheet and line, and leaves the previous build as it was.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.builder.checks import check_files
from smartcity_kg.exceptions import InputError, OutputError, ValidationError
from smartcity_kg.resources import shipped

SHEET = Path("facts") / "tiny-source.yaml"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def previous_build(make_graph: Callable[..., Path], tmp_path: Path) -> Path:
    """``tmp_path/out``, holding the build of a valid graph dir."""
    out = tmp_path / "out"
    result = build(out, BuildOptions(graph_dir=make_graph(name="valid"), reasoner="none"))
    assert result.report["items"] == 2
    assert {p.name for p in out.iterdir()} >= {"graph.trig", "graph.nt", "report.json"}
    return out


# (items added to the valid sheet from line 13, the message)
BAD_ITEMS = [
    pytest.param("""\
        - id: acme-investment
          type: Investment
          label: Acme's investment
          amount: 400
          unquoted: a test
        """, r"<https://w3id.org/smartcity-kg/id/acme-investment> sck:currency: an amount needs exactly one "
             r"currency, an ISO 4217 code", id="amount-without-currency"),
    pytest.param("""\
        - id: odense
          type: City
          label: Odense
          wikidataId: 35
          unquoted: a test
        """, r"<https://w3id.org/smartcity-kg/id/odense> sck:wikidataId = 35: a Wikidata id is Q followed by "
             r"digits, such as Q35", id="wikidata-id-without-q"),
    pytest.param("""\
        - id: acme-ceo
          type: Post
          label: Chief executive of Acme
          unquoted: a test
        """, r"<https://w3id.org/smartcity-kg/id/acme-ceo> sck:postIn: a post needs the organisation it is in",
        id="post-without-postin"),
    pytest.param("""\
        - id: acme-aarhus-partnership
          type: Partnership
          label: Acme and Aarhus
          partner: [acme, aarhus]
          unquoted: a test
        """, re.escape("range-violation: <https://w3id.org/smartcity-kg/id/acme-aarhus-partnership> "
                       "<https://w3id.org/smartcity-kg/ontology#partner> expects a value of class "
                       "<https://w3id.org/smartcity-kg/ontology#Agent>, but "
                       "<https://w3id.org/smartcity-kg/id/aarhus> is not one"), id="partner-is-a-city"),
    pytest.param("""\
        - id: odense
          type: City
          label: Odense
          locatedIn: DK
          nutsCode: DK031
          unquoted: a test
        """, re.escape("nuts-code-violation: <https://w3id.org/smartcity-kg/id/odense> has the NUTS code DK031 but "
                       "is not a sck:Region"), id="nuts-code-on-a-city"),
    pytest.param("""\
        - id: jane
          type: [Person, Company]
          label: Jane
          unquoted: a test
        """, re.escape("disjoint-class-violation: <https://w3id.org/smartcity-kg/id/jane> is both "
                       "<https://w3id.org/smartcity-kg/ontology#Organisation> and "
                       "<https://w3id.org/smartcity-kg/ontology#Person>, which are disjoint"),
        id="person-and-company"),
    pytest.param("""\
        - id: jane-acme-ceo
          type: PostHolding
          label: Jane, chief executive of Acme
          holder: jane
          post: acme-ceo
          startDate: "2020-03"
          attestedOn: "2021-06-01"
          endDate: "2020"
          unquoted: a test
        - id: jane
          type: Person
          label: Jane
          unquoted: a test
        - id: acme-ceo
          type: Post
          label: Chief executive of Acme
          postIn: acme
          unquoted: a test
        """, re.escape("tenure-violation: <https://w3id.org/smartcity-kg/id/jane-acme-ceo> a source attests the holding "
                       "after its tenure ended: 2021-06-01 after 2020"), id="attested-after-the-tenure-ended"),
    pytest.param("""\
        - id: jane-acme-ceo
          type: PostHolding
          label: Jane, chief executive of Acme
          holder: jane
          post: acme-ceo
          electedOn: "2025-11-18"
          termStart: "2026"
          termEnd: "2022"
          unquoted: a test
        - id: jane
          type: Person
          label: Jane
          unquoted: a test
        - id: acme-ceo
          type: Post
          label: Chief executive of Acme
          postIn: acme
          unquoted: a test
        """, re.escape("tenure-violation: <https://w3id.org/smartcity-kg/id/jane-acme-ceo> the term ends before it "
                       "starts: 2026 after 2022"), id="term-ends-before-it-starts"),
    pytest.param("""\
        - id: jane-acme-ceo
          type: PostHolding
          label: Jane, chief executive of Acme
          holder: jane
          post: acme-ceo
          termStart: "2026"
          unquoted: a test
        - id: jane
          type: Person
          label: Jane
          unquoted: a test
        - id: acme-ceo
          type: Post
          label: Chief executive of Acme
          postIn: acme
          unquoted: a test
        """, re.escape("<https://w3id.org/smartcity-kg/id/jane-acme-ceo> sck:termEnd: a term start needs its end "
                       "(termEnd)"), id="term-without-its-end"),
    pytest.param("""\
        - id: jane-acme-ceo
          type: PostHolding
          label: Jane, chief executive of Acme
          holder: jane
          post: acme-ceo
          electedOn: "2025-11-18"
          unquoted: a test
        - id: jane
          type: Person
          label: Jane
          unquoted: a test
        - id: acme-ceo
          type: Post
          label: Chief executive of Acme
          postIn: acme
          unquoted: a test
        """, re.escape("<https://w3id.org/smartcity-kg/id/jane-acme-ceo> = https://w3id.org/smartcity-kg/id/jane-acme-ceo: "
                       "a post holding needs the dates for which a source says the person held the post"), id="elected-only"),
    pytest.param("""\
        - id: jane-acme-ceo
          type: PostHolding
          label: Jane, chief executive of Acme
          holder: jane
          post: acme-ceo
          attestedOn: "2020"
          succeededBy: john-acme-chair
          unquoted: a test
        - id: john-acme-chair
          type: PostHolding
          label: John, chair of Acme
          holder: john
          post: acme-chair
          attestedOn: "2021"
          unquoted: a test
        - id: john
          type: Person
          label: John
          unquoted: a test
        - id: acme-chair
          type: Post
          label: Chair of Acme
          postIn: acme
          unquoted: a test
        - id: jane
          type: Person
          label: Jane
          unquoted: a test
        - id: acme-ceo
          type: Post
          label: Chief executive of Acme
          postIn: acme
          unquoted: a test
        """, re.escape("succession-violation: <https://w3id.org/smartcity-kg/id/jane-acme-ceo> the successor's holding "
                       "https://w3id.org/smartcity-kg/id/john-acme-chair is of another post"), id="successor-of-another-post"),
    pytest.param("""\
        - id: jane-acme-ceo
          type: PostHolding
          label: Jane, chief executive of Acme
          holder: jane
          post: acme-ceo
          attestedOn: "2020"
          contradicts: jane-acme-ceo
          unquoted: a test
        - id: jane
          type: Person
          label: Jane
          unquoted: a test
        - id: acme-ceo
          type: Post
          label: Chief executive of Acme
          postIn: acme
          unquoted: a test
        """, re.escape("succession-violation: <https://w3id.org/smartcity-kg/id/jane-acme-ceo> the contradicting "
                       "holding https://w3id.org/smartcity-kg/id/jane-acme-ceo is the holding itself"),
        id="contradicts-itself"),
]


@pytest.mark.parametrize(("items", "message"), BAD_ITEMS)
def test_a_failing_build_names_the_item_and_keeps_the_previous_build(
        make_graph: Callable[..., Path], previous_build: Path, items: str, message: str) -> None:
    before = _snapshot(previous_build)
    graph = make_graph(items)
    sheet = graph / SHEET
    with pytest.raises(ValidationError, match="^" + re.escape(f"{sheet}:13: ") + message) as info:
        build(previous_build, BuildOptions(graph_dir=graph, reasoner="none"))
    assert [(p.path, p.line) for p in info.value.problems] == [(sheet, 13)]
    assert _snapshot(previous_build) == before
    assert sorted(p.name for p in previous_build.parent.iterdir()) == ["graph", "out", "valid"]


def test_a_build_without_checks_is_refused(graph_dir: Path, previous_build: Path, tmp_path: Path) -> None:
    before = _snapshot(previous_build)
    empty = tmp_path / "checks"
    empty.mkdir()
    with pytest.raises(InputError, match="^" + re.escape(f"{empty}: no quality checks (*-violation.rq) here") + "$"):
        build(previous_build, BuildOptions(graph_dir=graph_dir, checks_dir=empty, reasoner="none"))
    assert _snapshot(previous_build) == before


def test_a_successful_build_replaces_the_previous_one(make_graph: Callable[..., Path],
                                                      previous_build: Path) -> None:
    graph = make_graph("- about: DK\n  unquoted: a test\n")
    result = build(previous_build, BuildOptions(graph_dir=graph, reasoner="none"))
    assert result.report["items"] == 3
    assert '"items": 3' in (previous_build / "report.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in previous_build.parent.iterdir()) == ["graph", "out", "valid"]


def test_a_build_failing_while_writing_keeps_the_previous_build(
        graph_dir: Path, previous_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smartcity_kg.builder import writing

    def fail_on_files(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    before = _snapshot(previous_build)
    monkeypatch.setattr(writing, "write_files", fail_on_files)
    message = re.escape(f"{previous_build}: cannot write the build: No space left on device")
    with pytest.raises(OutputError, match="^" + message + "$"):
        build(previous_build, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    assert _snapshot(previous_build) == before
    assert sorted(p.name for p in previous_build.parent.iterdir()) == ["graph", "out", "valid"]


@pytest.mark.parametrize("names", [[], ["domain.rq", "violation.rq", "range-violation.sparql"]])
def test_check_files_refuses_a_directory_without_checks(tmp_path: Path, names: list[str]) -> None:
    for name in names:
        (tmp_path / name).write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(InputError, match="^" + re.escape(f"{tmp_path}: no quality checks (*-violation.rq) here")):
        check_files(tmp_path)


def test_check_files_finds_the_shipped_checks() -> None:
    names = [p.name for p in check_files(shipped("queries") / "checks")]
    assert names == sorted(names)
    assert {"range-violation.rq", "disjoint-class-violation.rq"} <= set(names)


def test_an_output_folder_that_cannot_be_made_is_one_line(graph_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "a-file" / "out"
    with pytest.raises(OutputError, match="^" + re.escape(f"{out}: cannot write the build: ") + r"[^\n]*"
                       + re.escape(str(out.parent)) + r"[^\n]*$"):
        build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"))


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_line(graph_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    with pytest.raises(OutputError, match="^" + re.escape(f"{folder / 'out'}: cannot write the build: ")):
        build(folder / "out", BuildOptions(graph_dir=graph_dir, reasoner="none"))


@pytest.mark.parametrize("base", [
    "file:///etc/", "kg/", "/kg/", "urn:x:kg/", "https:///kg/", "https://exa mple.org/kg/", "//example.org/kg/",
    "https://user@example.org/kg/", "javascript:alert(1)//",
])
def test_a_base_that_is_not_an_absolute_http_iri_is_refused(graph_dir: Path, tmp_path: Path, base: str) -> None:
    message = re.escape(f"the base IRI {base!r} must be an absolute http(s) IRI, such as 'https://example.org/kg/'")
    with pytest.raises(InputError, match="^<input>: " + message + "$"):
        build(tmp_path / "out", BuildOptions(graph_dir=graph_dir, base=base, reasoner="none"))
    assert not (tmp_path / "out").exists()


SLOW = "SELECT ?subject ?message WHERE { ?subject ?a ?b . ?c ?d ?e . ?f ?g ?h . ?i ?j ?message }\n"


def test_a_check_that_runs_too_long_is_stopped_and_named(graph_dir: Path, tmp_path: Path) -> None:
    checks = Path(shutil.copytree(shipped("queries") / "checks", tmp_path / "checks"))
    slow = checks / "slow-violation.rq"
    slow.write_text(SLOW, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(InputError, match="^" + re.escape(f"{slow}: the check ran longer than 1 s and was stopped") + "$"):
        build(tmp_path / "out", BuildOptions(graph_dir=graph_dir, checks_dir=checks, check_timeout=1.0,
                                             reasoner="none"))
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out").exists()


# Shapes that pySHACL refuses, each with the first line of its refusal.
BAD_SHAPES = [
    pytest.param('[] a sh:NodeShape ; sh:targetClass sck:City ; sh:property [ sh:path "name" ; sh:minCount 1 ] .',
                 "Values of a property path cannot be a Literal.", id="path-is-a-literal"),
    pytest.param("[] a sh:NodeShape ; sh:targetClass sck:City ; sh:property [ sh:path ( sck:name ) ] .",
                 "A list of SHACL Paths must contain at least two path items.", id="path-list-of-one"),
    pytest.param('[] a sh:NodeShape ; sh:targetClass sck:City ; sh:property "p" .',
                 "'p' exists but is not a well-formed SHACL PropertyShape.", id="property-is-a-literal"),
    pytest.param('[] a sh:NodeShape ; sh:targetClass sck:City ; sh:sparql [ sh:select "ASK { }" ] .',
                 "object of type 'NoneType' has no len()", id="sparql-constraint-is-an-ask"),
    pytest.param('[] a sh:NodeShape ; sh:targetClass sck:City ; sh:sparql [ sh:select "SELEC $this" ] .',
                 "Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}", id="sparql-not-sparql"),
    pytest.param('[] a sh:NodeShape ; sh:targetClass sck:City ; sh:rule [ a sh:TripleRule ] .',
                 "No sh:subject", id="triple-rule-without-subject"),
]


@pytest.mark.parametrize(("shape", "message"), BAD_SHAPES)
def test_a_shape_that_pyshacl_refuses_is_one_message(graph_dir: Path, tmp_path: Path, shape: str,
                                                     message: str) -> None:
    ontology = Path(shutil.copytree(shipped("ontology"), tmp_path / "ontology"))
    shapes = ontology / "shapes" / "data.ttl"
    with shapes.open("a", encoding="utf-8") as out:
        out.write(shape + "\n")
    expected = "^" + re.escape(f"{shapes}: the SHACL shapes cannot be applied: {message}")
    with pytest.raises(InputError, match=expected):
        build(tmp_path / "out", BuildOptions(ontology_dir=ontology, graph_dir=graph_dir, reasoner="none"))


def test_checks_find_violations_where_processes_are_spawned_not_forked(
        make_graph: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    graph = make_graph(BAD_ITEMS[4].values[0])
    with pytest.raises(ValidationError, match=BAD_ITEMS[4].values[1]):
        build(tmp_path / "out", BuildOptions(graph_dir=graph, reasoner="none"))


def test_the_data_reach_pyshacl_as_rdflib_parses_them() -> None:
    import pyoxigraph as ox
    import rdflib

    from smartcity_kg.builder.validate import _to_rdflib

    ex, xsd = "https://example.org/", "http://www.w3.org/2001/XMLSchema#"
    s, p = ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p")
    objects = [ox.NamedNode(ex + "o"), ox.BlankNode("b"), ox.Literal("plain"), ox.Literal("hej", language="da"),
               ox.Literal("4.50", datatype=ox.NamedNode(xsd + "decimal")), ox.Literal("x", datatype=ox.NamedNode(xsd + "string")),
               ox.Literal("007", datatype=ox.NamedNode(xsd + "positiveInteger"))]
    triples = [ox.Triple(s, p, o) for o in objects] + [ox.Triple(ox.BlankNode("b"), p, s)]
    parsed = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    made = _to_rdflib(triples)

    def unlabelled(graph: rdflib.Graph) -> set[tuple[object, ...]]:  # the parser renames blank nodes
        return {tuple((type(x), "_" if isinstance(x, rdflib.BNode) else x) for x in t) for t in graph}

    assert len(made) == len(triples) and unlabelled(made) == unlabelled(parsed)
    assert len({o for o in made.objects() if isinstance(o, rdflib.BNode)} | set(made.subjects())) == 2
