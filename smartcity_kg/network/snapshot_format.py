"""A projected network as plain JSON data and back: the body of a network snapshot (see :mod:`.snapshot`).

Every string is written once, in ``strings``, and named elsewhere by its index. The edges are
written in an order that rebuilds the graph exactly: the same nodes in the same order, and
each node's neighbours in the same order (which settles equal-cost paths).
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterator
from typing import Any, TypeVar

from .claims import Claim, TimeFacts
from .editions import Editions, Window
from .projection import Evidence, Network, Tie

__all__ = ["decode", "decode_names", "encode", "insertion_order"]

N = TypeVar("N", bound=Hashable)


class _Strings(dict):  # type: ignore[type-arg]  # str | None -> int | None
    """Each distinct string's index in the table, given on first sight; ``None`` stays ``None``.

    A dict that makes the index of a string it lacks (``__missing__``): a string already met
    costs one lookup in C, not a call of Python code (about 2 million of them at 1M triples).
    """

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, text: str) -> int:
        index = self[text] = len(self) - 1  # None is the first key, and no string
        return index

    @property
    def table(self) -> list[str]:
        """The strings, each at its index."""
        return list(self)[1:]

    def all(self, texts: Any) -> list[int | None]:
        """The indexes of ``texts``."""
        return [self[text] for text in texts]


def insertion_order(adjacency: dict[N, list[N]]) -> Iterator[tuple[N, N]]:
    """The edges of an undirected graph in an order that, added one by one, gives each node its neighbours
    in the order of ``adjacency`` (node → neighbours, each edge listed at both ends).

    An edge can come next when it is next in both its ends' lists; one always can, as the lists
    were made by adding edges one by one.

    Examples
    --------
    >>> list(insertion_order({"a": ["c", "b"], "b": ["a"], "c": ["a"]}))
    [('a', 'c'), ('a', 'b')]
    """
    at = dict.fromkeys(adjacency, 0)
    waiting = list(reversed(list(adjacency)))
    while waiting:
        u = waiting.pop()
        neighbours = adjacency[u]
        if at[u] >= len(neighbours):
            continue
        v = neighbours[at[u]]
        if v == u:
            at[u] += 1
        elif adjacency[v][at[v]] == u:
            at[u] += 1
            at[v] += 1
            waiting.append(v)
        else:
            continue  # v's turn comes first; v is checked again when it moves on
        waiting.append(u)
        yield u, v


def encode(network: Network, names: dict[str, set[str]] | None = None) -> dict[str, Any]:
    """``network`` as JSON data, with the names of the entities index (name → entities), if given."""
    s = _Strings()
    graph = network.graph
    typesets: dict[frozenset[str], int] = {}

    def typeset(kinds: frozenset[str]) -> int:
        return typesets.setdefault(kinds, len(typesets))

    evidence: dict[Evidence, int] = {}
    edges = []
    adjacency = dict(graph.adjacency())  # each node's own dict of neighbours: no view made per node (2-3 s at 1M)
    for u, v in insertion_order({node: list(neighbours) for node, neighbours in adjacency.items()}):
        data = adjacency[u][v]
        ties = [[s[t.relation], s[t.a], s[t.b], t.cost, s[t.says], s[t.fact], s[t.date],
                 [evidence.setdefault(e, len(evidence)) for e in t.evidence], s.all(t.dates), t.age_months]
                for t in data["ties"]]
        edges.append([s[u], s[v], data["weight"], ties])
    body: dict[str, Any] = {
        "nodes": [[s[node], s[data["label"]], typeset(frozenset(data["types"]))] for node, data in graph.nodes(data=True)],
        "edges": edges,
        "evidence": [[s[e.source], s[e.source_label], s[e.quote]] for e in evidence],
        "types": [[s[node], typeset(kinds)] for node, kinds in network.types.items()],
        "classes": s.all(sorted(network.classes)),
        "labels": [[s[entity], s[label]] for entity, label in network.labels.items()],
        "identifiers": [[s[node], s.all(ids)] for node, ids in network.identifiers.items()],
        "markets": [[s[node], s.all(sorted(found))] for node, found in network.markets.items()],
        "time": _encode_time(network.time, s),
        "editions": {"windows": [[s[source], _iso(w.start), _iso(w.end)] for source, w in network.editions.windows.items()],
                     "beyond": [s.all(pair) for pair in sorted(network.editions.beyond)]},
    }
    if names is not None:
        body["names"] = [[s[name], s.all(sorted(found))] for name, found in names.items()]
    body["typesets"] = [s.all(sorted(kinds)) for kinds in typesets]
    body["strings"] = s.table
    return body


def _encode_time(time: TimeFacts, s: _Strings) -> dict[str, Any]:
    def pairs(found: dict[str, Any] | None, many: bool) -> list[Any] | None:
        if found is None:
            return None
        return [[s[key], s.all(value) if many else s[value]] for key, value in found.items()]

    return {"claims": [s.all((c.holding, c.post, c.holder, c.kind, c.date, c.source)) for c in time.claims],
            "ends": pairs(time.ends, True), "sources": pairs(time.sources, False),
            "successors": pairs(time.successors, True), "rivals": pairs(time.rivals, True)}


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def decode(body: dict[str, Any]) -> Network:
    """The network that ``body`` (made by :func:`encode`) holds.

    Raises
    ------
    KeyError, IndexError, TypeError, ValueError
        If ``body`` is not such data.
    """
    import networkx as nx

    strings: list[str] = body["strings"]

    def text(index: int | None) -> str | None:
        return None if index is None else strings[index]

    typesets = [frozenset(strings[i] for i in kinds) for kinds in body["typesets"]]
    evidence = [Evidence(strings[source], strings[label], text(quote)) for source, label, quote in body["evidence"]]
    graph = nx.Graph()
    graph.add_nodes_from((strings[node], {"label": strings[label], "types": typesets[kinds]})
                         for node, label, kinds in body["nodes"])
    graph.add_edges_from((strings[u], strings[v], {"weight": float(weight), "ties": tuple(
        Tie(strings[relation], strings[a], strings[b], float(cost), strings[says], text(fact), text(date),
            tuple(evidence[e] for e in pieces), tuple(strings[d] for d in dates), age)
        for relation, a, b, cost, says, fact, date, pieces, dates, age in ties)})
        for u, v, weight, ties in body["edges"])
    if graph.number_of_nodes() != len(body["nodes"]):
        raise ValueError("an edge names a node that is not among the nodes")
    editions = body["editions"]
    return Network(
        graph, {strings[k]: strings[v] for k, v in body["labels"]}, {strings[k]: typesets[v] for k, v in body["types"]},
        {strings[k]: tuple(strings[i] for i in v) for k, v in body["identifiers"]},
        {strings[k]: frozenset(strings[i] for i in v) for k, v in body["markets"]}, _decode_time(body["time"], strings),
        editions=Editions({strings[source]: Window(_day(start), _day(end)) for source, start, end in editions["windows"]},
                          frozenset((strings[a], strings[b]) for a, b in editions["beyond"])),
        classes=frozenset(strings[i] for i in body["classes"]))


def decode_names(body: dict[str, Any]) -> dict[str, set[str]] | None:
    """The names of the entities index that ``body`` holds (name → entities), or ``None`` if it holds none."""
    strings: list[str] = body["strings"]
    found = body.get("names")
    return None if found is None else {strings[name]: {strings[i] for i in iris} for name, iris in found}


def _decode_time(time: dict[str, Any], strings: list[str]) -> TimeFacts:
    def pairs(found: list[Any] | None, many: bool) -> dict[str, Any] | None:
        if found is None:
            return None
        return {strings[k]: tuple(strings[i] for i in v) if many else strings[v] for k, v in found}

    claims = tuple(Claim(*(strings[i] for i in claim)) for claim in time["claims"])  # TypeError unless 6 of them
    return TimeFacts(claims, pairs(time["ends"], True), pairs(time["sources"], False),
                     pairs(time["successors"], True), pairs(time["rivals"], True))


def _day(text: str | None) -> datetime.date | None:
    return None if text is None else datetime.date.fromisoformat(text)
