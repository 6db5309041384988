"""Tests of the network views in headless Chromium: drawn offline, no errors, hostile labels stay text."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import networkx as nx
import pyoxigraph as ox
import pytest

from smartcity_kg import EntityIndex, load_catalogue, run_query, shipped
from smartcity_kg.network.projection import Network, Tie
from smartcity_kg.network.opportunities import find_opportunities
from smartcity_kg.network.paths import find_paths, resolve_sector
from smartcity_kg.store.queries import bind_params
from smartcity_kg.network.views import (
    View,
    ego_view,
    opportunities_view,
    overview_view,
    paths_view,
)

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        ConsoleMessage,
        Dialog,
        Page,
        Request,
        Route,
    )

SCREENSHOTS = Path(os.environ.get("SMARTCITY_KG_SCREENSHOTS", Path(__file__).resolve().parents[2] / ".screenshots"))
DEADLINE = 30.0
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
FADED = "rgba(180,180,180,0.25)"

@dataclass
class Opened:
    """A page open in Chromium and what it tried to do."""

    page: Page
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        """The value of a JavaScript function of no argument, evaluated in the page."""
        return self.page.evaluate(expression)


class Opener(Protocol):
    def __call__(self, view: View) -> Opened: ...


@pytest.fixture(scope="module")
def views(store: ox.Store, network: Network) -> dict[str, View]:
    index = EntityIndex.from_store(store)
    query = load_catalogue(shipped("queries"))["entities-in-country"]
    rows = run_query(store, query, bind_params(query, {"market": "DK"}, index)).rows
    in_dk = {row[0].value for row in rows if row[0] is not None}
    copenhagen, cisco = index.resolve("City of Copenhagen").value, index.resolve("Cisco").value
    sector = resolve_sector(network, "intelligent-lighting")
    graph, labels = network.graph.copy(), dict(network.labels)
    for node, evil in ((cisco, IMG), (copenhagen, SCRIPT)):
        labels[node] = graph.nodes[node]["label"] = evil
        u, v = sorted(graph.edges(node))[0]
        ties = graph.edges[u, v]["ties"]
        evidence = tuple(replace(e, source_label=evil, quote=f"{evil} & {IMG}") for e in ties[0].evidence)
        graph.edges[u, v]["ties"] = (replace(ties[0], evidence=evidence), *ties[1:])
    return {
        "overview": overview_view(network),
        "ego": ego_view(network, copenhagen),
        "paths": paths_view(network, find_paths(network, cisco), title="Paths from Cisco"),
        "opportunities": opportunities_view(network, sector, find_opportunities(network, sector, in_dk)),
        "hostile": overview_view(Network(graph, labels, dict(network.types)), title="Hostile labels"),
        "empty": paths_view(network, []),
    }


def _open(browser: Browser, view: View, folder: Path) -> Opened:
    """Open ``view`` as a file, block every other request, and wait until its layout is stable."""
    target = view.save(folder / "view.html")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = Opened(page)

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort()

    def dialog(box: Dialog) -> None:
        opened.dialogs.append(box.message)
        box.dismiss()

    def request(sent: Request) -> None:
        if not sent.url.startswith(("file://", "data:")):
            opened.blocked.append(sent.url)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            opened.errors.append(message.text)

    page.route("**/*", guard)
    page.on("request", request)
    page.on("console", console)
    page.on("pageerror", lambda error: opened.errors.append(f"uncaught: {error}"))
    page.on("dialog", dialog)
    page.goto(target.as_uri())
    deadline = time.monotonic() + DEADLINE
    while not opened.js("() => window.smartcityView && window.smartcityView.stabilized"):
        assert time.monotonic() < deadline, f"the layout did not stabilize in {DEADLINE} s; errors: {opened.errors}"
        assert not [e for e in opened.errors if e.startswith("uncaught: ")], f"the page failed: {opened.errors}"
        time.sleep(0.1)
    return opened


@pytest.fixture
def opener(browser: Browser, tmp_path: Path) -> Iterator[Opener]:
    pages: list[Opened] = []

    def open_view(view: View) -> Opened:
        pages.append(_open(browser, view, tmp_path))
        return pages[-1]

    yield open_view
    for opened in pages:
        opened.page.close()


@pytest.mark.parametrize("kind", ["overview", "ego", "paths", "opportunities", "hostile"])
def test_view_draws_offline_without_errors(views: dict[str, View], opener: Opener, kind: str) -> None:
    view = views[kind]
    opened = opener(view)
    state = opened.js("() => ({drawn: smartcityView.drawn, nodes: smartcityView.nodes, edges: smartcityView.edges,"
                      " canvases: document.querySelectorAll('#network canvas').length})")
    assert state == {"drawn": True, "nodes": view.nodes, "edges": view.edges, "canvases": 1}
    assert opened.errors == []
    assert opened.blocked == []
    assert opened.dialogs == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{kind}.png"
    shot.unlink(missing_ok=True)
    opened.page.screenshot(path=str(shot), full_page=True)
    assert shot.is_file() and shot.stat().st_size > 0


def test_hostile_labels_stay_text(views: dict[str, View], opener: Opener) -> None:
    opened = opener(views["hostile"])
    options = opened.js("() => Array.from(document.querySelectorAll('#labels option'), o => o.value)")
    assert IMG in options and SCRIPT in options
    assert opened.js("() => [document.querySelectorAll('img').length, document.scripts.length]") == [0, 2]
    tooltips = opened.js("""() => smartcityView.network.body.data.nodes.get()
        .filter(n => n.title && n.title.textContent.includes('alert(1)'))
        .map(n => [n.title.textContent.split('\\n')[0], n.title.children.length])""")
    assert sorted(tooltips) == sorted([[IMG, 0], [SCRIPT, 0]])
    assert opened.dialogs == [] and opened.errors == []


def test_paths_view_highlights_the_best_route(views: dict[str, View], opener: Opener) -> None:
    view = views["paths"]
    opened = opener(view)
    assert len(view.highlighted) >= 2
    assert opened.js("() => smartcityView.highlighted") == list(view.highlighted)
    styles = opened.js("""() => smartcityView.network.body.data.nodes.get()
        .map(n => [n.id, n.borderWidth === undefined ? null : n.borderWidth, n.color])""")
    best = set(view.highlighted)
    assert {node for node, _, _ in styles} > best
    for node, border, color in styles:
        if node in best:
            assert border == 4 and color != FADED, node
        else:
            assert border is None and color == FADED, node


@pytest.mark.parametrize("kind", ["overview", "paths"])
def test_search_selects_a_node(views: dict[str, View], opener: Opener, kind: str) -> None:
    opened = opener(views[kind])
    node = opened.js("() => smartcityView.network.body.data.nodes.get().filter(n => n.label === 'Frank Jensen')[0].id")
    assert opened.js("() => smartcityView.network.getSelectedNodes()") == []
    opened.page.fill("#search", "Frank Jensen")
    opened.page.dispatch_event("#search", "change")
    assert opened.js("() => smartcityView.network.getSelectedNodes()") == [node]


def test_empty_view_says_so_in_the_browser(views: dict[str, View], opener: Opener) -> None:
    opened = opener(views["empty"])
    assert opened.js("() => [smartcityView.nodes, document.querySelector('p.empty').textContent,"
                     " document.querySelectorAll('canvas').length]") == [0, "No path to show.", 0]
    assert opened.errors == [] and opened.blocked == []


def test_large_network_reports_stabilized(browser: Browser, tmp_path: Path) -> None:
    graph = nx.relabel_nodes(nx.cycle_graph(510), {n: f"urn:example:{n:03}" for n in range(510)})
    for u, v in graph.edges:
        tie = Tie("knows", u, v, 1.0, "{a} knows {b}")
        graph.edges[u, v].update(ties=(tie,), weight=1.0)
    view = overview_view(Network(graph, {n: f"Node {n[-3:]}" for n in graph}, {}))
    page = browser.new_page()
    try:
        page.goto(view.save(tmp_path / "large.html").as_uri())
        deadline = time.monotonic() + DEADLINE
        while not page.evaluate("() => window.smartcityView.drawn"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the large view was not drawn in {DEADLINE} s")
            time.sleep(0.1)
        if page.evaluate("() => smartcityView.nodes") != view.nodes:
            raise RuntimeError("the large view lost nodes")
        deadline = time.monotonic() + 2.0
        while not page.evaluate("() => window.smartcityView.stabilized") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert page.evaluate("() => window.smartcityView.stabilized")
    finally:
        page.close()
