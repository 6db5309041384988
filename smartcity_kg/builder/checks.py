"""Quality checks: ``queries/checks/*-violation.rq`` queries that must return no rows.

A check whose text has the line ``#+ reach: N`` (N a number of links, 0 or more) declares that
whether a node is a ``?subject`` of its rows depends only on the quads of the nodes within N
links of it (following links from subject to object), the types of the nodes one link further,
and the ontology: ``#+ reach: 0`` is a check of a node's own quads and its values' types. With
a ``scope`` (the nodes a change reached, see :mod:`smartcity_kg.builder.scope`), such a check
runs over the neighbourhood of the nodes that reach the scope within N links, and keeps the rows
of those nodes; every other check runs over the whole dataset.

The checks run in a child process, which builds the stores it queries itself where it is forked,
while the caller goes on (:func:`start_checks`; :meth:`RunningChecks.result` waits for them). A
thread of the caller watches the child and stops it when a check runs too long.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..exceptions import InputError, Problem, ValidationError
from .facts import Compiled
from .forked import can_fork, start_child
from .scope import neighbourhood, widen
from ..namespaces import ONTOLOGY_IRI
from ..store.rdfio import select
from ..store.dataset import merge_default_graph

__all__ = ["CHECK_TIMEOUT", "LOCAL", "RunningChecks", "check_files", "run_checks", "start_checks"]

#: How long one check may run, in seconds, before it is stopped.
CHECK_TIMEOUT = 60.0
#: The line by which a check declares how far from a node it looks (see the module docstring).
LOCAL = re.compile(r"^#\+ reach: ([0-9]+)$", re.MULTILINE)
#: What the child sends when a store is built, before the rows of the checks run over it.
_READY = "ready"

_Rows = list[tuple[str | None, str]]
#: Checks run over one store: how many links from a changed node they look (None: anywhere), their files.
_Group = tuple[int | None, list[Path]]


def check_files(directory: Path) -> list[Path]:
    """The check queries of ``directory``; refuses a directory that has none."""
    files = sorted(directory.glob("*-violation.rq"))
    if not files:
        raise InputError.at(directory, None, "no quality checks (*-violation.rq) here")
    return files


def run_checks(ontology: list[ox.Triple], compiled: Compiled, directory: Path, *,
               timeout: float = CHECK_TIMEOUT, scope: set[ox.NamedNode] | None = None) -> dict[str, int]:
    """Run every check of ``directory`` over the ontology and the compiled facts.

    Each check is a SELECT whose rows are violations; it returns ``?subject`` (traced back
    to its fact sheet and line) and ``?message``. The ontology is in the named graph
    ``<https://w3id.org/smartcity-kg/ontology>`` and each source in its own graph. The
    checks run in a child process, stopped when one runs longer than ``timeout`` seconds
    (counted from when the store it queries is ready). With ``scope``, the nodes a change
    reached since a previous build that passed these checks, the checks that declare
    :data:`LOCAL` look at those nodes only.

    Returns the number of violations per check (all zero).

    Raises
    ------
    ValidationError
        Listing every violation with the file and line of the node involved.
    InputError
        If a check is not valid SPARQL, or runs longer than ``timeout`` seconds.
    """
    return start_checks(ontology, compiled, directory, timeout=timeout, scope=scope).result()


def start_checks(ontology: list[ox.Triple], compiled: Compiled, directory: Path, *,
                 timeout: float = CHECK_TIMEOUT, scope: set[ox.NamedNode] | None = None) -> RunningChecks:
    """Start the work of :func:`run_checks` in a child process and return at once.

    A forked child builds each store it queries itself, so this process is free meanwhile; where
    children are spawned, this process builds the stores and hands them over as N-Quads. The
    child says when each store is ready; each check over it may then run ``timeout`` seconds.
    An error in finding or reading the checks is raised by :meth:`RunningChecks.result` too, not
    here, so that the caller's own errors may come first.
    """
    try:
        files = check_files(directory)
        reaches = {path: _reach(path) for path in files} if scope is not None else {}
        groups, skipped = _groups(files, reaches, scope)
        queries = [[path.read_text(encoding="utf-8") for path in group] for _, group in groups]
        built = _stores(ontology, compiled.graphs, scope, [links for links, _ in groups])
        stores: Iterable[tuple[ox.Store | bytes, set[str] | None]] = built
        if not can_fork():
            stores = [(store.dump(format=ox.RdfFormat.N_QUADS) or b"", focus) for store, focus in built]
    except Exception as exc:  # noqa: BLE001 -- raised by result(), after the caller's own errors
        return RunningChecks(compiled, _raiser(exc))
    if not groups:  # nothing changed that the checks look at
        return RunningChecks(compiled, lambda: [(path, []) for path in skipped])
    child = _Child(*start_child(_run_groups, stores, queries))
    return RunningChecks(compiled, lambda: child.receive(groups, timeout) + [(path, []) for path in skipped],
                         child.stop)


class RunningChecks:
    """Quality checks under way, watched by a thread of this process (see :func:`start_checks`)."""

    def __init__(self, compiled: Compiled, receive: Callable[[], list[tuple[Path, _Rows]]],
                 stop: Callable[[], None] = lambda: None) -> None:
        self._compiled, self._stop = compiled, stop
        self._results: list[tuple[Path, _Rows]] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._watch, args=(receive,), name="smartcity-kg-checks", daemon=True)
        self._thread.start()

    def _watch(self, receive: Callable[[], list[tuple[Path, _Rows]]]) -> None:
        try:
            self._results = receive()
        except BaseException as exc:  # noqa: BLE001 -- raised in the caller's thread by result()
            self._error = exc
        finally:
            self._stop()

    def result(self) -> dict[str, int]:
        """Wait for the checks; return the number of violations per check (all zero).

        Raises
        ------
        ValidationError, InputError
            As :func:`run_checks` does.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        return _counts(self._results, self._compiled)

    def stop(self) -> None:
        """Stop the child if it still runs, and wait for the watching thread to end."""
        self._stop()
        self._thread.join()


def _raiser(exc: Exception) -> Callable[[], list[tuple[Path, _Rows]]]:
    """A function that raises ``exc``."""
    def fail() -> list[tuple[Path, _Rows]]:
        raise exc
    return fail


def _groups(files: list[Path], reaches: dict[Path, int | None],
            scope: set[ox.NamedNode] | None) -> tuple[list[_Group], list[Path]]:
    """The checks to run, a store each: those over the whole dataset, then those of each reach;
    and the checks left out, those that declare a reach where the scope is empty."""
    whole = [path for path in files if reaches.get(path) is None]
    groups: list[_Group] = [(None, whole)] if whole else []
    skipped: list[Path] = []
    for links in sorted({n for n in reaches.values() if n is not None}):
        local = [path for path in files if reaches[path] == links]
        if scope:
            groups.append((links, local))
        else:
            skipped += local
    return groups, skipped


def _counts(results: list[tuple[Path, _Rows]], compiled: Compiled) -> dict[str, int]:
    """The number of rows per check; raise :class:`ValidationError` listing them if there are any."""
    counts: dict[str, int] = {}
    problems: list[Problem] = []
    for path, rows in sorted(results, key=lambda result: result[0]):
        counts[path.stem] = len(rows)
        for subject, message in rows:
            origin = compiled.origins.get(subject) if subject is not None else None
            where = origin.path if origin else path
            line = origin.line if origin else None
            problems.append(Problem(where, line, f"{path.stem}: <{subject or '?'}> {message}"))
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.message)))
    return counts


def _reach(path: Path) -> int | None:
    """How many links from a node the check at ``path`` declares it looks (:data:`LOCAL`); None: anywhere."""
    found = LOCAL.search(path.read_text(encoding="utf-8"))
    return int(found.group(1)) if found else None


def _stores(ontology: list[ox.Triple], graphs: dict[str, list[ox.Triple]], scope: set[ox.NamedNode] | None,
            levels: list[int | None]) -> Iterator[tuple[ox.Store, set[str] | None]]:
    """For each of ``levels`` (a reach, None: anywhere), the store its checks query and the subjects whose rows
    count (None: all): the whole dataset, or the neighbourhood of the nodes that reach ``scope`` within it."""
    for links in levels:
        if links is None or scope is None:
            yield _store(ontology, graphs), None
            continue
        nodes = widen(scope, graphs, links)
        yield _store(ontology, neighbourhood(nodes, graphs, links)), {node.value for node in nodes}


def _store(ontology: list[ox.Triple], graphs: dict[str, list[ox.Triple]]) -> ox.Store:
    """A store holding the ontology and ``graphs``, its default graph their merge."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ONTOLOGY_IRI)) for t in ontology)
    for graph, triples in graphs.items():
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples)
    merge_default_graph(store)
    return store


class _Child:
    """The child process that runs the checks, and the receiving end of its pipe."""

    def __init__(self, process: BaseProcess, receiver: Connection) -> None:
        self._process, self._receiver = process, receiver
        self._lock = threading.Lock()

    def receive(self, groups: list[_Group], timeout: float) -> list[tuple[Path, _Rows]]:
        """The rows of each check of ``groups``, each check given ``timeout`` seconds once its store is ready."""
        out = []
        try:
            for _, files in groups:
                ready = self._next(files[0], None)
                if ready != _READY:  # the store could not be built
                    raise InputError.at(files[0], ready[0], ready[1])
                for path in files:
                    outcome = self._next(path, timeout)
                    if isinstance(outcome, tuple):
                        raise InputError.at(path, outcome[0], outcome[1])
                    out.append((path, outcome))
        finally:
            self._receiver.close()
        return out

    def _next(self, path: Path, timeout: float | None) -> Any:
        if not self._receiver.poll(timeout):
            raise InputError.at(path, None, f"the check ran longer than {timeout:g} s and was stopped")
        try:
            return self._receiver.recv()
        except EOFError:
            raise InputError.at(path, None, "the check ended its process without an answer") from None

    def stop(self) -> None:
        """Kill the child if it still runs, and reap it; from either thread, as often as needed."""
        with self._lock:
            if self._process.exitcode is None:
                self._process.kill()
            self._process.join()


def _run_groups(conn: Connection, stores: Iterable[tuple[ox.Store | bytes, set[str] | None]],
                queries: list[list[str]]) -> None:
    """In the child: for each group of ``queries``, build its store (``stores``, or load their N-Quads), say
    :data:`_READY`, then send each query's rows of the subjects that count (subject, message), or (line, error).

    The child first leaves the network (:func:`smartcity_kg.sandbox.isolate_network`; where no
    namespace can be made it warns and goes on), so a check from a file reaches no address,
    whoever calls the build.
    """
    from ..sandbox import isolate_network

    isolate_network(strict=False)
    built = iter(stores)
    for texts in queries:
        try:
            data, focus = next(built)
            store = data if isinstance(data, ox.Store) else _loaded(data)
        except Exception as exc:  # noqa: BLE001 -- reported as the first check's
            conn.send((None, f"the data of the checks could not be loaded: {type(exc).__name__}: {exc}"))
            return
        conn.send(_READY)
        for query in texts:
            outcome = _rows(store, query, focus)
            conn.send(outcome)
            if isinstance(outcome, tuple):
                return


def _loaded(nquads: bytes) -> ox.Store:
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


def _rows(store: ox.Store, query: str, focus: set[str] | None) -> _Rows | tuple[int | None, str]:
    """The rows (subject, message) of ``query`` whose subject is in ``focus`` (None: all), or (line, error)."""
    try:
        rows = [(row["subject"].value if row["subject"] is not None else None,
                 row["message"].value if row["message"] is not None else "violation")
                for row in select(store, query)]
    except SyntaxError as exc:
        return exc.lineno, f"invalid SPARQL: {exc.msg}"
    except Exception as exc:  # noqa: BLE001 -- any failure of a check is reported as its own
        return None, f"the check failed: {type(exc).__name__}: {exc}"
    return rows if focus is None else [row for row in rows if row[0] in focus]
