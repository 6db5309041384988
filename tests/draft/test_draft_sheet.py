"""Drafting a fact sheet: mentions, candidates typed from the ontology, verbatim quotes; the draft builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import BuildOptions, build
from smartcity_kg._yaml import Mapping, Scalar, Sequence, parse_yaml
from smartcity_kg.builder.sources import quote_in_text
from smartcity_kg.draft.names import load_names
from smartcity_kg.draft.recall import curated_facts, score
from smartcity_kg.draft.sheet import draft_sheet
from smartcity_kg.resources import shipped

# An invented guide paragraph about another market: nothing in it is in the shipped graph but Cisco.
GUIDE = """\
Portugal – Smart Cities

The city of Lisbon aims at reducing CO2 emissions by 60 % by 2030. Porto invested €900 million ($945 million)
in intelligent lighting and smart grid technology in 2019. Acme Analytics estimates that the Portuguese
smart-city market will grow to about EUR 1.2 billion annually by 2025.

Cisco signed a partnership with Porto on 12 March 2021. Contact the Mayor of Porto first.
"""


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(built / "graph.trig"), format=ox.RdfFormat.TRIG)
    return store


def _items(sheet: str) -> list[Mapping]:
    root = parse_yaml(sheet, Path("draft.yaml"))
    assert isinstance(root, Mapping) and isinstance(root.values["items"], Sequence)
    return [i for i in root.values["items"].items if isinstance(i, Mapping)]


def _quotes(item: Mapping) -> list[str]:
    quote = item.values["quote"]
    return [quote.value] if isinstance(quote, Scalar) else [q.value for q in quote.items]  # type: ignore[union-attr]


def test_an_invented_guide_is_drafted_from_what_it_says(store: ox.Store) -> None:
    sheet, found = draft_sheet(store, GUIDE, "pt-guide", origin="pt.txt")
    mentions = {(m.kind, m.ref) for _, ms, _ in found.sentences for m in ms}
    assert {("country", "PT"), ("place", "Lisbon"), ("place", "Porto"), ("entity", "cisco"),
            ("sector", "intelligent-lighting"), ("sector", "smart-grid")} <= mentions
    assert found.amounts == {"900000000", "945000000", "1200000000"}
    assert found.years == {"2030", "2019", "2025", "2021"}
    types = {c.type: c for c in found.items}
    assert set(types) == {"Target", "SectorInvestment", "MarketEstimate", "Partnership", "Post"}
    assert types["Target"].slots["goal"].values == ["reducing CO2 emissions by 60 %"]
    assert types["Target"].slots["percentage"].values == ["60"]
    assert "targetOf" not in types["Target"].slots  # the sentence names no organisation
    assert types["MarketEstimate"].slots["amount"].values == ["1200000000"]
    assert "'about' it" in types["MarketEstimate"].slots["amount"].why
    assert types["MarketEstimate"].slots["qualifier"].values == ["about"]  # so the build keeps it, not an exact number
    assert "qualifier" not in types["SectorInvestment"].slots
    assert "estimator" not in types["MarketEstimate"].slots  # Acme Analytics is in no build
    assert types["SectorInvestment"].slots["amount"].values == ["900000000"]
    assert types["SectorInvestment"].slots["investingPlace"].values == ["Porto"]
    assert "country" not in types["SectorInvestment"].slots  # GeoNames knows Porto's country; the sentence does not say it
    assert types["Partnership"].slots["startDate"].values == ["2021-03-12"]
    assert types["Post"].label == "Mayor of Porto"
    for item in _items(sheet):
        assert all(quote_in_text(q, GUIDE) and q in GUIDE for q in _quotes(item))
    assert "  # - id: target-reducing-co2-emissions-by-60-by-2030" in sheet
    assert "targetOf (1 value): required, and the sentence does not say it" in sheet
    assert "# locatedIn: PT  (GeoNames says so; the sentence does not)" in sheet


def test_the_draft_builds_as_it_is(store: ox.Store, tmp_path: Path) -> None:
    graph = Path(shutil.copytree(shipped("graph"), tmp_path / "graph"))
    (graph / "sources" / "pt-guide.txt").write_text(GUIDE, encoding="utf-8")
    with (graph / "sources" / "sources.yaml").open("a", encoding="utf-8") as records:
        records.write("  - id: pt-guide\n    title: Portugal – Smart Cities\n    publisher: Test\n"
                      "    url: https://example.org/pt\n    kind: guide\n    language: en\n    text: pt-guide.txt\n")
    sheet, _ = draft_sheet(store, GUIDE, "pt-guide", origin="pt-guide.txt")
    (graph / "facts" / "pt-guide.yaml").write_text(sheet, encoding="utf-8")
    # and the shipped guide's text as a source of its own: its draft builds beside the curated sheet
    guide = (graph / "sources" / "ita-denmark-smart-cities.txt").read_text(encoding="utf-8")
    (graph / "sources" / "dk-copy.txt").write_text(guide, encoding="utf-8")
    with (graph / "sources" / "sources.yaml").open("a", encoding="utf-8") as records:
        records.write("  - id: dk-copy\n    title: A copy\n    publisher: Test\n"
                      "    url: https://example.org/dk\n    kind: guide\n    language: en\n    text: dk-copy.txt\n")
    (graph / "facts" / "dk-copy.yaml").write_text(draft_sheet(store, guide, "dk-copy", origin="dk-copy.txt")[0],
                                                  encoding="utf-8")
    result = build(tmp_path / "build", BuildOptions(graph_dir=graph))
    assert result.report["items"] > 0
    triples = (tmp_path / "build" / "graph.nt").read_text(encoding="utf-8")
    assert ("<https://w3id.org/smartcity-kg/id/investment-in-intelligent-lighting-smart-grid-technology> "
            "<https://w3id.org/smartcity-kg/ontology#investingPlace> <https://w3id.org/smartcity-kg/id/porto> .") in triples
    assert ("<https://w3id.org/smartcity-kg/id/target-becoming-carbon-neutral-by-2025> "
            "<https://w3id.org/smartcity-kg/ontology#targetOf> "
            "<https://w3id.org/smartcity-kg/id/copenhagen-municipality> .") in triples
    assert "<https://w3id.org/smartcity-kg/evidence/dk-copy/cisco>" in triples


def test_recall_on_the_shipped_guide_is_at_least_80_percent(store: ox.Store) -> None:
    graph = shipped("graph")
    text = (graph / "sources" / "ita-denmark-smart-cities.txt").read_text(encoding="utf-8")
    _, found = draft_sheet(store, text, "ita-denmark-smart-cities", origin="guide")
    scores = {s.kind: s for s in score(found, curated_facts(graph / "facts" / "ita-denmark-smart-cities.yaml",
                                                              load_names(store)))}
    hits = sum(len(s.hits) for s in scores.values())
    expected = sum(len(s.expected) for s in scores.values())
    assert hits / expected >= 0.9  # measured: 30 of 32
    assert scores["entities"].recall >= 0.9 and scores["entities"].precision >= 0.85
    assert scores["years"].recall == scores["amounts"].recall == 1.0
