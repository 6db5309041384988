"""A rebuild's inferred graph kept from the previous build where the change touched nothing the rules read.

The forward rules (:mod:`smartcity_kg.builder.rules`) read and write only ``rdf:type``, the
terms bound into their queries and the properties of their tables; their axioms are triples with
the predicates of :data:`smartcity_kg.builder.rules.AXIOM_PREDICATES`. A change of the fact
sheets whose added and removed triples all have other predicates (a label, a quote, a note), or
replace a value of a property with a named domain by another, or a literal value of one with a
named range, therefore changes neither the rules nor what they derive, nor which derived triples
are kept: the inferred graph is the previous build's, read back from its block of ``graph.trig``,
the same triples in the same order as a full run gives. Any other change means a full run.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import ONTOLOGY_IRI, RDF
from .blocks import read_blocks
from .rewrite import Earlier
from .rules import AXIOM_PREDICATES, DOMAIN_TABLE, RANGE_TABLE, compile_rules

__all__ = ["kept_inference"]

_TYPE = ox.NamedNode(RDF + "type")


@dataclass(frozen=True)
class _Reads:
    """What the rules read: terms they read or write whatever the triple, properties with a named domain, with a
    named range."""

    terms: set[object]
    domains: set[object]
    ranges: set[object]

    def inert(self, removed: set[ox.Triple], added: set[ox.Triple]) -> bool:
        """Whether removing ``removed`` and adding ``added`` changes nothing that the rules derive.

        So where no triple's predicate is a term the rules read; a property with a named domain
        only where each subject keeps a value of it (``s p x`` replaced by ``s p y``: ``s`` is in the
        domain before and after); with a named range, only where the values are literals (which
        the rules never type).
        """
        before = {(t.subject, t.predicate) for t in removed}
        after = {(t.subject, t.predicate) for t in added}
        for t in removed | added:
            if t.predicate in self.terms:
                return False
            if t.predicate in self.ranges and not isinstance(t.object, ox.Literal):
                return False
            if t.predicate in self.domains and not ((t.subject, t.predicate) in before and (t.subject, t.predicate) in after):
                return False
        return True


def _reads(triples: list[ox.Triple]) -> _Reads:
    """What the rules compiled from ``triples`` read (:class:`_Reads`)."""
    rules, tables = compile_rules(triples)
    reads = _Reads({_TYPE, *AXIOM_PREDICATES}, set(), set())
    for rule in rules:
        reads.terms.update(rule.bindings.values())
    for quad in tables:
        if quad.predicate in (DOMAIN_TABLE, RANGE_TABLE):
            (reads.domains if quad.predicate == DOMAIN_TABLE else reads.ranges).add(quad.subject)
            reads.terms.add(quad.object)
        else:
            reads.terms.update((quad.subject, quad.object))
    return reads


def kept_inference(earlier: Earlier | None, digests: dict[str, str], graphs: dict[str, list[ox.Triple]],
                   triples: list[ox.Triple], inferred: str) -> list[ox.Triple] | None:
    """The previous build's inferred graph (named ``inferred``), or None where the rules must run again.

    ``digests`` are the digests of this build's graphs (the ontology's among them), ``graphs``
    the compiled graphs, ``triples`` all that the rules would read (ontology and data). It is
    kept only where ``earlier`` has the same ontology graph and the compiled graphs that changed
    added and removed only triples whose predicate no rule reads or writes.
    """
    if earlier is None or inferred not in earlier.spans or ONTOLOGY_IRI not in digests \
            or earlier.digests.get(ONTOLOGY_IRI) != digests[ONTOLOGY_IRI]:
        return None
    changed = {g for g in (set(graphs) | set(earlier.digests)) - {ONTOLOGY_IRI, inferred}
               if earlier.digests.get(g) != digests.get(g)}
    if not changed <= set(graphs) | set(earlier.spans):
        return None
    old = read_blocks(earlier.folder / "graph.trig", [earlier.spans[g]["graph.trig"] for g in sorted(changed) if g in earlier.spans])
    before = {q.triple for q in old}
    after = {t for g in changed if g in graphs for t in graphs[g]}
    if not _reads(triples).inert(before - after, after - before):
        return None
    return [q.triple for q in read_blocks(earlier.folder / "graph.trig", [earlier.spans[inferred]["graph.trig"]])]
