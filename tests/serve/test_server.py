"""Tests of the HTTP server, run as ``smartcity-kg serve`` on 127.0.0.1 and queried over real HTTP.

One server (two workers, 2 s and 50 rows per query, 20,000-byte bodies, CORS for
https://example.org) answers most tests; a second with one worker shows the concurrency cap.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from smartcity_kg import EntityIndex, load_catalogue, run_query
from smartcity_kg.store.queries import bind_params

QUERIES = Path(__file__).resolve().parents[2] / "queries"
ID = "https://w3id.org/smartcity-kg/id/"
CISCO = ID + "cisco"
SOURCES_GRAPH = "https://w3id.org/smartcity-kg/graph/sources"
ONTOLOGY = "https://w3id.org/smartcity-kg/ontology"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SPARQL_NS = "{http://www.w3.org/2005/sparql-results#}"
TIMEOUT = 2.0
MAX_ROWS = 50
MAX_BODY = 20_000
ORIGIN = "https://example.org"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Unbounded property paths over the whole graph, joined with each other.
PROPERTY_PATHS = "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x:none>)* ?b . ?c (!<urn:x:none>)* ?d }"
LABELS = f"SELECT ?label WHERE {{ <{CISCO}> <{RDFS_LABEL}> ?label }}"
JSON_RESULTS = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"


Serve = Callable[..., contextlib.AbstractContextManager[str]]


@pytest.fixture(scope="module")
def url(built: Path, serve: Serve) -> Iterator[str]:
    with serve(built, "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2",
               "--max-body", str(MAX_BODY), "--cors", ORIGIN) as running:
        yield running


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as session:
        yield session


def _sparql(client: httpx.Client, query: str, accept: str = JSON_RESULTS) -> httpx.Response:
    return client.post("/sparql", data={"query": query}, headers={"Accept": accept})


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _labels_in_store(store: ox.Store) -> set[str]:
    return {row["label"].value for row in _select(store, LABELS)}


def _still_serving(client: httpx.Client) -> None:
    response = _sparql(client, "ASK { ?s ?p ?o }")
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


# --- SPARQL 1.1 Protocol: three ways to send a query ---

@pytest.mark.parametrize("transport", ["get", "post-form", "post-query"])
def test_select_by_each_transport(client: httpx.Client, store: ox.Store, transport: str) -> None:
    headers = {"Accept": JSON_RESULTS}
    if transport == "get":
        response = client.get("/sparql", params={"query": LABELS}, headers=headers)
    elif transport == "post-form":
        response = client.post("/sparql", data={"query": LABELS}, headers=headers)
    else:
        response = client.post("/sparql", content=LABELS.encode("utf-8"),
                               headers={**headers, "Content-Type": "application/sparql-query; charset=utf-8"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_RESULTS
    data = response.json()
    assert data["head"]["vars"] == ["label"]
    labels = {row["label"]["value"] for row in data["results"]["bindings"]}
    assert "Cisco" in labels
    assert labels == _labels_in_store(store)


# --- SELECT and ASK in each results format ---

def _rows_of(media: str, body: bytes) -> list[dict[str, str]]:
    """The rows of a SELECT result in ``media``, as variable → lexical value."""
    if media == JSON_RESULTS:
        return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]
    if media == "application/sparql-results+xml":
        root = ET.fromstring(body)
        return [{b.get("name", ""): "".join(b.itertext()) for b in result.iter(SPARQL_NS + "binding")}
                for result in root.iter(SPARQL_NS + "result")]
    if media == "text/csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    lines = body.decode("utf-8").rstrip("\n").split("\n")
    names = [name.lstrip("?") for name in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        terms = [next(iter(ox.parse(input=f"<urn:s> <urn:p> {cell} .", format=ox.RdfFormat.N_TRIPLES))).object
                 for cell in line.split("\t")]
        rows.append({name: term.value for name, term in zip(names, terms)})
    return rows


@pytest.mark.parametrize("media", [JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])
def test_select_in_each_results_format(client: httpx.Client, store: ox.Store, media: str) -> None:
    query = f"SELECT ?entity ?label WHERE {{ VALUES ?entity {{ <{CISCO}> }} ?entity <{RDFS_LABEL}> ?label }}"
    response = _sparql(client, query, media)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    rows = _rows_of(media, response.content)
    assert {row["label"] for row in rows} == _labels_in_store(store)
    assert {row["entity"] for row in rows} == {CISCO}


@pytest.mark.parametrize("media", [JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])
@pytest.mark.parametrize("answer", [True, False])
def test_ask_in_each_results_format(client: httpx.Client, media: str, answer: bool) -> None:
    label = "Cisco" if answer else "No Such Label At All"
    response = _sparql(client, f'ASK {{ <{CISCO}> <{RDFS_LABEL}> ?l FILTER(STR(?l) = "{label}") }}', media)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    if media == JSON_RESULTS:
        assert response.json()["boolean"] is answer
    elif media.endswith("xml"):
        assert ET.fromstring(response.content).findtext(SPARQL_NS + "boolean") == str(answer).lower()
    else:
        assert response.text.strip() == str(answer).lower()


def test_csv_writes_blank_nodes_as_blank_nodes(client: httpx.Client) -> None:
    response = _sparql(client, "SELECT ?b WHERE { ?b ?p ?o FILTER(isBlank(?b)) } LIMIT 1", "text/csv")
    assert response.status_code == 200, response.text
    (row,) = list(csv.DictReader(io.StringIO(response.text)))
    assert row["b"].startswith("_:")


# --- CONSTRUCT and DESCRIBE in each RDF format ---

_RDF = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}
_GRAPH_QUERIES = {
    "construct": f"CONSTRUCT {{ <{CISCO}> ?p ?o }} WHERE {{ <{CISCO}> ?p ?o }}",
    "describe": f"DESCRIBE <{CISCO}>",
}


@pytest.mark.parametrize("media", list(_RDF))
@pytest.mark.parametrize("form", list(_GRAPH_QUERIES))
def test_graph_results_in_each_rdf_format(client: httpx.Client, store: ox.Store, media: str, form: str) -> None:
    response = client.post("/sparql", content=_GRAPH_QUERIES[form].encode("utf-8"),
                           headers={"Content-Type": "application/sparql-query", "Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    if media == "application/ld+json":
        assert isinstance(json.loads(response.content), (list, dict))
    if media == "application/rdf+xml":
        assert ET.fromstring(response.content).tag == "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
    triples = {q.triple for q in ox.parse(input=response.content, format=_RDF[media])}
    expected = {ox.Triple(ox.NamedNode(CISCO), q.predicate, q.object)
                for q in store.quads_for_pattern(ox.NamedNode(CISCO), None, None, ox.DefaultGraph())}
    assert expected and {t for t in triples if t.subject == ox.NamedNode(CISCO)} == expected


# --- Status codes ---

def test_malformed_query_is_400_with_the_parser_message(client: httpx.Client) -> None:
    bad = "SELECT * WHERE { ?s ?p ?o"
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(bad)
    response = _sparql(client, bad)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    line, column = parsed.value.msg.split(":", 1)[0].removeprefix("error at "), parsed.value.msg.split(":")[1]
    assert f"(line {line}, column {column})" in response.json()["error"]


@pytest.mark.parametrize(("query", "accept"), [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png"),
    ("ASK { ?s ?p ?o }", "text/turtle"),
    (_GRAPH_QUERIES["construct"], JSON_RESULTS),
    (_GRAPH_QUERIES["describe"], "text/csv;q=1, text/turtle;q=0"),
])
def test_unsupported_accept_is_406(client: httpx.Client, query: str, accept: str) -> None:
    response = _sparql(client, query, accept)
    assert response.status_code == 406
    assert "offered" in response.json()["error"]


@pytest.mark.parametrize("media", ["text/plain", "application/sparql-update", "application/json", None])
def test_wrong_content_type_is_415(client: httpx.Client, media: str | None) -> None:
    headers = {"Content-Type": media} if media else {}
    response = client.post("/sparql", content=b"SELECT * WHERE { ?s ?p ?o }", headers=headers)
    assert response.status_code == 415
    assert "application/sparql-query" in response.json()["error"]


def _chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), 4096):
        yield body[start:start + 4096]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
@pytest.mark.parametrize("media", ["application/sparql-query", FORM])
def test_oversized_body_is_413_before_parsing(client: httpx.Client, framing: str, media: str) -> None:
    body = b"query=" + b"{" * (MAX_BODY + 1) if media == FORM else b"\xff" + b"{" * (MAX_BODY + 1)  # not UTF-8, not SPARQL
    content = body if framing == "content-length" else _chunks(body)
    response = client.post("/sparql", content=content, headers={"Content-Type": media})
    assert response.status_code == 413
    assert f"larger than {MAX_BODY} bytes" in response.json()["error"]
    _still_serving(client)


def test_body_at_the_limit_is_not_413(client: httpx.Client) -> None:
    body = b"ASK { ?s ?p ?o } #".ljust(MAX_BODY, b"x")
    response = client.post("/sparql", content=body, headers={"Content-Type": "application/sparql-query",
                                                             "Accept": JSON_RESULTS})
    assert response.status_code == 200, response.text


def test_overlong_query_in_a_get_is_refused(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {} #" + "x" * MAX_BODY})
    assert response.status_code == 413


@pytest.mark.parametrize(("media", "body"), [
    ("application/sparql-query", b"ASK { ?s ?p \"\xff\" }"),
    (FORM, b"query=ASK+%7B+%3Fs+%3Fp+%22\xff%22+%7D"),
    (FORM, b"query=ASK+%7B+%3Fs+%3Fp+%22%FF%22+%7D"),
])
def test_body_that_is_not_utf8_is_400(client: httpx.Client, media: str, body: bytes) -> None:
    response = client.post("/sparql", content=body, headers={"Content-Type": media})
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]


def test_query_string_that_is_not_utf8_is_400(client: httpx.Client) -> None:
    response = client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D")
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]


@pytest.mark.parametrize("transport", ["get", "post-form"])
@pytest.mark.parametrize("escape", ["%ZZ", "%4", "%"])
def test_bad_percent_encoding_is_400(client: httpx.Client, transport: str, escape: str) -> None:
    encoded = "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23" + escape  # ASK { ?s ?p ?o } #<escape>
    if transport == "get":
        response = client.get("/sparql?query=" + encoded)
    else:
        response = client.post("/sparql", content=("query=" + encoded).encode("ascii"), headers={"Content-Type": FORM})
    assert response.status_code == 400
    assert "percent" in response.json()["error"]


@pytest.mark.parametrize("params", [(), (("query", ""),), (("query", "ASK {}"), ("query", "ASK {}"))])
def test_missing_or_repeated_query_is_400(client: httpx.Client, params: tuple[tuple[str, str], ...]) -> None:
    response = client.get("/sparql", params=params)
    assert response.status_code == 400
    assert "exactly one query" in response.json()["error"]


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_outside_the_dataset_are_refused(client: httpx.Client, name: str) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", name: "http://example.org/g"})
    assert response.status_code == 400
    assert name in response.json()["error"]


# --- CORS ---

def test_cors_allows_the_configured_origin_without_credentials(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options("/sparql", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers


def test_cors_ignores_other_origins(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/sparql", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers


# --- Read-only ---

_MARKER = "<urn:smartcity-kg-test:s> <urn:smartcity-kg-test:p> <urn:smartcity-kg-test:o>"


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    ("POST", "/sparql", {"data": {"update": f"INSERT DATA {{ {_MARKER} }}"}}, 400),
    ("POST", "/sparql", {"content": f"INSERT DATA {{ {_MARKER} }}".encode(),
                         "headers": {"Content-Type": "application/sparql-update"}}, 415),
    ("POST", "/sparql", {"data": {"query": f"INSERT DATA {{ {_MARKER} }}"}}, 400),
    ("GET", "/sparql", {"params": {"update": f"INSERT DATA {{ {_MARKER} }}"}}, 400),
    ("POST", "/update", {"data": {"update": f"INSERT DATA {{ {_MARKER} }}"}}, 405),
    ("POST", "/sparql/update", {"data": {"update": f"INSERT DATA {{ {_MARKER} }}"}}, 405),
    ("POST", "/store", {"content": f"{_MARKER} .".encode(), "headers": {"Content-Type": "application/n-triples"}}, 405),
    ("PUT", "/sparql", {"content": f"{_MARKER} .".encode(), "headers": {"Content-Type": "application/n-triples"}}, 405),
])
def test_no_update_is_taken(client: httpx.Client, method: str, path: str, kwargs: dict[str, Any], status: int) -> None:
    response = client.request(method, path, follow_redirects=True, **kwargs)
    assert response.status_code == status
    assert _sparql(client, f"ASK {{ {_MARKER} }}").json()["boolean"] is False


# --- Bounded: what a query may reach ---

@pytest.fixture
def listener() -> Iterator[tuple[str, list[object]]]:
    """A TCP listener on 127.0.0.1: its base URL, and the connections it accepted."""
    accepted: list[object] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            accepted.append(connection)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/", accepted
    stop.set()
    thread.join(2)
    server.close()


@pytest.mark.parametrize(("template", "message"), [
    ("SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}", "SERVICE is not allowed"),
    ("SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}", "SERVICE is not allowed"),
    ("PREFIX r: <{url}> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}", "SERVICE is not allowed"),
    ("SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}", "names no graph of this dataset"),
    ("SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "names no graph of this dataset"),
    ("SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}", "names no graph of this dataset"),
    ("LOAD <{url}data.ttl>", "LOAD is an update"),
    ("INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}", "is not allowed|is an update"),
])
def test_reaching_outside_is_refused_before_evaluation(client: httpx.Client, listener: tuple[str, list[object]],
                                                       template: str, message: str) -> None:
    base, accepted = listener
    response = _sparql(client, template.format(url=base))
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert re.search(message, response.json()["error"])
    time.sleep(0.3)
    assert accepted == []


def test_service_glued_to_a_prefixed_name_is_refused(client: httpx.Client,
                                                     listener: tuple[str, list[object]]) -> None:
    base, accepted = listener
    response = _sparql(client, f"PREFIX : <{base}> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}")
    time.sleep(0.3)
    assert (response.status_code, accepted) == (400, [])


def test_from_a_graph_of_the_dataset_is_allowed(client: httpx.Client, store: ox.Store) -> None:
    response = _sparql(client, f"SELECT (COUNT(*) AS ?n) FROM <{SOURCES_GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert response.status_code == 200, response.text
    expected = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(SOURCES_GRAPH))))
    total = len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    assert 0 < expected < total
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == expected


def test_from_named_a_graph_of_the_dataset_is_allowed(client: httpx.Client, store: ox.Store) -> None:
    query = f"SELECT DISTINCT ?g FROM NAMED <{SOURCES_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = _sparql(client, query)
    assert response.status_code == 200, response.text
    assert [row["g"]["value"] for row in response.json()["results"]["bindings"]] == [SOURCES_GRAPH]


# --- Bounded: depth, rows, time and concurrency ---

def test_deeply_nested_query_is_400_and_the_server_keeps_serving(client: httpx.Client) -> None:
    response = _sparql(client, "SELECT * WHERE " + "{" * 2500 + "}" * 2500)
    assert response.status_code == 400
    assert "nested more than" in response.json()["error"]
    _still_serving(client)


@pytest.mark.parametrize("query", [
    pytest.param("ASK { FILTER(" + "!" * 15_000 + "true) }", id="unary-not"),
    pytest.param("ASK { FILTER(" + "- " * 7_000 + "1 < 0) }", id="unary-minus"),
    pytest.param("ASK { FILTER(1" + "+1" * 8_000 + " > 0) }", id="sum"),
    pytest.param("ASK { FILTER(1" + "*1" * 8_000 + " > 0) }", id="product"),
])
def test_query_that_crashes_the_parser_is_refused(client: httpx.Client, query: str) -> None:
    response = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    _still_serving(client)
    assert response.status_code == 400, response.text


def test_query_that_crashes_a_worker_leaves_the_server_serving(client: httpx.Client) -> None:
    query = "ASK { FILTER(1" + "+1" * 8_000 + " > 0) }"
    for _ in range(3):  # more crashes than workers
        response = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
        assert 400 <= response.status_code < 600 and "error" in response.json()
    _still_serving(client)
    _still_serving(client)


@pytest.mark.parametrize("media", [JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])
def test_row_limit_cuts_and_flags(client: httpx.Client, media: str) -> None:
    response = _sparql(client, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", media)
    assert response.status_code == 200, response.text
    assert response.headers["x-sparql-truncated"] == f"max-rows={MAX_ROWS}"
    assert len(_rows_of(media, response.content)) == MAX_ROWS
    if media == JSON_RESULTS:
        assert response.json()["truncated"] is True
    if media.endswith("xml"):
        links = ET.fromstring(response.content).findall(f"{SPARQL_NS}head/{SPARQL_NS}link")
        assert [link.get("href") for link in links] == ["#truncated"]


@pytest.mark.parametrize(("limit", "truncated"), [(MAX_ROWS - 1, False), (MAX_ROWS, False), (MAX_ROWS + 1, True)])
def test_row_limit_boundary(client: httpx.Client, limit: int, truncated: bool) -> None:
    response = _sparql(client, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}")
    assert response.status_code == 200, response.text
    assert ("x-sparql-truncated" in response.headers) is truncated
    assert response.json().get("truncated", False) is truncated
    assert len(response.json()["results"]["bindings"]) == min(limit, MAX_ROWS)


def test_row_limit_cuts_graph_results(client: httpx.Client) -> None:
    response = client.post("/sparql", data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"},
                           headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    assert response.headers["x-sparql-truncated"] == f"max-rows={MAX_ROWS}"
    assert len(list(ox.parse(input=response.content, format=ox.RdfFormat.N_TRIPLES))) == MAX_ROWS


@pytest.mark.parametrize("query", [CARTESIAN, PROPERTY_PATHS], ids=["cartesian", "property-paths"])
def test_time_limit_stops_a_pathological_query_while_others_are_answered(client: httpx.Client, url: str,
                                                                        query: str) -> None:
    outcome: dict[str, Any] = {}

    def pathological() -> None:
        started = time.monotonic()
        with _client_from("127.0.0.2", url) as other:  # another client than ``client``
            response = _sparql(other, query)
        outcome.update(status=response.status_code, body=response.json(), seconds=time.monotonic() - started)

    thread = threading.Thread(target=pathological)
    thread.start()
    time.sleep(0.3)
    answered = []
    while thread.is_alive():
        started = time.monotonic()
        response = _sparql(client, LABELS)
        answered.append((response.status_code, time.monotonic() - started, thread.is_alive()))
        time.sleep(0.1)
    thread.join()
    assert outcome["status"] == 503
    assert "longer than the limit of 2 s" in outcome["body"]["error"]
    assert outcome["seconds"] < TIMEOUT + 2
    during = [a for a in answered if a[2]]
    assert len(during) >= 3
    assert all(status == 200 and seconds < 1.0 for status, seconds, _ in during), answered
    _still_serving(client)


def _client_from(address: str, url: str) -> httpx.Client:
    """A client of ``url`` whose requests come from ``address`` (any of 127.0.0.0/8): another client for the server."""
    return httpx.Client(base_url=url, timeout=30, transport=httpx.HTTPTransport(local_address=address))


@pytest.fixture(scope="module")
def one_worker(built: Path, serve: Serve) -> Iterator[str]:
    with serve(built, "--workers", "1", "--timeout", "3", "--queue-wait", "2") as running:
        yield running


def test_busy_workers_answer_503(one_worker: str) -> None:
    def post(n: int) -> httpx.Response:
        with _client_from(f"127.0.0.{n + 2}", one_worker) as other:  # four clients, one query each
            return _sparql(other, CARTESIAN)

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(post, range(4)))
    errors = sorted(r.json()["error"] for r in responses)
    assert all(r.status_code == 503 for r in responses), errors
    assert sum("busy" in e for e in errors) >= 1
    assert sum("longer than the limit" in e for e in errors) >= 1
    with httpx.Client(base_url=one_worker, timeout=30) as other:
        _still_serving(other)


# --- Named queries ---

def test_catalogue_lists_every_query_with_its_header(client: httpx.Client) -> None:
    response = client.get("/queries")
    assert response.status_code == 200
    items = {item["name"]: item for item in response.json()["queries"]}
    catalogue = load_catalogue(QUERIES)
    assert set(items) == {path.stem for path in QUERIES.glob("*.rq")} == set(catalogue)
    for name, query in catalogue.items():
        assert items[name]["summary"] == query.summary and items[name]["summary"]
        assert items[name]["url"] == f"/queries/{name}"
        assert [p["name"] for p in items[name]["params"]] == [p.name for p in query.params]
    assert items["decision-makers"]["params"][0] == {
        "name": "market", "description": catalogue["decision-makers"].params[0].description, "kind": "entity",
        "default": "DK"}


def test_catalogue_descriptions_are_plain_text(client: httpx.Client) -> None:
    for item in client.get("/queries").json()["queries"]:
        assert not [c for c in item["description"] if ord(c) < 32], item["name"]


#: The columns of the named query decision-makers.
HEADER = ["post", "organisation", "market", "holder", "status", "from", "to", "lastAttested", "electedOn", "term",
          "disputedBy", "source", "asOf", "asOfDay"]


def _expected_decision_makers(store: ox.Store) -> set[tuple[str, ...]]:
    query = load_catalogue(QUERIES)["decision-makers"]
    result = run_query(store, query, bind_params(query, {"market": "DK"}, EntityIndex.from_store(store)))
    assert result.columns == HEADER
    return {tuple("" if term is None else term.value for term in row) for row in result.rows}


@pytest.mark.parametrize("country", ["DK", "Denmark", "https://w3id.org/smartcity-kg/country/DK"])
def test_decision_makers_as_csv_and_json(client: httpx.Client, store: ox.Store, country: str) -> None:
    as_csv = client.get("/queries/decision-makers", params={"market": country}, headers={"Accept": "text/csv"})
    as_json = client.get("/queries/decision-makers", params={"market": country}, headers={"Accept": JSON_RESULTS})
    assert as_csv.status_code == as_json.status_code == 200
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    header = HEADER
    assert rows[0] == header == as_json.json()["head"]["vars"]
    from_csv = {tuple(row) for row in rows[1:]}
    from_json = {tuple(b.get(v, {}).get("value", "") for v in header) for b in as_json.json()["results"]["bindings"]}
    assert from_csv == from_json
    expected = _expected_decision_makers(store)
    assert len(expected) <= MAX_ROWS and from_csv == expected
    assert {row[2] for row in from_csv} == {"https://w3id.org/smartcity-kg/country/DK"}
    assert any(row[3] for row in from_csv)


def test_named_query_default_parameter(client: httpx.Client) -> None:
    given = client.get("/queries/decision-makers", params={"market": "DK"})
    default = client.get("/queries/decision-makers")
    assert default.status_code == 200 and default.json() == given.json()


def test_unknown_named_query_is_404(client: httpx.Client) -> None:
    response = client.get("/queries/no-such-query")
    assert response.status_code == 404
    assert "no named query 'no-such-query'" in response.json()["error"]


def test_unknown_parameter_is_400(client: httpx.Client) -> None:
    response = client.get("/queries/decision-makers", params={"market": "DK", "colour": "red"})
    assert response.status_code == 400
    assert "no parameter colour" in response.json()["error"]
    assert "market" in response.json()["error"]


def test_unknown_entity_is_404_with_a_suggestion(client: httpx.Client) -> None:
    response = client.get("/queries/decision-makers", params={"market": "Denmarkk"})
    assert response.status_code == 404
    assert "did you mean 'Denmark'" in response.json()["error"]


# --- Linked data ---

class _Collect(HTMLParser):
    """Text of the tags named ``tag`` and the attributes of every tag, from an HTML page."""

    def __init__(self, tag: str = "blockquote") -> None:
        super().__init__()
        self.tag, self._open = tag, False
        self.texts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == self.tag:
            self._open = True
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.tag:
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[-1] += data


def _parse_html(text: str, tag: str = "blockquote") -> _Collect:
    parser = _Collect(tag)
    parser.feed(text)
    return parser


def _cisco_quotes(store: ox.Store) -> set[str]:
    query = (f"SELECT ?quote WHERE {{ <{CISCO}> <https://w3id.org/smartcity-kg/ontology#evidence>/"
             "<https://w3id.org/smartcity-kg/ontology#selector>/<https://w3id.org/smartcity-kg/ontology#quote> ?quote }")
    return {row["quote"].value for row in _select(store, query)}


def test_entity_as_html_shows_its_quotes(client: httpx.Client, store: ox.Store) -> None:
    response = client.get("/id/cisco", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _parse_html(response.text, "h1")
    assert page.texts == ["Cisco"]
    quotes = _cisco_quotes(store)
    assert quotes and quotes <= set(_parse_html(response.text).texts)


@pytest.mark.parametrize(("slug", "identifiers"), [
    ("copenhagen", {"Q1748": "http://www.wikidata.org/entity/Q1748", "2618425": "https://sws.geonames.org/2618425/",
                    "http://dbpedia.org/resource/Copenhagen": "http://dbpedia.org/resource/Copenhagen"}),
    ("ita", {"Q6054002": "http://www.wikidata.org/entity/Q6054002", "02an13226": "https://ror.org/02an13226"}),
])
def test_entity_page_links_its_identifiers_to_their_registers(client: httpx.Client, slug: str,
                                                              identifiers: dict[str, str]) -> None:
    response = client.get(f"/id/{slug}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    shown = _parse_html(response.text, "code").texts
    links = {attrs.get("href") for tag, attrs in _parse_html(response.text).tags if tag == "a"}
    assert set(identifiers) <= set(shown)
    assert set(identifiers.values()) <= links
    assert all(link.startswith(("http://", "https://", "/", "?")) for link in links if link), links


@pytest.mark.parametrize(("headers", "query", "media"), [
    ({"Accept": "text/turtle"}, "", "text/turtle"),
    ({"Accept": "application/ld+json"}, "", "application/ld+json"),
    ({"Accept": "application/n-triples"}, "", "application/n-triples"),
    ({"Accept": "application/rdf+xml"}, "", "application/rdf+xml"),
    ({"Accept": "text/html;q=0.5, text/turtle"}, "", "text/turtle"),
    ({}, "?format=turtle", "text/turtle"),
    ({"Accept": "text/html"}, "?format=jsonld", "application/ld+json"),
])
def test_entity_as_rdf_by_negotiation(client: httpx.Client, store: ox.Store, headers: dict[str, str], query: str,
                                      media: str) -> None:
    response = client.get("/id/cisco" + query, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    triples = {q.triple for q in ox.parse(input=response.content, format=_RDF[media])}
    subjects = {t.subject for t in triples}
    assert ox.NamedNode(CISCO) in subjects
    assert ox.Triple(ox.NamedNode(CISCO), ox.NamedNode(RDFS_LABEL), ox.Literal("Cisco")) in triples
    assert _cisco_quotes(store) <= {t.object.value for t in triples if isinstance(t.object, ox.Literal)}


def test_unknown_entity_page_is_404(client: httpx.Client) -> None:
    response = client.get("/id/no-such-thing")
    assert response.status_code == 404
    assert f"<{ID}no-such-thing>" in response.json()["error"]


def test_entity_page_in_an_unoffered_type_is_406(client: httpx.Client) -> None:
    assert client.get("/id/cisco", headers={"Accept": "image/png"}).status_code == 406


def test_ontology_as_html(client: httpx.Client) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "U.S. firm" in _parse_html(response.text, "strong").texts
    assert ("tr", {"id": "USFirm"}) in _parse_html(response.text).tags


def test_ontology_as_turtle(client: httpx.Client) -> None:
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/turtle"
    triples = {q.triple for q in ox.parse(input=response.content, format=ox.RdfFormat.TURTLE)}
    owl_ontology = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert ox.Triple(ox.NamedNode(ONTOLOGY), rdf_type, owl_ontology) in triples
    assert ox.Triple(ox.NamedNode(ONTOLOGY + "#USFirm"), ox.NamedNode(RDFS_LABEL),
                     ox.Literal("U.S. firm", language="en")) in triples


def test_openapi(client: httpx.Client) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["openapi"].startswith("3.")
    assert {"/queries", "/queries/{name}", "/id/{slug}", "/paths"} <= set(data["paths"])


def test_the_json_ld_context_is_published(client: httpx.Client, built: Path) -> None:
    from pyld import jsonld

    from smartcity_kg.jsonld import CONTEXT_FILE

    response = client.get("/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.content == CONTEXT_FILE.read_bytes()
    # The dump, with its copy of the context replaced by the published one, expands the same.
    dump = json.loads((built / "graph.jsonld").read_text(encoding="utf-8"))
    published = str(client.base_url.join("/context.jsonld"))
    linked = {**dump, "@context": published}

    def load(url: str, options: object = None) -> dict[str, object]:
        assert url == published
        return {"contextUrl": None, "documentUrl": url, "document": client.get(url).json()}

    assert jsonld.expand(linked, {"documentLoader": load}) == jsonld.expand(dump)


# --- Pages ---

def test_landing_page(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _parse_html(response.text, "script")
    catalogue = json.loads(page.texts[0])["catalogue"]
    assert {item["name"] for item in catalogue} == set(load_catalogue(QUERIES))
    assert ("textarea", {"id": "query", "name": "query", "rows": "12", "spellcheck": "false"}) in page.tags
    assert f"each query has {TIMEOUT} s and {MAX_ROWS} rows at most" in response.text


def test_paths_from_an_entity(client: httpx.Client) -> None:
    response = client.get("/paths", params={"from": "Cisco"})
    assert response.status_code == 200
    assert "Frank Jensen" in html.unescape(response.text)
    frames = [attrs for tag, attrs in _parse_html(response.text).tags if tag == "iframe"]
    assert len(frames) == 1
    assert frames[0]["sandbox"] == "allow-scripts"
    assert "<!DOCTYPE html>" in str(frames[0]["srcdoc"]) and "Frank Jensen" in str(frames[0]["srcdoc"])


def test_paths_as_of_a_date(client: httpx.Client) -> None:
    then = html.unescape(client.get("/paths", params={"from": "Cisco", "as_of": "2015"}).text)
    assert "Lord Mayor of Copenhagen, as of 2015: Frank Jensen, attested" in then
    today = html.unescape(client.get("/paths", params={"from": "Cisco"}).text)
    assert "Frank Jensen, attested" not in today and "former holder: Frank Jensen" in today
    refused = client.get("/paths", params={"from": "Cisco", "as_of": "soon"})
    assert "expected YYYY, YYYY-MM or YYYY-MM-DD" in html.unescape(refused.text)


def test_paths_from_a_firm_profile(client: httpx.Client) -> None:
    response = client.get("/paths", params={"firm": "Brightway", "sector": "intelligent-lighting"})
    assert response.status_code == 200
    routes = _parse_html(response.text, "h2").texts
    assert routes and all(route.startswith(f"Path {i}: Brightway → ") for i, route in enumerate(routes, 1))
    assert any("intelligent lighting" in route for route in routes)
    assert [tag for tag, _ in _parse_html(response.text).tags].count("iframe") == 1


def test_paths_profile_home_is_its_own_parameter(client: httpx.Client) -> None:
    home = client.get("/paths", params={"firm": "Brightway", "sector": "intelligent-lighting", "home": "US"})
    # The profile's home is its own country, apart from the market; its trade-promotion agency
    # leads nowhere through Denmark (a country is no stepping stone), its sector does.
    assert 'name="home" value="US"' in home.text and "Brightway → intelligent lighting → " in home.text
    unknown = client.get("/paths", params={"firm": "Brightway", "sector": "intelligent-lighting", "home": "Atlantis"})
    assert "no ISO 3166-1 country &#39;Atlantis&#39;; did you mean " in unknown.text
    assert 'name="home"' in home.text


@pytest.mark.parametrize("param", ["from", "firm", "sector", "home"])
def test_hostile_text_is_escaped(client: httpx.Client, param: str) -> None:
    hostile = "<script>alert(1)</script>"
    params = {param: hostile, **({"firm": "Brightway"} if param in ("sector", "home") else {})}
    response = client.get("/paths", params=params)
    assert response.status_code == 200
    assert hostile not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert [attrs for tag, attrs in _parse_html(response.text).tags if tag == "script"] == []


def test_bad_number_of_paths_is_an_error_on_the_page(client: httpx.Client) -> None:
    response = client.get("/paths", params={"from": "Cisco", "k": "many"})
    assert response.status_code == 200
    assert "many" in _parse_html(response.text, "strong").texts[0]


# --- Real clients ---

@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_sparqlwrapper(url: str, store: ox.Store, fmt: str) -> None:
    from xml.dom.minidom import Document

    from SPARQLWrapper import JSON, POST, XML, SPARQLWrapper

    def text(node: Any) -> str:
        return "".join(child.data for child in node.childNodes)

    wrapper = SPARQLWrapper(url + "/sparql")
    wrapper.setReturnFormat(JSON if fmt == "json" else XML)
    wrapper.setQuery(LABELS)
    result: Any = wrapper.query().convert()
    if fmt == "json":
        labels = {row["label"]["value"] for row in result["results"]["bindings"]}
    else:
        assert isinstance(result, Document)
        labels = {text(literal) for literal in result.getElementsByTagName("literal")}
    assert labels == _labels_in_store(store)
    wrapper.setMethod(POST)
    wrapper.setQuery(f"ASK {{ <{CISCO}> ?p ?o }}")
    answer: Any = wrapper.query().convert()
    if fmt == "json":
        assert answer["boolean"] is True
    else:
        assert text(answer.getElementsByTagName("boolean")[0]) == "true"


def test_rdflib_sparqlstore(url: str, store: ox.Store) -> None:
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=url + "/sparql"))
    rows = [row for row in graph.query(LABELS) if isinstance(row, rdflib.query.ResultRow)]
    assert {str(row[0]) for row in rows} == _labels_in_store(store)
    assert graph.query(f"ASK {{ <{CISCO}> ?p ?o }}").askAnswer is True


def test_serve_keeps_its_graph_in_an_on_disk_store(built: Path, serve: Callable[..., contextlib.AbstractContextManager[str]],
                                                  tmp_path: Path) -> None:
    disk = tmp_path / "store"
    with serve(built, "--store", str(disk)) as url:
        response = httpx.get(f"{url}/id/cisco", headers={"Accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200 and "https://w3id.org/smartcity-kg/id/cisco" in response.text
    assert (disk / "smartcity-kg-build.sha256").is_file()
