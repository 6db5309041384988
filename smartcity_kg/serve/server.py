"""The HTTP server: SPARQL 1.1 Protocol, named queries, linked-data pages and views.

Built by :func:`create_app` (an app factory; nothing runs at import). The SPARQL endpoint is
read-only and bounded: queries are checked as text before they are parsed (size, nesting,
SERVICE, updates, FROM of graphs outside the dataset), run in worker processes that are
killed at the time limit, cut at the row limit (flagged, never silent), and refused with 503
when every worker stays busy. Errors are JSON with a clear message; an engine failure answers
a request id and leaves its details to the log. Pages run only the scripts their
Content-Security-Policy header names (by nonce or hash) and link only to http(s) IRIs.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .clients import ReadDeadline
from .documents import DUMPS, dump_document, graph_document, ontology_document
from .endpoint import Dataset
from .guard import Limits, QueryRefused, check_query, query_form
from .headers import SecurityHeaders, page_policy, script_hashes
from .protocol import error as _error, read_query
from ..jsonld import CONTEXT_PATH
from ..namespaces import DEFAULT_BASE
from .negotiate import GRAPH_TYPES, choose

__all__ = ["ServerConfig", "create_app"]

ACCESS_LOG = logging.getLogger("smartcity_kg.access")
LOG = logging.getLogger("smartcity_kg.serve")
_SELECT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                 "text/tab-separated-values", "application/json", "application/xml"]
_ASK_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "application/json",
              "application/xml", "text/csv", "text/tab-separated-values"]
_GRAPH_TYPES = list(GRAPH_TYPES)
_VARY = {"Vary": "Accept"}


@dataclass(frozen=True)
class ServerConfig:
    """How the server runs: on a build (embedded) or on a remote endpoint, and its bounds."""

    build_dir: Path = Path("build")
    store_dir: Path | None = None  # an on-disk store for the pages, reused while the build is the same
    endpoint: str | None = None
    base: str = DEFAULT_BASE
    workers: int | None = None  # None: :func:`~smartcity_kg.serve.pool.default_workers`
    timeout: float = 10.0
    max_rows: int = 10_000
    max_body: int = 100_000
    max_bytes: int = 10 * 2**20  # bytes of an answer
    max_memory: int = 1024  # megabytes of address space per query worker (0: no limit)
    per_client: int = 1  # queries one client address runs at a time
    fast_workers: int = 1  # workers kept for light queries (ASK, a small final LIMIT)
    read_timeout: float = 10.0  # seconds a client may take to send a request's headers and body
    isolate: bool = True  # False: workers run without a network namespace where none can be made
    max_depth: int = 64
    wait: float = 30.0  # seconds a query waits, in turn, for a free worker before 503
    queue: int = 32  # queries that may wait for a worker at once (one more gets 503 at once)
    cors_origins: tuple[str, ...] = field(default_factory=tuple)


class _State:
    """What a running app holds: the query runner, a graph for pages, and what is derived from it."""

    def __init__(self, config: ServerConfig) -> None:
        import pyoxigraph as ox

        from concurrent.futures import ThreadPoolExecutor

        from .endpoint import RemoteEndpoint, RemoteGraph

        self.config = config
        if config.endpoint:
            self.runner: Any = RemoteEndpoint(config.endpoint, timeout=config.timeout, max_rows=config.max_rows)
            self.graph: Any = RemoteGraph(config.endpoint, timeout=max(config.timeout, 30.0))
        else:
            from ..store.dataset import open_store

            self.graph = open_store(config.build_dir, config.store_dir)  # read-only on the build's store, if it has one
            self.runner = _local_runner(config)
        # The index (and the build's saved network) is read once the workers are up (reading JSON holds
        # the interpreter's lock for seconds at a time): the server answers SPARQL without it (at 1M triples
        # it takes some 10 s), and what needs it waits for it.
        self._reading = ThreadPoolExecutor(1, thread_name_prefix="smartcity-kg-index")
        self._loaded = self._reading.submit(_read_index, config, self.graph)
        self._loaded.add_done_callback(_log_failure)
        if isinstance(self.graph, ox.Store):  # its list of graphs, not a scan of every quad
            self.graphs = {g.value for g in self.graph.named_graphs() if isinstance(g, ox.NamedNode)}
        else:
            self.graphs = {row["g"].value for row in self.graph.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
        self._triples: int | None = None
        self._network: Any = None
        self._projecting = threading.Lock()  # two first requests project the network once
        from ..network.tenure import DatedNetworks

        self._dated = DatedNetworks()
        self._ox = ox
        from ..store.queries import is_reasoned, load_catalogue
        from ..resources import shipped

        self.catalogue = load_catalogue(shipped("queries"))
        self.reasoned = is_reasoned(self.graph)  # its named queries then read the materialised types
        self._pages: dict[str, str] | None = None

    @property
    def index(self) -> Any:
        """The :class:`~smartcity_kg.store.entities.EntityIndex`; the first callers wait until it is read."""
        return self._loaded.result()[0]

    async def loaded(self) -> None:
        """Wait, off the event loop, until the index is read (at once when it is)."""
        if not self._loaded.done():
            await run_in_threadpool(self._loaded.result)

    @property
    def triples(self) -> int:
        """The triples of the default graph (the merge of the named graphs); counted once, when first asked."""
        if self._triples is None:
            count = self.graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            self._triples = int(next(iter(count))["n"].value)
        return self._triples

    @property
    def source_pages(self) -> dict[str, str]:
        """Each source's page (http(s) URL), for the links of paths views and briefings; read once."""
        if self._pages is None:
            from ..network.briefing import source_pages

            self._pages = source_pages(self.graph)
        return self._pages

    @property
    def network(self) -> Any:
        """The whole projected network (embedded store only): the one saved with the build, else projected once."""
        with self._projecting:
            if self._network is None:
                from ..network.projection import project

                saved = self._loaded.result()[1]
                self._network = saved if saved is not None else project(self.graph, labels=self.index.labels)
        return self._network

    def network_around(self, seeds: set[str], hops: int) -> Any:
        """The network that a path or view of ``hops`` ties from ``seeds`` needs: the whole one
        for the embedded store; from a remote endpoint, only that neighbourhood, pulled with
        CONSTRUCT (named graphs kept) into a local store and projected there."""
        if not self.config.endpoint:
            return self.network
        from ..network.projection import project
        from ..store.pull import pull_neighbourhood

        local = pull_neighbourhood(self.graph, seeds, hops)
        return project(local, labels=self.index.labels, around=seeds, hops=hops)

    def network_as_of(self, seeds: set[str], hops: int, when: Any) -> Any:
        """The network that a path or briefing from ``seeds`` needs, as of ``when`` (an ``AsOf``): for the
        embedded store, the whole network re-dated once per as-of day; from a remote endpoint, the
        neighbourhood pulled for the request, re-dated."""
        from ..network.tenure import network_as_of

        if self.config.endpoint:
            return network_as_of(self.network_around(seeds, hops), when)
        return self._dated.get(when.day, lambda: network_as_of(self.network, when))

    def close(self) -> None:
        """Stop the workers, and the reading of the index if it still runs."""
        self._reading.shutdown(wait=False, cancel_futures=True)
        self.runner.close()


def _read_index(config: ServerConfig, graph: Any) -> tuple[Any, Any]:
    """The entity index of ``graph`` and the network saved with the build of ``config`` (``None``: none saved, or
    a remote endpoint): both read from the saved network where the build has one, else the index made."""
    from ..store.entities import EntityIndex

    if not config.endpoint:
        from ..network.snapshot import build_network

        saved = build_network(config.build_dir)  # the build's network and index, saved with it
        if saved is not None and saved.index is not None:
            return saved.index, saved.network
    return EntityIndex.from_store(graph), None


def _log_failure(future: Any) -> None:
    """Log why the index could not be read (the requests that need it answer 500)."""
    if not future.cancelled() and future.exception() is not None:
        LOG.error("the entity index could not be read: %s", future.exception())


def _local_runner(config: ServerConfig) -> Any:
    """The worker processes over the build of ``config`` (its on-disk store where it has one)."""
    from .endpoint import LocalEndpoint
    from .pool import default_workers
    from .worker import WorkerLimits
    from ..store.ondisk import build_store

    limits = WorkerLimits(max_memory=config.max_memory * 2**20, require_isolation=config.isolate)
    store = build_store(config.build_dir)
    workers = config.workers or default_workers(on_disk=store is not None, max_memory_mb=config.max_memory)
    LOG.info("query workers: %d (+%d for light queries)", workers, config.fast_workers)
    return LocalEndpoint(config.build_dir / "graph.trig", workers=workers, timeout=config.timeout,
                         max_rows=config.max_rows, wait=config.wait, base=config.base, max_bytes=config.max_bytes,
                         limits=limits, per_client=config.per_client, fast_workers=config.fast_workers,
                         store=store, queue=config.queue)


def _offered(form: str | None) -> list[str]:
    return _SELECT_TYPES if form == "SELECT" else _ASK_TYPES if form == "ASK" else _GRAPH_TYPES


def _answer(state: _State, request: Request, text: str, bindings: dict[str, str] | None = None,
            dataset: Dataset | None = None) -> Response:
    config = state.config
    try:
        check_query(text, state.graphs, Limits(max_length=config.max_body, max_depth=config.max_depth))
    except QueryRefused as refused:
        return _error(refused.status, str(refused))
    form = query_form(text)
    client = request.client.host if request.client else ""
    media = choose(request.headers.get("accept"), _offered(form))
    if media is None:
        # A query that does not parse is a 400 whatever the client accepts: parse it first.
        probe = state.runner.run(text, None, bindings=bindings, dataset=dataset, client=client)
        if probe.status != 200:
            return Response(probe.body, status_code=probe.status, media_type=probe.media_type)
        return _error(406, f"cannot answer a {form or 'query'} in {request.headers.get('accept')}; "
                           f"offered: {', '.join(_offered(form))}", _VARY)
    answer = state.runner.run(text, media, bindings=bindings, dataset=dataset, client=client)
    cap = config.max_bytes if answer.cap == "max-bytes" else config.max_rows
    headers = {"X-SPARQL-Truncated": f"{answer.cap}={cap}"} if answer.truncated else {}
    headers["Vary"] = "Accept"
    media_type = answer.media_type + ("; charset=utf-8" if answer.media_type.startswith("text/") else "")
    return Response(answer.body, status_code=answer.status, media_type=media_type, headers=headers)


async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol: GET ?query=, POST form-encoded, POST application/sparql-query.

    ``default-graph-uri`` and ``named-graph-uri`` (in the query string, or in a form's body)
    give the dataset, from the build's own graphs only, the same way for every method.
    """
    state: _State = request.app.state.smartcity
    read = await read_query(request, state.config.max_body, state.graphs)
    if isinstance(read, Response):
        return read
    text, dataset = read
    return await run_in_threadpool(_answer, state, request, text, None, dataset)


async def queries_list(request: Request) -> JSONResponse:
    """The named-query catalogue with each query's header."""
    items = [{"name": q.name, "summary": q.summary, "description": q.description,
              "params": [{"name": p.name, "description": p.description, "kind": p.kind, "default": p.default}
                         for p in q.params],
              "url": f"/queries/{q.name}"} for q in request.app.state.smartcity.catalogue.values()]
    return JSONResponse({"queries": items})


async def query_named(request: Request) -> Response:
    """Run one named query with its parameters from the query string.

    On a reasoned build it reads types as the reasoner materialised them
    (:func:`~smartcity_kg.store.queries.on_closed_types`), as the ``query`` command does: the same rows, cheaper.
    """
    from ..exceptions import EntityNotFoundError
    from ..store.queries import on_closed_types

    state: _State = request.app.state.smartcity
    catalogue = state.catalogue
    name = request.path_params["name"]
    if name not in catalogue:
        return _error(404, f"no named query {name!r}; GET /queries lists them")
    query = catalogue[name]
    known = {p.name: p for p in query.params}
    given = dict(request.query_params)
    unknown = sorted(set(given) - set(known))
    if unknown:
        return _error(400, f"query {name!r} has no parameter {', '.join(unknown)}; its parameters: "
                           f"{', '.join(known) or 'none'}")
    bindings: dict[str, str] = {}
    await state.loaded()
    try:
        for key, param in known.items():
            value = given.get(key, param.default)
            if value is None:
                if param.required:
                    return _error(400, f"query {name!r} needs the parameter {key!r}: {param.description}")
                continue
            term = state.index.resolve(value) if param.kind == "entity" else state._ox.Literal(value)
            bindings[key] = str(term)
    except EntityNotFoundError as exc:
        return _error(404, str(exc))
    text = on_closed_types(query.text) if state.reasoned else query.text  # as the query command runs it
    return await run_in_threadpool(_answer, state, request, text, bindings)


def _wants_html(request: Request) -> str | None:
    forced = request.query_params.get("format")
    if forced in ("turtle", "jsonld", "ntriples"):
        return {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples"}[forced]
    return choose(request.headers.get("accept"), ["text/html", *_GRAPH_TYPES])


async def entity_page(request: Request) -> Response:
    """An entity of the graph: HTML for a browser, Turtle or JSON-LD by content negotiation."""
    from .pages import entity_html, entity_triples

    state: _State = request.app.state.smartcity
    iri = state.config.base + request.url.path.lstrip("/")
    media = _wants_html(request)
    if media is None:
        return _error(406, "offered: text/html, " + ", ".join(_GRAPH_TYPES), _VARY)
    triples = await run_in_threadpool(entity_triples, state.graph, iri)
    if not triples:
        return _error(404, f"no entity <{iri}> in the graph")
    if media == "text/html":
        return HTMLResponse(await run_in_threadpool(entity_html, state, iri, triples), headers=_VARY)
    body = state._ox.serialize(triples, format=getattr(state._ox.RdfFormat, GRAPH_TYPES[media]))
    return Response(body, media_type=media, headers=_VARY)


async def landing(request: Request) -> HTMLResponse:
    """The landing page: a query editor that works offline, with the catalogue's examples."""
    from .pages import landing_html

    state: _State = request.app.state.smartcity
    nonce = secrets.token_urlsafe(18)
    return HTMLResponse(landing_html(state, list(state.catalogue.values()), nonce),
                        headers={"Content-Security-Policy": page_policy(scripts=[f"'nonce-{nonce}'"])})


async def paths_page(request: Request) -> HTMLResponse:
    """Explained paths from ``from`` (an entity) or ``firm`` (a profile with ``sector``), and their view."""
    from .pages import paths_html

    state: _State = request.app.state.smartcity
    page, view = await run_in_threadpool(paths_html, state, dict(request.query_params))
    # The framed view (srcdoc) inherits this page's policy: allow its scripts by their hashes.
    return HTMLResponse(page, headers={"Content-Security-Policy": page_policy(scripts=script_hashes(view or ""))})


async def brief_page(request: Request) -> HTMLResponse:
    """A briefing for ``from`` (an entity) or ``firm`` (a profile with ``sector``): a printable page."""
    from .pages import brief_html

    state: _State = request.app.state.smartcity
    page, view = await run_in_threadpool(brief_html, state, dict(request.query_params))
    # The framed view (srcdoc) inherits this page's policy: allow its scripts by their hashes.
    return HTMLResponse(page, headers={"Content-Security-Policy": page_policy(scripts=script_hashes(view or ""))})


async def view_page(request: Request) -> Response:
    """An entity's neighbourhood as an interactive view (``entity``, ``radius``, ``cap``)."""
    from ..exceptions import EntityNotFoundError, QueryError
    from ..network.views import ego_view

    state: _State = request.app.state.smartcity
    if request.path_params["kind"] != "ego":
        return _error(404, "the views served are /view/ego?entity=…; the others are on /paths")
    await state.loaded()
    try:
        entity = state.index.resolve(request.query_params.get("entity", ""))
        radius = int(request.query_params.get("radius", "1"))
        cap = int(request.query_params.get("cap", "25"))
        network = await run_in_threadpool(state.network_around, {entity.value}, max(1, min(radius, 4)))
        view = await run_in_threadpool(ego_view, network, entity.value, radius=radius, cap=cap)
    except EntityNotFoundError as exc:
        return _error(404, str(exc))
    except (QueryError, ValueError) as exc:
        return _error(400, str(exc))
    policy = page_policy(scripts=script_hashes(view.html), ancestors="'self'")
    return HTMLResponse(view.html, headers={"Content-Security-Policy": policy})


async def openapi(request: Request) -> JSONResponse:
    """An OpenAPI description of the routes other than /sparql."""
    from .pages import OPENAPI

    return JSONResponse(OPENAPI)


async def jsonld_context(request: Request) -> Response:
    """The JSON-LD context of the dataset's dump (``graph.jsonld``): the package's ``context.jsonld``."""
    from ..jsonld import CONTEXT_FILE

    return Response(CONTEXT_FILE.read_bytes(), media_type="application/ld+json",
                    headers={"Cache-Control": "public, max-age=86400"})


class _AccessLog:
    """Structured access logs: one JSON object per request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), {"code": 0}

        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            client = scope.get("client") or ("", 0)
            ACCESS_LOG.info(json.dumps({"method": scope["method"], "path": scope["path"], "status": status["code"],
                                        "ms": round((time.perf_counter() - started) * 1000, 1), "client": client[0]}))


def create_app(config: ServerConfig | None = None) -> Starlette:
    """Build the ASGI app for ``config``; its workers start with the app and stop with it."""
    config = config or ServerConfig()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.smartcity = await run_in_threadpool(_State, config)
        try:
            yield
        finally:
            app.state.smartcity.close()

    routes = [
        Route("/", landing), Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries", queries_list), Route("/queries/{name}", query_named),
        Route("/ontology", ontology_document), Route("/ontology/{name}", ontology_document),
        Route("/graph/{name:path}", graph_document), *[Route("/" + name, dump_document) for name in DUMPS],
        Route("/paths", paths_page), Route("/brief", brief_page),
        Route("/view/{kind}", view_page),
        Route("/openapi.json", openapi), Route(CONTEXT_PATH, jsonld_context),
        Route("/{kind:str}/{slug:path}", entity_page),
    ]
    middleware = [Middleware(_AccessLog), Middleware(ReadDeadline, seconds=config.read_timeout),
                  Middleware(SecurityHeaders)]
    if config.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Accept"],
                                     allow_credentials=False))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
