"""HTML pages of the server: the landing page, entities, the ontology and paths, all escaped."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pyoxigraph as ox

from ..identifiers import link_iri
from ..namespaces import RDF, SCK
from ..store.rdfio import value_of

__all__ = ["OPENAPI", "brief_html", "entity_html", "entity_triples", "landing_html", "paths_html", "render"]

_ENTITY = """
CONSTRUCT { ?entity ?p ?o . ?evidence ?ep ?eo . ?selector ?sp ?so . }
WHERE {
  { ?entity ?p ?o }
  UNION { ?entity <https://w3id.org/smartcity-kg/ontology#evidence> ?evidence . ?evidence ?ep ?eo }
  UNION { ?entity <https://w3id.org/smartcity-kg/ontology#evidence>/<https://w3id.org/smartcity-kg/ontology#selector> ?selector .
          ?selector ?sp ?so }
}
"""
_TEMPLATES = "SELECT ?property ?template WHERE { ?property <" + SCK + "linkTemplate> ?template }"


def _environment():  # type: ignore[no-untyped-def]
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("smartcity_kg", "templates"), autoescape=True)


def _construct(graph: Any, text: str, **bound: ox.NamedNode) -> list[ox.Triple]:
    substitutions = {ox.Variable(k): v for k, v in bound.items()}
    result = graph.query(text, substitutions=substitutions or None)
    return sorted({ox.Triple(t.subject, t.predicate, t.object) for t in result}, key=str)


def entity_triples(graph: Any, iri: str) -> list[ox.Triple]:
    """The statements about ``iri`` and its evidence (empty when the graph has no such entity)."""
    return _construct(graph, _ENTITY, entity=ox.NamedNode(iri))


def _link(state: Any, iri: str) -> str | None:
    """Where ``iri`` links to: the server's own page for its entities, the IRI itself if it is
    ``http:`` or ``https:``, and nowhere otherwise (``javascript:``, ``file:``… stay text)."""
    base = state.config.base
    if iri.startswith(base):
        return "/" + iri[len(base):]
    return iri if urllib.parse.urlsplit(iri).scheme.lower() in ("http", "https") else None


def entity_html(state: Any, iri: str, triples: list[ox.Triple]) -> str:
    """The HTML page of an entity: its facts, its evidence (quotes) and its neighbours."""
    labels = state.index.labels
    subject = ox.NamedNode(iri)
    facts, evidence = [], []
    evidence_nodes = {t.object for t in triples if t.subject == subject and t.predicate.value == SCK + "evidence"}
    stated = _stated_in(state, iri)
    for t in triples:
        if t.subject != subject or t.predicate.value == SCK + "evidence":
            continue
        value = getattr(t.object, "value", str(t.object))
        is_iri = isinstance(t.object, ox.NamedNode)
        sources = stated.get((t.predicate.value, str(t.object)), [])
        facts.append({"property": labels.get(t.predicate.value, t.predicate.value.rsplit("#", 1)[-1]),
                      "value": labels.get(value, value) if is_iri else value,
                      "link": _link(state, value) if is_iri else None, "source": "; ".join(sources)})
    for node in sorted(evidence_nodes, key=str):
        props = {t.predicate.value: t.object for t in triples if t.subject == node}
        source = props.get(SCK + "source")
        quotes = sorted(value_of(t.object) for t in triples if t.predicate.value == SCK + "quote"
                        and any(s.subject == node and s.object == t.subject for s in triples))
        page = _page(state.graph, value_of(source)) if source is not None else None
        evidence.append({"source": labels.get(value_of(source), value_of(source)) if source is not None else "",
                         "page": page, "url": _link(state, page) if page else None, "quotes": quotes,
                         "reason": value_of(props[SCK + "unquotedReason"]) if SCK + "unquotedReason" in props else None})
    neighbours = []
    network = state.network
    if iri in network.graph:
        for other in sorted(network.graph.neighbors(iri), key=lambda n: labels.get(n, n)):
            tie = network.ties(iri, other)[0]
            neighbours.append({"phrase": tie.phrase(labels), "label": labels.get(other, other), "link": _link(state, other)})
    types = sorted(labels.get(value_of(t.object), value_of(t.object).rsplit("#", 1)[-1]) for t in triples
                   if t.subject == subject and t.predicate.value == RDF + "type")
    return _environment().get_template("entity.html").render(
        title=labels.get(iri, iri), iri=iri, types=types, facts=sorted(facts, key=lambda f: (f["property"], f["value"])),
        evidence=evidence, neighbours=neighbours, identifiers=_identifiers(state, subject, triples))


def _identifiers(state: Any, subject: ox.NamedNode, triples: list[ox.Triple]) -> list[dict[str, str | None]]:
    """The entity's identifiers in registers, each with the IRI its property's ``sck:linkTemplate`` makes
    of it (``None`` where that is no http(s) IRI)."""
    templates = {value_of(row["property"]): value_of(row["template"]) for row in state.graph.query(_TEMPLATES)}
    out = []
    for t in triples:
        if t.subject == subject and t.predicate.value in templates and isinstance(t.object, ox.Literal):
            link = link_iri(templates[t.predicate.value], t.object.value)
            out.append({"register": state.index.labels.get(t.predicate.value, t.predicate.value), "id": t.object.value,
                        "link": link.value if link is not None else None})
    return sorted(out, key=lambda i: (i["register"] or "", i["id"] or ""))


def _stated_in(state: Any, iri: str) -> dict[tuple[str, str], list[str]]:
    """For each statement about ``iri``, the sources (by label) whose graphs state it."""
    base, labels = state.config.base, state.index.labels
    rows = state.graph.query("SELECT ?entity ?p ?o ?g WHERE { GRAPH ?g { ?entity ?p ?o } }",
                             substitutions={ox.Variable("entity"): ox.NamedNode(iri)})
    out: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        graph = value_of(row["g"])
        if graph.startswith(base + "graph/"):
            source = base + "source/" + graph[len(base + "graph/"):]
            name = labels.get(source, "inferred" if graph.endswith("/inferred") else graph)
        else:
            name = "ontology"
        out.setdefault((value_of(row["p"]), str(row["o"])), []).append(name)
    return {key: sorted(set(names)) for key, names in out.items()}


def _page(graph: Any, source: str) -> str | None:
    """The web page of a source record."""
    rows = graph.query("SELECT ?source ?page WHERE { ?source <http://xmlns.com/foaf/0.1/page> ?page }",
                       substitutions={ox.Variable("source"): ox.NamedNode(source)})
    pages = sorted(value_of(row["page"]) for row in rows)
    return pages[0] if pages else None


def render(template: str, **context: Any) -> str:
    """The page ``template`` (of the package's templates) rendered with ``context``, every value escaped."""
    return _environment().get_template(template).render(**context)


def landing_html(state: Any, catalogue: list[Any], nonce: str) -> str:
    """The landing page with the query editor and the catalogue's queries as examples; its scripts
    run under ``nonce`` (the page's Content-Security-Policy names it). Results that name entities,
    and a CONSTRUCT's triples, can be drawn as a network with the views' vis-network, inlined."""
    items = [{"name": q.name, "summary": q.summary, "text": q.text} for q in catalogue]
    data = {"catalogue": items, "base": state.config.base}
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    from ..network.views import vis_assets

    vis_js, vis_css = vis_assets()
    return _environment().get_template("landing.html").render(
        vis_js=vis_js, vis_css=vis_css, title="smartcity-kg SPARQL", triples=state.triples, timeout=state.config.timeout,
        max_rows=state.config.max_rows, catalogue=items, editor_json=text, nonce=nonce,
        example="SELECT ?class (COUNT(?x) AS ?n)\nWHERE { ?x a ?class }\nGROUP BY ?class\nORDER BY DESC(?n)\nLIMIT 20")


def paths_html(state: Any, params: dict[str, str]) -> tuple[str, str | None]:
    """Explained paths from ``from`` or from a ``firm`` profile with ``sector`` (and ``home``, the home
    country) to the decision makers of ``market`` (default DK): the page, and the view it frames
    (``None`` if it frames none)."""
    from ..exceptions import SmartCityKGError
    from ..network.markets import ADDING_A_MARKET, DEFAULT_HOME, DEFAULT_MARKET, decision_posts, resolve_market
    from ..network.paths import Profile, add_profile, find_paths
    from ..network.render import holder_lines, hop_date
    from ..network.tenure import parse_as_of, with_holders
    from ..network.views import paths_view

    source, firm, sector = params.get("from", ""), params.get("firm", ""), params.get("sector", "")
    context: dict[str, Any] = {"title": "Paths to decision makers", "source": source, "firm": firm, "sector": sector,
                               "home": params.get("home", DEFAULT_HOME), "market": params.get("market", DEFAULT_MARKET),
                               "as_of": params.get("as_of", ""), "paths": [], "error": None, "view": None,
                               "empty": "Give an entity or a firm profile."}
    hops = 6
    try:
        market = resolve_market(context["market"])
        context["goal"] = f"any decision maker in {market.label}"
        when = parse_as_of(params.get("as_of") or None)
        context["as_of"] = when.text
        if firm:
            sectors = tuple(s.strip() for s in sector.split(",") if s.strip())
            home = resolve_market(context["home"]).iri
            named = tuple(state.index.resolve(s).value for s in sectors)  # notation, label or synonym
            seeds = {home} | set(named)
            profile = Profile(firm, home, named)
            network = add_profile(state.network_as_of(seeds, hops - 1, when), profile)
            start = profile.iri
        elif source:
            start = state.index.resolve(source).value
            network = state.network_as_of({start}, hops, when)
        else:
            return _environment().get_template("paths.html").render(**context), None
        # A path ends at the post, which names its holders as of the date.
        targets = decision_posts(network, market)
        found = with_holders(find_paths(network, start, targets, market=market, k=int(params.get("k", "5")),
                                           max_hops=hops), network, when)
    except (SmartCityKGError, ValueError) as exc:
        context["error"] = str(exc)
        return _environment().get_template("paths.html").render(**context), None
    context["empty"] = (f"No path from {network.labels.get(start, start)} to {context['goal']}." if targets else
                        f"No decision makers known in {market.label} ({market.code}) within reach of "
                        f"{network.labels.get(start, start)}; add them as {ADDING_A_MARKET} says.")
    context["paths"] = [{"route": " → ".join([p.hops[0].source_label] + [h.target_label for h in p.hops]),
                         "cost": p.cost, "holders": holder_lines(p),
                         "hops": [{"relation": h.relation, "date": hop_date(h).strip(" ()"), "source": h.evidence_source_label,
                                   "quote": h.quote} for h in p.hops]} for p in found]
    if found:
        context["view"] = paths_view(network, found, title=f"Paths from {network.labels.get(start, start)}",
                                     pages=state.source_pages).html
    return _environment().get_template("paths.html").render(**context), context["view"]


def brief_html(state: Any, params: dict[str, str]) -> tuple[str, str | None]:
    """The briefing (:mod:`smartcity_kg.network.briefing`) for ``from`` or a ``firm`` profile with
    ``sector`` (comma-separated), ``home``, ``market``, ``as_of`` and ``k``: the page, and the view
    it frames (``None`` if it frames none). Without a start, or for a start or date that is not
    understood, the paths form with the message."""
    from ..exceptions import SmartCityKGError
    from ..network.briefing import Question, make_briefing
    from ..network.markets import DEFAULT_HOME, DEFAULT_MARKET, resolve_market
    from ..network.paths import Profile, add_profile, resolve_sector
    from ..network.tenure import parse_as_of

    source, firm = params.get("from", ""), params.get("firm", "")
    sectors = tuple(s.strip() for s in params.get("sector", "").split(",") if s.strip())
    context: dict[str, Any] = {"title": "Briefing", "source": source, "firm": firm, "sector": params.get("sector", ""),
                               "home": params.get("home", DEFAULT_HOME), "market": params.get("market", DEFAULT_MARKET),
                               "as_of": params.get("as_of", ""), "paths": [], "error": None, "view": None,
                               "empty": "Give an entity, or a firm profile with its sectors, to brief on."}
    hops = 6
    try:
        market, home = resolve_market(context["market"]), resolve_market(context["home"])
        when = parse_as_of(params.get("as_of") or None)
        named = tuple(state.index.resolve(s).value for s in sectors)  # notation, label or synonym
        if firm:
            profile = Profile(firm, home.iri, named)
            network = add_profile(state.network_as_of({home.iri, *named}, hops - 1, when), profile)
            start = profile.iri
        elif source:
            start = state.index.resolve(source).value
            network = state.network_as_of({start, *named}, hops, when)
        else:
            return _environment().get_template("paths.html").render(**context), None
        named = tuple(resolve_sector(network, s) for s in named)
        k = max(1, min(int(params.get("k", "5")), 20))
        briefing = make_briefing(network, Question(start, home, market, named, when, k), pages=state.source_pages)
    except (SmartCityKGError, ValueError) as exc:
        context["error"] = str(exc)
        return _environment().get_template("paths.html").render(**context), None
    return briefing.html, briefing.view


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "smartcity-kg", "version": "0.1.0",
             "description": "Named queries, linked-data pages and views of the smartcity-kg dataset. The SPARQL "
                            "1.1 Protocol endpoint is /sparql (see the W3C recommendation)."},
    "paths": {
        "/queries": {"get": {"summary": "The named-query catalogue", "responses": {"200": {"description": "JSON"}}}},
        "/queries/{name}": {"get": {
            "summary": "Run a named query; its parameters come from the query string",
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "SPARQL results in the negotiated format"},
                          "400": {"description": "unknown parameter"}, "404": {"description": "unknown query or entity"},
                          "406": {"description": "no acceptable format"}}}},
        "/ontology": {"get": {"summary": "The ontology: its documentation (HTML) or its triples (Turtle, TriG, ...)",
                              "responses": {"200": {"description": "ok"}, "406": {"description": "no acceptable format"}}}},
        "/ontology/{name}": {"get": {
            "summary": "The ontology's version IRI (the whole ontology) or one of its modules, as HTML or RDF",
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}, "404": {"description": "no such version or module"}}}},
        "/graph/{name}": {"get": {
            "summary": "A named graph of the dataset: a page, or its triples or quads (TriG, N-Quads, Turtle, ...)",
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}, "404": {"description": "no such graph"}}}},
        "/graph.trig": {"get": {"summary": "The dump of the whole dataset (also /graph.nt, /graph.ttl, /graph.jsonld)",
                                "responses": {"200": {"description": "the file, or a page that links to each"}}}},
        "/context.jsonld": {"get": {"summary": "The JSON-LD context of the dump graph.jsonld",
                                    "responses": {"200": {"description": "application/ld+json"}}}},
        "/paths": {"get": {"summary": "Explained paths from an entity or a firm profile",
                           "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                                          for n in ("from", "firm", "sector", "home", "market", "k", "as_of")],
                           "responses": {"200": {"description": "HTML"}}}},
        "/brief": {"get": {"summary": "A printable briefing: decision makers, paths with quotes, brokers, investments",
                           "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                                          for n in ("from", "firm", "sector", "home", "market", "k", "as_of")],
                           "responses": {"200": {"description": "HTML"}}}},
        "/view/ego": {"get": {"summary": "An entity's neighbourhood as an interactive view",
                              "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                                             for n in ("entity", "radius", "cap")],
                              "responses": {"200": {"description": "HTML"}, "400": {"description": "out of range"},
                                            "404": {"description": "unknown entity"}}}},
        "/id/{slug}": {"get": {"summary": "An entity: HTML, Turtle, N-Triples or JSON-LD by content negotiation",
                               "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
                               "responses": {"200": {"description": "ok"}, "404": {"description": "no such entity"}}}},
    },
}
