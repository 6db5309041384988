"""What a query worker process does: isolate itself, bound its memory, open the dataset, answer jobs.

A worker first leaves the network (:func:`smartcity_kg.sandbox.isolate_network`), then caps its
address space (``RLIMIT_AS``) and opens the dataset, and only then reads queries, so no query
it evaluates can reach an address or take the machine's memory. The dataset is the build's
on-disk store, opened read-only (nothing loaded: a new worker is ready at once, and every
worker reads the one copy on disk; the cap is then set just after opening, on top of what the
open reserved), or for a build without one its TriG file, loaded into memory under the cap; it
answers one query of its own before it says it is ready, so that its first job finds the modules
imported. :func:`evaluate` answers one job.
"""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

__all__ = ["OUT_OF_MEMORY", "Job", "WorkerLimits", "evaluate", "serve_jobs"]

#: What :func:`evaluate` reports (``("failed", OUT_OF_MEMORY)``) for a query that ran out of memory.
OUT_OF_MEMORY = "MemoryError: the query needed more memory than the worker's limit"


@dataclass(frozen=True)
class WorkerLimits:
    """What bounds a worker: its address space in bytes (0: none) and whether it must be isolated."""

    max_memory: int = 1024 * 2**20
    require_isolation: bool = True


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text, the media type (``None``: only parse it), the row and byte
    caps, bindings as (variable, N-Triples term) pairs, and the dataset (default, named graphs)."""

    text: str
    media: str | None
    max_rows: int
    max_bytes: int
    bindings: tuple[tuple[str, str], ...] = ()
    dataset: tuple[tuple[str, ...], tuple[str, ...]] | None = None


def serve_jobs(conn: Connection, trig: str, base: str, limits: WorkerLimits,  # pragma: no cover - a child
               store: str | None = None) -> None:
    """The worker's life: isolate, bound memory, open ``store`` read-only (or else load ``trig``), then
    answer jobs until ``None`` comes.

    Sends ``"ready"`` once open, or ``("refused", why)`` when it cannot be isolated.
    """
    from ..exceptions import IsolationError
    from ..sandbox import isolate_network

    try:
        isolate_network(strict=limits.require_isolation)
    except IsolationError as exc:
        conn.send(("refused", str(exc)))
        return
    import pyoxigraph as ox

    from ..store.dataset import load_dataset

    if store is not None:
        # Opening reads nothing but reserves address space (RocksDB's threads and arenas, some
        # 470 MB, little of it resident): the limit bounds what a query adds beyond that.
        dataset = ox.Store.read_only(store)
        _limit_address_space(limits.max_memory, _address_space())
    else:
        _limit_address_space(limits.max_memory, 0)
        dataset = ox.Store()
        load_dataset(dataset, Path(trig))
    # One query before any is taken: the modules that answer are imported and the store's first
    # reads done now, while the worker starts, not on the first request's time.
    evaluate(dataset, Job("ASK { ?s ?p ?o }", "application/sparql-results+json", 1, 1000), base)
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(evaluate(dataset, job, base))


def _address_space() -> int:  # pragma: no cover - a child
    """The bytes of address space this process has mapped now (``VmSize``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _limit_address_space(max_memory: int, base: int) -> None:  # pragma: no cover - a child
    """Cap this process's address space at ``base`` + ``max_memory`` bytes (``max_memory`` 0: no cap)."""
    import resource

    if max_memory:
        resource.setrlimit(resource.RLIMIT_AS, (base + max_memory, base + max_memory))


def evaluate(store: Any, job: Job, base: str) -> tuple[Any, ...]:
    """Answer ``job`` over ``store``: ``("ok", media, body, cut)`` (``cut`` names the cap that cut the answer), ``("error", status, message)``
    for a malformed query, or ``("failed", detail)`` (the engine's words, for the server's log only)."""
    import pyoxigraph as ox

    from .endpoint import syntax_message

    try:
        options: dict[str, object] = {"substitutions": {ox.Variable(name): _term(value) for name, value in job.bindings},
                                      "base_iri": base}
        if job.dataset is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in job.dataset[0]]
            options["named_graphs"] = [ox.NamedNode(g) for g in job.dataset[1]]
        if job.media is None:
            ox.Store().query(job.text, **options)  # type: ignore[arg-type]
            return ("ok", None, b"", "")
        result = store.query(job.text, **options)
        return ("ok", job.media, *_write(result, job.media, job.max_rows, job.max_bytes, job.text))
    except SyntaxError as exc:
        return ("error", 400, f"malformed query: {syntax_message(job.text, exc.msg)}")
    except MemoryError:
        return ("failed", OUT_OF_MEMORY)
    except Exception as exc:  # noqa: BLE001 - every failure of one query is reported, the worker lives on
        return ("failed", f"{type(exc).__name__}: {exc}")


def _write(result: object, media: str, max_rows: int, max_bytes: int, text: str = "") -> tuple[bytes, str]:
    """The body of ``result`` (of the query ``text``) in ``media``, cut at ``max_rows`` rows and ``max_bytes``
    bytes, and which cap cut it (``"max-rows"``, ``"max-bytes"``, or ``""``)."""
    import pyoxigraph as ox

    from .negotiate import GRAPH_TYPES
    from ..store.queries import joins_of, sort_joined
    from ..store.results import RESULT_TYPES, write_boolean, write_solutions

    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), RESULT_TYPES[media]), ""
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        joins = joins_of(text)  # GROUP_CONCAT's parts sorted, as every store answers
        rows, cut = _take((sort_joined(variables, [solution[v] for v in variables], joins) for solution in result),
                          max_rows, max_bytes)

        def write(kept: list[Any], truncated: bool) -> bytes:
            return write_solutions(variables, kept, RESULT_TYPES[media], truncated=truncated)
    else:
        rows, cut = _take(iter(result), max_rows, max_bytes)  # type: ignore[call-overload]

        def write(kept: list[Any], truncated: bool) -> bytes:
            return ox.serialize(kept, format=getattr(ox.RdfFormat, GRAPH_TYPES[media])) or b""
    body = write(rows, bool(cut))
    while len(body) > max_bytes and rows:
        rows, cut = rows[: min(len(rows) - 1, len(rows) * max_bytes // len(body))], "max-bytes"
        body = write(rows, True)
    return body, cut


def _take(items: Any, max_rows: int, max_bytes: int) -> tuple[list[Any], str]:
    """Up to ``max_rows`` items, stopping once their terms' text passes ``max_bytes``; and which cap
    left some out (``""``: none)."""
    taken: list[Any] = []
    size = 0
    for item in items:
        if len(taken) == max_rows:
            return taken, "max-rows"
        if size > max_bytes:
            return taken, "max-bytes"
        taken.append(item)
        size += len(str(item))
    return taken, ""


def _term(ntriples: str):  # type: ignore[no-untyped-def]
    """The RDF term written in N-Triples as ``ntriples``."""
    import pyoxigraph as ox

    (quad,) = ox.parse(input=f"<urn:s> <urn:p> {ntriples} .", format=ox.RdfFormat.N_TRIPLES)
    return quad.object
