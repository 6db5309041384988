"""Forward rules derived from the ontology's OWL axioms, run to a fixpoint in pyoxigraph; no Java.

Each axiom becomes a SPARQL ``CONSTRUCT`` whose query text holds only variables: the
ontology's terms are bound to them as substitutions, never written into the text. Named
class and property hierarchies are closed in Python first and kept as tables in a named
graph of the working store, so that one rule applies all of them.

What the rules understand: ``rdfs:subClassOf``, ``owl:equivalentClass``, ``rdfs:subPropertyOf``,
``owl:equivalentProperty``, ``owl:inverseOf``, ``rdfs:domain``, ``rdfs:range``,
``owl:TransitiveProperty``, ``owl:SymmetricProperty``, ``owl:propertyChainAxiom``, and class
expressions built of named classes, ``owl:intersectionOf``, ``owl:unionOf`` and restrictions
with ``owl:someValuesFrom`` or ``owl:hasValue``. Membership of an expression is recognised in
full; what follows from membership is derived where a triple says it (a named class, each
conjunct of an intersection, a value) and not where it would need an unnamed individual
(``someValuesFrom``) or a choice (``unionOf``). Other expressions are left out of the rules.
The check for consistency is limited to disjoint classes (``owl:disjointWith``,
``owl:AllDisjointClasses``) and ``owl:Nothing``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from ..exceptions import InconsistentOntologyError, ReasoningError
from ..namespaces import OWL, RDF, RDFS

__all__ = ["AXIOM_PREDICATES", "DOMAIN_TABLE", "Inference", "RANGE_TABLE", "Rule", "close_hierarchies", "compile_rules", "infer"]

_T = TypeVar("_T")
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_TYPE, _NIL = ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "nil")
_THING, _NOTHING = ox.NamedNode(OWL + "Thing"), ox.NamedNode(OWL + "Nothing")
_UNKEPT_TYPES = {_THING, ox.NamedNode(OWL + "NamedIndividual")}
_TABLES = ox.NamedNode("urn:smartcity-kg:rules")
_SUPER_CLASS, _DISJOINT = ox.NamedNode("urn:smartcity-kg:rules#superClass"), ox.NamedNode("urn:smartcity-kg:rules#disjoint")
_SUPER_PROPERTY = ox.NamedNode("urn:smartcity-kg:rules#superProperty")
_INVERSE_PROPERTY = ox.NamedNode("urn:smartcity-kg:rules#inverseSuperProperty")
#: Types that mark a term of the ontology rather than an individual.
_SCHEMA_TYPES = {ox.NamedNode(iri) for iri in (
    OWL + "Class", OWL + "Restriction", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
    OWL + "TransitiveProperty", OWL + "SymmetricProperty", OWL + "FunctionalProperty",
    OWL + "InverseFunctionalProperty", OWL + "Ontology", OWL + "AllDisjointClasses", OWL + "AllDifferent",
    RDFS + "Class", RDFS + "Datatype", RDF + "Property")}
_CLASH = ("SELECT ?x ?a ?b WHERE { GRAPH <urn:smartcity-kg:rules> { ?a <urn:smartcity-kg:rules#disjoint> ?b } "
          "?x a ?a , ?b } ORDER BY ?x ?a ?b LIMIT 1")


@dataclass(frozen=True)
class Inference:
    """What a reasoner derived: the new triples, and how long it took (wall-clock seconds)."""

    triples: list[ox.Triple]
    seconds: float


@dataclass(frozen=True)
class Rule:
    """One forward rule: a SPARQL ``CONSTRUCT`` over variables, the terms bound to them, its axiom."""

    query: str
    bindings: dict[ox.Variable, _Term]
    axiom: str
    #: The rule read against the quads added since it last ran, for a rule whose body holds one
    #: pattern besides the tables: its data pattern inside ``GRAPH ?previous`` or ``GRAPH ?current``.
    delta: str | None = None


_DOMAIN, _RANGE = ox.NamedNode("urn:smartcity-kg:rules#domain"), ox.NamedNode("urn:smartcity-kg:rules#range")
#: The predicates of the table quads ``p domain c`` and ``p range c`` (a named property's named domain and range).
DOMAIN_TABLE, RANGE_TABLE = _DOMAIN, _RANGE
#: Where the quads that each round adds are kept too, rounds taking turns (see :func:`_saturate`).
_ADDED = (ox.NamedNode("urn:smartcity-kg:rules#added-even"), ox.NamedNode("urn:smartcity-kg:rules#added-odd"))
_PREVIOUS, _CURRENT = ox.Variable("previous"), ox.Variable("current")


def _table_rule(head: str, table: str, data: str, absent: str) -> Rule:
    """``head`` where the table holds ``table`` and the data ``data``, unless ``absent`` is there already."""
    where = "WHERE {{ GRAPH <urn:smartcity-kg:rules> {{ {} }} {} FILTER NOT EXISTS {{ {} }} }}"
    recent = f"{{ GRAPH ?previous {{ {data} }} }} UNION {{ GRAPH ?current {{ {data} }} }}"
    return Rule(f"CONSTRUCT {{ {head} }} " + where.format(table, data, absent), {}, "table",
                f"CONSTRUCT {{ {head} }} " + where.format(table, recent, absent))


#: The rules that apply the tables: the hierarchies first, then named domains and ranges.
_TABLE_RULES = [
    _table_rule("?x a ?d", "?c <urn:smartcity-kg:rules#superClass> ?d", "?x a ?c", "?x a ?d"),
    _table_rule("?x ?q ?y", "?p <urn:smartcity-kg:rules#superProperty> ?q", "?x ?p ?y", "?x ?q ?y"),
    _table_rule("?y ?q ?x", "?p <urn:smartcity-kg:rules#inverseSuperProperty> ?q", "?x ?p ?y", "?y ?q ?x"),
    _table_rule("?x a ?c", "?p <urn:smartcity-kg:rules#domain> ?c", "?x ?p ?y", "?x a ?c"),
    _table_rule("?y a ?c", "?p <urn:smartcity-kg:rules#range> ?c", "?x ?p ?y", "?y a ?c"),
]

#: The predicates of the axioms that the rules read (and rdf:type, for the types in :data:`_AXIOM_TYPES`).
_AXIOM_PREDICATES = frozenset(ox.NamedNode(iri) for iri in (
    RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range", RDF + "first", RDF + "rest",
    OWL + "equivalentClass", OWL + "equivalentProperty", OWL + "inverseOf", OWL + "intersectionOf", OWL + "unionOf",
    OWL + "onProperty", OWL + "hasValue", OWL + "someValuesFrom", OWL + "propertyChainAxiom", OWL + "disjointWith",
    OWL + "members"))
#: The predicates of the axioms from which the rules are compiled.
AXIOM_PREDICATES = _AXIOM_PREDICATES
_AXIOM_TYPES = frozenset(ox.NamedNode(OWL + name) for name in ("TransitiveProperty", "SymmetricProperty", "AllDisjointClasses"))


class _Axioms:
    """An index of the axioms among the triples by subject and predicate, with RDF lists read as Python lists.

    Only triples whose predicate the rules read are kept (and types that mark transitive or
    symmetric properties and groups of disjoint classes): the facts about individuals, most
    of the triples, are passed over.
    """

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.index: dict[tuple[_Term, str], list[_Term]] = {}
        for t in triples:
            predicate = t.predicate
            if predicate in _AXIOM_PREDICATES or (predicate == _TYPE and t.object in _AXIOM_TYPES):
                self.index.setdefault((t.subject, predicate.value), []).append(t.object)

    def objects(self, subject: _Term, predicate: str) -> list[_Term]:
        return self.index.get((subject, predicate), [])

    def pairs(self, predicate: str) -> list[tuple[_Term, _Term]]:
        return [(s, o) for (s, p), objects in self.index.items() if p == predicate for o in objects]

    def subjects(self, predicate: str, obj: _Term) -> list[_Term]:
        return [s for s, o in self.pairs(predicate) if o == obj]

    def items(self, head: _Term) -> list[_Term]:
        out: list[_Term] = []
        while head != _NIL and len(out) < 10_000:
            out += self.objects(head, RDF + "first")[:1]
            rest = self.objects(head, RDF + "rest")
            if not rest:
                break
            head = rest[0]
        return out


class _Builder:
    """The text of one rule: variables for the ontology's terms (``?t0``…) and for nodes (``?v0``…)."""

    def __init__(self) -> None:
        self.bindings: dict[ox.Variable, _Term] = {}
        self.nodes = 0

    def term(self, term: _Term) -> str:
        variable = ox.Variable(f"t{len(self.bindings)}")
        self.bindings[variable] = term
        return str(variable)

    def node(self) -> str:
        self.nodes += 1
        return f"?v{self.nodes}"

    def edge(self, axioms: _Axioms, prop: _Term, subject: str, obj: str) -> str | None:
        """``subject prop obj``, for a named property or ``[owl:inverseOf p]``."""
        if isinstance(prop, ox.NamedNode):
            return f"{subject} {self.term(prop)} {obj} ."
        inverse = axioms.objects(prop, OWL + "inverseOf")
        if len(inverse) == 1 and isinstance(inverse[0], ox.NamedNode):
            return f"{obj} {self.term(inverse[0])} {subject} ."
        return None

    def member(self, axioms: _Axioms, expr: _Term, var: str) -> str | None:
        """A pattern that holds where ``var`` is a member of ``expr``, or None if the rules cannot say."""
        if isinstance(expr, ox.NamedNode):
            return None if expr == _THING else f"{var} a {self.term(expr)} ."
        if conjuncts := axioms.objects(expr, OWL + "intersectionOf"):
            parts = [self.member(axioms, c, var) for c in axioms.items(conjuncts[0])]
            return None if not parts or None in parts else " ".join(p for p in parts if p)
        if members := axioms.objects(expr, OWL + "unionOf"):
            alternatives = [self.member(axioms, m, var) for m in axioms.items(members[0])]
            return None if not alternatives or None in alternatives else " UNION ".join(f"{{ {a} }}" for a in alternatives)
        prop = axioms.objects(expr, OWL + "onProperty")
        if len(prop) != 1:
            return None
        if value := axioms.objects(expr, OWL + "hasValue"):
            return self.edge(axioms, prop[0], var, self.term(value[0]))
        if filler := axioms.objects(expr, OWL + "someValuesFrom"):
            node = self.node()
            edge = self.edge(axioms, prop[0], var, node)
            inner = "" if filler[0] == _THING else self.member(axioms, filler[0], node)
            return None if edge is None or inner is None else f"{edge} {inner}"
        return None

    def consequences(self, axioms: _Axioms, expr: _Term, var: str) -> list[str]:
        """The triples that follow from ``var`` being a member of ``expr`` (none for a choice or an unnamed node)."""
        if isinstance(expr, ox.NamedNode):
            return [] if expr == _THING else [f"{var} a {self.term(expr)} ."]
        if conjuncts := axioms.objects(expr, OWL + "intersectionOf"):
            return [t for c in axioms.items(conjuncts[0]) for t in self.consequences(axioms, c, var)]
        prop, value = axioms.objects(expr, OWL + "onProperty"), axioms.objects(expr, OWL + "hasValue")
        if len(prop) == 1 and value:
            edge = self.edge(axioms, prop[0], var, self.term(value[0]))
            return [edge] if edge else []
        return []


def _class_rule(axioms: _Axioms, sub: _Term, sup: _Term) -> Rule | None:
    """``sub ⊑ sup`` as a rule, unless both are named (the class table applies those)."""
    if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
        return None
    builder = _Builder()
    body = builder.member(axioms, sub, "?x")
    head = builder.consequences(axioms, sup, "?x")
    if body is None or not head:
        return None
    return _rule(head, body, builder, f"{sub} ⊑ {sup}")


def _property_rules(axioms: _Axioms) -> list[Rule]:
    """Rules for domains and ranges, transitive properties and property chains."""
    rules = []
    for key, var in ((RDFS + "domain", "?x"), (RDFS + "range", "?y")):
        for prop, klass in axioms.pairs(key):
            if isinstance(prop, ox.NamedNode) and isinstance(klass, ox.NamedNode):
                continue  # in the domain and range table
            builder = _Builder()
            head = builder.consequences(axioms, klass, var)
            edge = builder.edge(axioms, prop, "?x", "?y")
            if head and edge:
                rules.append(_rule(head, edge, builder, f"{key} {prop}"))
    for prop in axioms.subjects(RDF + "type", ox.NamedNode(OWL + "TransitiveProperty")):
        rules += _chain_rule(axioms, prop, [prop, prop])
    for prop, chain in axioms.pairs(OWL + "propertyChainAxiom"):
        rules += _chain_rule(axioms, prop, axioms.items(chain))
    return rules


def _chain_rule(axioms: _Axioms, prop: _Term, chain: list[_Term]) -> list[Rule]:
    builder = _Builder()
    nodes = ["?x"] + [builder.node() for _ in chain[1:]] + ["?y"]
    edges = [builder.edge(axioms, p, nodes[i], nodes[i + 1]) for i, p in enumerate(chain)]
    head = builder.edge(axioms, prop, "?x", "?y")
    if not chain or head is None or None in edges:
        return []
    return [_rule([head], " ".join(e for e in edges if e), builder, f"{prop} chain")]


def _rule(head: list[str], body: str, builder: _Builder, axiom: str) -> Rule:
    """``head`` where ``body`` holds.

    No ``FILTER NOT EXISTS { head }`` here, as the table rules have: pyoxigraph substitutes
    only the variables that the body binds, and the head's terms may be in the head alone.
    """
    return Rule(f"CONSTRUCT {{ {' '.join(head)} }} WHERE {{ {body} }}", builder.bindings, axiom)


def compile_rules(triples: Iterable[ox.Triple]) -> tuple[list[Rule], list[ox.Quad]]:
    """The rules and the hierarchy tables that the ontology's axioms in ``triples`` amount to.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> ex = "https://example.org/"
    >>> sub = ox.Triple(ox.NamedNode(ex + "City"), ox.NamedNode(RDFS + "subClassOf"), ox.NamedNode(ex + "Place"))
    >>> rules, tables = compile_rules([sub])
    >>> rules, [f"{q.subject} {q.predicate} {q.object}" for q in tables][0]
    ([], '<https://example.org/City> <urn:smartcity-kg:rules#superClass> <https://example.org/Place>')
    """
    axioms = _Axioms(triples)
    rules: list[Rule] = []
    for sub, sup in axioms.pairs(RDFS + "subClassOf"):
        rules += filter(None, [_class_rule(axioms, sub, sup)])
    for one, two in axioms.pairs(OWL + "equivalentClass"):
        rules += filter(None, [_class_rule(axioms, one, two), _class_rule(axioms, two, one)])
    rules += _property_rules(axioms)
    tables = [ox.Quad(p, name, c, _TABLES) for key, name in ((RDFS + "domain", _DOMAIN), (RDFS + "range", _RANGE))
              for p, c in axioms.pairs(key) if isinstance(p, ox.NamedNode) and isinstance(c, ox.NamedNode) and c != _THING]
    return rules, tables + _class_table(axioms) + _property_table(axioms) + _disjoint_table(axioms)


def _closure(edges: dict[_T, set[_T]], start: _T) -> set[_T]:
    """Everything reachable from ``start`` in one step or more."""
    seen: set[_T] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _class_table(axioms: _Axioms) -> list[ox.Quad]:
    """Each named class with each of its named superclasses (through equivalences too)."""
    edges: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    named = axioms.pairs(RDFS + "subClassOf")
    for one, two in axioms.pairs(OWL + "equivalentClass"):
        named += [(one, two), (two, one)]
    for sub, sup in named:
        if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
            edges.setdefault(sub, set()).add(sup)
    return [ox.Quad(c, _SUPER_CLASS, d, _TABLES) for c in edges for d in _closure(edges, c) if d not in (c, _THING)]


def _property_table(axioms: _Axioms) -> list[ox.Quad]:
    """``x p y`` implies ``x q y`` (or ``y q x``) through sub-, equivalent, inverse and symmetric properties."""
    edges: dict[tuple[ox.NamedNode, bool], set[tuple[ox.NamedNode, bool]]] = {}
    links = [(p, q, False) for p, q in axioms.pairs(RDFS + "subPropertyOf")]
    links += [(p, q, False) for a, b in axioms.pairs(OWL + "equivalentProperty") for p, q in ((a, b), (b, a))]
    links += [(p, q, True) for a, b in axioms.pairs(OWL + "inverseOf") for p, q in ((a, b), (b, a))]
    links += [(p, p, True) for p in axioms.subjects(RDF + "type", ox.NamedNode(OWL + "SymmetricProperty"))]
    for p, q, flip in links:
        if isinstance(p, ox.NamedNode) and isinstance(q, ox.NamedNode):
            for reversed_ in (False, True):  # (property, read backwards?) → (property, read backwards?)
                edges.setdefault((p, reversed_), set()).add((q, reversed_ != flip))
    quads = []
    for p, _ in [state for state in edges if not state[1]]:
        for q, reversed_ in _closure(edges, (p, False)) - {(p, False)}:
            quads.append(ox.Quad(p, _INVERSE_PROPERTY if reversed_ else _SUPER_PROPERTY, q, _TABLES))
    return quads


def _disjoint_table(axioms: _Axioms) -> list[ox.Quad]:
    pairs = list(axioms.pairs(OWL + "disjointWith"))
    for group in axioms.subjects(RDF + "type", ox.NamedNode(OWL + "AllDisjointClasses")):
        for head in axioms.objects(group, OWL + "members"):
            members = axioms.items(head)
            pairs += [(a, b) for i, a in enumerate(members) for b in members[i + 1:]]
    quads = [ox.Quad(a, _DISJOINT, b, _TABLES) for a, b in pairs
             if isinstance(a, ox.NamedNode) and isinstance(b, ox.NamedNode)]
    return quads + [ox.Quad(_NOTHING, _DISJOINT, _NOTHING, _TABLES)]


def infer(triples: list[ox.Triple], *, timeout: float = 120.0) -> Inference:
    """Apply the rules of the ontology in ``triples`` to them until nothing new follows.

    Returns the new ``rdf:type`` triples (named classes other than ``owl:Thing`` and
    ``owl:NamedIndividual``) and object-property triples between named individuals; the input
    is not changed.

    Raises
    ------
    InconsistentOntologyError
        If an individual is a member of two disjoint classes, or of ``owl:Nothing``.
    ReasoningError
        If the rules do not reach their fixpoint within ``timeout`` seconds of CPU time: the
        calling thread's, which also evaluates pyoxigraph's queries, so that time spent waiting
        for a processor on a loaded machine does not count.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> ex = "https://example.org/"
    >>> def t(s, p, o): return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))
    >>> facts = [t(ex + "locatedIn", RDF + "type", OWL + "ObjectProperty"),
    ...          t(ex + "locatedIn", RDF + "type", OWL + "TransitiveProperty"),
    ...          t(ex + "odense", ex + "locatedIn", ex + "southDenmark"),
    ...          t(ex + "southDenmark", ex + "locatedIn", ex + "DK")]
    >>> [str(t) for t in infer(facts).triples]
    ['<https://example.org/odense> <https://example.org/locatedIn> <https://example.org/DK>']
    """
    started, cpu_started = time.perf_counter(), time.thread_time()
    rules, tables = compile_rules(triples)
    store = _store(triples, tables)
    derived = _saturate(store, _TABLE_RULES + rules, cpu_started + timeout, timeout)
    _check_disjoint(store)
    return Inference(_kept(store, derived, triples), time.perf_counter() - started)


def close_hierarchies(triples: list[ox.Triple], inferred: list[ox.Triple]) -> list[ox.Triple]:
    """``inferred`` with every named superclass of each type and super-property of each value.

    For a reasoner that reports only the most specific types and property values, and the
    class hierarchy it found, among ``inferred`` (HermiT, as owlready2 runs it): after this,
    its answer can be compared with :func:`infer`'s. The result holds types and
    object-property values of named individuals only.
    """
    _, tables = compile_rules(triples + inferred)
    store = _store(triples + inferred, tables)
    derived = _saturate(store, _TABLE_RULES[:3], float("inf"), float("inf"))
    asserted = set(triples)
    return _kept(store, derived + [t for t in inferred if t not in asserted], triples)


def _store(triples: list[ox.Triple], tables: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    store.extend(tables)
    return store


def _kept(store: ox.Store, new: Iterable[ox.Triple | ox.Quad], asserted: list[ox.Triple]) -> list[ox.Triple]:
    """Those of the ``new`` triples that are types or object-property values of named individuals."""
    terms = _schema_terms(store)
    object_properties = {t.subject for t in asserted
                         if t.predicate == _TYPE and t.object == ox.NamedNode(OWL + "ObjectProperty")}
    kept = {ox.Triple(t.subject, t.predicate, t.object) for t in new
            if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode) and t.subject not in terms
            and (t.predicate in object_properties
                 or (t.predicate == _TYPE and t.object not in _SCHEMA_TYPES and t.object not in _UNKEPT_TYPES))}
    return sorted(kept, key=str)


def _saturate(store: ox.Store, rules: list[Rule], deadline: float, timeout: float) -> list[ox.Quad]:
    """Run ``rules`` until a round adds nothing; return what they added.

    A rule with a ``delta`` form reads, after the first round, only the quads added since it
    last ran (semi-naively): those of the previous round and of this one so far, each round's
    kept in a graph of its own (two graphs taking turns). Its one data pattern must then match
    one of them for anything new to follow, so it derives what it would from all the data.

    ``deadline`` is a reading of :func:`time.thread_time` (the CPU time of this thread, in
    which pyoxigraph evaluates the queries); past it, before a rule runs, the rules stop.
    """
    derived: list[ox.Quad] = []
    for round_ in itertools.count():
        before = len(derived)
        current, previous = _ADDED[round_ % 2], _ADDED[(round_ + 1) % 2]
        store.remove_graph(current)  # the quads of two rounds ago
        for rule in rules:
            if time.thread_time() > deadline:
                raise ReasoningError(f"the rules did not reach a fixpoint within {timeout:g} s of CPU time; "
                                     "raise the limit with --reason-timeout")
            if round_ and rule.delta:
                found = store.query(rule.delta, substitutions={**rule.bindings, _PREVIOUS: previous, _CURRENT: current})
            else:
                found = store.query(rule.query, substitutions=rule.bindings)
            quads = dict.fromkeys(ox.Quad(t.subject, t.predicate, t.object) for t in found)  # type: ignore[union-attr]
            new = [q for q in quads if q not in store]
            store.extend(new)
            store.extend(ox.Quad(q.subject, q.predicate, q.object, current) for q in new)
            derived += new
        if len(derived) == before:
            break
    for graph in _ADDED:
        store.remove_graph(graph)
    return derived


def _check_disjoint(store: ox.Store) -> None:
    for row in store.query(_CLASH):  # type: ignore[union-attr]
        x, a, b = row["x"], row["a"], row["b"]
        if a == b:
            raise InconsistentOntologyError(f"the facts make the ontology inconsistent: {x} is a member of {a}")
        raise InconsistentOntologyError(f"the facts make the ontology inconsistent: {x} is a member of both "
                                        f"{a} and {b}, which are disjoint")


def _schema_terms(store: ox.Store) -> set[_Term]:
    """The subjects typed as a class, property, restriction or ontology: terms, not individuals."""
    return {q.subject for kind in _SCHEMA_TYPES
            for q in store.quads_for_pattern(None, _TYPE, kind, ox.DefaultGraph())}
