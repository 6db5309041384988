"""Tests of the network views in headless Chromium: drawn offline, no errors, hostile labels stay text."""

from __future__ import annotations

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

DEADLINE = 30.0
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"

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
def test_view_draws_offline_without_errors(views: dict[str, View], opener: Opener, kind: str,
                                          screenshots: Path) -> None:
    view = views[kind]
    opened = opener(view)
    state = opened.js("() => ({drawn: smartcityView.drawn, nodes: smartcityView.nodes, edges: smartcityView.edges,"
                      " canvases: document.querySelectorAll('#network canvas').length})")
    assert state == {"drawn": True, "nodes": view.nodes, "edges": view.edges, "canvases": 1}
    assert opened.errors == []
    assert opened.blocked == []
    assert opened.dialogs == []
    shot = screenshots / f"{kind}.png"
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
    muted = opened.js("() => Object.fromEntries(smartcityView.network.body.data.nodes.get().map(n => [n.id, n.muted]))")
    for node, border, color in styles:
        if node in best:
            assert border == 4 and color != muted[node], node
        else:
            assert border is None and color == muted[node], node


@pytest.mark.parametrize("kind", ["overview", "paths"])
def test_search_selects_a_node(views: dict[str, View], opener: Opener, kind: str) -> None:
    opened = opener(views[kind])
    node = opened.js("() => smartcityView.network.body.data.nodes.get().filter(n => n.name === 'Frank Jensen')[0].id")
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


@pytest.fixture(scope="module")
def dated_paths(store: ox.Store, network: Network) -> tuple[View, list[Any]]:
    """The paths view from Cisco as of 2026-06, its hops linked to their sources' pages."""
    from smartcity_kg.network.briefing import source_pages
    from smartcity_kg.network.tenure import network_as_of, parse_as_of, with_holders

    when = parse_as_of("2026-06")
    aged = network_as_of(network, when)
    cisco = EntityIndex.from_store(store).resolve("Cisco").value
    found = with_holders(find_paths(aged, cisco), aged, when)
    return paths_view(aged, found, title="Paths from Cisco, as of 2026-06", pages=source_pages(store)), found


def _route(path: Any) -> list[str]:
    return [path.hops[0].source] + [hop.target for hop in path.hops]


def _selection(opened: Opened) -> dict[str, Any]:
    return opened.js("""() => {
        const nodes = smartcityView.network.body.data.nodes.get(), edges = smartcityView.network.body.data.edges.get();
        return {selected: smartcityView.selected, highlighted: smartcityView.highlighted,
                bold: nodes.filter(n => n.borderWidth === 4).map(n => n.id).sort(),
                muted: nodes.filter(n => n.color === n.muted).map(n => n.id).sort(),
                red: edges.filter(e => e.width === 5).map(e => [e.from, e.to, e.label.replace(/\\n/g, ' ')]),
                shown: Array.from(document.querySelectorAll('section.detail')).filter(s => !s.hidden).map(s => s.dataset.item),
                chosen: Array.from(document.querySelectorAll('#items li')).map(li => li.getAttribute('aria-selected'))};
    }""")


def test_selecting_the_second_path_highlights_it_and_shows_its_quotes(
        dated_paths: tuple[View, list[Any]], opener: Opener, screenshots: Path) -> None:
    view, found = dated_paths
    opened = opener(view)
    assert len(found) >= 3
    assert _selection(opened)["highlighted"] == _route(found[0])
    opened.page.click("#items li:nth-child(2)")
    state = _selection(opened)
    second = _route(found[1])
    assert (state["selected"], state["highlighted"], state["shown"]) == (1, second, ["1"])
    assert state["chosen"] == ["false", "true"] + ["false"] * (len(found) - 2)
    assert state["bold"] == sorted(second)
    assert state["muted"] == sorted({n for p in found for n in _route(p)} - set(second))
    assert sorted(frozenset(e[:2]) for e in state["red"]) == sorted(frozenset(p) for p in zip(second, second[1:]))
    assert sorted(e[2] for e in state["red"]) == sorted(hop.relation for hop in found[1].hops)
    detail = opened.page.locator("section.detail[data-item='1']")
    text = detail.inner_text()
    for hop in found[1].hops:
        assert hop.relation in text
        assert hop.quote is None or hop.quote in detail.locator("blockquote").all_inner_texts()
        assert hop.date is None or hop.date in text
        assert hop.evidence_source_label is None or hop.evidence_source_label in text
    links = detail.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert links and all(link.startswith(("http://", "https://")) for link in links)
    assert opened.page.locator("section.detail[data-item='0']").is_hidden()
    opened.page.screenshot(path=str(screenshots / "paths-second-selected.png"), full_page=True)
    opened.page.keyboard.press("ArrowDown")
    assert _selection(opened)["highlighted"] == _route(found[2])
    opened.page.keyboard.press("Home")
    assert _selection(opened)["selected"] == 0
    assert opened.errors == [] and opened.blocked == []


def test_paths_panel_names_holders_plainly(dated_paths: tuple[View, list[Any]], opener: Opener) -> None:
    opened = opener(dated_paths[0])
    items = opened.page.locator("#items li").all_inner_texts()
    assert any("Lord Mayor of Copenhagen, as of 2026-06: Sisse Marie Welling" in item for item in items)
    assert any("former holder: Frank Jensen" in item for item in items)
    assert any("no holder known" in item for item in items)


def test_legend_filters_the_overview_by_class_and_market(views: dict[str, View], opener: Opener,
                                                        screenshots: Path) -> None:
    opened = opener(views["overview"])
    kinds = opened.js("() => Object.fromEntries(smartcityView.network.body.data.nodes.get().map(n => [n.id, n.kind]))")
    assert "post" in kinds.values()
    assert opened.js("() => smartcityView.network.body.data.nodes.get().filter(n => n.hidden).length") == 0
    opened.page.uncheck("#legend input[data-kind='post']")
    hidden = set(opened.js("() => smartcityView.network.body.data.nodes.get().filter(n => n.hidden).map(n => n.id)"))
    assert hidden == {node for node, kind in kinds.items() if kind == "post"}
    opened.page.screenshot(path=str(screenshots / "overview-without-posts.png"), full_page=True)
    opened.page.check("#legend input[data-kind='post']")
    opened.page.uncheck("#markets input[data-market='US']")
    markets = opened.js("() => Object.fromEntries(smartcityView.network.body.data.nodes.get().map(n => [n.id, n.markets]))")
    hidden = set(opened.js("() => smartcityView.network.body.data.nodes.get().filter(n => n.hidden).map(n => n.id)"))
    assert hidden == {node for node, found in markets.items() if found == ["US"]} and hidden
    assert opened.errors == []


def test_overview_labels_only_the_best_connected_and_the_hovered(views: dict[str, View], opener: Opener) -> None:
    opened = opener(views["overview"])
    nodes = opened.js("() => smartcityView.network.body.data.nodes.get().map(n => [n.id, n.label, n.name])")
    labelled = [n for n in nodes if n[1]]
    assert len(nodes) > 60 and 40 <= len(labelled) < len(nodes)
    quiet = next(node for node in nodes if not node[1])
    opened.js(f"() => {{ smartcityView.network.body.emitter.emit('hoverNode', {{node: {quiet[0]!r}}}); }}")
    assert opened.js(f"() => smartcityView.network.body.data.nodes.get({quiet[0]!r}).label") == quiet[2]


def test_opportunities_rank_visibly(views: dict[str, View], opener: Opener, screenshots: Path) -> None:
    opened = opener(views["opportunities"])
    ranked = opened.js("""() => smartcityView.network.body.data.nodes.get().filter(n => n.rank)
        .sort((a, b) => a.rank - b.rank).map(n => [n.rank, n.label, n.size])""")
    items = opened.page.locator("#items li strong").all_inner_texts()
    assert [item.split(". ", 1)[0] for item in items] == [str(i) for i in range(1, len(items) + 1)]
    assert ranked[0][1].startswith("#1 ") and ranked[0][2] > ranked[-1][2]
    opened.page.click("#items li:nth-child(2)")
    assert opened.page.locator("section.detail[data-item='1'] li.hop").count() >= 1
    opened.page.screenshot(path=str(screenshots / "opportunities-ranked.png"), full_page=True)


def test_large_overview_starts_from_aggregates_that_expand(browser: Browser, tmp_path: Path) -> None:
    from smartcity_kg.namespaces import SCK
    from smartcity_kg.network.layout import AGGREGATE_THRESHOLD

    size = AGGREGATE_THRESHOLD + 500
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(size, 2, seed=3), {n: f"urn:example:{n:05}" for n in range(size)})
    classes = (SCK + "Company", SCK + "City", SCK + "Post")
    for number, node in enumerate(sorted(graph)):
        graph.nodes[node]["types"] = frozenset({classes[number % 3]})
    for u, v in graph.edges:
        graph.edges[u, v].update(ties=(Tie("knows", u, v, 1.0, "{a} knows {b}"),), weight=1.0)
    started = time.monotonic()
    view = overview_view(Network(graph, {n: f"Node {n[-5:]}" for n in graph}, {}))
    assert time.monotonic() - started < 30
    page = browser.new_page()
    try:
        page.goto(view.save(tmp_path / "large.html").as_uri())
        page.wait_for_function("() => window.smartcityView && window.smartcityView.stabilized", timeout=30_000)
        assert page.evaluate("() => smartcityView.network.body.data.nodes.length") == 3
        page.evaluate("() => smartcityView.expand('post')")
        shown = page.evaluate("() => smartcityView.network.body.data.nodes.get().map(n => n.id)")
        assert len([n for n in shown if n.startswith("urn:example:")]) == 200
        more = page.evaluate("() => smartcityView.network.body.data.nodes.get('more:post').label")
        assert more == f"+{size // 3 + (1 if size % 3 > 2 else 0) - 200} more"
    finally:
        page.close()
