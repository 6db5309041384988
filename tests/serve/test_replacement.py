"""A query worker stopped at the time limit is replaced in the background, on ``smartcity-kg serve`` run on 127.0.0.1.

Every worker process of the server under test takes :data:`DELAY` seconds more to start (a
``sitecustomize`` module on its path sleeps in processes that ``multiprocessing`` spawns), so a
request that waited for a replacement to start would take that much longer.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from smartcity_kg.serve.pool import Pool

DELAY = 6.0
TIMEOUT = 1.0
JSON_RESULTS = "application/sparql-results+json"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LABELS = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
HOOK = """\
import os, sys, time
if "--multiprocessing-fork" in sys.argv:  # a worker process, spawned by the server
    time.sleep(float(os.environ["SMARTCITY_KG_TEST_START_DELAY"]))
"""


@pytest.fixture(scope="module")
def slow_starting(built: Path, serve: Callable[..., contextlib.AbstractContextManager[str]],
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of two general workers (no fast lane), each taking :data:`DELAY` s more to start."""
    hook = tmp_path_factory.mktemp("hook")
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH")) if p))
    patch.setenv("SMARTCITY_KG_TEST_START_DELAY", str(DELAY))
    try:
        with serve(built, "--workers", "2", "--fast-workers", "0", "--timeout", str(TIMEOUT)) as url:
            patch.undo()  # the server has its environment; the tests' own processes do not sleep
            time.sleep(DELAY + 2)  # it answers once one worker is ready; the other starts after it
            yield url
    finally:
        patch.undo()


def _timed(url: str, address: str, query: str) -> tuple[httpx.Response, float]:
    with httpx.Client(base_url=url, timeout=60, transport=httpx.HTTPTransport(local_address=address)) as client:
        started = time.monotonic()
        response = client.post("/sparql", data={"query": query}, headers={"Accept": JSON_RESULTS})
        return response, time.monotonic() - started


def test_a_query_at_its_limit_is_answered_at_once_while_its_worker_is_replaced(slow_starting: str) -> None:
    stopped, seconds = _timed(slow_starting, "127.0.0.2", CARTESIAN)
    assert stopped.status_code == 503, stopped.text
    assert f"longer than the limit of {TIMEOUT:g} s" in stopped.json()["error"]
    assert seconds < TIMEOUT + DELAY - 2  # not after a new worker started: nothing reloads on the request path
    # While the replacement starts, the other worker answers.
    answered, seconds = _timed(slow_starting, "127.0.0.3", LABELS)
    assert answered.status_code == 200 and int(answered.json()["results"]["bindings"][0]["n"]["value"]) > 0
    assert seconds < DELAY - 2
    # The other one is stopped too: no worker is free until a replacement is ready, then it answers.
    again, seconds = _timed(slow_starting, "127.0.0.2", CARTESIAN)
    assert again.status_code == 503 and seconds < TIMEOUT + DELAY - 2
    waited, _ = _timed(slow_starting, "127.0.0.4", LABELS)
    assert waited.status_code == 200 and waited.json() == answered.json()


class _Worker:
    """A stand-in for a worker process: :meth:`wait_ready` returns once ``gate`` is set."""

    def __init__(self, gate: threading.Event) -> None:
        self.gate, self.killed, self.pid = gate, False, 0
        self.process = self.conn = self  # kill() is called on the process and on the worker alike

    def send(self, message: object) -> None:
        """What the pool sends a worker it closes: nothing to do."""

    def wait_ready(self) -> "_Worker":
        self.gate.wait(10)
        return self

    def kill(self) -> None:
        self.killed = True


def _pool(size: int) -> tuple[Pool, threading.Event, list[_Worker]]:
    """A pool of ``size`` stand-in workers, as it is once its first worker is ready; the gate that holds the
    workers it starts next (open); and the workers it started, in order."""
    gate = threading.Event()
    gate.set()
    started: list[_Worker] = []

    def start() -> _Worker:
        started.append(_Worker(gate))
        return started[-1]

    return Pool(size, start), gate, started  # type: ignore[arg-type]


def test_a_retired_worker_is_replaced_without_holding_the_caller() -> None:
    pool, gate, started = _pool(1)
    old = pool.take(0)
    gate.clear()  # the replacement will not be ready until the gate opens
    began = time.monotonic()
    pool.retire(old)  # type: ignore[arg-type]
    assert time.monotonic() - began < 1 and old.killed  # type: ignore[union-attr]
    assert pool.take(0.2) is None and pool.starting == 1
    gate.set()
    fresh = pool.take(5)
    assert fresh is started[-1] and fresh is not old and pool.all == [fresh] and pool.starting == 0
    pool.close()


def test_a_replacement_ready_after_close_is_stopped() -> None:
    pool, gate, started = _pool(1)
    old = pool.take(0)
    gate.clear()
    pool.retire(old)  # type: ignore[arg-type]
    time.sleep(0.2)  # the replacement is starting
    pool.close()
    gate.set()
    deadline = time.monotonic() + 5
    while pool.starting and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.starting == 0 and pool.all == [] and len(started) == 2 and started[-1].killed


def test_a_pool_serves_once_its_first_worker_is_ready_and_fill_starts_the_others() -> None:
    pool, gate, started = _pool(3)
    assert len(started) == 1 and pool.take(0) is started[0]
    gate.clear()
    pool.fill()
    deadline = time.monotonic() + 5
    while len(started) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(started) == 3 and pool.starting == 2 and pool.take(0.2) is None  # started, not ready
    gate.set()
    assert {id(pool.take(5)), id(pool.take(5))} == {id(started[1]), id(started[2])} and pool.starting == 0
    pool.close()
