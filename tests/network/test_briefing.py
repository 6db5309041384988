"""Tests of the briefing page: what it answers, every hop quoted and linked, escaped, deterministic."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import EntityIndex
from smartcity_kg.exceptions import OutputError
from smartcity_kg.network.briefing import Briefing, Question, make_briefing, source_pages
from smartcity_kg.network.markets import resolve_market
from smartcity_kg.network.paths import Profile, add_profile, resolve_sector
from smartcity_kg.network.projection import Network
from smartcity_kg.network.tenure import network_as_of, parse_as_of

IMG = "<img src=x onerror=alert(1)>"


class Links(HTMLParser):
    """The links of a page, and its text outside the framed view."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._href: str | None = None
        self.tags: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self._href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None:
            self.links.append((self._href, data))


def _brief(store: ox.Store, network: Network, *, profile: bool = True, as_of: str = "2026-06",
           pages: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> Briefing:
    when = parse_as_of(as_of)
    index = EntityIndex.from_store(store)
    aged = network_as_of(network, when)
    if labels:
        aged = replace(aged, labels={**aged.labels, **labels})
    us, dk = resolve_market("US"), resolve_market("DK")
    sector = resolve_sector(aged, "intelligent-lighting")
    if profile:
        firm = Profile("Brightway Lighting", us.iri, (sector,))
        aged, start = add_profile(aged, firm), firm.iri
    else:
        start = index.resolve("Cisco").value
    return make_briefing(aged, Question(start, us, dk, (sector,), when, 5),
                         pages=source_pages(store) if pages is None else pages)


@pytest.fixture(scope="module")
def brief(store: ox.Store, network: Network) -> Briefing:
    return _brief(store, network)


def test_briefing_answers_the_question_as_of_its_date(brief: Briefing) -> None:
    text = " ".join(Links(brief.html).text)
    assert brief.title == "How Brightway Lighting can reach the decision makers in Denmark"
    assert "a firm based in United States working in intelligent lighting" in text and "As of 2026-06." in text
    assert brief.decision_makers == 5 and brief.paths >= 5
    assert "Lord Mayor of Copenhagen, as of 2026-06: Sisse Marie Welling" in text
    assert "former holder: Frank Jensen, the tenure ended 2020-10" in text
    for heading in ("Decision makers to approach", "Brokers to meet", "Investments and initiatives in Denmark in "
                    "intelligent lighting", "What the graph does not know", "The paths, interactive"):
        assert heading in text
    assert "City of Copenhagen invests in intelligent lighting" in text


def test_every_hop_is_quoted_and_linked_to_its_source(store: ox.Store, brief: Briefing) -> None:
    page = Links(brief.html)
    text = " ".join(page.text)
    pages = source_pages(store)
    assert brief.quotes
    for quote in brief.quotes:
        assert quote in text
    hrefs = {href for href, _ in page.links}
    assert hrefs and all(href.startswith(("http://", "https://")) for href in hrefs)
    assert hrefs <= set(pages.values())
    for href, label in page.links:
        assert label.strip()


def test_what_the_graph_does_not_know_is_said_plainly(brief: Briefing) -> None:
    gaps = brief.html.split("What the graph does not know", 1)[1].split("The paths, interactive", 1)[0]
    assert "no holder known" in gaps
    assert re.search(r"Old evidence: .* rests on evidence \d+ years", gaps)
    assert "Cited without a quote" in gaps


def test_only_http_pages_become_links(store: ox.Store, network: Network) -> None:
    pages = {source: "javascript:alert(1)" for source in source_pages(store)}
    page = Links(_brief(store, network, pages=pages).html)
    assert page.links == []
    assert "javascript:" not in _brief(store, network, pages=pages).html.split("<iframe", 1)[0]


def test_labels_from_data_are_escaped(store: ox.Store, network: Network) -> None:
    copenhagen = EntityIndex.from_store(store).resolve("City of Copenhagen").value
    html = _brief(store, network, labels={copenhagen: IMG}).html
    outside = html.split("<iframe", 1)[0]
    assert IMG not in html and "&lt;img src=x onerror=alert(1)&gt;" in outside
    assert "img" not in Links(outside).tags


def test_briefing_from_a_firm_in_the_graph(store: ox.Store, network: Network) -> None:
    cisco = _brief(store, network, profile=False)
    assert cisco.title == "How Cisco can reach the decision makers in Denmark"
    assert "Cisco and City of Copenhagen are partners in" in cisco.html


def test_briefing_is_deterministic_and_saved_only_over_its_own(store: ox.Store, network: Network, brief: Briefing,
                                                              tmp_path: Path) -> None:
    assert _brief(store, network).html == brief.html
    target = brief.save(tmp_path / "brief.html")
    assert target.read_text(encoding="utf-8") == brief.html
    brief.save(target)
    foreign = tmp_path / "notes.html"
    foreign.write_text("<p>my notes</p>", encoding="utf-8")
    with pytest.raises(OutputError):
        brief.save(foreign)
    assert foreign.read_text(encoding="utf-8") == "<p>my notes</p>"


def test_without_sectors_the_firms_own_sectors_are_used(store: ox.Store, network: Network) -> None:
    from smartcity_kg.network.briefing import firm_sectors

    when = parse_as_of("2026-06")
    us, dk = resolve_market("US"), resolve_market("DK")
    sector = resolve_sector(network, "intelligent-lighting")
    firm = Profile("Brightway Lighting", us.iri, (sector,))
    aged = add_profile(network_as_of(network, when), firm)
    assert firm_sectors(aged, firm.iri) == (sector,)
    assert firm_sectors(aged, "urn:example:not-in-the-graph") == ()
    page = make_briefing(aged, Question(firm.iri, us, dk, (), when, 3), pages={}).html
    assert "Investments and initiatives in Denmark in intelligent lighting" in page
    assert "City of Copenhagen invests in intelligent lighting" in page
