"""Benchmark: the time to draw the overview of a generated graph at 1k, 10k and 40k nodes.

Run ``python benchmarks/views.py [--sizes 1000 10000 40000]``. For each size, a scale-free
network (Barabási-Albert, two ties per new node, ten classes, every tie with a quoted source)
is rendered with :func:`smartcity_kg.network.views.overview_view` (igraph's layout past 500
nodes, class aggregates past 2,000), and the page is opened in headless Chromium
(``/usr/bin/chromium``, skipped where absent) until it has drawn. Prints, per size: the
render time in Python, the page's size, and the browser's time to the first drawing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from smartcity_kg.namespaces import SCK
from smartcity_kg.network.projection import Evidence, Network, Tie
from smartcity_kg.network.views import overview_view

CHROMIUM = Path("/usr/bin/chromium")
_CLASSES = ("Company", "Municipality", "Post", "Person", "Initiative", "City", "PublicAuthority", "ResearchInstitution",
            "Cluster", "Region")


def generated(size: int, *, seed: int = 7) -> Network:
    """A scale-free network of ``size`` nodes, with classes, labels and a quoted source on every tie."""
    import networkx as nx

    graph = nx.barabasi_albert_graph(size, 2, seed=seed)
    graph = nx.relabel_nodes(graph, {n: f"urn:example:entity:{n:06}" for n in graph})
    types = {}
    for number, node in enumerate(sorted(graph)):
        types[node] = frozenset({SCK + _CLASSES[number % len(_CLASSES)]})
        graph.nodes[node].update(types=types[node])
    evidence = (Evidence("urn:example:source", "A generated source", "a generated sentence"),)
    for u, v in graph.edges:
        tie = Tie("partnership-partners", u, v, 1.0, "{a} and {b} are partners", evidence=evidence)
        graph.edges[u, v].update(ties=(tie,), weight=1.0)
    labels = {node: f"Entity {node[-6:]}" for node in graph}
    return Network(graph, labels, types)


def _browser_draw(page_file: Path) -> float | None:
    """Seconds from opening ``page_file`` in headless Chromium to its first drawing (None without Chromium)."""
    if not CHROMIUM.is_file():
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(page_file.as_uri())
            page.wait_for_function("() => window.smartcityView && window.smartcityView.drawn", timeout=300_000)
            return time.perf_counter() - started
        finally:
            browser.close()


def main() -> None:
    """Print, for each size, the render time, the page's size and the browser's time to draw."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 40000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            network = generated(size)
            started = time.perf_counter()
            view = overview_view(network)
            render = time.perf_counter() - started
            target = view.save(Path(folder) / f"overview-{size}.html")
            drawn = _browser_draw(target)
            browser = f"{drawn:.2f} s" if drawn is not None else "no Chromium"
            print(f"{size:>6} nodes, {network.graph.number_of_edges():>6} ties: render {render:.2f} s, "
                  f"page {target.stat().st_size / 2**20:.1f} MiB, drawn in the browser after {browser}", flush=True)


if __name__ == "__main__":
    main()
