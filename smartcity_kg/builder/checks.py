"""Quality checks: ``queries/checks/*-violation.rq`` queries that must return no rows.

A check whose text has the line ``#+ reach: N`` (N a number of links, 0 or more) declares that
whether a node is a ``?subject`` of its rows depends only on the quads of the nodes within N
links of it (following links from subject to object), the types of the nodes one link further,
and the ontology: ``#+ reach: 0`` is a check of a node's own quads and its values' types. With
a ``scope`` (the nodes a change reached, see :mod:`smartcity_kg.builder.scope`), such a check
runs over the neighbourhood of the nodes that reach the scope within N links, and keeps the rows
of those nodes; every other check runs over the whole dataset.
"""

from __future__ import annotations

import multiprocessing
import re
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError, Problem, ValidationError
from .facts import Compiled
from .scope import neighbourhood, widen
from ..namespaces import ONTOLOGY_IRI
from ..store.rdfio import select
from ..store.dataset import merge_default_graph

__all__ = ["CHECK_TIMEOUT", "LOCAL", "check_files", "run_checks"]

#: How long one check may run, in seconds, before it is stopped.
CHECK_TIMEOUT = 60.0
#: The line by which a check declares how far from a node it looks (see the module docstring).
LOCAL = re.compile(r"^#\+ reach: ([0-9]+)$", re.MULTILINE)


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
    checks run in a child process, stopped when one runs longer than ``timeout`` seconds.
    With ``scope``, the nodes a change reached since a previous build that passed these
    checks, the checks that declare :data:`LOCAL` look at those nodes only.

    Returns the number of violations per check (all zero).

    Raises
    ------
    ValidationError
        Listing every violation with the file and line of the node involved.
    InputError
        If a check is not valid SPARQL, or runs longer than ``timeout`` seconds.
    """
    files = check_files(directory)
    reaches = {path: _reach(path) for path in files} if scope is not None else {}
    whole = [path for path in files if reaches.get(path) is None]
    results = _bounded(_store(ontology, compiled.graphs), whole, timeout) if whole else []
    for links in sorted({n for n in reaches.values() if n is not None}):
        local = [path for path in files if reaches[path] == links]
        if not scope:  # nothing changed that these checks look at
            results += [(path, []) for path in local]
            continue
        nodes = widen(scope, compiled.graphs, links)
        focus = {node.value for node in nodes}
        near = _store(ontology, neighbourhood(nodes, compiled.graphs, links))
        results += [(path, [row for row in rows if row[0] in focus]) for path, rows in _bounded(near, local, timeout)]
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


def _store(ontology: list[ox.Triple], graphs: dict[str, list[ox.Triple]]) -> ox.Store:
    """A store holding the ontology and ``graphs``, its default graph their merge."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ONTOLOGY_IRI)) for t in ontology)
    for graph, triples in graphs.items():
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples)
    merge_default_graph(store)
    return store


_Rows = list[tuple[str | None, str]]


def _bounded(store: ox.Store, files: list[Path], timeout: float) -> list[tuple[Path, _Rows]]:
    """The rows of each check of ``files``, run in a child process that is stopped at ``timeout``."""
    # A forked child shares the store (and starts in milliseconds); a spawned one gets it as N-Quads.
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if fork else multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    data = store if fork else store.dump(format=ox.RdfFormat.N_QUADS)
    queries = [path.read_text(encoding="utf-8") for path in files]
    child = context.Process(target=_run_queries, args=(sender, data, queries), daemon=True)
    child.start()
    sender.close()
    out = []
    try:
        for path in files:
            if not receiver.poll(timeout):
                raise InputError.at(path, None, f"the check ran longer than {timeout:g} s and was stopped")
            try:
                outcome = receiver.recv()
            except EOFError:
                raise InputError.at(path, None, "the check ended its process without an answer") from None
            if isinstance(outcome, tuple):
                raise InputError.at(path, outcome[0], outcome[1])
            out.append((path, outcome))
    finally:
        child.kill()
        child.join()
        receiver.close()
    return out


def _run_queries(conn: Connection, data: ox.Store | bytes, queries: list[str]) -> None:
    """In the child: run each query and send its rows (subject, message), or (line, error).

    The child first leaves the network (:func:`smartcity_kg.sandbox.isolate_network`; where no
    namespace can be made it warns and goes on), so a check from a file reaches no address,
    whoever calls the build.
    """
    from ..sandbox import isolate_network

    isolate_network(strict=False)
    if isinstance(data, bytes):
        store = ox.Store()
        store.load(data, format=ox.RdfFormat.N_QUADS)
    else:
        store = data
    for query in queries:
        try:
            rows = [(row["subject"].value if row["subject"] is not None else None,
                     row["message"].value if row["message"] is not None else "violation")
                    for row in select(store, query)]
        except SyntaxError as exc:
            conn.send((exc.lineno, f"invalid SPARQL: {exc.msg}"))
            return
        except Exception as exc:  # noqa: BLE001 -- any failure of a check is reported as its own
            conn.send((None, f"the check failed: {type(exc).__name__}: {exc}"))
            return
        conn.send(rows)
