"""Tests of bounded workers and fair service, on ``smartcity-kg serve`` run on 127.0.0.1.

Clients are told apart by address: each of 127.0.0.2, 127.0.0.3, … is another client.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

TIMEOUT = 3.0
READ_TIMEOUT = 2.0
MAX_BYTES = 2000
JSON_RESULTS = "application/sparql-results+json"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = ["ASK { ?s ?p ?o }", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"]
# ~900 bytes: each BIND doubles the string, to 2^29 characters (hundreds of megabytes).
DOUBLING = "SELECT (STRLEN(?v29) AS ?n) WHERE { BIND(\"ab\" AS ?v0) " + " ".join(
    f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(29)) + " }"


@pytest.fixture(scope="module")
def server(built: Path, background: Any, free_port: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The URL of a server with two workers and a fast one, and the path of its log."""
    import sys

    port = free_port()
    log = tmp_path_factory.mktemp("fair") / "server.log"
    command = [sys.executable, "-m", "smartcity_kg", "serve", "--build-dir", str(built), "--port", str(port),
               "--timeout", str(TIMEOUT), "--read-timeout", str(READ_TIMEOUT), "--max-bytes", str(MAX_BYTES),
               "--max-memory", "256"]
    with background(command, f"http://127.0.0.1:{port}/", log):
        yield f"http://127.0.0.1:{port}", log


def _client(url: str, address: str = "127.0.0.1") -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30, transport=httpx.HTTPTransport(local_address=address))


def _sparql(client: httpx.Client, query: str) -> httpx.Response:
    return client.post("/sparql", data={"query": query}, headers={"Accept": JSON_RESULTS})


def test_doubling_strings_stop_at_the_memory_limit_with_a_request_id(server: Any) -> None:
    url, _ = server
    assert len(DOUBLING) < 1000
    with _client(url, "127.0.0.9") as client:
        response = _sparql(client, DOUBLING)
        assert response.status_code == 503, response.text[:300]
        body = response.json()
        assert "memory" in body["error"] and body["request_id"] in body["error"]
        assert _sparql(client, CHEAP[0]).status_code == 200  # the worker was replaced


def test_answers_are_cut_at_max_bytes_and_flagged(server: Any) -> None:
    url, _ = server
    with _client(url) as client:
        response = _sparql(client, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert response.status_code == 200
    assert response.headers["x-sparql-truncated"] == f"max-bytes={MAX_BYTES}"
    assert len(response.content) <= MAX_BYTES and response.json()["truncated"] is True
    assert response.json()["results"]["bindings"]


def _slow(url: str, address: str) -> httpx.Response:
    with _client(url, address) as client:
        return _sparql(client, CARTESIAN)


def test_one_client_cannot_hold_every_worker(server: Any) -> None:
    url, _ = server
    with ThreadPoolExecutor(2) as pool:
        mine = [pool.submit(_slow, url, "127.0.0.2") for _ in range(2)]
        time.sleep(0.5)
        with _client(url, "127.0.0.3") as other:
            others = _sparql(other, "SELECT ?s WHERE { ?s ?p ?o }")
        statuses = sorted(f.result().status_code for f in mine)
    assert statuses == [429, 503], statuses  # one refused at once, one stopped at the time limit
    assert others.status_code == 200, others.text


def test_cheap_queries_and_pages_are_answered_while_every_general_worker_is_busy(server: Any) -> None:
    url, _ = server
    with ThreadPoolExecutor(2) as pool:
        slow = [pool.submit(_slow, url, f"127.0.0.{n}") for n in (4, 5)]
        time.sleep(0.5)
        answered = []
        with _client(url, "127.0.0.6") as cheap:
            while not all(f.done() for f in slow):
                for query in CHEAP:
                    started = time.monotonic()
                    status = _sparql(cheap, query).status_code
                    answered.append((status, time.monotonic() - started))
                answered.append((cheap.get("/id/cisco", headers={"Accept": "text/turtle"}).status_code, 0.0))
        assert [f.result().status_code for f in slow] == [503, 503]
    assert len(answered) >= 6 and all(status == 200 and seconds < 1.0 for status, seconds in answered), answered


def _raw(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _closed_within(sock: socket.socket, seconds: float, drip: bytes) -> tuple[float, bytes]:
    """Send ``drip`` a byte every 0.3 s until the server closes; the time that took and what it answered."""
    started, received = time.monotonic(), b""
    sock.settimeout(0.3)
    for byte in drip:
        try:
            sock.sendall(bytes([byte]))
            chunk = sock.recv(4096)
            received += chunk
            if not chunk:
                break
        except TimeoutError:
            pass
        except OSError:
            break
        if time.monotonic() - started > seconds:
            break
    return time.monotonic() - started, received


def test_headers_dripped_a_byte_at_a_time_are_cut_off(server: Any) -> None:
    url, _ = server
    with _raw(url) as sock:
        took, _ = _closed_within(sock, 3 * READ_TIMEOUT, b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 100)
    assert took < READ_TIMEOUT + 1.5


def test_a_body_dripped_a_byte_at_a_time_is_answered_408(server: Any) -> None:
    url, _ = server
    with _raw(url) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 200\r\n\r\n")
        took, received = _closed_within(sock, 3 * READ_TIMEOUT, b"A" * 200)
    assert took < READ_TIMEOUT + 1.5
    assert received.startswith(b"HTTP/1.1 408"), received[:200]


def test_a_client_that_disconnects_is_one_log_line(server: Any) -> None:
    url, log = server
    with _raw(url) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 500\r\n\r\nSELECT")
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while "went away" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert "went away before its request was read" in text
    assert "Traceback" not in text, text[-3000:]


def test_access_log_stays_json(server: Any) -> None:
    _, log = server
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)
