"""The reading commands over a real ``oxigraph serve`` (``--endpoint``) answer as over the embedded store:
a generated graph of 100k triples and the shipped one, pushed with ``smartcity_kg.store.push``."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from smartcity_kg import BuildOptions, EntityIndex, build, load_catalogue, open_store, run_query, shipped
from smartcity_kg.cli.main import main
from smartcity_kg.store.queries import NamedQuery, bind_params
from smartcity_kg.store.remote import RemoteStore

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import generate  # noqa: E402 (benchmarks/ is not a package; found by the line above)

pytestmark = pytest.mark.scale


class Graph:
    """A build, the Oxigraph server it was pushed to, and what the tests ask of both."""

    def __init__(self, build_dir: Path, url: str, firm: str, market: str) -> None:
        self.build_dir, self.url, self.firm, self.market = build_dir, url, firm, market
        self.endpoint = url + "/query"


@pytest.fixture(scope="session")
def generated_100k(tmp_path_factory: pytest.TempPathFactory,
                   oxigraph: Callable[[Path], contextlib.AbstractContextManager[str]]) -> Iterator[Graph]:
    """A build of 100k generated triples, pushed to an Oxigraph server of its own."""
    folder = tmp_path_factory.mktemp("endpoint-100k")
    made = generate(folder / "graph", 100_000, seed=7)
    build(folder / "build", BuildOptions(graph_dir=made.folder))
    with oxigraph(folder / "build") as url:
        yield Graph(folder / "build", url, made.us_firm, made.markets[0])


@pytest.fixture(scope="module")
def shipped_pushed(built: Path, oxigraph: Callable[[Path], contextlib.AbstractContextManager[str]]) -> Iterator[Graph]:
    """The shipped build, pushed to an Oxigraph server of its own."""
    with oxigraph(built) as url:
        yield Graph(built, url, "Cisco", "DK")


@pytest.fixture(params=["shipped", "100k"])
def graph(request: pytest.FixtureRequest) -> Graph:
    return request.getfixturevalue("shipped_pushed" if request.param == "shipped" else "generated_100k")


def _cells(rows: list[list[Any]]) -> list[tuple[str, ...]]:
    return [tuple("" if cell is None else str(cell) for cell in row) for row in rows]


def _bindings(name: str, query: NamedQuery, company: str) -> list[dict[str, str]]:
    """Every required parameter bound (an entity: the first company), and the same with an as-of date."""
    given = ({"sector": "big-data"} if name == "sector-markets" else
             {p.name: company for p in query.params if p.required or p.name == "entity"})
    dated = [{**given, "asOf": "2015"}] if any(p.name == "asOf" for p in query.params) else []
    return [given, *dated]


def test_every_named_query_answers_alike(graph: Graph) -> None:
    """The same rows in the same order, from the embedded store and from the endpoint."""
    local, remote = open_store(graph.build_dir), RemoteStore(graph.endpoint)
    local_index, remote_index = EntityIndex.from_store(local), EntityIndex.from_store(remote)
    assert remote_index == local_index
    company = next(iter(local.query("SELECT ?x WHERE { ?x a <https://w3id.org/smartcity-kg/ontology#Company> } "
                                    "ORDER BY ?x LIMIT 1")))["x"].value
    answered = 0
    for name, query in load_catalogue(shipped("queries")).items():
        for given in _bindings(name, query, company):
            expected = run_query(local, query, bind_params(query, given, local_index))
            got = run_query(remote, query, bind_params(query, given, remote_index))
            assert got.columns == expected.columns, name
            assert _cells(got.rows) == _cells(expected.rows), (name, given)
            answered += len(got.rows)
    assert answered > 100


def _both(graph: Graph, *args: str) -> tuple[str, str]:
    """The output of one command over the build and over the endpoint (each must succeed)."""
    outputs = []
    for where in (["--build-dir", str(graph.build_dir)], ["--endpoint", graph.endpoint]):
        result = CliRunner().invoke(main, [*args, *where])
        assert result.exit_code == 0, (where, result.output)
        outputs.append(result.output)
    return outputs[0], outputs[1]


def test_paths_answer_alike(graph: Graph) -> None:
    """Path finding over the network projected by the queries run at the endpoint: the same paths."""
    local, remote = _both(graph, "paths", "--from", graph.firm, "--market", graph.market, "--as-of", "2024-06-30",
                          "--format", "json")
    assert json.loads(remote) == json.loads(local)
    assert json.loads(local)["paths"], "the firm reaches the market's decision makers"


@pytest.mark.parametrize("args", [
    ("query", "decision-makers", "--param", "market=DK", "--format", "csv"),
    ("query", "evidence", "--param", "entity=Cisco", "--format", "json"),
    ("brokers", "--as-of", "2024-06-30", "--format", "json"),
    ("opportunities", "--sector", "intelligent-lighting", "--market", "DK", "--as-of", "2024-06-30", "--format", "json"),
    ("opportunities", "--sector", "intelligent-lighting", "--as-of", "2024-06-30", "--format", "json"),
    ("links", "--format", "csv"),
    ("ids", "Copenhagen", "--format", "csv"),
    ("trade-data",),
    ("editions", "ita-denmark-smart-cities", "ita-denmark-smart-cities-2021", "--format", "csv"),
], ids=lambda args: " ".join(args[:2]))
def test_commands_over_the_shipped_graph_answer_alike(shipped_pushed: Graph, args: tuple[str, ...]) -> None:
    local, remote = _both(shipped_pushed, *args)
    assert remote == local
    assert local.count("\n") > 2 or args[0] == "trade-data"  # the shipped graph has no trade table


def test_views_and_briefings_are_alike(shipped_pushed: Graph, tmp_path: Path) -> None:
    for kind in (["view", "paths", "--from", "Cisco"], ["view", "overview"], ["brief", "--from", "Cisco"]):
        written = []
        for name, where in (("local", ["--build-dir", str(shipped_pushed.build_dir)]),
                            ("remote", ["--endpoint", shipped_pushed.endpoint])):
            out = tmp_path / f"{kind[1]}-{name}.html"
            result = CliRunner().invoke(main, [*kind, "--as-of", "2024-06-30", "-o", str(out), *where])
            assert result.exit_code == 0, result.output
            written.append(result.output.replace(str(out), "OUT"))
        assert written[0] == written[1], kind


def test_exports_are_alike(shipped_pushed: Graph, tmp_path: Path) -> None:
    for fmt, name in (("graphml", "graph.graphml"), ("schema-jsonld", "schema.jsonld")):
        files = []
        for side, where in (("local", ["--build-dir", str(shipped_pushed.build_dir)]),
                            ("remote", ["--endpoint", shipped_pushed.endpoint])):
            out = tmp_path / f"{side}-{name}"
            result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(out), *where])
            assert result.exit_code == 0, result.output
            files.append(out.read_bytes())
        assert files[0] == files[1] and len(files[0]) > 1000, fmt


def test_the_endpoint_is_reached_from_the_isolated_program(shipped_pushed: Graph) -> None:
    """Run as a program, the command leaves the network but for the endpoint, and answers the same."""
    args = ["query", "decision-makers", "--param", "market=DK", "--format", "csv"]
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", *args, "--endpoint", shipped_pushed.endpoint],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    local = CliRunner().invoke(main, [*args, "--build-dir", str(shipped_pushed.build_dir)])
    assert done.stdout == local.output


# --- Errors: clear, with the URL, and never the build instead ---

def _fails(args: list[str], code: int) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    return result.output


def test_an_unreachable_endpoint_fails_without_reading_a_build(free_port: Callable[[], int], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    absent = tmp_path / "no-build"
    for command in (["query", "awards"], ["paths", "--from", "Cisco"], ["brokers"]):
        output = _fails([*command, "--endpoint", url, "--build-dir", str(absent)], 1)
        assert f"{url}: could not be reached" in output
    assert not absent.exists()  # no build was made to fall back on


def test_an_http_error_names_the_url_and_status(shipped_pushed: Graph) -> None:
    output = _fails(["query", "awards", "--endpoint", shipped_pushed.url + "/no-such-route"], 1)
    assert f"{shipped_pushed.url}/no-such-route: answered with HTTP status 404" in output


def test_what_is_not_sparql_is_named(tmp_path: Path) -> None:
    import http.server
    import threading

    class Page(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the handler's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>a web page</html>")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        output = _fails(["query", "awards", "--endpoint", url], 1)
        assert f"{url}: answered with text/html, not SPARQL results" in output
    finally:
        server.shutdown()


@pytest.mark.parametrize(("args", "says"), [
    (["query", "awards", "--endpoint", "ftp://example.org/sparql"], "is not an http(s) URL"),
    (["query", "awards", "--endpoint", "localhost:7878/query"], "is not an http(s) URL"),
    (["paths", "--from", "Cisco", "--endpoint", "http://127.0.0.1:9/query", "--store", "kept"], "--store"),
    (["export", "--format", "void", "-o", "void.ttl", "--endpoint", "http://127.0.0.1:9/query"], "--build-dir"),
])
def test_usage_errors_exit_2(args: list[str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert says in _fails(args, 2)
    assert not (tmp_path / "kept").exists()


def test_every_reading_command_takes_endpoint() -> None:
    """One option, shared: every command that reads a build can read an endpoint instead."""
    readers = {name for name, command in main.commands.items() if any(p.name == "build_dir" for p in command.params)}
    takes = {name for name, command in main.commands.items() if any(p.name == "endpoint" for p in command.params)}
    assert readers - takes == {"build", "link"}  # build writes; link reaches open-data registers
    help_texts = {main.commands[name].params[[p.name for p in main.commands[name].params].index("endpoint")].help
                  for name in takes - {"push"}}  # push writes to a Graph Store, not a query endpoint
    assert len(help_texts) == 1


_NONCE = re.compile(r"nonce(?:-|=\")[A-Za-z0-9+/_=-]+")


def test_the_servers_pages_at_100k_are_the_embedded_servers(
        generated_100k: Graph, serve: Callable[..., contextlib.AbstractContextManager[str]]) -> None:
    """``serve --endpoint`` over the 100k graph's Oxigraph server gives the pages ``serve`` gives from the build."""
    from urllib.parse import quote

    firm = quote(generated_100k.firm)
    slug = EntityIndex.from_store(open_store(generated_100k.build_dir)).resolve(generated_100k.firm)
    pages = [(f"/id/{slug.value.rsplit('/', 1)[-1]}", "text/html"),
             (f"/paths?from={firm}&market={generated_100k.market}&as_of=2024-06-30", "text/html"),
             (f"/queries/evidence?entity={firm}", "text/csv"),
             (f"/queries/decision-makers?market={generated_100k.market}&asOf=2024-06-30", "text/csv")]
    with serve(generated_100k.build_dir) as embedded, serve(generated_100k.build_dir, "--endpoint",
                                                             generated_100k.endpoint) as remote:
        for page, accept in pages:
            got, expected = (httpx.get(url + page, headers={"Accept": accept}, timeout=120) for url in (remote, embedded))
            assert got.status_code == expected.status_code == 200, (page, got.text[:300])
            assert _NONCE.sub("nonce", got.text) == _NONCE.sub("nonce", expected.text), page
            assert generated_100k.firm in expected.text or accept == "text/csv" and expected.text.count("\n") > 1, page
