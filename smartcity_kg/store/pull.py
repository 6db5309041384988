"""Pulling a neighbourhood of a remote dataset with CONSTRUCT, named graphs and all.

SPARQL 1.1 CONSTRUCT returns triples, and a statement's named graph is what ties it to its
evidence (the source that states it). So each quad comes back described by a fresh blank
node (``q:s``, ``q:p``, ``q:o``, ``q:g``): portable SPARQL 1.1, and rebuilt into quads here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from ..namespaces import RDF, SCK
from .rdfio import value_of
from .dataset import merge_default_graph

__all__ = ["pull_neighbourhood"]

_Q = "urn:smartcity-kg:quad:"
_AROUND = """
CONSTRUCT { _:q <urn:smartcity-kg:quad:s> ?s ; <urn:smartcity-kg:quad:p> ?p ; <urn:smartcity-kg:quad:o> ?o ;
                <urn:smartcity-kg:quad:g> ?g . }
WHERE {
  VALUES ?node { NODES }
  { GRAPH ?g { ?node ?p ?o } BIND(?node AS ?s) }
  UNION
  { GRAPH ?g { ?s ?p ?node } BIND(?node AS ?o) }
}
"""
_OWN = """
CONSTRUCT { _:q <urn:smartcity-kg:quad:s> ?node ; <urn:smartcity-kg:quad:p> ?p ; <urn:smartcity-kg:quad:o> ?o ;
                <urn:smartcity-kg:quad:g> ?g . }
WHERE { VALUES ?node { NODES } GRAPH ?g { ?node ?p ?o } }
"""
#: Nodes that are statements about others (facts, evidence): pulled whole, never walked from.
_FACTS = {SCK + n for n in ("Partnership", "Agreement", "PostHolding", "AwardEvent", "Achievement", "Investment",
                            "SectorInvestment", "Estimate", "MarketEstimate", "BenefitEstimate", "MarketInsight",
                            "MarketStanding", "MarketChallenge", "MarketOpportunity", "EntryStrategy", "Target",
                            "RankingEntry", "Merger", "Evidence", "QuoteSelector", "QuoteFragment")}


def _quads(graph: Any, template: str, nodes: Iterable[str]) -> list[ox.Quad]:
    out = []
    ordered = sorted(set(nodes))
    for start in range(0, len(ordered), 100):
        batch = " ".join(str(ox.NamedNode(n)) for n in ordered[start:start + 100])
        parts: dict[Any, dict[str, Any]] = {}
        for triple in graph.query(template.replace("NODES", batch)):
            parts.setdefault(triple.subject, {})[triple.predicate.value[len(_Q):]] = triple.object
        for part in parts.values():
            if {"s", "p", "o", "g"} <= set(part) and isinstance(part["g"], (ox.NamedNode, ox.BlankNode)):
                out.append(ox.Quad(part["s"], part["p"], part["o"], part["g"]))
    return out


def pull_neighbourhood(graph: Any, seeds: Iterable[str], hops: int) -> ox.Store:
    """A local store with every statement within ``hops`` ties of ``seeds`` in ``graph``.

    Each hop pulls the statements of the frontier's entities and of the facts about them (a
    partnership, a post holding, …) with their evidence; the next frontier is the entities
    those statements name. ``graph`` answers CONSTRUCT as a list of triples (a remote endpoint
    through :class:`smartcity_kg.store.remote.RemoteStore`).
    """
    store = ox.Store()
    seen: set[str] = set()
    frontier = set(seeds)
    typed = ox.NamedNode(RDF + "type")
    for _ in range(hops + 1):
        quads = _quads(graph, _AROUND, frontier)
        seen |= frontier
        facts = {value_of(q.subject) for q in quads if q.predicate == typed and value_of(q.object) in _FACTS
                 and isinstance(q.subject, ox.NamedNode)}
        facts |= {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)
                  and q.subject.value not in frontier}  # statements that point at the frontier
        quads += _quads(graph, _OWN, facts)
        evidence = {q.object.value for q in quads if q.predicate.value in (SCK + "evidence", SCK + "selector")
                    and isinstance(q.object, ox.NamedNode)}
        quads += _quads(graph, _OWN, evidence)
        store.extend(quads)
        fact_nodes = {value_of(q.subject) for q in quads if q.predicate == typed and value_of(q.object) in _FACTS}
        named = {t.value for q in quads for t in (q.subject, q.object)
                 if isinstance(t, ox.NamedNode) and q.predicate != typed}
        frontier = named - seen - fact_nodes - evidence
        if not frontier:
            break
    merge_default_graph(store)
    return store
