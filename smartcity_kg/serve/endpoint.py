"""Where SPARQL queries run for the server: worker processes over the embedded dataset, or a remote endpoint.

Each local query runs in a worker process (:mod:`smartcity_kg.serve.worker`) with no network
and a memory limit, over the build's on-disk store opened read-only (one copy of the data for
every worker; a small build without one is loaded by each worker). A worker that passes the
time limit is killed (the work really stops) and its caller answered at once, while a new
worker starts in the background; one that crashes or runs out of memory is replaced so too,
and no request waits for a worker to open the dataset. Queries wait for a worker in the order they came; when none is free
within a bounded wait, the caller is told so (HTTP 503) rather than queued without end; one
client runs only a few queries at a time (HTTP 429 beyond), and
light queries (by their text, or by how long they took last time: :mod:`.lanes`) have a worker
of their own, so they are answered while heavy ones run.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..store.remote import RemoteStore as RemoteGraph, bind_values  # the pages read a remote endpoint as a store
from .lanes import Lanes
from .pool import Pool, WorkerProcess
from .worker import OUT_OF_MEMORY as _OUT_OF_MEMORY, Job, WorkerLimits

__all__ = ["Answer", "Dataset", "LocalEndpoint", "RemoteEndpoint", "RemoteGraph", "syntax_message"]

LOG = logging.getLogger("smartcity_kg.serve")
#: A dataset given by the protocol: the default graph's IRIs and the named graphs' IRIs.
Dataset = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Answer:
    """An answer to a query: HTTP status, media type, body, whether it was cut, and by which cap
    (``"max-rows"`` or ``"max-bytes"``)."""

    status: int
    media_type: str
    body: bytes
    truncated: bool = False
    cap: str = "max-rows"


def _error(status: int, message: str) -> Answer:
    import json

    return Answer(status, "application/json", json.dumps({"error": message, "status": status}).encode("utf-8"))


def _failure(detail: str, status: int = 500, what: str = "the query could not be evaluated") -> Answer:
    """A generic answer with a request id; ``detail`` (what the engine saw) goes to the server's log only."""
    import json

    request = uuid.uuid4().hex[:16]
    LOG.error("query failed (request %s): %s", request, detail)
    message = f"{what}; the server's log has the details under request id {request}"
    return Answer(status, "application/json", json.dumps({"error": message, "status": status, "request_id": request})
                  .encode("utf-8"))


_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def syntax_message(text: str, message: str) -> str:
    """The parser's ``message`` in one line a client can act on: what, and at which line and column.

    Examples
    --------
    >>> syntax_message("SELECT * WHERE { ?s foo:bar ?o }", "error at 1:28: expected one of Prefix not found, ['%']")
    "the prefix 'foo:' is not declared (line 1, column 28)"
    >>> syntax_message("SELEC *", "error at 1:1: expected one of ASK, BASE, CONSTRUCT")
    'expected one of ASK, BASE, CONSTRUCT (line 1, column 1)'
    """
    match = _POSITION.match(message)
    if match is None:
        return message.splitlines()[0][:300] if message else "the query could not be parsed"
    line, column, what = int(match.group(1)), int(match.group(2)), match.group(3)
    where = f"(line {line}, column {column})"
    if "Prefix not found" in what:
        before = (text.splitlines()[line - 1] if line <= len(text.splitlines()) else "")[: column - 1]
        names = re.findall(r"([^\s{}()<>,;.\[\]^]*):[^\s{}()<>,;\[\]^]*\s*$", before)
        return f"the prefix '{names[-1] if names else ''}:' is not declared {where}"
    what = what.splitlines()[0]
    return f"{what if len(what) <= 200 else what[:200].rsplit(',', 1)[0] + ', …'} {where}"


class LocalEndpoint:
    """Queries over the dataset ``trig`` in isolated, memory-bounded worker processes, shared fairly.

    With ``store`` (the build's on-disk store of the same dataset), workers open that read-only
    instead of loading ``trig``.

    ``workers`` processes run any query for up to ``timeout`` seconds; ``fast_workers`` more are
    kept for light queries (ASK, a final ``LIMIT`` of at most 100, or one that took at most a
    quarter of ``fast_timeout`` when it last ran), which get ``fast_timeout`` seconds there and,
    if they need more, run again in the general pool. A client (by address)
    runs at most ``per_client`` queries at a time; a query waits, in turn, up to ``wait`` seconds
    for a worker, then gets 503, as does one that finds ``queue`` queries waiting already. Answers are cut at ``max_rows`` rows and ``max_bytes`` bytes. Relative IRIs
    resolve against ``base``.
    """

    def __init__(self, trig: Path, *, workers: int = 2, timeout: float = 10.0, max_rows: int = 10_000,
                 wait: float = 30.0, base: str = "https://w3id.org/smartcity-kg/", max_bytes: int = 10 * 2**20,
                 limits: WorkerLimits | None = None, per_client: int = 1, fast_workers: int = 1,
                 fast_timeout: float = 1.0, store: Path | None = None, queue: int = 32) -> None:
        self.trig, self.timeout, self.max_rows, self.wait, self.base = trig, timeout, max_rows, wait, base
        self.max_bytes, self.per_client, self.fast_timeout = max_bytes, per_client, min(fast_timeout, timeout)
        self.limits = limits or WorkerLimits()
        context = multiprocessing.get_context("spawn")
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()
        self._lanes = Lanes(light=self.fast_timeout / 4)
        self._general = Pool(workers, lambda: WorkerProcess(context, trig, base, self.limits, store), queue)
        self._fast = Pool(fast_workers, lambda: WorkerProcess(context, trig, base, self.limits, store), queue)
        self._general.fill()  # the first of each pool is ready: the others start while queries are answered
        self._fast.fill()

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers."""
        return [w.process.pid or 0 for w in self._general.all + self._fast.all]

    def run(self, text: str, media: str | None, *, bindings: dict[str, str] | None = None,
            dataset: Dataset | None = None, client: str = "") -> Answer:
        """Run the query ``text`` for ``client`` and answer in ``media`` (already negotiated; ``None``: only parse it).

        ``bindings`` maps variables to N-Triples terms, bound as RDF terms (not spliced);
        ``dataset`` replaces the default dataset (and any FROM of the query).
        """
        with self._lock:
            if self._running.get(client, 0) >= self.per_client:
                return _error(429, f"you already have {self.per_client} queries running; wait for one to end")
            self._running[client] = self._running.get(client, 0) + 1
        try:
            job = Job(text, media, self.max_rows, self.max_bytes, tuple(sorted((bindings or {}).items())), dataset)
            if self._fast.all and self._lanes.is_light(text, (job.bindings, job.dataset)):
                answer = self._on(self._fast, job, self.fast_timeout, 0.5)
                if answer is not None:
                    return answer
            return self._on(self._general, job, self.timeout, self.wait) or _error(
                503, "every query worker is busy; try again in a few seconds")
        finally:
            with self._lock:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

    def _on(self, pool: Pool, job: Job, timeout: float, wait: float) -> Answer | None:
        """``job``'s answer from a worker of ``pool``; ``None`` if none was free within ``wait`` seconds, or
        (in the fast pool) the job needed more than ``timeout``. A worker stopped at the limit, crashed or
        out of memory is retired (replaced in the background) and the caller answered at once."""
        worker = pool.take(wait)
        if worker is None:
            return None
        started = time.monotonic()
        try:
            worker.conn.send(job)
            reply = _receive(worker) if worker.conn.poll(timeout) else None
        except OSError:  # it died before it read the job (a broken pipe)
            reply = ("crashed", None)
        except BaseException:
            pool.retire(worker)  # in the middle of a job: of no use to the next caller
            raise
        if reply is None:
            pool.retire(worker)
            if job.media is not None:
                self._lanes.ran(job.text, (job.bindings, job.dataset), None)
            if pool is self._fast:
                return None
            return _error(503, f"the query ran longer than the limit of {timeout:g} s and was stopped")
        if reply[0] == "crashed" or reply[:2] == ("failed", _OUT_OF_MEMORY):
            pool.retire(worker)
            return _crashed(reply[1], self.limits.max_memory)
        pool.give(worker)
        if reply[0] == "error":
            return _error(reply[1], reply[2])
        if reply[0] == "failed":
            return _failure(reply[1])
        if job.media is not None:  # a parse alone says nothing of how long the query runs
            self._lanes.ran(job.text, (job.bindings, job.dataset), time.monotonic() - started)
        return Answer(200, reply[1], reply[2], bool(reply[3]), reply[3] or "max-rows")

    def close(self) -> None:
        """Stop every worker."""
        self._general.close()
        self._fast.close()


def _receive(worker: WorkerProcess) -> tuple[Any, ...]:
    """The reply ``worker`` sent, or ``("crashed", exit code)`` when it died instead."""
    try:
        reply: tuple[Any, ...] = worker.conn.recv()
        return reply
    except (EOFError, OSError):
        worker.process.join(5)  # the pipe closes a moment before the process is reaped
        return ("crashed", worker.process.exitcode)


def _crashed(code: object, max_memory: int) -> Answer:
    """The answer for a worker that died under a query (exit ``code``) or ran out of memory: over its
    memory limit, or a crash."""
    if code in (-signal.SIGABRT, _OUT_OF_MEMORY) and max_memory:
        return _failure(f"the worker died (exit {code}), most likely at its memory limit",
                        503, f"the query needed more than the limit of {max_memory // 2**20} MB of memory and was "
                             "stopped")
    return _failure(f"the query crashed its worker process (exit {code}), which was restarted")


class RemoteEndpoint:
    """Queries forwarded to a remote SPARQL 1.1 endpoint, with the same time and row limits.

    Results are asked for in SPARQL JSON or N-Triples, cut at ``max_rows`` and written again
    in the negotiated format, so a remote endpoint answers exactly like the embedded one.
    """

    def __init__(self, url: str, *, timeout: float = 10.0, max_rows: int = 10_000) -> None:
        self.url, self.timeout, self.max_rows = url, timeout, max_rows

    def run(self, text: str, media: str | None, *, bindings: dict[str, str] | None = None,
            dataset: Dataset | None = None, client: str = "") -> Answer:
        """Forward the query (``media`` ``None``: only to see whether it is accepted); the remote's error
        pages are never passed on, only its status. ``client`` is not limited here (the remote bounds it)."""
        import httpx
        import pyoxigraph as ox

        from .guard import query_form
        from .negotiate import GRAPH_TYPES
        from ..store.queries import joins_of, sort_joined
        from ..store.results import RESULT_TYPES, write_boolean, write_solutions

        text = bind_values(text, bindings or {})
        graph_form = query_form(text) in ("CONSTRUCT", "DESCRIBE")
        ask = "application/n-triples" if graph_form else "application/sparql-results+json"
        media = media or ask
        default, named = dataset or ((), ())
        params = tuple(("default-graph-uri", g) for g in default) + tuple(("named-graph-uri", g) for g in named)
        try:
            response = httpx.post(self.url, params=params, content=text.encode("utf-8"), timeout=self.timeout,
                                  headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": ask})
        except httpx.TimeoutException:
            return _error(503, f"the remote endpoint did not answer within {self.timeout:g} s")
        except httpx.HTTPError as exc:
            return _error(502, f"the remote endpoint could not be reached ({type(exc).__name__})")
        if response.status_code == 400:
            return _error(400, "the remote endpoint refused the query as malformed")
        if response.status_code != 200:
            return _error(502, f"the remote endpoint answered with status {response.status_code}")
        try:
            if graph_form:
                triples = [ox.Triple(q.subject, q.predicate, q.object)
                           for q in ox.parse(input=response.content, format=ox.RdfFormat.N_TRIPLES)]
                cut = len(triples) > self.max_rows
                body = ox.serialize(triples[: self.max_rows], format=getattr(ox.RdfFormat, GRAPH_TYPES[media])) or b""
                return Answer(200, media, body, cut)
            results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
            if isinstance(results, ox.QueryBoolean):
                return Answer(200, media, write_boolean(bool(results), RESULT_TYPES[media]))
            variables = [v.value for v in results.variables]
            rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]] = []
            joins = joins_of(text)  # GROUP_CONCAT's parts sorted, as the embedded store's workers answer
            for solution in results:
                if len(rows) == self.max_rows:
                    return Answer(200, media, write_solutions(variables, rows, RESULT_TYPES[media], truncated=True), True)
                rows.append(sort_joined(variables, [solution[v] for v in variables], joins))
            return Answer(200, media, write_solutions(variables, rows, RESULT_TYPES[media]))
        except (SyntaxError, ValueError):
            return _error(502, "the remote endpoint answered with results that could not be read")

    def close(self) -> None:
        """Nothing to stop."""
