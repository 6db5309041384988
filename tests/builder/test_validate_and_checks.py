"""Tests of smartcity_kg.builder.validate and smartcity_kg.builder.checks, through the build.

A failing build names the fact sheet and line, and leaves the previous build as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.builder.checks import check_files
from smartcity_kg.exceptions import InputError, ValidationError
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
        - id: jane
          type: [Person, Company]
          label: Jane
          unquoted: a test
        """, re.escape("disjoint-class-violation: <https://w3id.org/smartcity-kg/id/jane> is both "
                       "<https://w3id.org/smartcity-kg/ontology#Organisation> and "
                       "<https://w3id.org/smartcity-kg/ontology#Person>, which are disjoint"),
        id="person-and-company"),
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
    import pyoxigraph as ox

    serialize = ox.serialize

    def fail_on_json_ld(*args: object, **kwargs: object) -> object:
        if kwargs.get("format") == ox.RdfFormat.JSON_LD:
            raise OSError(28, "No space left on device")
        return serialize(*args, **kwargs)  # type: ignore[arg-type]

    before = _snapshot(previous_build)
    monkeypatch.setattr(ox, "serialize", fail_on_json_ld)
    with pytest.raises(OSError, match="No space left on device"):
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
