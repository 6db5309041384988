"""Tests of the server's pages in headless Chromium: the query editor runs a query, entity pages show evidence.

Every request to a host other than 127.0.0.1 is blocked and recorded; the pages must work without.
"""

from __future__ import annotations

import contextlib
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Route

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


def _screenshot(opened: Opened, folder: Path, name: str) -> None:
    opened.page.screenshot(path=str(folder / name), full_page=True)
    assert (folder / name).stat().st_size > 1000


def test_landing_page_runs_a_typed_query(open_page: Callable[[str], Opened], screenshots: Path) -> None:
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
    _screenshot(opened, screenshots, "server-landing.png")
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


def test_entity_page_shows_its_evidence(open_page: Callable[[str], Opened], screenshots: Path) -> None:
    opened = open_page("/id/cisco")
    page = opened.page
    assert page.text_content("h1") == "Cisco"
    quotes = page.eval_on_selector_all("blockquote", "qs => qs.map(q => q.textContent)")
    assert "Multinational technology companies like American Cisco" in quotes
    assert page.is_visible("text=Evidence")
    neighbours = page.eval_on_selector_all("h2:has-text('Neighbours') + ul a",
                                           "links => links.map(a => a.getAttribute('href'))")
    assert neighbours and all(href.startswith("/") for href in neighbours)
    _screenshot(opened, screenshots, "server-entity-cisco.png")
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


def test_briefing_page_is_served_and_its_view_runs(open_page: Callable[[str], Opened], screenshots: Path) -> None:
    opened = open_page("/brief?firm=Brightway%20Lighting&sector=intelligent-lighting&home=US&market=DK&as_of=2026-06")
    page = opened.page
    assert page.title() == "How Brightway Lighting can reach the decision makers in Denmark"
    quotes = page.locator("blockquote.quote").all_inner_texts()
    assert any(quote.startswith("invested 34 million Euros in new streetlights") for quote in quotes)
    hrefs = page.locator("a.source").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(href.startswith(("http://", "https://")) for href in hrefs)
    frame = next(f for f in page.frames if f != page.main_frame)
    frame.wait_for_function("() => window.smartcityView && window.smartcityView.drawn", timeout=WAIT_MS)
    assert frame.evaluate("() => document.querySelectorAll('#items li').length") >= 5
    assert opened.errors == [] and opened.blocked == []
    _screenshot(opened, screenshots, "server-briefing.png")


def test_briefing_page_refuses_bad_input_on_the_form(url: str) -> None:
    import html

    import httpx

    hostile = "<script>alert(1)</script>"
    with httpx.Client(base_url=url, timeout=30) as client:
        bad_date = client.get("/brief", params={"from": "Cisco", "as_of": "soon"})
        escaped = client.get("/brief", params={"from": hostile})
        empty = client.get("/brief")
    assert bad_date.status_code == 200 and "expected YYYY, YYYY-MM or YYYY-MM-DD" in html.unescape(bad_date.text)
    assert hostile not in escaped.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in escaped.text
    assert "Give an entity, or a firm profile with its sectors, to brief on." in empty.text


CONSTRUCT = """PREFIX sck: <https://w3id.org/smartcity-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?post sck:postIn ?org . ?post rdfs:label ?label }
WHERE { ?post sck:postIn ?org ; rdfs:label ?label . FILTER(?org = <https://w3id.org/smartcity-kg/id/copenhagen-municipality>) }"""


def _run_and_draw(opened: Opened, query: str) -> dict[str, object]:
    page = opened.page
    page.fill("#query", query)
    page.click("button[type=submit]")
    page.wait_for_selector("#picture:not([hidden])", timeout=WAIT_MS)
    page.click("#as-network")
    page.wait_for_function("() => window.smartcityEditor.settled === true", timeout=WAIT_MS)
    result: dict[str, object] = page.evaluate("""() => {
        const network = smartcityEditor.network;
        return {nodes: network.body.data.nodes.get().map(n => [n.id, n.label]).sort(),
                edges: network.body.data.edges.get().map(e => [e.from, e.to, e.label]).sort(),
                canvases: document.querySelectorAll('#graph canvas').length};
    }""")
    return result


def test_query_editor_draws_a_construct_as_a_network(open_page: Callable[[str], Opened], store: "ox.Store",
                                                     screenshots: Path) -> None:
    opened = open_page("/")
    drawn = _run_and_draw(opened, CONSTRUCT)
    rows = list(store.query(CONSTRUCT.replace("CONSTRUCT { ?post sck:postIn ?org . ?post rdfs:label ?label }",
                                              "SELECT DISTINCT ?post ?org ?label")))
    copenhagen = "https://w3id.org/smartcity-kg/id/copenhagen-municipality"
    assert rows and drawn["canvases"] == 1
    posts = {(row["post"].value, row["label"].value) for row in rows}
    assert sorted(map(tuple, drawn["nodes"])) == sorted([*posts, (copenhagen, "copenhagen-municipality")])  # type: ignore[call-overload]
    assert drawn["edges"] == sorted([post, copenhagen, "postIn"] for post, _ in posts)
    assert opened.page.text_content("#status") == f"{2 * len(posts)} triples"
    assert opened.errors == [] and opened.blocked == []
    _screenshot(opened, screenshots, "server-query-as-network.png")


def test_query_editor_draws_a_select_that_names_entities(open_page: Callable[[str], Opened]) -> None:
    opened = open_page("/")
    drawn = _run_and_draw(opened, """PREFIX sck: <https://w3id.org/smartcity-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?post ?postLabel ?org WHERE { ?post sck:postIn ?org ; rdfs:label ?postLabel }""")
    nodes = dict(drawn["nodes"])  # type: ignore[call-overload]
    assert nodes["https://w3id.org/smartcity-kg/id/lord-mayor-of-copenhagen"] == "Lord Mayor of Copenhagen"
    assert ["https://w3id.org/smartcity-kg/id/lord-mayor-of-copenhagen",
            "https://w3id.org/smartcity-kg/id/copenhagen-municipality", "post → org"] in drawn["edges"]  # type: ignore[operator]
    assert opened.errors == [] and opened.blocked == []
