"""The network projection: the graph's documented ties as a weighted networkx graph.

Which relations become ties, what each costs and how each reads in words live in one
place: the projection queries ``queries/projections/*.rq``, each with ``cost`` and
``says`` in its ``#+`` header. Reified facts (a partnership, a post holding, an award, an
investment) collapse into ties that keep the fact's IRI, date, source and quote.

A projection query selects ``?a ?b ?fact ?date ?evidence``, in that order: the evidence's
sources and quotes are read once for the whole graph (``queries/network/evidence-sources.rq``)
and joined here, a row whose evidence has no source being left out as a join in the query
would leave it out. A query may instead select ``?a ?b ?fact ?date ?source ?quote`` and join
them itself.

Older evidence costs more. Asked as of a date (:mod:`smartcity_kg.network.tenure`), each tie
costs ``cost × (1 + age / AGEING_YEARS)``, where ``age`` is the time in years from its newest
evidence dated by then (a year or month counts from its first day; a fact without a date of
its own is dated by the publication dates of its sources) to the as-of date: a tie ten years
old costs twice a fresh one. A tie with no dated evidence (neither its fact nor any source
stating it has a date) is of unknown age and costs as if ``UNKNOWN_AGE_YEARS`` old, so that
undated evidence never outranks recent evidence merely for lacking a date; a tie whose fact's
every date lies after the as-of date is left out.

The projection keeps every tie, also those through sectors and countries, for views and
exports; paths and brokers run over :mod:`smartcity_kg.network.routes`, where a sector or a
country is entered only from the start and other markets' nodes are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..exceptions import InputError
from ..namespaces import OWL, RDFS, SCK, SKOS
from ..store.queries import load_query
from ..store.rdfio import select, value_of
from ..resources import shipped
from .claims import TimeFacts, load_time_facts
from .collector import collector_paused
from .editions import Editions, load_editions
from .rows import Cited, Facts, batches, classes_of, evidence_of, evidence_sources, facts, instances, network_query, node_types, restricted

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["AGEING_YEARS", "UNKNOWN_AGE_YEARS", "Evidence", "Network", "Projection", "Tie", "load_projections", "project"]

#: The age, in years, at which a tie's evidence doubles its cost (see the module's header).
AGEING_YEARS = 10.0
#: The age, in years, that a tie with no dated evidence counts as (see the module's header).
UNKNOWN_AGE_YEARS = 5.0

#: Terms of the ontology itself, never nodes of the network.
_SCHEMA_TYPES = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                 OWL + "Ontology", RDFS + "Datatype", SKOS + "ConceptScheme", OWL + "Restriction"}
#: Reified facts: they collapse into ties and are never nodes themselves.
_FACT_TYPES = {SCK + name for name in ("Partnership", "PostHolding", "AwardEvent", "Achievement", "Investment",
                                       "SectorInvestment", "Estimate", "MarketInsight", "Target", "RankingEntry",
                                       "Merger", "Evidence", "QuoteSelector")}
_NOT_NODES = frozenset(_SCHEMA_TYPES | _FACT_TYPES)


@dataclass(frozen=True)
class Projection:
    """A relation that becomes ties: its query, its cost and how it reads."""

    name: str
    path: Path
    query: str
    cost: float
    says: str


@dataclass(frozen=True)
class Evidence:
    """A source and the quote in it (``None`` where the source is cited without one)."""

    source: str
    source_label: str
    quote: str | None


@dataclass(frozen=True)
class Tie:
    """One documented tie between two entities ``a`` and ``b``."""

    relation: str
    a: str
    b: str
    cost: float
    says: str
    fact: str | None = None
    date: str | None = None
    evidence: tuple[Evidence, ...] = ()
    #: Every date the tie's fact carries, oldest first (``date`` is the most precise of them).
    dates: tuple[str, ...] = ()
    #: Whole months from the newest evidence to the as-of date, once the tie is aged.
    age_months: int | None = None

    def phrase(self, labels: dict[str, str]) -> str:
        """The tie in words, with the labels of its ends and its fact."""
        return self.says.format(a=labels.get(self.a, self.a), b=labels.get(self.b, self.b),
                                fact=labels.get(self.fact, self.fact) if self.fact else "")


@dataclass
class Network:
    """The projected network: a weighted undirected graph and the ties behind each edge.

    Each edge of ``graph`` has ``weight`` (the cost of its cheapest tie) and ``ties`` (all
    ties between its ends, cheapest first). Nodes carry ``label`` and ``types``.
    """

    graph: nx.Graph
    labels: dict[str, str]
    types: dict[str, frozenset[str]] = field(default_factory=dict)
    identifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "Wikidata Q35", ...
    markets: dict[str, frozenset[str]] = field(default_factory=dict)  # node → the countries it is based or decides in
    #: The tenures of post holdings and the ends of facts, for answers as of a date.
    time: TimeFacts = field(default_factory=TimeFacts)
    #: The sources that are editions, and when each is in force (:mod:`smartcity_kg.network.editions`).
    editions: Editions = field(default_factory=Editions)
    #: Every class with an instance in the graph, a node or not (``types`` holds the nodes' types only).
    classes: frozenset[str] = frozenset()

    def ties(self, u: str, v: str) -> list[Tie]:
        """The ties between ``u`` and ``v``, cheapest first."""
        return list(self.graph.edges[u, v]["ties"])

    def members(self, class_iri: str) -> set[str]:
        """The nodes that are instances of ``class_iri`` (asserted or inferred)."""
        return {node for node, types in self.types.items() if class_iri in types and node in self.graph}


def load_projections(directory: Path | None = None) -> list[Projection]:
    """Read the projection queries of ``directory`` (default: the shipped ones).

    Raises
    ------
    InputError
        If there are none, or a header lacks a positive ``cost`` or a ``says`` naming
        ``{a}`` and ``{b}``.
    """
    directory = directory or shipped("queries") / "projections"
    files = sorted(directory.glob("*.rq"))
    if not files:
        raise InputError.at(directory, None, "no projection queries (*.rq) here")
    out = []
    for path in files:
        query = load_query(path, extra_keys=("cost", "says"))
        try:
            cost = float(query.extras.get("cost", ""))
        except ValueError:
            cost = -1.0
        if not cost > 0:
            raise InputError.at(path, 1, "the header needs 'cost:' with a positive number")
        says = query.extras.get("says", "")
        try:
            says.format(a="a", b="b", fact="fact")
        except (KeyError, IndexError, ValueError):
            says = ""
        if "{a}" not in says or "{b}" not in says:
            raise InputError.at(path, 1, "the header needs 'says:' with {a} and {b}, and optionally {fact}; no other placeholder")
        out.append(Projection(query.name, path, query.text, cost, says))
    return out


def project(store: ox.Store, projections: list[Projection] | None = None,
            labels: dict[str, str] | None = None, *, around: set[str] | None = None, hops: int = 6) -> Network:
    """Project the graph in ``store`` into a :class:`Network`.

    With ``around``, only the neighbourhood within ``hops`` ties of those nodes is pulled: each
    projection query is asked for the ties of the frontier, hop by hop. That is how path finding
    works over a remote endpoint, where the whole graph may be far larger than a path needs.

    Literals, classes, properties, the ontology itself and reified facts (a partnership, a
    post holding, an award event, …) never become nodes.
    """
    from ..store.entities import labels_of

    projections = projections if projections is not None else load_projections()
    with collector_paused():
        return _project(store, projections, dict(labels) if labels is not None else labels_of(store), around, hops)


def _project(store: ox.Store, projections: list[Projection], labels: dict[str, str], around: set[str] | None,
             hops: int) -> Network:
    """:func:`project`'s work, with the projections and labels given."""
    import networkx as nx

    if around is None:
        cited_by = evidence_sources(select(store, network_query("evidence-sources")))
        groups: Iterable[tuple[Projection, Any]] = ((p, select(store, p.query)) for p in projections)
        seen: set[str] = set()
    else:
        groups, seen = _neighbourhood(store, projections, around, hops)
        query = network_query("evidence-sources")
        cited_by = evidence_sources(row for batch in batches(evidence_of(groups))
                                    for row in select(store, restricted(query, "evidence", batch)))
    found, by_name = facts(groups, cited_by)  # the queries run as their rows are read
    # Only the ends' types are read (and the sectors', which a firm's profile names): a graph has many more
    # typed IRIs (facts, evidence, quotes) than nodes.
    ends = seen if around is not None else {iri for key in found for iri in key[1:3]}
    types = node_types(store, sorted(ends.union(instances(store, SKOS + "Concept"))))
    schema = {node for node in ends if not types.get(node, frozenset()).isdisjoint(_NOT_NODES)}
    nodes, pairs = _ties_of(_outside(found, schema), by_name, labels, cited_by)
    graph = nx.Graph()
    none: frozenset[str] = frozenset()
    graph.add_nodes_from((node, {"label": labels.get(node, node), "types": types.get(node, none)}) for node in nodes)
    graph.add_edges_from(_edges(pairs))
    identifiers: dict[str, set[str]] = {}
    query = network_query("identifiers")
    identifier_rows = (select(store, query) if around is None else
                       [row for batch in batches(seen) for row in select(store, restricted(query, "node", batch))])
    for row in identifier_rows:
        identifiers.setdefault(value_of(row["node"]), set()).add(f"{value_of(row['register'])} {value_of(row['id'])}")
    return Network(graph, labels, types, {node: tuple(sorted(ids)) for node, ids in identifiers.items()},
                   _markets(store, around, seen), load_time_facts(store), editions=load_editions(store),
                   classes=classes_of(store))


def _neighbourhood(store: ox.Store, projections: list[Projection], around: set[str],
                   hops: int) -> tuple[list[tuple[Projection, Any]], set[str]]:
    """The projections' rows within ``hops`` ties of ``around``, asked hop by hop for the frontier,
    and the nodes they reach."""
    groups: list[tuple[Projection, Any]] = []
    seen, frontier = set(around), set(around)
    for _ in range(hops):
        reached: set[str] = set()
        for projection in projections:
            for variable in ("a", "b"):
                for batch in batches(frontier):
                    rows = list(select(store, restricted(projection.query, variable, batch)))
                    groups.append((projection, rows))
                    reached.update(value_of(row[v]) for row in rows for v in ("a", "b")
                                   if isinstance(row[v], ox.NamedNode))
        frontier = reached - seen
        seen |= reached
        if not frontier:
            break
    return groups, seen


def _edges(pairs: dict[tuple[str, str], list[Tie]]) -> Any:
    """The graph's edges, each with its ties cheapest first and its weight, the cost of the cheapest."""
    for (a, b), ties in pairs.items():
        if len(ties) > 1:
            ties.sort(key=_tie_order)
        yield a, b, {"ties": tuple(ties), "weight": ties[0].cost}


def _tie_order(tie: Tie) -> tuple[float, str, str]:
    return tie.cost, tie.relation, tie.fact or ""


def _outside(found: Facts, schema: set[str]) -> Facts:
    """The facts of ``found`` whose ends are not terms of the schema or reified facts (``schema``)."""
    if not schema:
        return found
    return {key: entry for key, entry in found.items() if key[1] not in schema and key[2] not in schema}


def _ties_of(found: Facts, by_name: dict[str, Projection], labels: dict[str, str],
             cited_by: Cited) -> tuple[dict[str, None], dict[tuple[str, str], list[Tie]]]:
    """The nodes (in the order first met) and the ties of each pair of nodes, from the facts the projections'
    rows make (:func:`smartcity_kg.network.rows.facts`).

    Rows of one fact (projection, ends, fact) merge into one tie with every date and piece of
    evidence; facts come in the order of their keys, so the network is the same for the same
    graph (node and neighbour order included, which settles equal-cost paths).
    """
    cited: dict[tuple[str, str | None], Evidence] = {}  # one Evidence per (source, quote), shared by the ties
    nodes: dict[str, None] = {}
    pairs: dict[tuple[str, str], list[Tie]] = {}
    for key in sorted(found, key=_fact_order):
        name, a_iri, b_iri, fact_iri = key
        dates, evidence = found[key]
        pieces = []
        for source, quote in (sorted(evidence, key=_evidence_order) if len(evidence) > 1 else evidence):
            piece = cited.get((source, quote))
            if piece is None:
                piece = cited[source, quote] = Evidence(source, labels.get(source, source), quote)
            pieces.append(piece)
        date = min(dates, key=_precision) if dates else None  # the most precise
        projection = by_name[name]
        tie = Tie(name, a_iri, b_iri, projection.cost, projection.says, fact_iri, date, tuple(pieces),
                  tuple(sorted(dates)))
        nodes[a_iri] = None
        nodes[b_iri] = None
        pair = (b_iri, a_iri)
        if pair not in pairs:
            pair = (a_iri, b_iri)
        ties = pairs.get(pair)
        if ties is None:
            pairs[pair] = [tie]
        else:
            ties.append(tie)
    return nodes, pairs


def _fact_order(key: tuple[str, str, str, str | None]) -> tuple[str, str, str, str]:
    """Facts in the order of their keys as text (a fact of none reads ``None``)."""
    return key[0], key[1], key[2], "None" if key[3] is None else key[3]


def _evidence_order(evidence: tuple[str, str | None]) -> tuple[str, str]:
    return evidence[0], evidence[1] or ""


def _precision(date: str) -> tuple[int, str]:
    return -len(date), date


def _markets(store: ox.Store, around: set[str] | None, seen: set[str]) -> dict[str, frozenset[str]]:
    """The countries each node is based or decides in (the named query ``markets``)."""
    query = load_query(shipped("queries") / "markets.rq").text
    rows = (select(store, query) if around is None else
            [row for batch in batches(seen) for row in select(store, restricted(query, "entity", batch))])
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(value_of(row["entity"]), set()).add(value_of(row["market"]))
    return {node: frozenset(markets) for node, markets in found.items()}
