"""Linked-data documents: the ontology, its version and modules, each named graph and the dumps.

Each answers at the path of its IRI (``/ontology``, ``/ontology/0.1.0``, ``/ontology/core``,
``/graph/<name>``, ``/graph.trig``…) as HTML for a browser, with ``<link rel="alternate">`` to
its machine-readable forms, or as RDF by content negotiation (``Accept``, or ``?format=``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from ..namespaces import ONTOLOGY_IRI, OWL, PREFIXES
from .docs import document_query, module_triples, ontology_docs, ontology_triples
from .negotiate import GRAPH_TYPES, choose
from .protocol import error

__all__ = ["DUMPS", "dump_document", "graph_document", "ontology_document"]

#: The dump files of a build (written by the build pipeline) and their media types.
DUMPS = {"graph.trig": "application/trig", "graph.nt": "application/n-triples", "graph.ttl": "text/turtle",
         "graph.jsonld": "application/ld+json"}
_QUADS = {"application/trig": ox.RdfFormat.TRIG, "application/n-quads": ox.RdfFormat.N_QUADS}
_FORMATS = {"turtle": "text/turtle", "trig": "application/trig", "ntriples": "application/n-triples",
            "nquads": "application/n-quads", "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}
_NAMES = {media: name for name, media in _FORMATS.items()}
_VARY = {"Vary": "Accept"}


def _media(request: Request, offered: list[str]) -> str | None:
    forced = _FORMATS.get(request.query_params.get("format", ""))
    if forced is not None:
        return forced if forced in offered else None
    return choose(request.headers.get("accept"), ["text/html", *offered])


def _alternates(path: str, offered: list[str]) -> list[dict[str, str]]:
    return [{"media": media, "name": _NAMES[media], "href": f"{path}?format={_NAMES[media]}"} for media in offered]


def _rdf(triples: list[ox.Triple], graph: str, media: str) -> Response:
    """``triples`` in ``media``: as quads of the named graph ``graph`` for TriG and N-Quads."""
    if media in _QUADS:
        body = ox.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples],
                            format=_QUADS[media], prefixes=PREFIXES if media == "application/trig" else None)
    else:
        rdf_format = getattr(ox.RdfFormat, GRAPH_TYPES[media])
        prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        body = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    return Response(body, media_type=media, headers=_VARY)


def _not_acceptable(offered: list[str]) -> Response:
    return error(406, "offered: text/html, " + ", ".join(offered), _VARY)


def _ontology_path(iri: str) -> str:
    return "/ontology" + iri[len(ONTOLOGY_IRI):] if iri.startswith(ONTOLOGY_IRI) else iri


async def ontology_document(request: Request) -> Response:
    """The ontology (``/ontology``), its version IRI (the same document) or one of its modules
    (``/ontology/<module>``): documentation generated from the triples, or the triples."""
    from .pages import render

    state = request.app.state.smartcity
    name = request.path_params.get("name")
    offered = [*GRAPH_TYPES, "application/trig", "application/n-quads"]
    media = _media(request, offered)
    if media is None:
        return _not_acceptable(offered)
    triples = await run_in_threadpool(ontology_triples, state.graph)
    iri, module = ONTOLOGY_IRI, None
    if name is not None:
        iri = f"{ONTOLOGY_IRI}/{name}"
        version = ox.Triple(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(iri))
        if version not in triples:
            if not any(t.subject == ox.NamedNode(iri) and t.object == ox.NamedNode(OWL + "Ontology") for t in triples):
                return error(404, f"no version or module <{iri}> in the ontology")
            module = iri
    if media != "text/html":
        return _rdf(module_triples(triples, module) if module else triples, ONTOLOGY_IRI, media)
    docs = await run_in_threadpool(ontology_docs, triples, module)
    for m in docs.modules:
        m["path"] = _ontology_path(m["iri"])
    page = render("ontology.html", title=docs.label or "smartcity-kg ontology", docs=docs,
                  version_path=_ontology_path(docs.version_iri), alternates=_alternates(request.url.path, offered))
    return HTMLResponse(page, headers=_VARY)


def _graph_triples(graph: Any, iri: str) -> list[ox.Triple]:
    rows = graph.query(document_query("graph"), substitutions={ox.Variable("graph"): ox.NamedNode(iri)})
    return sorted({ox.Triple(t.subject, t.predicate, t.object) for t in rows}, key=str)


def _graph_size(graph: Any, iri: str) -> tuple[int, int]:
    """The triples and subjects of the named graph ``iri``, counted in the store."""
    rows = graph.query(document_query("graph-size"), substitutions={ox.Variable("graph"): ox.NamedNode(iri)})
    for row in rows:
        return int(row["triples"].value), int(row["subjects"].value)
    return 0, 0


async def graph_document(request: Request) -> Response:
    """A named graph of the dataset (``/graph/<name>``): a page saying what it holds, or its triples
    (Turtle, N-Triples, JSON-LD, RDF/XML) or quads (TriG, N-Quads)."""
    from .pages import render

    state = request.app.state.smartcity
    iri = state.config.base + request.url.path.lstrip("/")
    if iri not in state.graphs:
        return error(404, f"no named graph <{iri}> in the dataset")
    offered = ["application/trig", "application/n-quads", *GRAPH_TYPES]
    media = _media(request, offered)
    if media is None:
        return _not_acceptable(offered)
    if media != "text/html":
        return _rdf(await run_in_threadpool(_graph_triples, state.graph, iri), iri, media)
    triples, subjects = await run_in_threadpool(_graph_size, state.graph, iri)
    await state.loaded()  # the index names the source
    name = iri.rsplit("/", 1)[-1]
    source = state.config.base + "source/" + name
    page = render("document.html", title=f"Named graph {name}", iri=iri, triples=triples,
                  source={"label": state.index.labels.get(source), "path": "/source/" + quote(name)}
                  if source in state.index.labels else None,
                  subjects=subjects, alternates=_alternates(request.url.path, offered))
    return HTMLResponse(page, headers=_VARY)


async def dump_document(request: Request) -> Response:
    """A dump of the whole dataset (``/graph.trig``, ``/graph.nt``, ``/graph.ttl``, ``/graph.jsonld``):
    the build's file in the format asked for (the one the name says by default), or a page that
    links to each."""
    from .pages import render

    state = request.app.state.smartcity
    name = request.url.path.lstrip("/")
    folder: Path | None = None if state.config.endpoint else state.config.build_dir
    if name not in DUMPS or folder is None or not (folder / name).is_file():
        return error(404, f"no dump {name} here: the dumps are the files of an embedded build")
    offered = [DUMPS[name]] + [m for f, m in DUMPS.items() if f != name and (folder / f).is_file()]
    media = _media(request, offered)
    if media is None:
        return _not_acceptable(offered)
    if media != "text/html":
        chosen = next(f for f, m in DUMPS.items() if m == media)
        return FileResponse(folder / chosen, media_type=media, headers=_VARY)
    files = [{"name": f, "media": m, "href": f"/{f}?format={_NAMES[m]}", "bytes": (folder / f).stat().st_size}
             for f, m in DUMPS.items() if (folder / f).is_file()]
    page = render("document.html", title=f"Dump {name}", iri=state.config.base + name, files=files,
                  triples=state.triples, alternates=_alternates(request.url.path, offered))
    return HTMLResponse(page, headers=_VARY)
