"""Tests of smartcity_kg.network.tenure: answers as of a date, the age of evidence, holders of posts."""

from __future__ import annotations

import datetime
import pathlib
from collections.abc import Callable

import pytest

from smartcity_kg import QueryError, open_store
from smartcity_kg.namespaces import SCK
from smartcity_kg.network.paths import Path, find_paths
from smartcity_kg.network.projection import Network, project
from smartcity_kg.network.render import paths_text
from smartcity_kg.network.tenure import (AsOf, DatedNetworks, age_in_months, holders_as_of, network_as_of, parse_as_of,
                                         with_holders)

ID = "https://w3id.org/smartcity-kg/id/"
CISCO = ID + "cisco"
LORD_MAYOR = ID + "lord-mayor-of-copenhagen"


@pytest.fixture(scope="module")
def network(built: pathlib.Path) -> Network:
    return project(open_store(built))


def _paths(network: Network, as_of: str | None, targets: set[str] | None = None, k: int = 5) -> list[Path]:
    when = parse_as_of(as_of)
    aged = network_as_of(network, when)
    return with_holders(find_paths(aged, CISCO, targets, k=k), aged, when)


@pytest.mark.parametrize(("text", "day"), [("2015", datetime.date(2015, 12, 31)),
                                           ("2016-02", datetime.date(2016, 2, 29)),
                                           ("2014-05-28", datetime.date(2014, 5, 28))])
def test_an_as_of_date_stands_for_the_last_day_of_its_period(text: str, day: datetime.date) -> None:
    assert parse_as_of(text).day == day and parse_as_of(text).text == text


@pytest.mark.parametrize("text", ["2015-13", "yesterday", "15", "2015-02-30", "2015/06", ""])
def test_an_as_of_that_is_not_a_date_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(QueryError, match="expected YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_as_of(text)


def test_age_counts_whole_months_from_the_first_day_a_date_may_mean() -> None:
    assert age_in_months("2014", parse_as_of("2014-12-31")) == 11
    assert age_in_months("2014-05-28", parse_as_of("2026-11-30")) == 150
    assert age_in_months("2030", parse_as_of("2020")) == 0


def test_today_cisco_does_not_end_at_frank_jensen_as_a_current_holder(network: Network) -> None:
    found = _paths(network, None)
    assert found and all(SCK + "Post" in network.types[p.target] for p in found)
    for path in found:
        assert path.holders is not None
        assert not [h for h in path.holders if h.holder_label == "Frank Jensen" and h.status == "current"]


def test_today_the_lord_mayor_is_reached_with_the_holder_of_today(network: Network) -> None:
    [path, *_] = _paths(network, "2026-12-01", {LORD_MAYOR})
    assert path.holders is not None
    current = [h for h in path.holders if h.status == "current"]
    # Elected on 18 November 2025 for 2026-2029 and attested on 4 February 2026; no source gives her start.
    assert [h.holder_label for h in current] == ["Sisse Marie Welling"]
    [sisse] = current
    assert sisse.since == () and [d.date for d in sisse.elected] == ["2025-11-18"]
    assert ([d.date for d in sisse.term_start], [d.date for d in sisse.term_end]) == (["2026"], ["2029"])
    assert [(d.date, d.source_label) for d in sisse.attested] == [
        ("2026-02-04", "Nye ansigter og mange ”første gange” på årets første bestyrelsesmøde")]
    former = {h.holder_label: h for h in path.holders if h.status == "former"}
    assert set(former) == {"Frank Jensen", "Sophie Hæstorp Andersen", "Lars Weiss"}
    assert [d.date for d in former["Frank Jensen"].until] == ["2020-10"]
    # Her end has its year and the day it was announced, each with its source.
    assert [d.date for d in former["Sophie Hæstorp Andersen"].until] == ["2024"]
    assert [d.date for d in former["Sophie Hæstorp Andersen"].announced] == ["2024-08-29"]
    # No source dates Lars Weiss's end: his named successor's term ends his tenure.
    assert former["Lars Weiss"].until == () and former["Lars Weiss"].successors == ("Sisse Marie Welling",)
    text = paths_text([path])
    assert ("Lord Mayor of Copenhagen, as of 2026-12-01: Sisse Marie Welling, attested 2026-02-04 (Nye ansigter og "
            "mange ”første gange” på årets første bestyrelsesmøde), elected 2025-11-18 (2025 Copenhagen City council "
            "election) for the term 2026–2029 (2025 Copenhagen City council election); not known to have ended") in text
    assert "former holder: Lars Weiss, succeeded by Sisse Marie Welling" in text
    assert ("former holder: Sophie Hæstorp Andersen, the tenure ended 2024 (2025 Copenhagen City council election), "
            "announced 2024-08-29 (2025 Copenhagen City council election)") in text


def test_as_of_2022_names_the_holder_of_2022_with_both_starts(network: Network) -> None:
    [path, *_] = _paths(network, "2022", {LORD_MAYOR})
    assert path.holders is not None
    current = [h for h in path.holders if h.status == "current"]
    assert [h.holder_label for h in current] == ["Sophie Hæstorp Andersen"]
    # The two sources' starts are two claims, shown as such, each with its source.
    assert sorted(d.date for d in current[0].since) == ["2021-12-03", "2022-01-01"]
    assert all(d.source.endswith("/mayorsofeurope-copenhagen") for d in current[0].since)
    # The announcement of her end lies after the date: not shown yet; nor are her successors.
    assert current[0].announced == () and {h.holder_label for h in path.holders} == {"Sophie Hæstorp Andersen",
                                                                                    "Frank Jensen"}
    text = paths_text([path])
    assert "Sophie Hæstorp Andersen, since 2021-12-03" in text and "the sources differ" in text
    assert "former holder: Frank Jensen, the tenure ended 2020-10" in text


def test_as_of_2015_names_frank_jensen(network: Network) -> None:
    found = _paths(network, "2015", {LORD_MAYOR})
    assert found and all(p.as_of == "2015" for p in found)
    for path in found:
        assert path.holders is not None
        assert [(h.holder_label, h.status) for h in path.holders] == [("Frank Jensen", "current")]
    # The hop through Frank Jensen reads as a holding, not a former one, in 2015; as a former one today.
    through = [h.relation for p in found for h in p.hops if h.source_label == "Frank Jensen"]
    assert through and not any("former holder" in r for r in through)
    today = [h.relation for p in _paths(network, None, {LORD_MAYOR}, k=20) for h in p.hops
             if h.source_label == "Frank Jensen" and h.target == LORD_MAYOR]
    assert today and all("former holder: the tenure ended 2020-10" in r for r in today)


def test_a_tie_not_yet_evidenced_is_left_out_and_old_evidence_costs_more(network: Network) -> None:
    then, now = network_as_of(network, parse_as_of("2015")), network_as_of(network, parse_as_of("2026"))
    sophie = ID + "sophie-haestorp-andersen"
    assert not then.graph.has_edge(sophie, LORD_MAYOR) and now.graph.has_edge(sophie, LORD_MAYOR)
    frank = ID + "frank-jensen"
    old, recent = now.ties(CISCO, frank)[0], then.ties(CISCO, frank)[0]
    assert old.date == recent.date == "2014-05-28"
    assert old.age_months is not None and recent.age_months is not None and old.age_months > recent.age_months
    assert old.cost == pytest.approx(1.0 * (1 + old.age_months / 12 / 10))
    assert old.cost > recent.cost > network.ties(CISCO, frank)[0].cost


def test_holders_of_a_post_attested_once_are_last_attested_later(network: Network) -> None:
    technical = ID + "copenhagen-technical-and-environmental-mayor"
    [then] = holders_as_of(network, technical, parse_as_of("2014-11-19"))
    [later] = holders_as_of(network, technical, parse_as_of("2016"))
    assert (then.holder_label, then.status, later.status) == ("Morten Kabell", "current", "last attested")
    assert holders_as_of(network, technical, parse_as_of("2013")) == ()


def test_json_carries_as_of_hop_dates_and_ages_and_holder_claims(network: Network) -> None:
    [path] = _paths(network, "2016", {LORD_MAYOR}, k=1)
    data = path.to_dict()
    assert data["as_of"] == "2016"
    hops = data["hops"]
    assert isinstance(hops, list) and all("date" in hop and "age_months" in hop for hop in hops)
    holders = data["holders"]
    assert isinstance(holders, list) and holders[0]["holder_label"] == "Frank Jensen"
    assert all(claim["source"] and claim["source_label"] for claim in holders[0]["attested"])


def test_a_dated_network_is_made_once_per_day_and_the_last_days_are_kept(network: Network) -> None:
    made: list[datetime.date] = []

    def maker(day: datetime.date) -> Callable[[], Network]:
        def make() -> Network:
            made.append(day)
            return network_as_of(network, AsOf(day.isoformat(), day))
        return make

    dated = DatedNetworks(keep=2)
    days = [datetime.date(2015, 6, 30), datetime.date(2020, 1, 1), datetime.date(2024, 12, 31)]
    first = dated.get(days[0], maker(days[0]))
    assert dated.get(days[0], maker(days[0])) is first  # the same day: not made again
    dated.get(days[1], maker(days[1]))
    dated.get(days[0], maker(days[0]))  # the first day asked again: now the most recent
    dated.get(days[2], maker(days[2]))  # a third day: the least recent (days[1]) is dropped
    assert dated.get(days[0], maker(days[0])) is first
    dated.get(days[1], maker(days[1]))
    assert made == [days[0], days[1], days[2], days[1]]
    assert _graph_data(first) == _graph_data(network_as_of(network, AsOf("2015-06-30", days[0])))


def _graph_data(network: Network) -> list[tuple[str, str, object]]:
    return [(u, v, data["ties"]) for u, v, data in network.graph.edges(data=True)]
