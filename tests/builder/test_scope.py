"""Tests of smartcity_kg.builder.scope: a build into a folder holding a trusted previous build
validates only the nodes a change reached, and finds exactly the violations a full validation finds."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder import pipeline
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.builder.scope import local_shapes, reach
from smartcity_kg.exceptions import ValidationError
from smartcity_kg.resources import shipped
from smartcity_kg.store.rdfio import read_rdf

EX = "http://example.org/"
SH = "http://www.w3.org/ns/shacl#"

# Facts added to tiny-source.yaml (from line 13): a holding succeeded by a holding that the
# other sheet declares, and a partnership whose second partner the other sheet gives.
TINY_ITEMS = """\
- id: jane-acme-ceo
  type: PostHolding
  label: Jane, chief executive of Acme
  holder: jane
  post: acme-ceo
  attestedOn: "2020"
  succeededBy: john-acme-ceo
  unquoted: a test
- id: acme-aarhus
  type: Partnership
  label: Acme and Aarhus Municipality
  partner: acme
  unquoted: a test
"""

OTHER_SHEET = """\
source: other-source
items:
  - id: jane
    type: Person
    label: Jane
    unquoted: a test
  - id: john
    type: Person
    label: John
    unquoted: a test
  - id: acme-ceo
    type: Post
    label: Chief executive of Acme
    postIn: acme
    unquoted: a test
  - id: john-acme-ceo
    type: PostHolding
    label: John, chief executive of Acme
    holder: john
    post: acme-ceo
    attestedOn: "2021"
    unquoted: a test
  - id: aarhus-municipality
    type: Municipality
    label: Aarhus Municipality
    governs: aarhus
    unquoted: a test
  - about: acme-aarhus
    partner: aarhus-municipality
    unquoted: a test
  - id: acme-chair
    type: Post
    label: Chair of Acme
    postIn: acme
    unquoted: a test
  - id: acme-lab
    type: Investment
    label: Acme's lab
    amount: 400
    currency: DKK
    quote: Acme invests DKK 400 in a lab
"""

# (what other-source.yaml becomes, the violation expected) — each edit is to the other sheet.
EDITS = [
    pytest.param(lambda s: s.replace("    postIn: acme\n", ""), "sck:postIn: a post needs the organisation",
                 id="a-required-value-removed"),
    pytest.param(lambda s: s.replace("  - id: john-acme-ceo\n    type: PostHolding", "  - id: john-acme-ceo\n    type: Person"),
                 "tiny-source.yaml:13: <https://w3id.org/smartcity-kg/id/jane-acme-ceo> sck:succeededBy",
                 id="a-referenced-node-retyped-in-another-sheet"),
    pytest.param(lambda s: s[:s.index("  - about: acme-aarhus")],
                 "tiny-source.yaml:21: <https://w3id.org/smartcity-kg/id/acme-aarhus> sck:partner: a partnership needs",
                 id="a-value-removed-from-a-node-of-two-sheets"),
    pytest.param(lambda s: s + "  - id: acme-investment\n    type: Investment\n    label: Acme's investment\n"
                               "    amount: 400\n    unquoted: a test\n",
                 "sck:currency: an amount needs exactly one currency", id="an-item-added"),
    # Quality checks: those that look at a node's own quads and its values' types run on the
    # nodes reached; qualifier-violation (it reads the quotes of a node's evidence) on all.
    pytest.param(lambda s: s.replace("    type: Municipality\n", "    type: City\n"),
                 "tiny-source.yaml:21: range-violation: <https://w3id.org/smartcity-kg/id/acme-aarhus>",
                 id="a-referenced-node-retyped-against-a-range"),
    pytest.param(lambda s: s.replace("    label: John\n", "    type: [Person, Company]\n    label: John\n", 1)
                            .replace("  - id: john\n    type: Person\n", "  - id: john\n"),
                 "disjoint-class-violation: <https://w3id.org/smartcity-kg/id/john>", id="two-disjoint-types"),
    pytest.param(lambda s: s.replace('    attestedOn: "2021"\n', '    attestedOn: "2021"\n    endDate: "2020"\n'),
                 "tenure-violation: <https://w3id.org/smartcity-kg/id/john-acme-ceo> a source attests",
                 id="a-date-added"),
    pytest.param(lambda s: s + "  - id: acme-investment\n    type: Investment\n    label: Acme's investment\n"
                               "    amount: 400\n    currency: DKK\n    quote: Acme invests about DKK 400 in Aarhus\n",
                 "qualifier-violation: <https://w3id.org/smartcity-kg/id/acme-investment>", id="a-qualified-number"),
    pytest.param(lambda s: s.replace("quote: Acme invests DKK 400", "quote: Acme invests about DKK 400"),
                 "qualifier-violation: <https://w3id.org/smartcity-kg/id/acme-lab>", id="a-quote-two-links-away"),
    pytest.param(lambda s: s.replace('    post: acme-ceo\n    attestedOn: "2021"', '    post: acme-chair\n    attestedOn: "2021"'),
                 "tiny-source.yaml:13: succession-violation: <https://w3id.org/smartcity-kg/id/jane-acme-ceo>",
                 id="a-successor-moved-to-another-post"),
]


@pytest.fixture
def two_sheets(make_graph: Callable[..., Path]) -> Path:
    """A valid graph dir of two fact sheets that refer to each other's nodes."""
    root = make_graph(TINY_ITEMS)
    (root / "facts" / "other-source.yaml").write_text(OTHER_SHEET, encoding="utf-8")
    return root


@pytest.fixture
def scopes(monkeypatch: pytest.MonkeyPatch) -> list[set[str] | None]:
    """The scope of each validation the builds of the test run (None: everything)."""
    seen: list[set[str] | None] = []
    original = pipeline._validate

    def spy(onto, data, compiled, options, scope=None):  # type: ignore[no-untyped-def]
        seen.append(None if scope is None else {node.value for node in scope})
        return original(onto, data, compiled, options, scope)

    monkeypatch.setattr(pipeline, "_validate", spy)
    return seen


@pytest.fixture
def check_scopes(monkeypatch: pytest.MonkeyPatch) -> list[set[str] | None]:
    """The scope of each run of the quality checks (None: everything)."""
    seen: list[set[str] | None] = []
    original = pipeline.start_checks

    def spy(*args, scope=None, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(None if scope is None else {node.value for node in scope})
        return original(*args, scope=scope, **kwargs)

    monkeypatch.setattr(pipeline, "start_checks", spy)
    return seen


def _problems(out: Path, graph: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        build(out, BuildOptions(graph_dir=graph, reasoner="none"))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(("edit", "expected"), EDITS)
def test_a_rebuild_after_one_changed_sheet_finds_what_a_full_validation_finds(
        two_sheets: Path, tmp_path: Path, scopes: list[set[str] | None], check_scopes: list[set[str] | None],
        edit: Callable[[str], str], expected: str) -> None:
    previous = tmp_path / "previous"
    build(previous, BuildOptions(graph_dir=two_sheets, reasoner="none"))
    sheet = two_sheets / "facts" / "other-source.yaml"
    sheet.write_text(edit(sheet.read_text(encoding="utf-8")), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in previous.iterdir() if p.is_file()}
    incremental = _problems(previous, two_sheets)
    assert scopes[0] is None and scopes[1] is not None  # the first build validated all; the rebuild, a scope
    assert {p.name: p.read_bytes() for p in previous.iterdir() if p.is_file()} == before
    full = _problems(tmp_path / "fresh", two_sheets)
    assert scopes[2] is None
    if "violation" in expected:  # the checks ran: on the nodes reached when rebuilding, on all in a fresh folder
        assert check_scopes[0] is None and check_scopes[1] is not None and check_scopes[2] is None
    assert incremental == full
    assert any(expected in problem for problem in full), full


def test_a_valid_change_validates_only_what_it_reached_and_writes_what_a_full_build_writes(
        two_sheets: Path, tmp_path: Path, scopes: list[set[str] | None]) -> None:
    out = tmp_path / "out"
    build(out, BuildOptions(graph_dir=two_sheets, reasoner="none"))
    sheet = two_sheets / "facts" / "other-source.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("label: John\n", "label: John Doe\n"), encoding="utf-8")
    build(out, BuildOptions(graph_dir=two_sheets, reasoner="none"))
    build(tmp_path / "fresh", BuildOptions(graph_dir=two_sheets, reasoner="none"))
    john = "https://w3id.org/smartcity-kg/id/john"
    assert scopes[1] is not None and john in scopes[1] and "https://w3id.org/smartcity-kg/id/acme" not in scopes[1]
    assert scopes[2] is None
    assert (out / "graph.trig").read_bytes() == (tmp_path / "fresh" / "graph.trig").read_bytes()


@pytest.mark.parametrize("tamper", ["graph.trig", "build-cache.json", "shapes", "sources"])
def test_a_stale_or_foreign_previous_build_means_full_validation(
        two_sheets: Path, tmp_path: Path, scopes: list[set[str] | None], tamper: str) -> None:
    ontology = tmp_path / "ontology"
    shutil.copytree(shipped("ontology"), ontology)
    options = BuildOptions(graph_dir=two_sheets, ontology_dir=ontology, reasoner="none")
    out = tmp_path / "out"
    build(out, options)
    if tamper == "graph.trig":  # the data the record vouches for is not what the folder holds
        with (out / "graph.trig").open("a", encoding="utf-8") as trig:
            trig.write("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    elif tamper == "build-cache.json":
        (out / "build-cache.json").write_text("{", encoding="utf-8")
    elif tamper == "shapes":
        with (ontology / "shapes" / "data.ttl").open("a", encoding="utf-8") as shapes:
            shapes.write("# a comment\n")
    else:
        with (two_sheets / "sources" / "tiny-source.txt").open("a", encoding="utf-8") as text:
            text.write("More text.\n")
    build(out, options)
    assert scopes == [None, None]


def test_the_shipped_data_shapes_are_local() -> None:
    assert local_shapes(read_rdf(shipped("ontology") / "shapes" / "data.ttl"))


def _shape(turtle: str) -> list[ox.Triple]:
    prefixes = f"@prefix sh: <{SH}> . @prefix ex: <{EX}> .\n"
    return list(ox.parse((prefixes + turtle).encode(), format=ox.RdfFormat.TURTLE))  # type: ignore[arg-type]


@pytest.mark.parametrize("turtle", [
    "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this WHERE {}' ] .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ] .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ] .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
    "ex:S sh:targetObjectsOf ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .",
    "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:or ( [ sh:path ex:q ; sh:minCount 1 ] ) ] .",
], ids=["sparql", "node", "qualified", "inverse-path", "sequence-path", "target-objects", "nested-property"])
def test_shapes_that_look_beyond_a_node_and_its_values_types_are_not_local(turtle: str) -> None:
    assert not local_shapes(_shape(turtle))


def test_local_shapes_may_use_logic_over_property_shapes_and_on_values() -> None:
    assert local_shapes(_shape(
        "ex:S sh:targetClass ex:C ; sh:or ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] ) ;"
        " sh:property [ sh:path ex:r ; sh:or ( [ sh:class ex:D ] [ sh:datatype ex:E ] ) ] ."))


def _t(s: str, p: str, o: str, g: str = "g") -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p if p != "type" else "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode(EX + o), ox.NamedNode(EX + g))


def test_reach_holds_the_changed_subjects_and_the_nodes_referring_to_a_retyped_node() -> None:
    old = {_t("a", "knows", "b"), _t("b", "type", "Person"), _t("c", "knows", "d"), _t("e", "likes", "f"),
           _t("h", "likes", "f")}
    new = [_t("a", "knows", "b"), _t("b", "type", "Company"), _t("c", "knows", "d"), _t("g", "likes", "f"),
           _t("h", "likes", "f", "another-graph")]
    graphs: dict[str, list[ox.Triple]] = {}
    for q in new:
        graphs.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    assert reach(old, set(new), graphs) == {ox.NamedNode(EX + n) for n in ("a", "b", "e", "g", "h")}


def test_reach_gives_up_on_a_changed_blank_node_or_hierarchy() -> None:
    blank = ox.Quad(ox.BlankNode(), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "o"), ox.NamedNode(EX + "g"))
    assert reach(set(), {blank}, {}) is None
    assert reach(set(), {ox.Quad(ox.NamedNode(EX + "A"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                                 ox.NamedNode(EX + "B"), ox.NamedNode(EX + "g"))}, {}) is None
