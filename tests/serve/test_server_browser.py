"""Tests of the server's pages in headless Chromium: the query editor runs a query, entity pages show evidence.

Every request to a host other than 127.0.0.1 is blocked and recorded; the pages must work without.
"""

from __future__ import annotations

import contextlib
import os
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Route

SCREENSHOTS = Path(os.environ.get("SMARTCITY_KG_SCREENSHOTS", Path(__file__).resolve().parents[2] / ".screenshots"))
WAIT_MS = 30_000
QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?entity ?label WHERE {
  VALUES ?entity { <https://w3id.org/smartcity-kg/id/cisco> <https://w3id.org/smartcity-kg/country/DK> }
  ?entity rdfs:label ?label
} ORDER BY ?label"""

@dataclass
class Opened:
    """A page open in Chromium, and what it tried that it should not have."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def url(built: Path, serve: Callable[..., contextlib.AbstractContextManager[str]]) -> Iterator[str]:
    with serve(built, "--workers", "2") as running:
        yield running


@pytest.fixture
def open_page(browser: Browser, url: str) -> Iterator[Callable[[str], Opened]]:
    pages: list[Opened] = []

    def open_(path: str) -> Opened:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        opened = Opened(page)

        def guard(route: Route) -> None:
            requested = route.request.url
            if urllib.parse.urlsplit(requested).hostname == "127.0.0.1" or requested.startswith(("data:", "about:")):
                route.continue_()
            else:
                opened.blocked.append(requested)
                route.abort()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                opened.errors.append(message.text)

        page.route("**/*", guard)
        page.on("console", console)
        page.on("pageerror", lambda error: opened.errors.append(f"uncaught: {error}"))
        page.goto(url + path)
        pages.append(opened)
        return opened

    yield open_
    for opened in pages:
        opened.page.close()


def _screenshot(opened: Opened, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    assert (SCREENSHOTS / name).stat().st_size > 1000


def test_landing_page_runs_a_typed_query(open_page: Callable[[str], Opened]) -> None:
    opened = open_page("/")
    page = opened.page
    page.fill("#query", "")
    page.type("#query", QUERY)
    page.click("button[type=submit]")
    page.wait_for_selector("#results table tr >> nth=1", timeout=WAIT_MS)
    rows = page.eval_on_selector_all(
        "#results table tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))")
    assert rows[0] == ["entity", "label"]
    assert rows[1] == ["https://w3id.org/smartcity-kg/id/cisco", "Cisco"]
    assert rows[2][0] == "https://w3id.org/smartcity-kg/country/DK" and rows[2][1].startswith("Denmark")
    assert page.text_content("#status") == f"{len(rows) - 1} rows"
    link = page.get_attribute("#results a[href='/id/cisco']", "href")
    assert link == "/id/cisco"
    _screenshot(opened, "server-landing.png")
    assert opened.errors == []
    assert opened.blocked == []


def test_landing_page_runs_a_catalogue_example(open_page: Callable[[str], Opened]) -> None:
    opened = open_page("/")
    page = opened.page
    page.select_option("#examples", "decision-makers")
    assert "sck:Post" in page.input_value("#query")
    page.click("button[type=submit]")
    page.wait_for_selector("#results table tr >> nth=1", timeout=WAIT_MS)
    header = page.eval_on_selector_all("#results th", "cells => cells.map(c => c.textContent)")
    assert header == ["post", "organisation", "market", "holder", "status", "from", "to", "lastAttested", "electedOn",
                      "term", "disputedBy", "source", "asOf", "asOfDay"]
    assert opened.errors == [] and opened.blocked == []


def test_landing_page_shows_a_refusal(open_page: Callable[[str], Opened]) -> None:
    opened = open_page("/")
    page = opened.page
    page.fill("#query", "SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }")
    page.click("button[type=submit]")
    # wait_for_function evaluates a string, which the page's Content-Security-Policy forbids: poll.
    deadline = time.monotonic() + WAIT_MS / 1000
    while not (page.text_content("#status") or "").startswith("error"):
        assert time.monotonic() < deadline, f"no refusal shown: {page.text_content('#status')!r}"
        time.sleep(0.1)
    assert page.text_content("#status") == ("error 400: SERVICE is not allowed: this endpoint queries "
                                            "only its own dataset")
    assert page.query_selector("#results table") is None
    assert opened.blocked == []


def test_entity_page_shows_its_evidence(open_page: Callable[[str], Opened]) -> None:
    opened = open_page("/id/cisco")
    page = opened.page
    assert page.text_content("h1") == "Cisco"
    quotes = page.eval_on_selector_all("blockquote", "qs => qs.map(q => q.textContent)")
    assert "Multinational technology companies like American Cisco" in quotes
    assert page.is_visible("text=Evidence")
    neighbours = page.eval_on_selector_all("h2:has-text('Neighbours') + ul a",
                                           "links => links.map(a => a.getAttribute('href'))")
    assert neighbours and all(href.startswith("/") for href in neighbours)
    _screenshot(opened, "server-entity-cisco.png")
    assert opened.errors == []
    assert opened.blocked == []


def test_landing_page_links_only_http_iris(open_page: Callable[[str], Opened]) -> None:
    opened = open_page("/")
    page = opened.page
    page.fill("#query", "SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <https://example.org/a> "
                        "<file:///etc/passwd> <https://w3id.org/smartcity-kg/id/cisco> } }")
    page.click("button[type=submit]")
    page.wait_for_selector("#results table tr >> nth=4", timeout=WAIT_MS)
    cells = page.eval_on_selector_all("#results td", "cells => cells.map(c => c.textContent)")
    assert cells == ["javascript:alert(1)", "https://example.org/a", "file:///etc/passwd",
                     "https://w3id.org/smartcity-kg/id/cisco"]
    hrefs = page.eval_on_selector_all("#results a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["https://example.org/a", "/id/cisco"]
    assert opened.errors == [] and opened.blocked == []
