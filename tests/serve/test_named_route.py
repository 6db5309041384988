"""/queries/NAME on ``smartcity-kg serve``: on a reasoned build it reads the materialised types, as the ``query`` command does."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

from smartcity_kg import load_catalogue, open_store, run_query, shipped
from smartcity_kg.store.queries import is_reasoned

Serve = Callable[..., contextlib.AbstractContextManager[str]]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _served(url: str, name: str) -> list[tuple[str | None, ...]]:
    response = httpx.get(f"{url}/queries/{name}", headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    columns = body["head"]["vars"]
    return [tuple(row[c]["value"] if c in row else None for c in columns) for row in body["results"]["bindings"]]


def _rows(store: ox.Store, name: str, *, reasoned: bool) -> list[tuple[str | None, ...]]:
    result = run_query(store, load_catalogue(shipped("queries"))[name], reasoned=reasoned)
    return [tuple(None if term is None else term.value for term in row) for row in result.rows]


def test_on_a_reasoned_build_the_same_rows_as_walking_the_class_paths(built: Path, store: ox.Store,
                                                                       serve: Serve) -> None:
    assert is_reasoned(store)
    walked = _rows(store, "initiatives", reasoned=False)
    assert walked
    with serve(built) as url:
        assert _served(url, "initiatives") == walked


def _without_inferred_types(build_dir: Path) -> None:
    """Take every ``rdf:type`` out of the inferred graph of ``build_dir``/graph.trig (the rest stays)."""
    trig = build_dir / "graph.trig"
    quads = [q for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)
             if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.endswith("/graph/inferred")
                     and q.predicate == RDF_TYPE)]
    part = trig.with_name("graph.trig.part")
    ox.serialize(quads, output=str(part), format=ox.RdfFormat.TRIG)
    part.replace(trig)


def test_on_a_reasoned_build_the_route_reads_the_materialised_types(built_copy: Path, serve: Serve) -> None:
    # A build whose inferred graph lacks the types: walking the class paths and reading the types now differ.
    _without_inferred_types(built_copy)
    stripped = open_store(built_copy)
    assert is_reasoned(stripped)
    read, walked = _rows(stripped, "initiatives", reasoned=True), _rows(stripped, "initiatives", reasoned=False)
    assert walked and read != walked
    with serve(built_copy) as url:
        assert _served(url, "initiatives") == read
