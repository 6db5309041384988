"""Tests of the named queries: the catalogue, strict headers, bound parameters, pinned answers."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import (
    BuildOptions,
    EntityIndex,
    EntityNotFoundError,
    InputError,
    QueryError,
    bind_params,
    build,
    load_catalogue,
    open_store,
    run_query,
    shipped,
)
from smartcity_kg.store.queries import load_query

QUERIES = shipped("queries")
COLUMNS = {
    "us-firm-partnerships": ["firm", "partner", "date", "source"],
    "initiatives": ["initiative", "city", "launched"],
    "awards": ["winner", "award", "year"],
    "city-targets": ["city", "target", "year"],
    "country-rankings": ["report", "country", "rank"],
    "market-estimates": ["estimator", "scope", "qualifier", "amount", "currency", "year"],
    "investment-sectors": ["country", "sector"],
    "market-insights": ["country", "kind", "statement", "source", "edition"],
    "decision-makers": ["post", "organisation", "market", "holder", "status", "from", "to", "lastAttested", "electedOn",
                        "term", "disputedBy", "source", "asOf", "asOfDay"],
    "evidence": ["subject", "statement", "source", "edition", "quote"],
}


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    """The session's build of the shipped graph, in a store of this module's own."""
    return open_store(built)


@pytest.fixture(scope="module")
def unreasoned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped graph built without reasoning, once for this module: read it, never change it."""
    out = tmp_path_factory.mktemp("unreasoned") / "build"
    build(out, BuildOptions(reasoner="none"))
    return out


@pytest.fixture(scope="module")
def index(store: ox.Store) -> EntityIndex:
    return EntityIndex.from_store(store)


def answer(store: ox.Store, index: EntityIndex, name: str, **params: str) -> list[dict[str, str]]:
    query = load_catalogue(QUERIES)[name]
    result = run_query(store, query, bind_params(query, params, index))
    rows = list(csv.reader(io.StringIO(result.to_csv(index.labels))))
    assert rows[0] == COLUMNS[name]
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_catalogue_has_every_query_of_the_issue() -> None:
    catalogue = load_catalogue(QUERIES)
    assert set(COLUMNS) <= set(catalogue)
    for query in catalogue.values():
        assert query.summary and query.description, query.name


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_runs_has_its_columns_and_no_duplicate_rows(path: Path, store: ox.Store, index: EntityIndex) -> None:
    query = load_query(path)
    given = {p.name: "Cisco" for p in query.params if p.required}
    result = run_query(store, query, bind_params(query, given, index))
    if query.name in COLUMNS:
        assert result.columns == COLUMNS[query.name]
    rows = [tuple(str(t) for t in row) for row in result.rows]
    assert len(rows) == len(set(rows)), "a fact stated by several sources must come back once"


def test_a_required_parameter_must_be_given(index: EntityIndex) -> None:
    query = load_catalogue(QUERIES)["evidence"]
    with pytest.raises(QueryError, match="'evidence' needs the parameter 'entity'"):
        bind_params(query, {}, index)


def test_awards(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "awards")
    assert {"winner": "Copenhagen Connecting", "award": "World Smart Cities Awards", "year": "2014"} in rows


def test_city_targets(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "city-targets")
    assert {"city": "Copenhagen", "target": "become carbon-neutral", "year": "2025"} in rows


def test_country_rankings(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "country-rankings")
    firsts = {r["country"] for r in rows if r["report"] == "Mapping Smart Cities in the EU" and r["rank"] == "1"}
    assert firsts == {"Denmark", "Sweden", "Estonia", "Slovenia"}


def test_market_estimates(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "market-estimates")
    assert {"estimator": "Arup", "scope": "global smart urban services", "qualifier": "", "amount": "400000000000",
            "currency": "USD", "year": "2020"} in rows


def test_investment_sectors(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "investment-sectors")
    sectors = {r["sector"] for r in rows if r["country"] == "Denmark"}
    assert sectors >= {"intelligent lighting", "intelligent transport systems", "climate adaptation",
                       "energy renovation and retrofitting", "smart grid technology",
                       "digitalisation of social and health care services"}


def test_market_insights(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "market-insights")
    kinds = {r["kind"] for r in rows if r["country"] == "Denmark"}
    assert kinds == {"market standing", "market challenge", "market opportunity", "entry strategy"}
    statements = {r["statement"] for r in rows}
    assert "Most legislation is governed on an EU level." in statements
    assert "The first step would be to become part of a Smart City project or pilot." in statements


@pytest.mark.parametrize(("as_of", "statement", "edition"), [
    ("2015", "Most legislation is governed on an EU level.", "date not known"),
    ("2021-11-12", "Most legislation is governed on an EU level.", "date not known"),
    ("2021-11-13", "A significant body of relevant legislation is determined at the EU level.", "2021-11-13"),
    ("2026-06", "A significant body of relevant legislation is determined at the EU level.", "2021-11-13"),
])
def test_market_insights_as_of_a_date_give_the_edition_in_force(store: ox.Store, index: EntityIndex, as_of: str,
                                                                statement: str, edition: str) -> None:
    rows = answer(store, index, "market-insights", asOf=as_of)
    eu = [(r["statement"], r["edition"]) for r in rows if "EU level" in r["statement"]]
    assert eu == [(statement, edition)]
    guide = [r for r in rows if r["source"] in ("Denmark – Smart Cities", "Denmark - Country Commercial Guide, Smart Cities")]
    older = [r for r in guide if r["edition"] == "date not known"]
    if edition == "date not known":
        assert older == guide
    else:  # of the older edition, only what lies beyond the end of the 2021 edition's stored copy (coversUpTo)
        assert {r["statement"] for r in older} >= {"The first step would be to become part of a Smart City project or pilot."}
        assert {r["kind"] for r in older} == {"entry strategy"}


def test_market_insights_without_a_date_give_every_edition(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "market-insights")
    eu = sorted((r["statement"], r["source"], r["edition"]) for r in rows if "EU level" in r["statement"])
    assert eu == [("A significant body of relevant legislation is determined at the EU level.",
                   "Denmark - Country Commercial Guide, Smart Cities", "2021-11-13"),
                  ("Most legislation is governed on an EU level.", "Denmark – Smart Cities", "date not known")]


@pytest.mark.parametrize(("entity", "as_of", "guides"), [
    ("Arup", "2015", {"Denmark – Smart Cities"}), ("Arup", "2026-06", set()),
    ("smart-aarhus", "2015", {"Denmark – Smart Cities"}), ("smart-aarhus", "2026-06", set()),
    ("copenhagen-carbon-neutral-2025", "2015", {"Denmark – Smart Cities"}),
    ("copenhagen-carbon-neutral-2025", "2026-06", {"Denmark - Country Commercial Guide, Smart Cities"}),
])
def test_evidence_as_of_a_date_cites_the_edition_in_force(store: ox.Store, index: EntityIndex, entity: str,
                                                          as_of: str, guides: set[str]) -> None:
    rows = answer(store, index, "evidence", entity=entity, asOf=as_of)
    assert {r["source"] for r in rows if r["source"].startswith("Denmark –") or r["source"].startswith("Denmark -")} == guides
    everything = answer(store, index, "evidence", entity=entity)
    assert {r["edition"] for r in everything if r["source"] == "Denmark – Smart Cities"} == {"date not known"}


def test_initiatives(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "initiatives")
    smart_aarhus = [r for r in rows if r["initiative"] == "Smart Aarhus"]
    assert smart_aarhus and smart_aarhus[0]["city"] == "Aarhus"
    assert smart_aarhus[0]["launched"].startswith("2012")
    assert any(r["initiative"] == "Copenhagen Connecting" and r["city"] == "Copenhagen" for r in rows)


def test_evidence_quotes_the_guide(store: ox.Store, index: EntityIndex) -> None:
    rows = answer(store, index, "evidence", entity="Arup")
    quote = ("‘Arup’, the international design and engineering consultancy, estimates that global smart urban "
             "services will grow to USD 400 billion annually by 2020.")
    assert {r["subject"] for r in rows} >= {"Arup", "Global smart urban services, USD 400 billion a year by 2020"}
    assert all(r["source"] for r in rows)
    assert any(r["quote"] == quote and r["source"] == "Denmark – Smart Cities" for r in rows)


def test_evidence_takes_an_iri_or_an_id(store: ox.Store, index: EntityIndex) -> None:
    by_label = answer(store, index, "evidence", entity="Arup")
    assert answer(store, index, "evidence", entity="arup") == by_label
    assert answer(store, index, "evidence", entity="https://w3id.org/smartcity-kg/id/arup") == by_label


def test_parameters_are_bound_as_terms_not_spliced(store: ox.Store, index: EntityIndex) -> None:
    query = load_catalogue(QUERIES)["evidence"]
    hostile = ox.Literal('x" } UNION { ?subject ?p ?o } #')
    assert run_query(store, query, {"entity": hostile}).rows == []


def test_unknown_parameter_is_refused(store: ox.Store, index: EntityIndex) -> None:
    query = load_catalogue(QUERIES)["awards"]
    with pytest.raises(QueryError, match="has no parameter market; its parameters: none"):
        bind_params(query, {"market": "DK"}, index)


def test_unknown_entity_suggests_close_labels(index: EntityIndex) -> None:
    with pytest.raises(EntityNotFoundError, match="did you mean .*'Copenhagen'"):
        index.resolve("Copenhagn")


def test_csv_json_shapes(store: ox.Store, index: EntityIndex) -> None:
    query = load_catalogue(QUERIES)["country-rankings"]
    result = run_query(store, query)
    data = json.loads(result.to_json(index.labels))
    assert data["head"]["vars"] == COLUMNS["country-rankings"]
    first = data["results"]["bindings"][0]
    assert first["country"]["type"] == "uri" and first["country"]["label"]
    # pyoxigraph's store keeps xsd:positiveInteger values as xsd:integer; the files keep the type.
    assert first["rank"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize(("header", "message"), [
    ("#+ summary: x\n#+ colour: red\n", "unknown header key 'colour'"),
    ("#+ description: no summary\n", "needs 'summary:'"),
    ("SELECT * WHERE { ?s ?p ?o }\n", "expected a '#\\+' header"),
    ("#+ summary: x\n#+ params:\n#+   - name: nowhere\n#+     description: unused\n", "'nowhere' is not used"),
    ("#+ summary: x\n#+ params:\n#+   - name: s\n#+     description: d\n#+     kind: number\n", "unknown kind 'number'"),
    ("#+ summary: [unclosed\n", "malformed YAML"),
])
def test_bad_headers_are_refused(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(header + "SELECT ?s WHERE { ?s ?p ?o }\n")
    with pytest.raises(InputError, match=message):
        load_query(path)
    with pytest.raises(InputError, match="bad.rq"):
        load_query(path)



_PARAM = "#+ summary: x\n#+ params:\n#+   - name: sector\n#+     description: a sector\n"


@pytest.mark.parametrize(("body", "message"), [
    ("SELECT ?sectorLabel WHERE { ?s ?p ?sectorLabel }\n", "'sector' is not used"),  # a longer name is another variable
    ("# ?sector\nSELECT ?s WHERE { ?s ?p '?sector' }\n", "'sector' is not used"),  # in a comment or a string, unused
    ("SELECT ?s WHERE {\n  ?s ?p ?o\n  BIND(?o AS ?sector)\n}\n", r"bad.rq:7: parameter 'sector' is given"),
    ("SELECT ?s WHERE {\n  { SELECT ?s (?o AS $sector) WHERE { ?s ?p ?o } }\n}\n", r"bad.rq:6: parameter 'sector' is given"),
    ("SELECT ?s WHERE {\n  ?s ?p ?sector . FILTER(?s = 'unclosed)\n}\n", r"bad.rq:6: cannot read the query"),
])
def test_parameters_are_read_from_the_querys_variables(tmp_path: Path, body: str, message: str) -> None:
    """A parameter is a variable the query uses (not a longer name, a comment or a string) and never assigns."""
    path = tmp_path / "bad.rq"
    path.write_text(_PARAM + body)
    with pytest.raises(InputError, match=message):
        load_query(path)


def test_a_parameter_used_only_with_a_dollar_sign_is_used(tmp_path: Path) -> None:
    path = tmp_path / "good.rq"
    path.write_text(_PARAM + "SELECT ?s WHERE { ?s ?p $sector }\n")
    assert [p.name for p in load_query(path).params] == ["sector"]

def test_queries_run_without_reasoning_where_they_can(unreasoned: Path) -> None:
    store = open_store(unreasoned)
    index = EntityIndex.from_store(store)
    assert answer(store, index, "us-firm-partnerships") == []  # needs the inferred U.S. firms
    assert answer(store, index, "city-targets")


def test_store_on_disk_is_reused_until_the_build_changes(tmp_path: Path, unreasoned: Path, built: Path) -> None:
    out, disk = tmp_path / "build", tmp_path / "store"
    shutil.copytree(unreasoned, out)  # a build without reasoning
    first = len(open_store(out, disk))
    stamp = (disk / "smartcity-kg-build.sha256").read_text()
    assert len(open_store(out, disk)) == first
    shutil.rmtree(out)
    shutil.copytree(built, out)  # replaced by a build with reasoning
    assert len(open_store(out, disk)) > first
    assert (disk / "smartcity-kg-build.sha256").read_text() != stamp
