"""The W3C SPARQL 1.1 Protocol query tests, and the protocol's errors, against ``smartcity-kg serve``.

The cases follow the descriptions of the protocol test suite's query part (query by GET, by
POST form and POST direct; datasets given by ``default-graph-uri`` and ``named-graph-uri``;
content types; bad requests), with the build's own graphs standing for the suite's data1-3.
One server, run as a subprocess on 127.0.0.1, answers them all over real HTTP.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

GRAPH = "https://w3id.org/smartcity-kg/graph/"
ONTOLOGY = "https://w3id.org/smartcity-kg/ontology"
SOURCES = GRAPH + "sources"
WIKIDATA = GRAPH + "wikidata"
IN_ONTOLOGY = f"<{ONTOLOGY}> a <http://www.w3.org/2002/07/owl#Ontology>"
IN_SOURCES = "<https://w3id.org/smartcity-kg/source/wikidata> <http://xmlns.com/foaf/0.1/page> ?page"
CISCO = "https://w3id.org/smartcity-kg/id/cisco"
JSON_RESULTS = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
TRANSPORTS = ["get", "post-form", "post-direct"]

Serve = Callable[..., contextlib.AbstractContextManager[str]]
Params = list[tuple[str, str]]


@pytest.fixture(scope="module")
def client(built: Path, serve: Serve) -> Iterator[httpx.Client]:
    with serve(built, "--timeout", "5", "--workers", "2") as url, httpx.Client(base_url=url, timeout=30) as session:
        yield session


def _query(client: httpx.Client, transport: str, query: str, dataset: Params | None = None,
           accept: str = JSON_RESULTS) -> httpx.Response:
    """Send ``query`` by ``transport``, with the dataset parameters where the protocol puts them."""
    dataset = dataset or []
    headers = {"Accept": accept}
    if transport == "get":
        return client.get("/sparql", params=[("query", query), *dataset], headers=headers)
    if transport == "post-form":
        return client.post("/sparql", data={"query": query, **_grouped(dataset)}, headers=headers)
    return client.post("/sparql", params=list(dataset), content=query.encode("utf-8"),
                       headers={**headers, "Content-Type": "application/sparql-query"})


def _grouped(params: Params) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in params:
        out.setdefault(key, []).append(value)
    return out


def _boolean(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def _column(response: httpx.Response, name: str) -> set[str]:
    assert response.status_code == 200, response.text
    return {row[name]["value"] for row in response.json()["results"]["bindings"] if name in row}


# --- Positive tests: query-get, query-post-form, query-post-direct ---

@pytest.mark.parametrize("transport", TRANSPORTS)
def test_query(client: httpx.Client, transport: str) -> None:
    assert _boolean(_query(client, transport, "ASK {}")) is True


# --- query-dataset-default-graph(s), -named-graphs, -full, query-multiple-dataset ---

@pytest.mark.parametrize("transport", TRANSPORTS)
def test_dataset_default_graph(client: httpx.Client, transport: str) -> None:
    dataset = [("default-graph-uri", ONTOLOGY)]
    assert _boolean(_query(client, transport, f"ASK {{ {IN_ONTOLOGY} }}", dataset)) is True
    assert _boolean(_query(client, transport, f"ASK {{ {IN_SOURCES} }}", dataset)) is False


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_dataset_default_graphs(client: httpx.Client, transport: str) -> None:
    dataset = [("default-graph-uri", ONTOLOGY), ("default-graph-uri", SOURCES)]
    assert _boolean(_query(client, transport, f"ASK {{ {IN_ONTOLOGY} . {IN_SOURCES} }}", dataset)) is True
    assert _boolean(_query(client, transport, f"ASK {{ <{CISCO}> ?p ?o }}", dataset)) is False


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_dataset_named_graphs(client: httpx.Client, transport: str) -> None:
    dataset = [("named-graph-uri", ONTOLOGY), ("named-graph-uri", SOURCES)]
    response = _query(client, transport, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", dataset)
    assert _column(response, "g") == {ONTOLOGY, SOURCES}
    assert _boolean(_query(client, transport, f"ASK {{ {IN_ONTOLOGY} }}", dataset)) is False  # empty default graph


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_dataset_full(client: httpx.Client, transport: str) -> None:
    dataset = [("default-graph-uri", SOURCES), ("named-graph-uri", ONTOLOGY), ("named-graph-uri", WIKIDATA)]
    response = _query(client, transport, f"SELECT DISTINCT ?g WHERE {{ {IN_SOURCES} GRAPH ?g {{ ?s ?p ?o }} }}",
                      dataset)
    assert _column(response, "g") == {ONTOLOGY, WIKIDATA}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_protocol_dataset_overrides_the_query_dataset(client: httpx.Client, transport: str) -> None:
    query = f"ASK FROM <{ONTOLOGY}> {{ {IN_ONTOLOGY} }}"
    assert _boolean(_query(client, transport, query)) is True
    assert _boolean(_query(client, transport, query, [("default-graph-uri", SOURCES)])) is False


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("iri", ["http://example.org/data1.rdf", "file:///etc/passwd", GRAPH])
def test_dataset_outside_the_build_is_refused_by_every_transport(client: httpx.Client, transport: str, name: str,
                                                                 iri: str) -> None:
    response = _query(client, transport, "ASK {}", [(name, iri)])
    assert response.status_code == 400
    assert f"{name} <{iri}> names no graph of this dataset" in response.json()["error"]


# --- query-content-type-select, -ask, -describe, -construct ---

@pytest.mark.parametrize(("query", "types"), [
    pytest.param("SELECT (1 AS ?value) {}", {JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                                              "text/tab-separated-values"}, id="select"),
    pytest.param("ASK {}", {JSON_RESULTS, "application/sparql-results+xml"}, id="ask"),
    pytest.param("DESCRIBE <http://example.org/>", {"application/rdf+xml", "text/turtle", "application/n-triples"},
                 id="describe"),
    pytest.param("CONSTRUCT { <s> <p> 1 } WHERE {}", {"application/rdf+xml", "text/turtle", "application/n-triples"},
                 id="construct-with-a-constant-object"),
])
def test_content_type(client: httpx.Client, query: str, types: set[str]) -> None:
    response = client.post("/sparql", content=query.encode("utf-8"), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] in types
    assert response.headers["vary"] == "Accept"


def test_construct_with_a_constant_object_answers_its_triple(client: httpx.Client) -> None:
    response = _query(client, "get", 'CONSTRUCT { <s> <p> "c" } WHERE {}', accept="application/n-triples")
    assert response.status_code == 200, response.text
    assert response.text == '<https://w3id.org/smartcity-kg/s> <https://w3id.org/smartcity-kg/p> "c" .\n'


# --- Negative tests: 4xx, each with its reason ---

_BAD: list[Any] = [
    pytest.param("PUT", {"params": {"query": "ASK {}"}}, 405, id="bad-query-method"),
    pytest.param("GET", {"params": [("query", "ASK {}"), ("query", "SELECT * {}")]}, 400, id="bad-multiple-queries"),
    pytest.param("POST", {"content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415,
                 id="bad-query-wrong-media-type"),
    pytest.param("POST", {"content": b"query=ASK%20%7B%7D"}, 415, id="bad-query-missing-form-type"),
    pytest.param("POST", {"content": b"ASK {}"}, 415, id="bad-query-missing-direct-type"),
    pytest.param("POST", {"content": "ASK {}".encode("utf-16"),
                          "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"}}, 415,
                 id="bad-query-non-utf8"),
    pytest.param("GET", {"params": {"query": "ASK {"}}, 400, id="bad-query-syntax"),
    pytest.param("GET", {"params": {"update": "CLEAR ALL"}}, 400, id="bad-update-get"),
    pytest.param("POST", {"data": {"update": "CLEAR ALL"}}, 400, id="update-by-form-to-the-query-endpoint"),
    pytest.param("POST", {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}}, 415,
                 id="update-direct-to-the-query-endpoint"),
    pytest.param("POST", {"params": {"query": "ASK {}"}, "content": b"ASK {}",
                          "headers": {"Content-Type": "application/sparql-query"}}, 400,
                 id="post-direct-with-a-second-query-in-the-url"),
]


@pytest.mark.parametrize(("method", "kwargs", "status"), _BAD)
def test_bad_request(client: httpx.Client, method: str, kwargs: dict[str, Any], status: int) -> None:
    response = client.request(method, "/sparql", **kwargs)
    assert response.status_code == status, response.text
    if status != 405:
        assert response.json()["error"]


# --- HEAD answers as GET does, without a body ---

@pytest.mark.parametrize("path", ["/sparql?query=ASK%20%7B%7D", "/", "/id/cisco", "/ontology", "/queries"])
def test_head_answers_as_get(client: httpx.Client, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.content == b""


# --- Errors tell the client what it needs, never what the server saw ---

@pytest.mark.parametrize("accept", [JSON_RESULTS, "image/png", "text/turtle"])
@pytest.mark.parametrize("query", ["SELEC * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o", "ASK { ?s ?p }"])
def test_syntax_error_is_400_whatever_the_accept(client: httpx.Client, query: str, accept: str) -> None:
    response = _query(client, "post-form", query, accept=accept)
    assert response.status_code == 400, response.text
    assert "line 1, column" in response.json()["error"]


def test_missing_prefix_is_one_line(client: httpx.Client) -> None:
    response = _query(client, "get", "SELECT * WHERE { ?s foo:bar ?o }")
    assert response.status_code == 400
    assert response.json()["error"] == "malformed query: the prefix 'foo:' is not declared (line 1, column 28)"


def test_engine_failure_is_generic_with_a_request_id(client: httpx.Client) -> None:
    response = _query(client, "get", "SELECT * WHERE { BIND(<urn:x:secret-function>(1) AS ?x) }")
    assert response.status_code == 500
    body = response.json()
    assert body["request_id"] and body["request_id"] in body["error"]
    assert "secret-function" not in json.dumps(body) and "Error" not in body["error"]


def test_unacceptable_accept_for_a_good_query_is_still_406(client: httpx.Client) -> None:
    response = _query(client, "get", "ASK {}", accept="image/png")
    assert response.status_code == 406
