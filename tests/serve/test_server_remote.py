"""Tests of ``smartcity-kg push`` to an Oxigraph server, and of ``smartcity-kg serve --endpoint`` over it."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

CISCO = "https://w3id.org/smartcity-kg/id/cisco"
JSON_RESULTS = "application/sparql-results+json"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
MAX_ROWS = 50

#: The ``oxigraph`` server of the Python running the tests (the PyPI package), or one on PATH.
OXIGRAPH = (str(Path(sys.executable).parent / "oxigraph") if (Path(sys.executable).parent / "oxigraph").is_file()
            else shutil.which("oxigraph"))

pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="no 'oxigraph' server binary beside Python nor on PATH")


@dataclass(frozen=True)
class Pushed:
    """An Oxigraph server that the build was pushed to twice, and what each push left there."""

    url: str
    outputs: tuple[str, str]
    counts: tuple[dict[str, int], dict[str, int]]


def _counts(url: str) -> dict[str, int]:
    response = httpx.post(url + "/query", data={"query": PER_GRAPH}, headers={"Accept": JSON_RESULTS}, timeout=30)
    response.raise_for_status()
    return {row["g"]["value"]: int(row["n"]["value"]) for row in response.json()["results"]["bindings"]}


def _push(url: str, built: Path) -> str:
    command = [sys.executable, "-m", "smartcity_kg", "push", "--endpoint", url + "/store", "--build-dir", str(built)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def pushed(built: Path, background: Callable[..., contextlib.AbstractContextManager[object]], free_port: Callable[[], int],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pushed]:
    folder = tmp_path_factory.mktemp("oxigraph")
    url = f"http://127.0.0.1:{free_port()}"
    command = [str(OXIGRAPH), "serve", "--location", str(folder / "store"), "--bind", url.removeprefix("http://")]
    with background(command, url + "/query?query=ASK%7B%7D", folder / "oxigraph.log"):
        first = _push(url, built)
        after_first = _counts(url)
        second = _push(url, built)
        yield Pushed(url, (first, second), (after_first, _counts(url)))


@pytest.fixture(scope="module")
def expected(built: Path) -> dict[str, int]:
    """Triples per named graph of graph.trig, each counted once."""
    triples: dict[str, set[ox.Triple]] = {}
    for quad in ox.parse(path=str(built / "graph.trig"), format=ox.RdfFormat.TRIG):
        assert isinstance(quad.graph_name, ox.NamedNode)
        triples.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return {graph: len(found) for graph, found in triples.items()}


def test_push_puts_every_graph(pushed: Pushed, expected: dict[str, int]) -> None:
    assert len(expected) > 10
    assert pushed.counts[0] == expected


def test_push_twice_changes_nothing(pushed: Pushed, expected: dict[str, int]) -> None:
    assert pushed.counts[1] == pushed.counts[0] == expected
    assert sum(pushed.counts[1].values()) == sum(expected.values())


def test_push_reports_each_graph(pushed: Pushed, expected: dict[str, int]) -> None:
    for output in pushed.outputs:
        reported = dict(re.findall(r"^pushed <([^>]+)>: (\d+) triples$", output, flags=re.MULTILINE))
        assert {graph: int(n) for graph, n in reported.items()} == expected


def test_push_to_nowhere_fails_clearly(built: Path, free_port: Callable[[], int]) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "push", "--endpoint", url, "--build-dir", str(built)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert f"the store {url} could not be reached" in done.stderr


# --- The server over the remote store ---

@pytest.fixture(scope="module")
def remote(pushed: Pushed, built: Path,
           serve: Callable[..., contextlib.AbstractContextManager[str]]) -> Iterator[httpx.Client]:
    with serve(built, "--endpoint", pushed.url + "/query", "--max-rows", str(MAX_ROWS)) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        yield client


def test_remote_select(remote: httpx.Client) -> None:
    query = f"SELECT ?label WHERE {{ <{CISCO}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    response = remote.post("/sparql", data={"query": query}, headers={"Accept": JSON_RESULTS})
    assert response.status_code == 200, response.text
    assert "Cisco" in {row["label"]["value"] for row in response.json()["results"]["bindings"]}


@pytest.mark.parametrize("media", [JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values", "application/json", "application/xml"])
def test_remote_select_in_each_offered_format(remote: httpx.Client, media: str) -> None:
    query = f"SELECT ?label WHERE {{ <{CISCO}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    response = remote.post("/sparql", data={"query": query}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert "Cisco" in response.text


@pytest.mark.parametrize("media", ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"])
def test_remote_describe_in_each_offered_format(remote: httpx.Client, media: str) -> None:
    response = remote.post("/sparql", data={"query": f"DESCRIBE <{CISCO}>"}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    assert CISCO in response.text


def test_remote_named_query(remote: httpx.Client, pushed: Pushed) -> None:
    response = remote.get("/queries/decision-makers", params={"market": "DK"}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {row["market"] for row in rows} == {"https://w3id.org/smartcity-kg/country/DK"}
    assert any(row["holder"] for row in rows)
    unknown = remote.get("/queries/decision-makers", params={"market": "Denmarkk"})
    assert unknown.status_code == 404 and "did you mean 'Denmark'" in unknown.json()["error"]


def test_remote_named_query_matches_the_embedded_server(remote: httpx.Client, built: Path) -> None:
    from smartcity_kg import EntityIndex, load_catalogue, open_store, run_query, shipped
    from smartcity_kg.store.queries import bind_params

    store = open_store(built)
    query = load_catalogue(shipped("queries"))["decision-makers"]
    result = run_query(store, query, bind_params(query, {"market": "DK"}, EntityIndex.from_store(store)))
    response = remote.get("/queries/decision-makers", params={"market": "DK"}, headers={"Accept": JSON_RESULTS})
    got = Counter(tuple(b.get(v, {}).get("value") for v in result.columns) for b in response.json()["results"]["bindings"])
    assert got == Counter(tuple(None if t is None else t.value for t in row) for row in result.rows)


def test_remote_entity_as_turtle(remote: httpx.Client) -> None:
    response = remote.get("/id/cisco", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    subjects = {q.subject for q in ox.parse(input=response.content, format=ox.RdfFormat.TURTLE)}
    assert ox.NamedNode(CISCO) in subjects
    assert remote.get("/id/no-such-thing").status_code == 404


def test_remote_paths(remote: httpx.Client) -> None:
    response = remote.get("/paths", params={"from": "Cisco"})
    assert response.status_code == 200
    assert "Frank Jensen" in response.text


def test_remote_service_is_refused(remote: httpx.Client, pushed: Pushed) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{pushed.url}/query> {{ ?s ?p ?o }} }} LIMIT 1"
    response = remote.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert "SERVICE is not allowed" in response.json()["error"]


def test_remote_malformed_query_is_400(remote: httpx.Client) -> None:
    response = remote.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o"})
    assert response.status_code == 400
    assert "malformed" in response.json()["error"]


def test_remote_row_limit_cuts_and_flags(remote: httpx.Client) -> None:
    response = remote.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": JSON_RESULTS})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert response.headers.get("x-sparql-truncated") == f"max-rows={MAX_ROWS}"


def test_remote_named_graphs_and_modules_dereference(remote: httpx.Client, expected: dict[str, int]) -> None:
    sources = "https://w3id.org/smartcity-kg/graph/sources"
    answer = remote.get("/graph/sources", headers={"Accept": "application/trig"})
    assert answer.status_code == 200, answer.text
    quads = list(ox.parse(input=answer.content, format=ox.RdfFormat.TRIG))
    assert {q.graph_name for q in quads} == {ox.NamedNode(sources)} and len(quads) == expected[sources]
    assert f"{expected[sources]} triples" in remote.get("/graph/sources", headers={"Accept": "text/html"}).text
    module = remote.get("/ontology/places", headers={"Accept": "text/turtle"})
    assert module.status_code == 200 and "locatedIn" in module.text
    # The dumps are the files of an embedded build: a remote store has none to give.
    assert remote.get("/graph.trig", headers={"Accept": "application/trig"}).status_code == 404


# --- The server's pages over the remote store and over the build ---

@pytest.fixture(scope="module")
def embedded(built: Path, serve: Callable[..., contextlib.AbstractContextManager[str]]) -> Iterator[httpx.Client]:
    with serve(built, "--max-rows", str(MAX_ROWS)) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


_NONCE = re.compile(r"nonce(?:-|=\")[A-Za-z0-9+/_=-]+")


@pytest.mark.parametrize(("page", "accept"), [
    ("/id/cisco", "text/html"),
    ("/id/cisco", "text/turtle"),
    ("/id/frank-jensen", "text/html"),
    ("/paths?from=Cisco&as_of=2024-06-30", "text/html"),
    ("/paths?firm=Brightway+Lighting&sector=intelligent-lighting&home=US&as_of=2024-06-30", "text/html"),
    ("/brief?from=Cisco&as_of=2024-06-30", "text/html"),
    ("/queries/evidence?entity=Cisco", "text/csv"),
    ("/queries/entities-in-country?market=DK", JSON_RESULTS),
    ("/queries", "application/json"),
])
def test_remote_pages_are_the_embedded_servers(remote: httpx.Client, embedded: httpx.Client, page: str,
                                               accept: str) -> None:
    """A page served from the remote store is the page served from the build (its nonces aside)."""
    got, expected = (client.get(page, headers={"Accept": accept}) for client in (remote, embedded))
    assert got.status_code == expected.status_code == 200, got.text[:300]
    if accept == "text/turtle":
        assert set(ox.parse(input=got.content, format=ox.RdfFormat.TURTLE)) == set(
            ox.parse(input=expected.content, format=ox.RdfFormat.TURTLE))
    else:
        assert _NONCE.sub("nonce", got.text) == _NONCE.sub("nonce", expected.text)
