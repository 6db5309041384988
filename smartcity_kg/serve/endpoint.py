"""Where SPARQL queries run for the server: worker processes over the embedded dataset, or a remote endpoint.

Each local query runs in a worker process with its own copy of the dataset. A worker that
passes the time limit is killed (the work really stops) and replaced; one that crashes is
replaced too; and when every worker is busy for longer than a short wait, the caller is told
so (HTTP 503) rather than queued without end.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import re
import threading
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

__all__ = ["Answer", "Dataset", "LocalEndpoint", "RemoteEndpoint", "RemoteGraph", "syntax_message", "values_clause"]

LOG = logging.getLogger("smartcity_kg.serve")
#: A dataset given by the protocol: the default graph's IRIs and the named graphs' IRIs.
Dataset = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Answer:
    """An answer to a query: HTTP status, media type, body, and whether rows were cut."""

    status: int
    media_type: str
    body: bytes
    truncated: bool = False


def _error(status: int, message: str) -> Answer:
    import json

    return Answer(status, "application/json", json.dumps({"error": message, "status": status}).encode("utf-8"))


def _failure(detail: str) -> Answer:
    """A generic 500 with a request id; ``detail`` (what the engine saw) goes to the server's log only."""
    import json

    request = uuid.uuid4().hex[:16]
    LOG.error("query failed (request %s): %s", request, detail)
    message = f"the query could not be evaluated; the server's log has the details under request id {request}"
    return Answer(500, "application/json", json.dumps({"error": message, "status": 500, "request_id": request})
                  .encode("utf-8"))


def _worker(conn: Connection, trig: str, base: str) -> None:  # pragma: no cover - runs in a child process
    """Load the dataset, then answer jobs (query, media type, row limit, bindings, dataset) until told to stop.

    A job whose media type is ``None`` only asks whether the query parses (it runs on an
    empty store). Engine failures go back with their details, for the parent's log only.
    """
    import pyoxigraph as ox

    from ..store.dataset import load_dataset

    store = ox.Store()
    load_dataset(store, Path(trig))
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        text, media, max_rows, bound, dataset = job
        try:
            options: dict[str, object] = {"substitutions": {ox.Variable(name): _term(value) for name, value in bound},
                                          "base_iri": base}
            if dataset is not None:
                options["default_graph"] = [ox.NamedNode(g) for g in dataset[0]]
                options["named_graphs"] = [ox.NamedNode(g) for g in dataset[1]]
            if media is None:
                ox.Store().query(text, **options)  # type: ignore[arg-type]
                conn.send(("ok", None, b"", False))
                continue
            conn.send(("ok", media, *_write(store.query(text, **options), media, max_rows)))  # type: ignore[arg-type]
        except SyntaxError as exc:
            conn.send(("error", 400, f"malformed query: {syntax_message(text, exc.msg)}"))
        except Exception as exc:  # noqa: BLE001 - every failure of one query is reported, the worker lives on
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))


def _write(result: object, media: str, max_rows: int) -> tuple[bytes, bool]:  # pragma: no cover - in a child
    """The body of ``result`` in ``media``, cut at ``max_rows``, and whether it was cut."""
    import pyoxigraph as ox

    from .negotiate import GRAPH_TYPES
    from ..store.results import RESULT_TYPES, write_boolean, write_solutions

    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]] = []
        for solution in result:
            if len(rows) == max_rows:
                return write_solutions(variables, rows, RESULT_TYPES[media], truncated=True), True
            rows.append([solution[v] for v in variables])
        return write_solutions(variables, rows, RESULT_TYPES[media]), False
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), RESULT_TYPES[media]), False
    triples: list[ox.Triple] = []
    cut = False
    for triple in result:  # type: ignore[attr-defined]
        if len(triples) == max_rows:
            cut = True
            break
        triples.append(triple)
    return ox.serialize(triples, format=getattr(ox.RdfFormat, GRAPH_TYPES[media])) or b"", cut


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


def _term(ntriples: str):  # type: ignore[no-untyped-def]
    """The RDF term written in N-Triples as ``ntriples``."""
    import pyoxigraph as ox

    (quad,) = ox.parse(input=f"<urn:s> <urn:p> {ntriples} .", format=ox.RdfFormat.N_TRIPLES)
    return quad.object


def values_clause(bindings: dict[str, str]) -> str:
    """A trailing VALUES block binding each variable to an N-Triples term (for remote endpoints,
    which know no parameter binding); the terms come from pyoxigraph, escaped as N-Triples.

    Examples
    --------
    >>> print(values_clause({"country": "<https://w3id.org/smartcity-kg/country/DK>"}).strip())
    VALUES (?country) { (<https://w3id.org/smartcity-kg/country/DK>) }
    """
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    return f"\nVALUES ({names}) {{ ({' '.join(bindings.values())}) }}"


class _Worker:
    def __init__(self, context: multiprocessing.context.SpawnContext, trig: Path, base: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, str(trig), base), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class LocalEndpoint:
    """Queries over the dataset ``trig`` in ``workers`` processes, each stopped at ``timeout`` seconds.

    Relative IRIs in a query resolve against ``base``.
    """

    def __init__(self, trig: Path, *, workers: int = 2, timeout: float = 10.0, max_rows: int = 10_000,
                 wait: float = 2.0, base: str = "https://w3id.org/smartcity-kg/") -> None:
        self.trig, self.timeout, self.max_rows, self.wait, self.base = trig, timeout, max_rows, wait, base
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        for _ in range(workers):
            worker = _Worker(self._context, trig, base)
            self._all.append(worker)
            self._idle.put(worker)

    def run(self, text: str, media: str | None, *, bindings: dict[str, str] | None = None,
            dataset: Dataset | None = None) -> Answer:
        """Run the query ``text`` and answer in ``media`` (already negotiated; ``None``: only parse it).

        ``bindings`` maps variables to N-Triples terms, bound as RDF terms (not spliced);
        ``dataset`` replaces the default dataset (and any FROM of the query).
        """
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            return _error(503, "every query worker is busy; try again in a few seconds")
        try:
            worker.conn.send((text, media, self.max_rows, sorted((bindings or {}).items()), dataset))
            if not worker.conn.poll(self.timeout):
                worker = self._replace(worker)
                return _error(503, f"the query ran longer than the limit of {self.timeout:g} s and was stopped")
            try:
                reply = worker.conn.recv()
            except (EOFError, OSError):
                worker = self._replace(worker)
                return _failure("the query crashed its worker process, which was restarted")
        finally:
            self._idle.put(worker)
        if reply[0] == "error":
            return _error(reply[1], reply[2])
        if reply[0] == "failed":
            return _failure(reply[1])
        return Answer(200, reply[1], reply[2], reply[3])

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = _Worker(self._context, self.trig, self.base)
        with self._lock:
            self._all = [w for w in self._all if w is not worker] + [fresh]
        return fresh

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            for worker in self._all:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
                worker.kill()
            self._all = []


class RemoteEndpoint:
    """Queries forwarded to a remote SPARQL 1.1 endpoint, with the same time and row limits.

    Results are asked for in SPARQL JSON or N-Triples, cut at ``max_rows`` and written again
    in the negotiated format, so a remote endpoint answers exactly like the embedded one.
    """

    def __init__(self, url: str, *, timeout: float = 10.0, max_rows: int = 10_000) -> None:
        self.url, self.timeout, self.max_rows = url, timeout, max_rows

    def run(self, text: str, media: str | None, *, bindings: dict[str, str] | None = None,
            dataset: Dataset | None = None) -> Answer:
        """Forward the query (``media`` ``None``: only to see whether it is accepted); the remote's error
        pages are never passed on, only its status."""
        import httpx
        import pyoxigraph as ox

        from .guard import query_form
        from .negotiate import GRAPH_TYPES
        from ..store.results import RESULT_TYPES, write_boolean, write_solutions

        text += values_clause(bindings or {})
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
            for solution in results:
                if len(rows) == self.max_rows:
                    return Answer(200, media, write_solutions(variables, rows, RESULT_TYPES[media], truncated=True), True)
                rows.append([solution[v] for v in variables])
            return Answer(200, media, write_solutions(variables, rows, RESULT_TYPES[media]))
        except (SyntaxError, ValueError):
            return _error(502, "the remote endpoint answered with results that could not be read")

    def close(self) -> None:
        """Nothing to stop."""


class RemoteGraph:
    """A remote SPARQL endpoint that answers like a pyoxigraph store, for pages and path finding."""

    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url, self.timeout = url, timeout

    def query(self, text: str, *, substitutions: dict[object, object] | None = None) -> object:
        """Run ``text`` remotely; SELECT and ASK come back as pyoxigraph results, graphs as triples.

        The endpoint's default graph must be the union of its named graphs.

        Raises
        ------
        ConnectionError
            If the endpoint cannot be reached or answers with an error.
        """
        import httpx
        import pyoxigraph as ox

        from .guard import query_form

        if substitutions:
            text += values_clause({str(getattr(k, "value", k)): str(v) for k, v in substitutions.items()})
        form = query_form(text)
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        try:
            response = httpx.post(self.url, content=text.encode("utf-8"), timeout=self.timeout,
                                  headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})
        except httpx.HTTPError as exc:
            raise ConnectionError(f"the SPARQL endpoint {self.url} could not be reached ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise ConnectionError(f"the SPARQL endpoint {self.url} answered with status {response.status_code}")
        if form in ("CONSTRUCT", "DESCRIBE"):
            return [ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(input=response.content, format=ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
