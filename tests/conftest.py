"""Shared fixtures: a minimal valid graph directory, written into ``tmp_path``; the shipped graph
built once, a generated 10k graph built once per module, and servers run as subprocesses on free
ports of 127.0.0.1."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import pyoxigraph as ox

    from smartcity_kg.builder.pipeline import BuildResult
    from smartcity_kg.network.projection import Network

#: The helpers of the frozen-answer tests (``tests/frozen.py``) assert: their failures are explained as a test's.
pytest.register_assert_rewrite("frozen")

SOURCE_TEXT = """\
Acme, an American technology company, has opened an office in Aarhus.
Aarhus is the second city of Denmark and a “living lab” for smart lighting.
"""

SOURCES = """\
sources:
  - id: tiny-source
    title: A tiny source
    publisher: Test Publisher
    url: https://example.org/tiny
    kind: article
    language: en
    date: 2014-05-28
    text: tiny-source.txt
  - id: other-source
    title: Another source, whose text we do not hold
    publisher: Test Publisher
    url: https://example.org/other
    kind: web-page
    language: da
"""

# Twelve lines: items that a test adds start at line 13 of the sheet.
FACTS = """\
source: tiny-source
items:
  - id: aarhus
    type: City
    label: Aarhus
    locatedIn: DK
    quote: Aarhus is the second city of Denmark
  - id: acme
    type: Company
    label: Acme
    basedIn: US
    quote: Acme, an American technology company
"""


@pytest.fixture
def make_graph(tmp_path: Path) -> Callable[..., Path]:
    """Write a valid graph dir (two sources, one with its text; one fact sheet); return it.

    ``extra_items`` (YAML list items, dedented) are appended to the sheet's ``items``,
    starting at line 13 of ``facts/tiny-source.yaml``.
    """

    def make(extra_items: str = "", name: str = "graph") -> Path:
        root = tmp_path / name
        (root / "sources").mkdir(parents=True)
        (root / "facts").mkdir()
        (root / "sources" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
        (root / "sources" / "tiny-source.txt").write_text(SOURCE_TEXT, encoding="utf-8")
        extra = textwrap.indent(textwrap.dedent(extra_items), "  ")
        (root / "facts" / "tiny-source.yaml").write_text(FACTS + extra, encoding="utf-8")
        return root

    return make


@pytest.fixture
def graph_dir(make_graph: Callable[..., Path]) -> Path:
    """A minimal valid graph dir, as ``make_graph()`` writes it."""
    return make_graph()


# --- Servers: the shipped graph built once, and `smartcity-kg serve` run as a subprocess ---

@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> "BuildResult":
    """The shipped graph, built once per session (with reasoning): the one build the tests share."""
    from smartcity_kg import build

    return build(tmp_path_factory.mktemp("served") / "build")


@pytest.fixture(scope="session")
def built(shipped_build: "BuildResult") -> Path:
    """The folder of the session's build of the shipped graph: read it, never change it (see ``built_copy``)."""
    return shipped_build.out_dir


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of 10k generated triples (seed 11), made once for each test module that asks for it."""
    from frozen import generated_build

    return generated_build(tmp_path_factory.mktemp("generated"))


#: The small invented second market (a source record, its text, its fact sheet, its sectors).
VALDORIA = Path(__file__).resolve().parent / "data" / "valdoria"


@pytest.fixture(scope="session")
def two_markets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped graph plus the invented market of ``tests/data/valdoria/``, added as graph/README.md's
    "Adding a market" says, and built: the folder of that build."""
    from click.testing import CliRunner

    from smartcity_kg.cli.main import main
    from smartcity_kg.resources import shipped

    root = tmp_path_factory.mktemp("two-markets")
    graph = root / "graph"
    shutil.copytree(shipped("graph"), graph)
    with (graph / "sources" / "sources.yaml").open("a", encoding="utf-8") as records:
        records.write((VALDORIA / "record.yaml").read_text(encoding="utf-8"))
    for name, folder in (("test-valdoria-guide.txt", "sources"), ("test-valdoria-guide.yaml", "facts")):
        shutil.copyfile(VALDORIA / name, graph / folder / name)
    shutil.copyfile(VALDORIA / "sectors.yaml", graph / "sectors.yaml")
    result = CliRunner().invoke(main, ["build", "--graph", str(graph), "--build-dir", str(root / "build")])
    assert result.exit_code == 0, result.output
    return root / "build"


@pytest.fixture
def built_copy(built: Path, tmp_path: Path) -> Path:
    """A copy of the session's build at ``tmp_path / "build"``, for a test that changes or replaces it."""
    return Path(shutil.copytree(built, tmp_path / "build"))


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _running(command: list[str], ready: str, log: Path, deadline: float = 90.0) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until the block ends, once GET ``ready`` answers; its output goes to ``log``."""
    import httpx

    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=log.parent)
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:4]} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            if time.monotonic() - started > deadline:
                raise RuntimeError(f"{command[:4]} did not answer {ready} in {deadline:g} s:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(ready, timeout=5).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="session")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., contextlib.AbstractContextManager[str]]:
    """``serve(build_dir, *options)``: a context manager running ``smartcity-kg serve`` that gives its URL."""

    @contextlib.contextmanager
    def start(build_dir: Path, *options: str) -> Iterator[str]:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "smartcity_kg", "serve", "--build-dir", str(build_dir), "--port", str(port), *options]
        log = tmp_path_factory.mktemp("serve") / "server.log"
        with _running(command, url + "/", log):
            yield url

    return start


@pytest.fixture(scope="session")
def background() -> Callable[..., contextlib.AbstractContextManager[subprocess.Popen[bytes]]]:
    """``background(command, ready_url, log)``: run ``command`` until the block ends, once ``ready_url`` answers."""
    return _running


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server of the Python environment running the tests (the PyPI package), or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., contextlib.AbstractContextManager[str]]:
    """``oxigraph(build_dir)``: a context manager running a real ``oxigraph serve`` (no union default graph)
    that the build was pushed to with ``smartcity_kg.store.push``; gives the server's base URL."""
    from smartcity_kg.store.push import push

    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("no 'oxigraph' server binary beside the Python running the tests, nor on PATH")

    @contextlib.contextmanager
    def start(build_dir: Path) -> Iterator[str]:
        folder = tmp_path_factory.mktemp("oxigraph")
        url = f"http://127.0.0.1:{_free_port()}"
        command = [str(binary), "serve", "--location", str(folder / "store"), "--bind", url.removeprefix("http://")]
        with _running(command, url + "/query?query=ASK%7B%7D", folder / "oxigraph.log"):
            push(build_dir, url + "/store")
            yield url

    return start


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A function giving a TCP port of 127.0.0.1 that nothing listens on (at the time of asking)."""
    return _free_port


# --- The shipped graph, loaded and projected once, and a guard against the network -----------

@pytest.fixture(scope="session")
def store(built: Path) -> "ox.Store":
    """The shipped graph (built once per session by ``built``), loaded into a store."""
    from smartcity_kg import open_store

    return open_store(built)


@pytest.fixture(scope="session")
def network(store: "ox.Store") -> "Network":
    """The shipped graph's network projection."""
    from smartcity_kg.network.projection import project

    return project(store)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve a name or open a connection fails the test."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a test tried to reach the network: {args[:2]!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


# --- Debian's Chromium, driven by Playwright (never a downloaded browser) ----------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for one test module; the module is skipped where Chromium is missing."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# --- Screenshots of the views, written where `make run` may still build --------------------------

@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the browser tests write screenshots to: ``$SMARTCITY_KG_SCREENSHOTS``, else
    ``build/screenshots/`` of the checkout. The build folder's marker lists it, so the next
    ``smartcity-kg build`` may still replace the folder; where the build folder may not be
    claimed (it holds a user's files), a temporary folder is used and the reason is printed."""
    import os

    from smartcity_kg.exceptions import OutputError
    from smartcity_kg.outputs import check_folder, claim_folder

    chosen = os.environ.get("SMARTCITY_KG_SCREENSHOTS")
    if chosen:
        Path(chosen).mkdir(parents=True, exist_ok=True)
        return Path(chosen)
    build = Path(__file__).resolve().parents[1] / "build"
    try:
        check_folder(build)
        claim_folder(build, ["screenshots"])
    except OutputError as exc:
        print(f"screenshots go to a temporary folder: {exc}")
        return tmp_path_factory.mktemp("screenshots")
    (build / "screenshots").mkdir(exist_ok=True)
    return build / "screenshots"
