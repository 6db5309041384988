"""The shipped graph says what its sources say: pinned facts, identifiers and posts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import (
    EntityIndex,
    bind_params,
    load_catalogue,
    open_store,
    run_query,
    shipped,
)
from smartcity_kg.namespaces import COUNTRY

ID = "https://w3id.org/smartcity-kg/id/"
SCK = "https://w3id.org/smartcity-kg/ontology#"


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    """The session's build of the shipped graph, in a store of this module's own."""
    return open_store(built)


def rows(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    index = EntityIndex.from_store(store)
    query = load_catalogue(shipped("queries"))[name]
    text = run_query(store, query, bind_params(query, params, index)).to_csv(index.labels)
    return list(csv.DictReader(io.StringIO(text)))


def values(store: ox.Store, subject: str, prop: str) -> set[str]:
    query = f"SELECT ?v WHERE {{ <{subject}> <{SCK}{prop}> ?v }}"
    return {r["v"].value for r in store.query(query, use_default_graph_as_union=True)}


@pytest.mark.parametrize(("subject", "prop", "expected"), [
    (COUNTRY + "DK", "wikidataId", "Q35"), (COUNTRY + "DK", "geonamesId", "2623032"),
    (COUNTRY + "DK", "dbpediaResource", "http://dbpedia.org/resource/Denmark"),
    (COUNTRY + "DK", "isoCode", "DNK"), (COUNTRY + "DK", "isoCode", "208"),
    (COUNTRY + "SE", "wikidataId", "Q34"), (COUNTRY + "EE", "wikidataId", "Q191"),
    (COUNTRY + "SI", "wikidataId", "Q215"), (COUNTRY + "US", "wikidataId", "Q30"), (COUNTRY + "US", "isoCode", "840"),
    (ID + "copenhagen", "wikidataId", "Q1748"), (ID + "copenhagen", "geonamesId", "2618425"),
    (ID + "byen-kobenhavn", "nutsCode", "DK011"), (ID + "copenhagen-municipal-area", "wikidataId", "Q504125"),
    (ID + "copenhagen-municipality", "municipalityCode", "0101"),
    (ID + "capital-region", "wikidataId", "Q26073"), (ID + "capital-region", "isoCode", "DK-84"),
    (ID + "capital-region", "nutsCode", "DK01"),
    (ID + "aarhus", "wikidataId", "Q25319"), (ID + "aarhus", "geonamesId", "2624652"), (ID + "ostjylland", "nutsCode", "DK042"),
    (ID + "aarhus-municipality", "municipalityCode", "0751"),
    (ID + "central-denmark-region", "isoCode", "DK-82"), (ID + "central-denmark-region", "nutsCode", "DK04"),
    (ID + "albertslund", "geonamesId", "2624906"), (ID + "albertslund-municipality", "municipalityCode", "0165"),
    (ID + "frederikssund", "geonamesId", "2621912"), (ID + "frederikssund-municipality", "municipalityCode", "0250"),
    (ID + "vejle", "geonamesId", "2610613"), (ID + "vejle-municipality", "municipalityCode", "0630"),
    (ID + "ita", "wikidataId", "Q6054002"), (ID + "ita", "rorId", "02an13226"),
    (ID + "us-department-of-commerce", "wikidataId", "Q503577"), (ID + "cisco", "wikidataId", "Q173395"),
    (ID + "hitachi", "dbpediaResource", "http://dbpedia.org/resource/Hitachi"),
    (ID + "european-parliament", "wikidataId", "Q8889"),
    (ID + "aarhus-university", "wikidataId", "Q924265"), (ID + "aarhus-university", "rorId", "01aj84f44"),
    (ID + "dtu", "wikidataId", "Q1269766"),
    (ID + "statistics-denmark", "wikidataId", "Q1164337"), (ID + "statistics-denmark", "rorId", "000f7jy90"),
])
def test_dossier_identifiers(store: ox.Store, subject: str, prop: str, expected: str) -> None:
    assert expected in values(store, subject, prop)


def test_identifiers_sit_on_the_node_they_identify(store: ox.Store) -> None:
    # NUTS codes identify regions: the cities lie in the NUTS-3 regions that carry them.
    assert values(store, ID + "copenhagen", "nutsCode") == values(store, ID + "aarhus", "nutsCode") == set()
    assert {ID + "byen-kobenhavn", ID + "capital-region"} <= values(store, ID + "copenhagen", "locatedIn")
    assert {ID + "ostjylland", ID + "central-denmark-region"} <= values(store, ID + "aarhus", "locatedIn")
    nuts = store.query(f"SELECT ?s WHERE {{ ?s <{SCK}nutsCode> ?code FILTER NOT EXISTS {{ ?s a <{SCK}Region> }} }}",
                       use_default_graph_as_union=True)
    assert isinstance(nuts, ox.QuerySolutions) and list(nuts) == []
    # Q504125 is the municipality as a territory; the City of Copenhagen is the authority that governs it.
    assert values(store, ID + "copenhagen-municipality", "wikidataId") == set()
    assert ID + "copenhagen-municipal-area" in values(store, ID + "copenhagen-municipality", "governs")
    area = ox.NamedNode(ID + "copenhagen-municipal-area")
    kinds = {q.object.value for q in store.quads_for_pattern(area, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None)}
    assert SCK + "MunicipalArea" in kinds and SCK + "Organisation" not in kinds


def test_us_firm_partnerships_include_the_2014_agreement(store: ox.Store) -> None:
    found = rows(store, "us-firm-partnerships")
    pairs = {(r["firm"], r["partner"]) for r in found if r["date"] == "2014-05-28"}
    assert {("Cisco", "City of Copenhagen"), ("Cisco", "Albertslund Municipality"),
            ("Cisco", "Frederikssund Municipality")} <= pairs
    # The guide gives the year of Cisco's partnership with Copenhagen, not the day of the agreement.
    assert {"firm": "Cisco", "partner": "City of Copenhagen", "date": "2014", "source": "Denmark – Smart Cities"} in found
    assert not any(r["source"] == "Denmark – Smart Cities" and r["date"] == "2014-05-28" for r in found)
    assert not any(r["firm"] == "Hitachi" for r in found)  # Hitachi is based in Japan


def test_decision_makers_in_denmark(store: ox.Store) -> None:
    found = rows(store, "decision-makers")
    holders = {(r["post"], r["holder"]) for r in found}
    assert {("Lord Mayor of Copenhagen", "Frank Jensen"), ("Lord Mayor of Copenhagen", "Sophie Hæstorp Andersen"),
            ("Mayor of Albertslund", "Steen Christiansen"), ("Mayor of Frederikssund", "John Schmidt Andersen"),
            ("Mayor of Aarhus", "Jacob Bundsgaard")} <= holders
    frank = next(r for r in found if r["holder"] == "Frank Jensen")
    # No source gives the start of his tenure; its end, and the dates sources attest it, are apart.
    assert (frank["status"], frank["from"], frank["to"], frank["lastAttested"]) == ("former", "", "2020-10", "2016-05")
    sophie = next(r for r in rows(store, "decision-makers", asOf="2022")
                  if (r["post"], r["holder"]) == ("Lord Mayor of Copenhagen", "Sophie Hæstorp Andersen"))
    assert sophie["status"] == "current" and sorted(sophie["from"].split(" or ")) == ["2021-12-03", "2022-01-01"]
    then = {r["holder"]: r["status"] for r in rows(store, "decision-makers", asOf="2015")
            if r["post"] == "Lord Mayor of Copenhagen"}
    assert then == {"Frank Jensen": "current"}
    assert {r["market"] for r in found} == {"Denmark"}
    # The posts of U.S. firms decide in the U.S.: Apple's Nordic manager, AWS's Scandinavian director.
    assert {(r["post"], r["holder"]) for r in rows(store, "decision-makers", market="US")} == {
        ("Nordic manager, Apple", "Erik Stannow"), ("Scandinavian director, Amazon Web Services", "Guido Bartels")}


def test_evidence_of_the_agreement_quotes_the_signing(store: ox.Store) -> None:
    found = rows(store, "evidence", entity="cisco-three-municipalities-agreement-2014")
    quotes = {r["quote"] for r in found}
    assert any(q.startswith("Aftalen blev underskrevet d. 28. maj 2014") and "Frank Jensen" in q for q in quotes)
    assert "For instance, Cisco and Hitachi established partnerships with the city of Copenhagen in 2014." not in quotes


def test_the_guides_2014_partnership_is_not_made_the_agreement_of_28_may(store: ox.Store) -> None:
    guide, agreement = ID + "cisco-copenhagen-partnership-2014", ID + "cisco-three-municipalities-agreement-2014"
    assert values(store, guide, "partner") == {ID + "cisco", ID + "copenhagen-municipality"}
    assert values(store, guide, "startDate") == {"2014"}
    assert _sources_of(store, guide) == {"ita-denmark-smart-cities"}
    assert values(store, agreement, "partner") == {ID + n for n in (
        "cisco", "copenhagen-municipality", "albertslund-municipality", "frederikssund-municipality")}
    assert values(store, agreement, "startDate") == {"2014-05-28"}
    assert _sources_of(store, agreement) == {"cisco-newsroom-2014-05-28", "gate21-cisco-partnership",
                                             "cisco-blog-copenhagen-ioe", "usine-digitale-copenhague"}
    assert not store.query(f"ASK {{ {{ <{guide}> ?p <{agreement}> }} UNION {{ <{agreement}> ?p <{guide}> }} }}",
                           use_default_graph_as_union=True)


def _sources_of(store: ox.Store, subject: str) -> set[str]:
    query = f"SELECT ?s WHERE {{ <{subject}> <{SCK}evidence>/<{SCK}source> ?s }}"
    return {r["s"].value.rsplit("/", 1)[-1] for r in store.query(query, use_default_graph_as_union=True)}


def test_no_source_says_steen_christiansen_chairs_energiklyngecenter_sjaelland(store: ox.Store) -> None:
    assert not store.query(f"ASK {{ ?chair <{SCK}chairs> <{ID}energiklyngecenter-sjaelland> }}",
                           use_default_graph_as_union=True)
    assert values(store, ID + "steen-christiansen", "chairs") == set()
    # What a source does say, with its date: he chaired Gate 21's board in March 2020.
    holding = ID + "steen-christiansen-gate-21-board-chair"
    assert values(store, holding, "post") == {ID + "gate-21-board-chair"}
    assert values(store, holding, "attestedOn") == {"2020-03-30"}


def test_tel_avivs_award_cites_the_dossier_not_the_call_for_entries(store: ox.Store) -> None:
    award = ID + "world-smart-cities-awards-2014-tel-aviv"
    assert values(store, award, "winner") == {ID + "tel-aviv"}
    assert _sources_of(store, award) == _sources_of(store, ID + "tel-aviv") == {"denmark-ecosystem-dossier"}
    quotes = {r["quote"] for r in rows(store, "evidence", entity="world-smart-cities-awards-2014-tel-aviv")}
    assert "Tel Aviv won the City category." in quotes


def test_the_city_data_exchange_launch_is_the_month_no_source_gives_a_day_of(store: ox.Store) -> None:
    assert values(store, ID + "city-data-exchange", "launchDate") == {"2016-05"}


@pytest.mark.parametrize(("subject", "prop", "number", "qualifier", "statement"), [
    ("copenhagen-traffic-lights-investment-2014", "amount", "100000000", "moreThan", "amount more than 100000000"),
    ("facebook-odense-data-centre-investment", "amount", "10000000000", "moreThan", "amount more than 10000000000"),
    ("clean", "memberCount", "170", "approximately", "number of members about 170"),
])
def test_qualified_numbers_keep_their_qualifier(store: ox.Store, subject: str, prop: str, number: str,
                                                qualifier: str, statement: str) -> None:
    assert values(store, ID + subject, prop) == {number}
    assert values(store, ID + subject, "valueQualifier") == {SCK + qualifier}
    statements = {r["s"].value for r in store.query(
        f"SELECT ?s WHERE {{ <{ID}{subject}> <{SCK}evidence>/<{SCK}statement> ?s }}", use_default_graph_as_union=True)}
    assert any(statement in s for s in statements), statements


def test_the_older_guide_points_at_no_page_that_now_serves_another_edition(store: ox.Store) -> None:
    older, newer = (f"https://w3id.org/smartcity-kg/source/{s}" for s in
                    ("ita-denmark-smart-cities", "ita-denmark-smart-cities-2021"))
    page = "<http://xmlns.com/foaf/0.1/page>"
    assert not store.query(f"ASK {{ <{older}> {page} ?page }}", use_default_graph_as_union=True)
    assert store.query(f"ASK {{ <{newer}> {page} <https://www.trade.gov/country-commercial-guides/denmark-smart-cities> }}",
                       use_default_graph_as_union=True)
    note = {r["n"].value for r in store.query(f"SELECT ?n WHERE {{ <{older}> <http://www.w3.org/2004/02/skos/core#note> ?n }}",
                                              use_default_graph_as_union=True)}.pop()
    assert "Privacy Shield" in note and "2021-11-13" in note


def test_every_source_but_the_dossier(store: ox.Store) -> None:
    pages = {r["p"].value for r in store.query(
        "SELECT ?p WHERE { ?s a <https://w3id.org/smartcity-kg/ontology#Source> ; <http://xmlns.com/foaf/0.1/page> ?p }",
        use_default_graph_as_union=True)}
    assert "https://www.trade.gov/country-commercial-guides/denmark-smart-cities" in pages
    assert not any("dossier" in p for p in pages)
    assert len(pages) >= 30


def test_hitachi_is_not_a_us_firm_and_cisco_is(store: ox.Store) -> None:
    assert store.query(f"ASK {{ <{ID}cisco> a <{SCK}USFirm> }}", use_default_graph_as_union=True)
    assert not store.query(f"ASK {{ <{ID}hitachi> a <{SCK}USFirm> }}", use_default_graph_as_union=True)


def test_the_shipped_graph_states_no_qualified_number_as_exact(built: Path) -> None:
    report = json.loads((built / "report.json").read_text(encoding="utf-8"))
    assert report["validation"]["checks"]["qualifier-violation"] == 0


def test_us_firm_partnerships_see_cisco_in_doll(store: ox.Store) -> None:
    """Cisco's work in DOLL and DOLL's consortium are one partnership, whose sources name its partners."""
    found = rows(store, "us-firm-partnerships")
    doll = {r["partner"] for r in found if r["firm"] == "Cisco" and r["source"] == "DOLL living lab to introduce LED street lights in Denmark"}
    assert {"Albertslund Municipality", "Technical University of Denmark"} <= doll
