"""Explained paths from a firm to decision makers: the k best simple paths by total cost."""

from __future__ import annotations

import re
from heapq import heappop, heappush
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field

from ..exceptions import EntityNotFoundError, QueryError
from ..namespaces import SCK, SKOS
from .claims import HolderClaim
from .collector import collector_paused
from .markets import DEFAULT_MARKET, Market, decision_posts, resolve_market
from .projection import Evidence, Network, Tie
from .routes import Arcs, hubs, route_arcs, start_arcs

__all__ = ["PROFILE_PREFIX", "Hop", "Path", "Profile", "add_profile", "find_paths", "resolve_sector"]

#: Limits on what a caller may ask for.
K_RANGE = (1, 100)
HOPS_RANGE = (1, 10)
#: The IRIs of firm profiles begin so.
PROFILE_PREFIX = "urn:smartcity-kg:profile:"
_PROFILE_COST = {"sector": 3.0, "channel": 1.0}
#: The projections whose ties say that an organisation is based in a country.
_HOME_RELATIONS = ("based-in-country",)


@dataclass(frozen=True)
class Hop:
    """One step of a path: from, the relation in words, to, and its evidence."""

    source: str
    source_label: str
    relation: str
    target: str
    target_label: str
    date: str | None
    fact: str | None
    evidence_source: str | None
    evidence_source_label: str | None
    quote: str | None
    cost: float
    #: Whole months from the newest evidence (``date``) to the as-of date, when asked as of one.
    age_months: int | None = None


@dataclass(frozen=True)
class Path:
    """A path to a target, hop by hop, with its total cost."""

    hops: tuple[Hop, ...]
    cost: float
    #: The date the answer holds for, and the holders of the post it ends at as of then
    #: (``None`` where it ends at something other than a post).
    as_of: str | None = None
    holders: tuple[HolderClaim, ...] | None = None

    @property
    def target(self) -> str:
        """The IRI of the node the path ends at."""
        return self.hops[-1].target

    def to_dict(self) -> dict[str, object]:
        """The path as plain data, for JSON."""
        data: dict[str, object] = {"cost": self.cost, "target": self.target, "hops": [asdict(h) for h in self.hops]}
        if self.as_of is not None:
            data.update(as_of=self.as_of, holders=None if self.holders is None else [asdict(h) for h in self.holders])
        return data


@dataclass(frozen=True)
class Profile:
    """A firm that is not in the graph: its name, home country and sectors."""

    name: str
    home: str
    sectors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def iri(self) -> str:
        """The IRI the profile has in the network."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "firm"
        return f"{PROFILE_PREFIX}{slug}"


def resolve_sector(network: Network, name: str, names: Mapping[str, set[str]] | None = None) -> str:
    """The IRI of the sector named ``name`` (its notation, label or IRI, or a synonym in ``names``).

    ``names`` maps each casefolded name (labels and synonyms, ``skos:altLabel``) to the
    entities it names: :attr:`smartcity_kg.store.entities.EntityIndex.names`.

    Raises
    ------
    EntityNotFoundError
        Listing the sectors, if none is named so.
    """
    sectors = {n for n, types in network.types.items() if SKOS + "Concept" in types}
    wanted = name.strip().casefold()
    named = sorted(set((names or {}).get(wanted, ())) & sectors)
    if len(named) == 1:
        return named[0]
    for iri in sectors:
        notation = iri.rsplit("/", 1)[-1]
        if wanted in (iri.casefold(), notation.casefold(), network.labels.get(iri, "").casefold()):
            return iri
    listing = ", ".join(sorted(f"{i.rsplit('/', 1)[-1]} ({network.labels.get(i, i)})" for i in sectors))
    raise EntityNotFoundError(f"no sector {name!r}; the sectors are: {listing}", sorted(sectors))


def add_profile(network: Network, profile: Profile) -> Network:
    """A copy of ``network`` with ``profile`` tied to its sectors and its trade-promotion channel.

    The channel is each trade-promotion agency based in the profile's home country (``home``
    is that country's IRI). The agency leads into a market only through its own documented
    ties there (an office, a partnership, a post in the market): its tie to a country it serves
    is no stepping stone, as no country is one (:mod:`~smartcity_kg.network.routes`), so where
    the graph knows no such tie the channel is a first contact, not a path to a decision maker.
    ``network`` itself is not changed.

    Raises
    ------
    EntityNotFoundError
        If a sector is unknown (the sectors are listed).
    """
    graph = network.graph.copy()
    labels = dict(network.labels)
    node = profile.iri
    labels[node] = profile.name
    graph.add_node(node, label=profile.name, types=frozenset({SCK + "Company"}))
    country_label = labels.get(profile.home, profile.home)
    for name in profile.sectors:
        sector = resolve_sector(network, name)
        tie = Tie("profile-sector", node, sector, _PROFILE_COST["sector"],
                  "{a} works in the sector {b} (firm profile)")
        graph.add_edge(node, sector, ties=(tie,), weight=tie.cost)
    agencies = network.members(SCK + "TradePromotionAgency")
    for agency in sorted(agencies):
        based = [t for t in _ties(network, agency, profile.home) if t.relation in _HOME_RELATIONS]
        if not based:
            continue
        says = f"{{a}}, a firm based in {country_label}, can turn to {{b}}, its country's trade-promotion agency"
        tie = Tie("profile-channel", node, agency, _PROFILE_COST["channel"], says, evidence=based[0].evidence)
        graph.add_edge(node, agency, ties=(tie,), weight=tie.cost)
    return Network(graph, labels, {**network.types, node: frozenset({SCK + "Company"})}, dict(network.identifiers),
                   {**network.markets, node: frozenset({profile.home})}, network.time, editions=network.editions,
                   classes=network.classes | {SCK + "Company"})


def _ties(network: Network, u: str, v: str) -> list[Tie]:
    return network.ties(u, v) if network.graph.has_edge(u, v) else []


def find_paths(network: Network, source: str, targets: Iterable[str] | None = None, *,
               market: Market | None = None, k: int = 5, max_hops: int = 6) -> list[Path]:
    """The ``k`` cheapest simple paths from ``source`` to any of ``targets``, at most ``max_hops`` long.

    Targets default to the decision makers of ``market`` (default: DK,
    :data:`~smartcity_kg.network.markets.DEFAULT_MARKET`), posts only. Paths run over
    :func:`~smartcity_kg.network.routes.route_graph`: a sector or a country is entered only from
    ``source`` and left only towards a node of the asked markets, and nodes known only in
    other markets (neither the asked market nor the source's own) are no stepping stones. The
    asked market is ``market`` or, with ``targets`` and no ``market``, the targets' markets.

    Paths come cheapest first: the cheapest path for each pair of an introducer and a target
    (one Dijkstra search per introducer, over the nodes that can lie on a path of at most
    ``max_hops``); paths of equal cost come by length, then by their nodes' IRIs. A candidate is dropped if a cheaper path kept before it
    ends at the same target and either goes through the same introducer (the node after
    ``source``) or has a node set strictly inside the candidate's (it is that path plus a
    detour). So any two paths returned differ in their target or in their introducer.

    Raises
    ------
    QueryError
        If ``k`` or ``max_hops`` is out of range.
    EntityNotFoundError
        If ``source`` is not a node of the network.
    """
    if not K_RANGE[0] <= k <= K_RANGE[1]:
        raise QueryError(f"k must be between {K_RANGE[0]} and {K_RANGE[1]}, not {k}")
    if not HOPS_RANGE[0] <= max_hops <= HOPS_RANGE[1]:
        raise QueryError(f"max-hops must be between {HOPS_RANGE[0]} and {HOPS_RANGE[1]}, not {max_hops}")
    if source not in network.graph:
        raise EntityNotFoundError(f"{network.labels.get(source, source)!r} has no documented ties in the network")
    if targets is None:  # a path ends at the post, which names its holders; never at a person
        market = market or resolve_market(DEFAULT_MARKET)
        targets = decision_posts(network, market)
    wanted = {t for t in targets if t in network.graph and t != source}
    if not wanted:
        return []
    markets = {market.iri} if market else {m for t in wanted for m in network.markets.get(t, ())}
    with collector_paused():  # many small lists, none in a cycle
        hub = hubs(network)
        arcs = route_arcs(network, markets, wanted, network.markets.get(source, frozenset()), hub=hub)
        start_arcs(arcs, network, source, hub)
        return _chosen(network, _candidates(arcs, source, wanted, max_hops), k)


def _chosen(network: Network, candidates: Iterable[list[str]], k: int) -> list[Path]:
    """The first ``k`` candidates, explained, each unless it repeats one kept before it (:func:`_repeats`)."""
    found: list[Path] = []
    kept: list[list[str]] = []
    for nodes in candidates:
        if not any(_repeats(nodes, other) for other in kept):
            kept.append(nodes)
            found.append(_explain(network, nodes))
            if len(found) == k:
                break
    return found


def _candidates(arcs: Arcs, source: str, wanted: set[str], max_hops: int) -> Iterator[list[str]]:
    """For each introducer and target, the cheapest simple path through them, cheapest first.

    One Dijkstra search per introducer (a node after ``source``), over the nodes that can lie
    on a path of at most ``max_hops`` and without ``source``: the cost grows with the number of
    introducers, not with the number of simple paths (Yen's algorithm had to enumerate
    thousands of them to find a few distinct introducers). Paths longer than ``max_hops`` are
    left out; ties in cost go by length, then by the nodes' IRIs.
    """
    forward = {node: [other for other, _ in after] for node, after in arcs.items()}
    from_source = _hops_from(forward, [source], max_hops)
    reverse: dict[str, list[str]] = {node: [] for node in from_source}
    for node in from_source:  # the nodes after one on a short enough path are near the source too
        for other in forward.get(node, ()):
            if other in reverse:
                reverse[other].append(node)
    to_target = _hops_from(reverse, sorted(wanted & reverse.keys()), max_hops)
    keep = {n for n, d in from_source.items() if n in to_target and d + to_target[n] <= max_hops}
    if source not in keep:
        return
    keep.discard(source)
    onward = {node: [(other, cost) for other, cost in arcs.get(node, ()) if other in keep] for node in keep}
    aimed = wanted & keep
    found: list[tuple[float, int, tuple[str, ...]]] = []
    first = dict(arcs[source])
    for introducer in sorted(first.keys() & keep):
        costs, before = dijkstra(onward, introducer, aimed)
        for target in aimed & costs.keys():
            nodes = (source, *_walk_back(before, target))
            if len(nodes) - 1 <= max_hops:
                found.append((first[introducer] + costs[target], len(nodes), nodes))
    for _, _, nodes in sorted(found):
        yield list(nodes)


def _hops_from(following: dict[str, list[str]], starts: list[str], cutoff: int) -> dict[str, int]:
    """The fewest steps (node → ``following[node]``) from any of ``starts`` to each node within ``cutoff`` of them."""
    hops = dict.fromkeys(starts, 0)
    level, depth = list(hops), 0
    while level and depth < cutoff:
        depth += 1
        reached = []
        for node in level:
            for other in following.get(node, ()):
                if other not in hops:
                    hops[other] = depth
                    reached.append(other)
        level = reached
    return hops


def dijkstra(arcs: Arcs, start: str, targets: set[str]) -> tuple[dict[str, float], dict[str, str]]:
    """The cost of the cheapest path from ``start`` to each node it reaches, and each node's predecessor on it.

    The search makes the same steps as networkx's ``single_source_dijkstra`` on a graph whose
    successors come in the order of ``arcs`` (:func:`~smartcity_kg.network.routes.route_arcs`), so it
    finds the same path where several cost the same. It stops once every one of ``targets`` is
    settled; the nodes settled by then have their final cost and path.

    Examples
    --------
    >>> arcs = {"a": [("b", 1.0), ("c", 3.0)], "b": [("c", 1.0)], "c": []}
    >>> dijkstra(arcs, "a", {"c"})
    ({'a': 0, 'b': 1.0, 'c': 2.0}, {'b': 'a', 'c': 'b'})
    """
    settled: dict[str, float] = {}
    seen: dict[str, float] = {start: 0}
    before: dict[str, str] = {}
    fringe: list[tuple[float, int, str]] = [(0, 0, start)]
    pushed, left = 0, len(targets)
    while fringe:
        cost, _, node = heappop(fringe)
        if node in settled:
            continue
        settled[node] = cost
        if node in targets:
            left -= 1
            if not left:
                break
        for other, step in arcs[node]:
            total = cost + step
            if other in settled:
                continue
            if other not in seen or total < seen[other]:
                seen[other] = total
                pushed += 1
                heappush(fringe, (total, pushed, other))
                before[other] = node
    return settled, before


def _walk_back(before: dict[str, str], node: str) -> list[str]:
    """The path that ``before`` (each node's predecessor) leads to ``node`` by."""
    path = [node]
    while node in before:
        node = before[node]
        path.append(node)
    path.reverse()
    return path


def _repeats(nodes: list[str], cheaper: list[str]) -> bool:
    """Whether ``nodes`` repeats the ``cheaper`` path: the same target, and the same introducer or
    ``cheaper``'s nodes plus a detour."""
    return nodes[-1] == cheaper[-1] and (nodes[1] == cheaper[1] or set(cheaper) < set(nodes))


def _explain(network: Network, nodes: list[str]) -> Path:
    hops = []
    for u, v in zip(nodes, nodes[1:]):
        tie = network.ties(u, v)[0]
        evidence = _best_evidence(tie, network.labels)
        hops.append(Hop(
            source=u, source_label=network.labels.get(u, u), relation=tie.phrase(network.labels),
            target=v, target_label=network.labels.get(v, v), date=tie.date, fact=tie.fact,
            evidence_source=evidence.source if evidence else None,
            evidence_source_label=evidence.source_label if evidence else None,
            quote=evidence.quote if evidence else None, cost=tie.cost, age_months=tie.age_months,
        ))
    return Path(tuple(hops), round(sum(h.cost for h in hops), 6))


def _best_evidence(tie: Tie, labels: dict[str, str]) -> Evidence | None:
    """The fullest quote that names the far end of the tie, else its near end, else any quote."""
    if not tie.evidence:
        return None
    quoted = sorted((e for e in tie.evidence if e.quote), key=lambda e: (-len(e.quote or ""), e.source))
    for end in (tie.b, tie.a):
        label = labels.get(end, "")
        words = label.split()
        names = [label.casefold()] + ([words[0].casefold()] if words and len(words[0]) >= 6 else [])
        for name in names:
            for evidence in quoted:
                if name and name in (evidence.quote or "").casefold():
                    return evidence
    return quoted[0] if quoted else tie.evidence[0]
