"""Quality checks: ``queries/checks/*-violation.rq`` queries that must return no rows."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError, Problem, ValidationError
from .facts import Compiled
from ..namespaces import ONTOLOGY_IRI
from ..store.rdfio import select
from ..store.dataset import merge_default_graph

__all__ = ["check_files", "run_checks"]


def check_files(directory: Path) -> list[Path]:
    """The check queries of ``directory``; refuses a directory that has none."""
    files = sorted(directory.glob("*-violation.rq"))
    if not files:
        raise InputError.at(directory, None, "no quality checks (*-violation.rq) here")
    return files


def run_checks(ontology: list[ox.Triple], compiled: Compiled, directory: Path) -> dict[str, int]:
    """Run every check of ``directory`` over the ontology and the compiled facts.

    Each check is a SELECT whose rows are violations; it returns ``?subject`` (traced back
    to its fact sheet and line) and ``?message``. The ontology is in the named graph
    ``<https://w3id.org/smartcity-kg/ontology>`` and each source in its own graph.

    Returns the number of violations per check (all zero).

    Raises
    ------
    ValidationError
        Listing every violation with the file and line of the node involved.
    """
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ONTOLOGY_IRI)) for t in ontology)
    for graph, triples in compiled.graphs.items():
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples)
    merge_default_graph(store)
    counts: dict[str, int] = {}
    problems: list[Problem] = []
    for path in check_files(directory):
        try:
            rows = list(select(store, path.read_text(encoding="utf-8")))
        except SyntaxError as exc:
            raise InputError.at(path, exc.lineno, f"invalid SPARQL: {exc.msg}") from None
        except OSError as exc:  # SERVICE: from the command line, no network is reachable
            raise InputError.at(path, None, f"the check could not run: {exc}") from None
        counts[path.stem] = len(rows)
        for row in rows:
            subject = row["subject"]
            message = row["message"].value if row["message"] is not None else "violation"
            origin = compiled.origins.get(subject.value) if subject is not None else None
            where = origin.path if origin else path
            line = origin.line if origin else None
            problems.append(Problem(where, line, f"{path.stem}: <{subject.value if subject else '?'}> {message}"))
    if problems:
        raise ValidationError(sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.message)))
    return counts
