"""Pushing the built dataset to a triple store with the SPARQL 1.1 Graph Store Protocol."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError, SmartCityKGError

__all__ = ["PushError", "PushedGraph", "push"]


class PushError(SmartCityKGError, ConnectionError):
    """The triple store could not be reached or refused a graph."""


@dataclass(frozen=True)
class PushedGraph:
    """One named graph that was pushed, and its size."""

    graph: str
    triples: int


def push(build_dir: Path, store_url: str, *, timeout: float = 60.0) -> list[PushedGraph]:
    """PUT every named graph of ``build_dir``/graph.trig to the Graph Store endpoint ``store_url``, and
    their merge (each triple once) as the default graph, where the named queries read it.

    PUT replaces a graph, so pushing twice leaves the same triples. The default graph is the
    last one pushed, reported as the graph ``""``. (A store's own union of the named graphs
    may count a triple once per graph: Oxigraph's ``--union-default-graph`` does.) (For Oxigraph's server the
    Graph Store endpoint is ``http://host:7878/store``; for Fuseki ``http://host:3030/DATASET/data``.)

    Raises
    ------
    InputError
        If there is no built graph.
    PushError
        If the store cannot be reached or refuses a graph.
    """
    import httpx

    trig = build_dir / "graph.trig"
    if not trig.is_file():
        raise InputError.at(trig, None, "no built graph here; run 'smartcity-kg build' first")
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs[quad.graph_name.value].append(quad.triple)
    merged = list(dict.fromkeys(t for graph in sorted(graphs) for t in graphs[graph]))
    pushed = []
    with httpx.Client(timeout=timeout) as client:
        for graph, triples in [*((g, graphs[g]) for g in sorted(graphs)), ("", merged)]:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            where = {"graph": graph} if graph else {"default": ""}
            try:
                response = client.put(store_url, params=where, content=body,
                                      headers={"Content-Type": "application/n-triples"})
            except httpx.HTTPError as exc:
                raise PushError(f"the store {store_url} could not be reached ({type(exc).__name__})") from None
            if response.status_code not in (200, 201, 204):
                name = f"<{graph}>" if graph else "the default graph"
                raise PushError(f"the store {store_url} refused {name} with status {response.status_code}")
            pushed.append(PushedGraph(graph, len(triples)))
    return pushed
