"""The briefing in headless Chromium: every hop's quote and source link is on the page, the
framed paths view draws offline, and the page prints to a PDF that holds the same text."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import pytest

from smartcity_kg.namespaces import SCK
from smartcity_kg.network.briefing import Briefing, Question, make_briefing, source_pages
from smartcity_kg.network.markets import decision_makers, resolve_market
from smartcity_kg.network.paths import Profile, add_profile, find_paths, resolve_sector
from smartcity_kg.network.projection import Network
from smartcity_kg.network.tenure import network_as_of, parse_as_of, with_holders

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def _squeeze(text: str) -> str:
    """Text as a PDF's extraction and a page's may both give it: ligatures undone, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def briefing(store: ox.Store, network: Network) -> tuple[Briefing, list[Any], dict[str, str]]:
    """The briefing for a lighting firm not in the graph, as of 2026-06, and the paths it shows."""
    when = parse_as_of("2026-06")
    us, dk = resolve_market("US"), resolve_market("DK")
    sector = resolve_sector(network, "intelligent-lighting")
    firm = Profile("Brightway Lighting", us.iri, (sector,))
    aged = add_profile(network_as_of(network, when), firm)
    pages = source_pages(store)
    brief = make_briefing(aged, Question(firm.iri, us, dk, (sector,), when, 5), pages=pages)
    targets = {t for t in decision_makers(aged, dk) if SCK + "Person" not in aged.types.get(t, ())}
    found = with_holders(find_paths(aged, firm.iri, targets, market=dk, k=20), aged, when)
    return brief, found, pages


def _open(browser: Browser, brief: Briefing, folder: Path) -> tuple[Page, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    blocked: list[str] = []
    errors: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file://", "about:", "data:"))
               else (blocked.append(route.request.url), route.abort()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(brief.save(folder / "brief.html").as_uri())
    return page, blocked, errors


def test_briefing_shows_every_hop_with_its_quote_and_source(briefing: tuple[Briefing, list[Any], dict[str, str]],
                                                            browser: Browser, tmp_path: Path,
                                                            screenshots: Path) -> None:
    brief, found, pages = briefing
    page, blocked, errors = _open(browser, brief, tmp_path)
    try:
        quotes = page.locator("blockquote.quote").all_inner_texts()
        links = page.locator("a.source").evaluate_all("as => as.map(a => [a.textContent, a.getAttribute('href')])")
        hops = [hop for path in brief.routes for hop in path.hops]
        assert {p.target for p in brief.routes} <= {p.target for p in found}
        for hop in hops:
            if hop.quote:
                assert hop.quote in quotes, hop.quote
            if hop.evidence_source in pages:
                assert [hop.evidence_source_label, pages[hop.evidence_source]] in links, hop.relation
        frame = page.frame_locator("iframe.view")
        assert frame.locator("#items li").count() == brief.paths
        deadline = time.monotonic() + 30
        child = next(f for f in page.frames if f != page.main_frame)
        while not child.evaluate("() => window.smartcityView && window.smartcityView.drawn"):
            assert time.monotonic() < deadline, errors
            time.sleep(0.1)
        assert blocked == [] and errors == []
        page.screenshot(path=str(screenshots / "briefing.png"), full_page=True)
        page.screenshot(path=str(screenshots / "briefing-top.png"))
    finally:
        page.close()


def test_briefing_prints_to_a_pdf_with_the_same_text(briefing: tuple[Briefing, list[Any], dict[str, str]],
                                                    browser: Browser, tmp_path: Path) -> None:
    from pypdf import PdfReader

    brief, _, _ = briefing
    page, _, _ = _open(browser, brief, tmp_path)
    try:
        assert page.evaluate("() => getComputedStyle(document.querySelector('iframe.view')).display") != "none"
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.querySelector('iframe.view')).display") == "none"
        pdf = tmp_path / "brief.pdf"
        page.pdf(path=str(pdf), format="A4")
    finally:
        page.close()
    reader = PdfReader(pdf)
    text = _squeeze("".join(p.extract_text() or "" for p in reader.pages))
    assert len(reader.pages) >= 2
    for line in (brief.title, "Decision makers to approach", "What the graph does not know",
                 "Sophie Hæstorp Andersen", *brief.quotes):
        assert _squeeze(line) in text, line
