"""Tests of the query workers over a build's on-disk store, and of the order in which queries get a worker."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from smartcity_kg.serve.endpoint import LocalEndpoint
from smartcity_kg.serve.pool import Pool
from smartcity_kg.serve.worker import WorkerLimits
from smartcity_kg.store.ondisk import write_build_store

JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def store_dir(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The on-disk store of a copy of the session's build."""
    copy = Path(shutil.copytree(built, tmp_path_factory.mktemp("stored") / "build"))
    return write_build_store(copy)


def test_workers_open_the_store_under_a_small_memory_limit(store_dir: Path, store: object) -> None:
    # No graph.trig to load: the answers can only come from the store, opened within a 256 MB cap.
    endpoint = LocalEndpoint(store_dir.parent / "absent.trig", workers=1, fast_workers=0, timeout=5,
                             limits=WorkerLimits(max_memory=256 * 2**20), store=store_dir)
    try:
        answer = endpoint.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", JSON_RESULTS)
        expected = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value  # type: ignore[attr-defined]
        assert answer.status == 200 and f'"value": "{expected}"'.encode() in answer.body
        doubling = "SELECT (STRLEN(?v29) AS ?n) WHERE { BIND(\"ab\" AS ?v0) " + " ".join(
            f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(29)) + " }"
        assert endpoint.run(doubling, JSON_RESULTS).status == 503  # the cap still holds a query
        assert endpoint.run("ASK { ?s ?p ?o }", JSON_RESULTS).status == 200
    finally:
        endpoint.close()


def test_a_query_stopped_at_the_time_limit_costs_no_reload(store_dir: Path) -> None:
    endpoint = LocalEndpoint(store_dir.parent / "absent.trig", workers=1, fast_workers=0, timeout=1,
                             limits=WorkerLimits(max_memory=0), store=store_dir)
    try:
        started = time.monotonic()
        cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        assert endpoint.run(cartesian, JSON_RESULTS).status == 503
        assert endpoint.run("ASK { ?s ?p ?o }", JSON_RESULTS).status == 200
        assert time.monotonic() - started < 1 + 5  # the limit, then a new worker that only opens the store
    finally:
        endpoint.close()


def test_a_query_that_was_light_last_time_passes_a_heavy_one(store_dir: Path) -> None:
    """The general worker is held by a heavy query; a cheap one asked again takes the fast lane."""
    endpoint = LocalEndpoint(store_dir.parent / "absent.trig", workers=1, fast_workers=1, timeout=6, fast_timeout=2,
                             limits=WorkerLimits(max_memory=0), store=store_dir)
    cheap = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }"  # no LIMIT, no ASK: light only by its last run
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        for _ in range(2):  # the second run on a warm worker, well under the 0.5 s that counts as light
            assert endpoint.run(cheap, JSON_RESULTS, client="a").status == 200
        heavy = threading.Thread(target=endpoint.run, args=(cartesian, JSON_RESULTS), kwargs={"client": "b"})
        heavy.start()
        time.sleep(0.5)  # the heavy query holds the one general worker
        started = time.monotonic()
        assert endpoint.run(cheap, JSON_RESULTS, client="a").status == 200
        assert time.monotonic() - started < 3  # not behind the heavy query's 6 s
        heavy.join()
    finally:
        endpoint.close()


class _Idle:
    """A stand-in for a worker process, for the pool's order alone."""

    def wait_ready(self) -> "_Idle":
        return self


def test_a_waiting_caller_is_not_passed_by_a_newcomer() -> None:
    pool = Pool(1, _Idle)  # type: ignore[arg-type]
    held = pool.take(0)
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(pool.take(5)))
    waiter.start()
    time.sleep(0.2)  # the waiter is queued
    pool.give(held)  # type: ignore[arg-type]
    assert pool.take(0.5) is None  # a newcomer waits its turn, behind the waiter
    waiter.join()
    assert got == [held]


def test_a_full_queue_turns_a_caller_away_at_once() -> None:
    pool = Pool(1, _Idle, queue=1)  # type: ignore[arg-type]
    held = pool.take(0)
    waiter = threading.Thread(target=pool.take, args=(2,))
    waiter.start()
    time.sleep(0.2)  # the waiter fills the queue
    started = time.monotonic()
    assert pool.take(5) is None and time.monotonic() - started < 1
    pool.give(held)  # type: ignore[arg-type]
    waiter.join()


def test_a_caller_that_waits_too_long_gets_none_and_leaves_the_queue() -> None:
    pool = Pool(1, _Idle)  # type: ignore[arg-type]
    held = pool.take(0)
    assert pool.take(0.1) is None
    pool.give(held)  # type: ignore[arg-type]
    assert pool.take(0.1) is held
