"""Tests of the network views: offline, escaped and deterministic HTML pages of the shipped graph."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import pyvis

from smartcity_kg import (
    EntityIndex,
    QueryError,
    load_catalogue,
    run_query,
    shipped,
)
from smartcity_kg.namespaces import SCK
from smartcity_kg.network.projection import Network
from smartcity_kg.network.opportunities import find_opportunities
from smartcity_kg.network.paths import Path as RoutePath
from smartcity_kg.network.paths import find_paths, resolve_sector
from smartcity_kg.store.queries import bind_params
from smartcity_kg.network.views import (
    View,
    ego_view,
    opportunities_view,
    overview_view,
    paths_view,
)

VIS_JS = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
KINDS = ("overview", "ego", "paths", "opportunities")


@dataclass
class Shipped:
    network: Network
    index: EntityIndex
    views: dict[str, Callable[[], View]]


class Page(HTMLParser):
    """The elements of a page as a browser's tokenizer sees them (script bodies are not markup)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text.setdefault(self._open[-1], []).append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        """The attributes of every ``tag`` element."""
        return [attrs for name, attrs in self.tags if name == tag]


def payload(view: View) -> dict[str, Any]:
    """The data the page hands to vis-network (the JSON literal of its last script)."""
    marker = "  var data = "
    start = view.html.rindex(marker) + len(marker)
    value: dict[str, Any] = json.JSONDecoder().raw_decode(view.html, start)[0]
    return value


def route(path: RoutePath) -> list[str]:
    """The nodes of ``path``, in order."""
    return [path.hops[0].source] + [hop.target for hop in path.hops]


def hostile(network: Network, index: EntityIndex) -> Network:
    """A copy of ``network`` whose Cisco and City of Copenhagen carry markup in every label."""
    graph, labels = network.graph.copy(), dict(network.labels)
    for name, evil in (("Cisco", IMG), ("City of Copenhagen", SCRIPT)):
        node = index.resolve(name).value
        labels[node] = evil
        graph.nodes[node]["label"] = evil
        u, v = sorted(graph.edges(node))[0]
        ties = graph.edges[u, v]["ties"]
        evidence = tuple(replace(e, source_label=evil, quote=f"{evil} & {IMG}") for e in ties[0].evidence)
        graph.edges[u, v]["ties"] = (replace(ties[0], evidence=evidence), *ties[1:])
    return Network(graph, labels, dict(network.types))


@pytest.fixture(scope="module")
def shipped_graph(store: ox.Store, network: Network) -> Shipped:
    index = EntityIndex.from_store(store)
    query = load_catalogue(shipped("queries"))["entities-in-country"]
    rows = run_query(store, query, bind_params(query, {"market": "DK"}, index)).rows
    in_dk = {row[0].value for row in rows if row[0] is not None}
    copenhagen, cisco = index.resolve("City of Copenhagen").value, index.resolve("Cisco").value
    sector = resolve_sector(network, "intelligent-lighting")
    views = {
        "overview": lambda: overview_view(network),
        "ego": lambda: ego_view(network, copenhagen),
        "paths": lambda: paths_view(network, find_paths(network, cisco), title="Paths from Cisco"),
        "opportunities": lambda: opportunities_view(network, sector, find_opportunities(network, sector, in_dk)),
        "empty": lambda: paths_view(network, []),
        "hostile": lambda: overview_view(hostile(network, index)),
    }
    return Shipped(network, index, views)


@pytest.fixture(scope="module")
def rendered(shipped_graph: Shipped) -> dict[str, View]:
    return {kind: make() for kind, make in shipped_graph.views.items()}


@pytest.mark.parametrize("kind", [*KINDS, "empty", "hostile"])
def test_page_loads_nothing_remote(rendered: dict[str, View], kind: str) -> None:
    page = Page(rendered[kind].html)
    assert page.all("link") == []
    assert [a for a in page.all("script") if "src" in a] == []
    for tag, attrs in page.tags:
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            assert not re.match(r"\s*(https?:)?//", attrs.get(name) or ""), (tag, name, attrs[name])
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//|@import", "".join(page.text.get("style", [])))
    assert [a["content"] for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"] == [
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"]


@pytest.mark.parametrize("kind", KINDS)
def test_page_inlines_vis_network(rendered: dict[str, View], kind: str) -> None:
    page = Page(rendered[kind].html)
    scripts = page.text.get("script", [])
    assert len(page.all("script")) == 2
    assert scripts[0] == VIS_JS.read_text(encoding="utf-8").replace("</script", "<\\/script")
    assert "new vis.Network(" in scripts[1]


@pytest.mark.parametrize("kind", [*KINDS, "empty"])
def test_counts_match_payload_and_body(rendered: dict[str, View], kind: str) -> None:
    view = rendered[kind]
    body = Page(view.html).all("body")[0]
    assert (body["data-nodes"], body["data-edges"]) == (str(view.nodes), str(view.edges))
    if kind == "empty":
        assert (view.nodes, view.edges) == (0, 0)
        return
    data = payload(view)
    ids = [node["id"] for node in data["nodes"]]
    assert (len(ids), len(data["edges"])) == (view.nodes, view.edges)
    assert len(set(ids)) == len(ids)
    assert {end for edge in data["edges"] for end in (edge["from"], edge["to"])} <= set(ids)
    assert data["highlighted"] == list(view.highlighted)
    assert set(view.highlighted) <= set(ids)


def test_overview_shows_the_whole_network(shipped_graph: Shipped, rendered: dict[str, View]) -> None:
    graph = shipped_graph.network.graph
    data = payload(rendered["overview"])
    assert (rendered["overview"].nodes, rendered["overview"].edges) == (graph.number_of_nodes(), graph.number_of_edges())
    assert {node["id"] for node in data["nodes"]} == set(graph.nodes)
    assert {frozenset((e["from"], e["to"])) for e in data["edges"]} == {frozenset(e) for e in graph.edges}
    assert rendered["overview"].highlighted == ()


def test_paths_view_highlights_the_cheapest_route(shipped_graph: Shipped, rendered: dict[str, View]) -> None:
    network = shipped_graph.network
    found = find_paths(network, shipped_graph.index.resolve("Cisco").value)
    view, data = rendered["paths"], payload(rendered["paths"])
    assert len(found) == 5
    assert list(view.highlighted) == route(found[0])
    assert {node["id"] for node in data["nodes"]} == {n for path in found for n in route(path)}
    for node in data["nodes"]:
        assert (node.get("borderWidth") == 4) == (node["id"] in view.highlighted)
        assert node["color"] == (node["base"] if node["id"] in view.highlighted else node["muted"])
    on_route = [e for e in data["edges"] if e.get("width") == 5]
    assert len(on_route) == len(found[0].hops)
    assert sorted(e["label"].replace("\n", " ") for e in on_route) == sorted(h.relation for h in found[0].hops)
    assert [p["nodes"] for p in data["paths"]] == [route(p) for p in found]


def test_paths_view_lists_every_path_with_its_hops(shipped_graph: Shipped) -> None:
    network = shipped_graph.network
    found = find_paths(network, shipped_graph.index.resolve("Cisco").value)
    page = Page(paths_view(network, found).html)
    items = [a for a in page.all("li") if a.get("role") == "option"]
    assert [a["aria-selected"] for a in items] == ["true"] + ["false"] * (len(found) - 1)
    sections = [a for a in page.all("section") if "detail" in (a.get("class") or "")]
    assert [("hidden" in a) for a in sections] == [False] + [True] * (len(found) - 1)
    text = "".join(page.text.get("span", []) + page.text.get("blockquote", []))
    for path in found:
        for hop in path.hops:
            assert hop.relation in text
            assert hop.quote is None or hop.quote in page.text.get("blockquote", [])


def test_paths_view_names_the_holders_as_of_the_date(shipped_graph: Shipped) -> None:
    from smartcity_kg.network.tenure import network_as_of, parse_as_of, with_holders

    when = parse_as_of("2026-06")
    network = network_as_of(shipped_graph.network, when)
    cisco, mayor = (shipped_graph.index.resolve(n).value for n in ("Cisco", "Lord Mayor of Copenhagen"))
    found = with_holders(find_paths(network, cisco, {mayor}, k=2), network, when)
    page = Page(paths_view(network, found).html)
    holders = page.text.get("span", []) + page.text.get("li", [])
    assert any(line.startswith("Lord Mayor of Copenhagen, as of 2026-06: Sisse Marie Welling") for line in holders)
    assert any(line.startswith("former holder: Frank Jensen") for line in holders)


def test_ego_cap_adds_a_more_node(shipped_graph: Shipped) -> None:
    network = shipped_graph.network
    copenhagen = shipped_graph.index.resolve("City of Copenhagen").value
    neighbours = network.graph.degree(copenhagen)
    view = ego_view(network, copenhagen, cap=3)
    more = [node for node in payload(view)["nodes"] if node["id"].startswith("more:")]
    assert neighbours > 3
    assert [(m["id"], m["label"]) for m in more] == [(f"more:{copenhagen}", f"+{neighbours - 3} more")]
    assert view.nodes == 1 + 3 + 1
    assert not [n for n in payload(ego_view(network, copenhagen, cap=neighbours))["nodes"]
                if n["id"].startswith("more:")]


def test_ego_more_counts_only_hidden_neighbours(shipped_graph: Shipped) -> None:
    network = shipped_graph.network
    view = ego_view(network, shipped_graph.index.resolve("City of Copenhagen").value, radius=2, cap=3)
    nodes = payload(view)["nodes"]
    shown = {n["id"] for n in nodes if not n["id"].startswith("more:")}
    more = {n["id"][len("more:"):]: n["label"] for n in nodes if n["id"].startswith("more:")}
    assert more
    assert more == {node: f"+{len(set(network.graph[node]) - shown)} more" for node in more}


@pytest.mark.parametrize(("options", "message"), [
    ({"radius": 0}, "radius must be between 1 and 4, not 0"),
    ({"radius": 5}, "radius must be between 1 and 4, not 5"),
    ({"cap": 0}, "cap must be between 1 and 500, not 0"),
    ({"cap": 501}, "cap must be between 1 and 500, not 501"),
])
def test_ego_range_is_checked(shipped_graph: Shipped, options: dict[str, int], message: str) -> None:
    with pytest.raises(QueryError, match=f"^{message}$"):
        ego_view(shipped_graph.network, shipped_graph.index.resolve("Cisco").value, **options)


def _empty_views(shipped_graph: Shipped) -> dict[str, tuple[View, str]]:
    network, index = shipped_graph.network, shipped_graph.index
    belgium = index.resolve("BE").value
    sector = resolve_sector(network, "smart-grid")
    return {
        "paths": (paths_view(network, []), "No path to show."),
        "ego": (ego_view(network, belgium), f"{network.labels[belgium]} has no documented ties to show."),
        "opportunities": (opportunities_view(network, sector, []),
                          f"No initiative, authority or decision maker is tied to {network.labels[sector]}."),
    }


@pytest.mark.parametrize("kind", ["paths", "ego", "opportunities"])
def test_empty_selection_is_a_page_that_says_so(shipped_graph: Shipped, kind: str) -> None:
    assert shipped_graph.index.resolve("BE").value not in shipped_graph.network.graph
    view, sentence = _empty_views(shipped_graph)[kind]
    page = Page(view.html)
    assert (view.nodes, view.edges, view.highlighted) == (0, 0, ())
    assert [p["class"] for p in page.all("p")] == ["empty"]
    assert page.text["p"] == [sentence]
    assert page.all("canvas") == page.all("datalist") == [] and 'id="network"' not in view.html
    assert page.text["script"] == [
        "window.smartcityView = {nodes: 0, edges: 0, highlighted: [], drawn: false, stabilized: true};"]


def test_ego_of_an_entity_without_ties_says_so(shipped_graph: Shipped) -> None:
    network = shipped_graph.network
    lonely = "urn:example:lonely"
    graph = network.graph.copy()
    graph.add_node(lonely, label="Lonely Firm", types=frozenset({SCK + "Company"}))
    view = ego_view(Network(graph, {**network.labels, lonely: "Lonely Firm"}, dict(network.types)), lonely)
    assert "Lonely Firm has no documented ties to show." in Page(view.html).text.get("p", [])
    assert (view.nodes, view.edges) == (0, 0)


def test_hostile_labels_are_escaped(shipped_graph: Shipped, rendered: dict[str, View]) -> None:
    view = rendered["hostile"]
    page = Page(view.html)
    assert "<img src=x" not in view.html and "</script><script>alert(1)" not in view.html
    assert "\\u003cimg src=x" in view.html
    assert page.all("img") == []
    assert len(page.all("script")) == 2 and view.html.count("</script>") == 2
    labels = {node["label"] for node in payload(view)["nodes"]}
    titles = "".join(str(edge.get("title")) for edge in payload(view)["edges"])
    assert {IMG, SCRIPT} <= labels
    assert f'source: {SCRIPT}: "{SCRIPT} & {IMG}"' in titles
    assert shipped_graph.network.labels[shipped_graph.index.resolve("Cisco").value] == "Cisco"


def test_hostile_title_is_escaped(shipped_graph: Shipped) -> None:
    network = hostile(shipped_graph.network, shipped_graph.index)
    view = ego_view(network, shipped_graph.index.resolve("City of Copenhagen").value)
    page = Page(view.html)
    assert view.title == f"Around {SCRIPT}"
    assert "<script>alert(1)" not in view.html and "<img src=x" not in view.html
    assert page.text["title"] == page.text["h1"] == [view.title]
    assert [d["aria-label"] for d in page.all("div") if d.get("id") == "network"] == [view.title]
    assert len(page.all("script")) == 2


@pytest.mark.parametrize("kind", ["overview", "hostile"])
def test_repr_html_is_a_sandboxed_iframe(rendered: dict[str, View], kind: str) -> None:
    view = rendered[kind]
    shown = view._repr_html_()
    page = Page(shown)
    assert [name for name, _ in page.tags] == ["iframe"]
    frame = page.all("iframe")[0]
    assert frame["sandbox"] == "allow-scripts"
    assert "allow-same-origin" not in shown
    assert frame["srcdoc"] == view.html and frame["title"] == view.title
    assert "<img src=x" not in shown and "<script" not in shown


@pytest.mark.parametrize("kind", [*KINDS, "empty", "hostile"])
def test_rendering_is_deterministic(shipped_graph: Shipped, rendered: dict[str, View], kind: str) -> None:
    assert shipped_graph.views[kind]() == rendered[kind]


def test_save_writes_the_page(rendered: dict[str, View], tmp_path: Path) -> None:
    target = tmp_path / "overview.html"
    assert rendered["overview"].save(target) == target
    assert target.read_text(encoding="utf-8") == rendered["overview"].html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overview.html"]



def test_paths_panel_escapes_data_and_links_only_http_pages(shipped_graph: Shipped) -> None:
    evil = hostile(shipped_graph.network, shipped_graph.index)
    network = replace(shipped_graph.network, graph=evil.graph, labels=evil.labels)
    found = find_paths(network, shipped_graph.index.resolve("Cisco").value)
    assert found
    sources = {hop.evidence_source for path in found for hop in path.hops if hop.evidence_source}
    pages = {source: ("javascript:alert(1)" if number % 2 else "https://example.org/page") for number, source
             in enumerate(sorted(sources))}
    view = paths_view(network, found, pages=pages)
    page = Page(view.html)
    assert "<img src=x" not in view.html and page.all("img") == []
    assert len(page.all("script")) == 2
    assert any(IMG in text for text in page.text.get("strong", []))
    hrefs = {a.get("href") for a in page.all("a")}
    assert hrefs == {"https://example.org/page"}
    assert not [attrs for _, attrs in page.tags if any("javascript:" in (v or "") for v in attrs.values())]
    assert "javascript:" not in view.html.split("<script>", 1)[0]
