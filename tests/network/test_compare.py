"""Markets compared for a sector: counts, the documented score, the ranking and the evidence."""

from __future__ import annotations

import datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from smartcity_kg.cli.main import main
from smartcity_kg.network.compare import WEIGHTS, compare_markets, comparison_text
from smartcity_kg.network.markets import resolve_market
from smartcity_kg.store.dataset import open_store
from smartcity_kg.store.entities import EntityIndex

LIGHTING = "https://w3id.org/smartcity-kg/sector/intelligent-lighting"


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    return open_store(built)


@pytest.fixture(scope="module")
def labels(store: ox.Store) -> dict[str, str]:
    return EntityIndex.from_store(store).labels


def test_denmark_is_ranked_for_intelligent_lighting_with_its_evidence(store: ox.Store, labels: dict[str, str]) -> None:
    found = compare_markets(store, LIGHTING, resolve_market("US"), labels)
    assert [m.market.code for m in found] == ["DK"]
    denmark = found[0]
    assert denmark.counts["investment"] >= 1
    counts = denmark.counts  # the score as the module's header documents it
    assert denmark.score == (3 * counts["partnership"] + 2 * counts["investment"] + 2 * counts["decision maker"]
                             + counts["initiative"])
    # Cisco's partnership in DOLL, a lighting lab, outweighs the city's investment in streetlights.
    assert denmark.strongest.label == "DOLL partnership"
    assert denmark.strongest.quote and "Danish Outdoor Light Lab" in denmark.strongest.quote
    assert any(t.label == "City of Copenhagen invests EUR 34 million in new streetlights" for t in denmark.evidence)
    assert all(t.source_label and t.kind in WEIGHTS for t in denmark.evidence)


def test_evidence_is_strongest_first(store: ox.Store, labels: dict[str, str]) -> None:
    sector = "https://w3id.org/smartcity-kg/sector/digital-infrastructure"
    (denmark,) = compare_markets(store, sector, resolve_market("US"), labels)
    weights = [WEIGHTS[t.kind] for t in denmark.evidence]
    assert weights == sorted(weights, reverse=True)
    # The heaviest kind, then the newest: Microsoft's datacenter built from 2022, before Cisco's of 2014.
    assert denmark.strongest.kind == "partnership" and "Microsoft" in denmark.strongest.label
    assert any(t.kind == "partnership" and "Cisco" in t.label for t in denmark.evidence)


def test_no_partnership_counts_with_firms_of_the_market_itself(store: ox.Store, labels: dict[str, str]) -> None:
    sector = "https://w3id.org/smartcity-kg/sector/digital-infrastructure"
    found = {m.market.code: m for m in compare_markets(store, sector, resolve_market("DK"), labels)}
    assert found["DK"].counts["partnership"] == 0
    # Seen from Denmark, the U.S. is the market where a Danish firm (John Sisk & Son ApS) partners Microsoft.
    assert found["US"].counts["partnership"] == 2


def test_no_market_is_a_clear_answer(store: ox.Store, labels: dict[str, str]) -> None:
    found = compare_markets(store, "https://w3id.org/smartcity-kg/sector/none", resolve_market("US"), labels)
    assert found == []
    assert comparison_text(found, "none", resolve_market("US"), "2020").startswith(
        "No market in the graph is tied to none as of 2020")


def test_facts_dated_only_after_the_date_are_left_out(store: ox.Store, labels: dict[str, str]) -> None:
    today = compare_markets(store, LIGHTING, resolve_market("US"), labels)[0]
    before = compare_markets(store, LIGHTING, resolve_market("US"), labels, datetime.date(2010, 12, 31))
    dated_later = {t.fact for t in today.evidence if t.dates and min(t.dates) > "2011"}
    assert dated_later, "the test needs a fact dated after 2010"
    kept = {t.fact for m in before for t in m.evidence}
    assert not dated_later & kept
    assert all(t.fact in kept for t in today.evidence if not t.dates)


def test_the_command_without_a_market_compares_markets(built: Path) -> None:
    result = CliRunner().invoke(main, ["opportunities", "--sector", "intelligent lighting", "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert "1. Denmark (DK): score " in result.output
    assert 'source: Cisco supports smart city green initiatives in Copenhagen — "The smart city work has already begun on the Danish Outdoor Light Lab (DOLL)' in result.output
    kept = CliRunner().invoke(main, ["opportunities", "--sector", "intelligent lighting", "--market", "DK",
                                     "--build-dir", str(built)])
    assert kept.output.startswith("Opportunities in Denmark tied to 'intelligent lighting', as of ")


@pytest.mark.parametrize("args", [["opportunities", "--sector", "intelligent lighting"],
                                  ["opportunities", "--sector", "intelligent lighting", "--market", "DK"],
                                  ["brokers"]])
def test_as_of_is_in_the_heading_and_a_bad_one_is_refused(built: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--as-of", "2015", "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert "as of 2015" in result.output.splitlines()[0]
    bad = CliRunner().invoke(main, [*args, "--as-of", "last year", "--build-dir", str(built)])
    assert bad.exit_code == 2 and "--as-of: the as-of date 'last year' is not a date; expected YYYY" in bad.output
