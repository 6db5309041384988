"""The shipped graph says what the second dossier's sources say: today's posts, U.S. firms, sectors."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest

from smartcity_kg import EntityIndex, bind_params, load_catalogue, run_query, shipped
from smartcity_kg.network.brokers import find_brokers
from smartcity_kg.network.markets import firms_based_in, resolve_market
from smartcity_kg.network.projection import Network
from smartcity_kg.network.render import holder_lines
from smartcity_kg.network.tenure import holders_as_of, network_as_of, parse_as_of, with_holders
from smartcity_kg.network.paths import find_paths

ID = "https://w3id.org/smartcity-kg/id/"
SCK = "https://w3id.org/smartcity-kg/ontology#"
#: A fixed "today" inside the councils' term 2026-2029, so the pinned answers do not move with the clock.
TODAY = "2026-12-01"


def rows(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    index = EntityIndex.from_store(store)
    query = load_catalogue(shipped("queries"))[name]
    text = run_query(store, query, bind_params(query, params, index)).to_csv(index.labels)
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def mayors(store: ox.Store) -> dict[str, list[dict[str, str]]]:
    """The holdings of each mayor's post of the market DK as of TODAY, by post label."""
    out: dict[str, list[dict[str, str]]] = {}
    for row in rows(store, "decision-makers", asOf=TODAY):
        if row["post"].startswith(("Mayor of ", "Lord Mayor of ")):
            out.setdefault(row["post"], []).append(row)
    return out


def _holding(found: list[dict[str, str]], holder: str) -> dict[str, str]:
    [row] = {r["holder"]: r for r in found if r["holder"] == holder}.values()
    return row


@pytest.mark.parametrize(("post", "holder", "status", "start", "term", "source"), [
    ("Lord Mayor of Copenhagen", "Sisse Marie Welling", "current", "", "2026–2029", "2025 Copenhagen City council election"),
    ("Mayor of Aarhus", "Anders Winnerskjold", "current", "2024-10", "2026–2029", "2025 Aarhus municipal election"),
    ("Mayor of Odense", "Peter Rahbæk Juel", "current", "", "2022–2029", "2025 Odense municipal election"),
    ("Mayor of Aalborg", "Lasse Frimand Jensen", "current", "2023-06", "2026–2029", "2025 Aalborg municipal election"),
    ("Mayor of Aalborg", "Jes Lunde", "current", "", "2026–2029", "Nordics Today (title not shown)"),
    ("Mayor of Vejle", "Jens Ejner Christensen", "current", "2017-03-01", "2022–2029", "2025 Vejle municipal election"),
    # His term 2022-2025 has run out and no source names the mayor after it: not known to hold it still.
    ("Mayor of Albertslund", "Steen Christiansen", "last attested", "2010", "2022–2025",
     "Ekstra Bladet (Ritzau) (title not shown)"),
    ("Mayor of Frederikssund", "Tina Tving Stauning", "current", "2022", "",
     "Frederikssund-borgmester: Her er mit løfter til borgerne de kommende fire år"),
])
def test_decision_makers_name_each_mayor_with_tenure_and_source(
        mayors: dict[str, list[dict[str, str]]], post: str, holder: str, status: str, start: str, term: str,
        source: str) -> None:
    row = _holding(mayors[post], holder)
    assert (row["status"], row["from"], row["term"]) == (status, start, term)
    assert row["source"] == source  # one source of the holding, the first by title


def test_no_earlier_holder_is_current_today(mayors: dict[str, list[dict[str, str]]]) -> None:
    current = {post: sorted({r["holder"] for r in found if r["status"] == "current"}) for post, found in mayors.items()}
    assert current["Lord Mayor of Copenhagen"] == ["Sisse Marie Welling"]
    assert current["Mayor of Aarhus"] == ["Anders Winnerskjold"]
    assert current["Mayor of Albertslund"] == []
    for post, holder in [("Lord Mayor of Copenhagen", "Sophie Hæstorp Andersen"), ("Lord Mayor of Copenhagen", "Lars Weiss"),
                         ("Mayor of Aarhus", "Jacob Bundsgaard"), ("Mayor of Aalborg", "Thomas Kastrup-Larsen"),
                         ("Mayor of Frederikssund", "John Schmidt Andersen"), ("Mayor of Vejle", "Arne Sigtenbjerggaard")]:
        assert _holding(mayors[post], holder)["status"] == "former"


def test_aalborgs_2026_mayor_shows_the_disagreement_of_the_sources(
        mayors: dict[str, list[dict[str, str]]], network: Network) -> None:
    lasse, jes = (_holding(mayors["Mayor of Aalborg"], h) for h in ("Lasse Frimand Jensen", "Jes Lunde"))
    assert (lasse["disputedBy"], jes["disputedBy"]) == ("Jes Lunde", "Lasse Frimand Jensen")
    assert lasse["source"] != jes["source"]
    # Before the term of the 2025 election no source disagrees: Lasse Frimand Jensen alone holds the post.
    then = [h for h in holders_as_of(network, ID + "mayor-of-aalborg", parse_as_of("2024")) if h.status == "current"]
    assert [(h.holder_label, h.disputed_by) for h in then] == [("Lasse Frimand Jensen", ())]
    now = {h.holder_label: h for h in holders_as_of(network, ID + "mayor-of-aalborg", parse_as_of(TODAY))}
    assert now["Jes Lunde"].disputed_by == ("Lasse Frimand Jensen",) and now["Jes Lunde"].status == "current"
    assert now["Thomas Kastrup-Larsen"].status == "former"


def test_paths_from_cisco_name_the_lord_mayor_of_today_and_of_2022(network: Network) -> None:
    for as_of, holder, evidence in [
        (TODAY, "Sisse Marie Welling", "attested 2026-02-04 (Nye ansigter og mange ”første gange” på årets første "
                                       "bestyrelsesmøde), elected 2025-11-18 (2025 Copenhagen City council election)"),
        ("2022", "Sophie Hæstorp Andersen", "since 2021-12-03 or 2022-01-01 (Lord Mayors of Copenhagen (Mayors of Europe))"),
    ]:
        when = parse_as_of(as_of)
        aged = network_as_of(network, when)
        [path] = with_holders(find_paths(aged, ID + "cisco", {ID + "lord-mayor-of-copenhagen"}, k=1), aged, when)
        first, *others = holder_lines(path)
        assert first.startswith(f"Lord Mayor of Copenhagen, as of {as_of}: {holder}, {evidence}")
        # Every other holder is a former one: no earlier holder reads as current.
        assert others and all(line.startswith("former holder: ") for line in others)


def _us_firms_of_partnerships(store: ox.Store, facts: set[str]) -> set[str]:
    found = store.query(f"SELECT DISTINCT ?fact ?firm WHERE {{ ?fact <{SCK}partner> ?firm . ?firm a <{SCK}USFirm> }}",
                        use_default_graph_as_union=True)
    return {row["firm"].value for row in found if row["fact"].value in facts}


@pytest.mark.parametrize(("sector", "firms"), [
    # A partnership counts for a sector of its own, of what it concerns, or of the firm (so Apple and Google here).
    ("digital-infrastructure", {"cisco", "microsoft", "facebook", "apple", "google"}),
    ("air-quality", {"cisco", "google"}),
    ("clean-technology", {"apple", "facebook"}),
])
def test_opportunities_of_three_sectors_rest_on_two_or_more_us_firms(store: ox.Store, sector: str,
                                                                       firms: set[str]) -> None:
    index = EntityIndex.from_store(store)
    query = load_catalogue(shipped("queries"))["sector-markets"]
    result = run_query(store, query, bind_params(query, {"sector": sector}, index))
    column = {name: number for number, name in enumerate(result.columns)}
    facts = {str(row[column["fact"]].value) for row in result.rows  # type: ignore[union-attr]
             if str(row[column["kind"]].value) == "partnership"  # type: ignore[union-attr]
             and str(row[column["market"]].value).endswith("/DK")}  # type: ignore[union-attr]
    assert _us_firms_of_partnerships(store, facts) == {ID + firm for firm in firms}


def test_brokers_rest_on_two_or_more_us_firms(network: Network) -> None:
    market, home = resolve_market("DK"), resolve_market("US")
    firms = firms_based_in(network, home, market)
    assert {ID + f for f in ("apple", "google", "facebook", "microsoft", "epic", "ibm", "uber", "ge")} <= firms
    brokering = {firm for firm in firms
                 if any(b.node == ID + "copenhagen-municipality" for b in find_brokers(network, firms={firm}, top=5))}
    assert len(brokering) >= 2


def test_every_page_the_dossier_cites_has_its_source_record() -> None:
    from smartcity_kg.builder.sources import load_sources

    records = load_sources(shipped("graph") / "sources" / "sources.yaml")
    dossier = records["denmark-ecosystem-dossier-2"].text or ""
    cited = {url.rstrip(").;") for url in re.findall(r"https?://[^\s,]+", dossier)}
    # A copy of the same text that the dossier names beside its original (D2-04); the record's note gives it.
    copies = {"https://nord.news/2021/11/29/local-round-up-just-one-man-among-copenhagen-municipalitys-seven-mayors/"}
    assert len(cited) > 80
    assert cited - copies <= {source.url for source in records.values()}
