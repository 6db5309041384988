"""Positions for large views, computed with igraph, and the aggregate nodes drawn past a threshold.

Browsers' physics is impractical past about a thousand nodes, and networkx's spring layout
takes minutes at a few thousand: igraph's Fruchterman-Reingold (with its grid past a thousand
nodes) places 40,000 nodes in about a second. Past :data:`AGGREGATE_THRESHOLD` nodes a view
starts from one aggregate node per class, each expanding on click into its members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["AGGREGATE_THRESHOLD", "LAYOUT_THRESHOLD", "Group", "aggregate", "positions"]

#: Past this many nodes, positions are computed here and the browser's physics is off.
LAYOUT_THRESHOLD = 500
#: Past this many nodes, a view starts from aggregate nodes, one per class.
AGGREGATE_THRESHOLD = 2000
_SCALE = 1000.0


def positions(nodes: Sequence[str], edges: Sequence[tuple[str, str]], *, seed: int = 1) -> dict[str, tuple[float, float]]:
    """Positions for ``nodes`` (about ``±1000`` wide per thousand nodes), with igraph's
    Fruchterman-Reingold layout; deterministic for a given ``seed``.

    Examples
    --------
    >>> placed = positions(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(placed) == ["a", "b", "c"] and all(len(xy) == 2 for xy in placed.values())
    True
    """
    import random

    import igraph

    index = {node: i for i, node in enumerate(nodes)}
    graph = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in edges if u in index and v in index])
    # igraph's own random start (its grid stays fast: a start given by hand made the same
    # layout 15-70 times slower), drawn from a generator of our own so that the layout is
    # deterministic; igraph's default generator, Python's ``random``, is put back afterwards.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        layout = graph.layout_fruchterman_reingold(niter=300, grid="grid" if len(nodes) > 1000 else "nogrid")
    finally:
        igraph.set_random_number_generator(random)
    coords = layout.coords
    if not coords:
        return {}
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    width = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = _SCALE * max(1.0, (len(nodes) / 1000) ** 0.5) / width
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {node: (round((x - cx) * scale, 1), round((y - cy) * scale, 1)) for node, (x, y) in zip(nodes, coords)}


class Group(dict[str, object]):
    """An aggregate node: ``id``, ``label``, ``kind``, ``members`` (node ids, by degree, highest
    first), ``x`` and ``y`` (where it is drawn)."""


def aggregate(kinds: Mapping[str, str], degree: Mapping[str, int], placed: Mapping[str, tuple[float, float]],
              edges: Sequence[tuple[str, str]]) -> tuple[list[Group], dict[tuple[str, str], int]]:
    """One :class:`Group` per kind in ``kinds`` (node → kind), placed on a circle around the
    centre of ``placed``, and how many ``edges`` join two groups (keyed by the pair of group
    ids, sorted; edges within a group are not counted).

    Examples
    --------
    >>> groups, between = aggregate({"a": "city", "b": "city", "c": "company"}, {"a": 1, "b": 3, "c": 2}, {},
    ...                             [("a", "b"), ("a", "c"), ("b", "c")])
    >>> [(g["label"], g["members"]) for g in groups], between
    ([('city (2)', ['b', 'a']), ('company (1)', ['c'])], {('group:city', 'group:company'): 2})
    """
    import math

    members: dict[str, list[str]] = {}
    for node, kind in kinds.items():
        members.setdefault(kind, []).append(node)
    groups = []
    # Classes mix across a graph, so their members' centroids nearly coincide: the aggregates
    # stand on a circle around the centre of the layout instead, in the order of their names.
    xy = list(placed.values())
    cx = sum(p[0] for p in xy) / len(xy) if xy else 0.0
    cy = sum(p[1] for p in xy) / len(xy) if xy else 0.0
    radius = max(300.0, 60.0 * len(members))
    for number, (kind, nodes) in enumerate(sorted(members.items())):
        nodes.sort(key=lambda n: (-degree.get(n, 0), n))
        angle = 2 * math.pi * number / max(len(members), 1)
        groups.append(Group(id=f"group:{kind}", label=f"{kind} ({len(nodes):,})", kind=kind, members=nodes,
                            x=round(cx + radius * math.cos(angle), 1), y=round(cy + radius * math.sin(angle), 1)))
    between: dict[tuple[str, str], int] = {}
    for u, v in edges:
        a, b = f"group:{kinds[u]}", f"group:{kinds[v]}"
        if a != b:
            key = (a, b) if a < b else (b, a)
            between[key] = between.get(key, 0) + 1
    return groups, between
