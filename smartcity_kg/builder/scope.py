"""The reach of a change: which focus nodes a SHACL validation must revisit when the data changes.

A *local* shapes graph judges a focus node by its own values only: the node's types (its
targets, with the ontology's ``rdfs:subClassOf``), the values of the properties it has
(predicate paths, no deeper), and the types of those values (``sh:class``). Under such shapes
the verdict on a node changes only when (a) a triple whose subject is the node is added or
removed, or (b) a type of a node it refers to is. So where the previous data conformed, the
new data conforms exactly where the nodes of (a) and (b) do, validated with all their values
and the types of what they refer to; every other node keeps its verdict.

Shapes that look further (``sh:sparql``, ``sh:node``, qualified shapes, non-predicate paths,
``sh:targetObjectsOf``, a property shape nested inside another, …) are not local:
:func:`local_shapes` says so and the caller validates everything.

A judgement that looks ``links`` links further (a quality check that reads the quote of a
node's evidence's selector looks two links away) depends on the quads of every node within
``links`` links of the node and the types of the nodes one link beyond: :func:`widen` adds the
nodes that reach a reached node within ``links`` links, and :func:`neighbourhood` gathers what
judges them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..namespaces import RDF, RDFS

__all__ = ["local_shapes", "neighbourhood", "reach", "widen"]

_SH = "http://www.w3.org/ns/shacl#"
#: Constraint and target parameters a local shape may use (see the module docstring).
_LOCAL = {_SH + name for name in (
    "targetClass", "targetSubjectsOf", "property", "path", "minCount", "maxCount", "class", "datatype",
    "nodeKind", "pattern", "flags", "in", "minLength", "maxLength", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "languageIn", "uniqueLang", "hasValue", "or", "and", "not", "xone",
    "message", "severity", "name", "description", "deactivated", "order", "group", "defaultValue",
)}
#: Parameters that lead from a shape to a shape judged on the same node.
_NESTING = {_SH + name for name in ("or", "and", "not", "xone")}
_FIRST, _REST, _TYPE = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "type")


def local_shapes(shapes: Iterable[ox.Triple]) -> bool:
    """Whether every shape of ``shapes`` judges a node by its own values and their types only.

    >>> sh = lambda name: ox.NamedNode(_SH + name)
    >>> shape, prop = ox.NamedNode("http://example.org/S"), ox.BlankNode()
    >>> local_shapes([ox.Triple(shape, sh("property"), prop), ox.Triple(prop, sh("path"), ox.NamedNode("http://example.org/p"))])
    True
    >>> local_shapes([ox.Triple(shape, sh("sparql"), prop)])
    False
    """
    parents: dict[object, list[object]] = {}
    paths: set[object] = set()
    for t in shapes:
        predicate = t.predicate.value
        if predicate.startswith(_SH) and predicate not in _LOCAL:
            return False
        if predicate == _SH + "path":
            if not isinstance(t.object, ox.NamedNode):  # an inverse, sequence or other complex path
                return False
            paths.add(t.subject)
        if predicate in _NESTING or predicate == _SH + "property" or t.predicate in (_FIRST, _REST):
            if isinstance(t.object, (ox.NamedNode, ox.BlankNode)):
                parents.setdefault(t.object, []).append(t.subject)
    return not any(_under_path(node, parents, paths) for node in paths)


def _under_path(node: object, parents: dict[object, list[object]], paths: set[object]) -> bool:
    """Whether a property shape ``node`` lies (through lists, logic and sh:property) under another."""
    seen, todo = {node}, list(parents.get(node, []))
    while todo:
        current = todo.pop()
        if current in paths:
            return True
        if current not in seen:
            seen.add(current)
            todo += parents.get(current, [])
    return False


def reach(old: set[ox.Quad], new: set[ox.Quad], graphs: dict[str, list[ox.Triple]]) -> set[ox.NamedNode] | None:
    """The nodes of ``graphs`` that a local validation must revisit, given the conforming ``old``.

    ``old`` and ``new`` are the quads before and now of the graphs that changed (all of them, or
    only those). The nodes are the subjects of the quads added or removed (a triple that moved to
    another source's graph counts: some checks look at graphs), and the nodes of ``graphs`` that
    refer to a node whose types changed. Returns None where the change is not one this reasoning
    covers: a blank node among the changed quads, or a changed ``rdfs:subClassOf`` (the
    hierarchy is the ontology's).
    """
    current = new
    nodes: set[ox.NamedNode] = set()
    retyped: set[object] = set()
    for t in (old - current) | (current - old):
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            return None
        if t.predicate.value == RDFS + "subClassOf":
            return None
        nodes.add(t.subject)  # type: ignore[arg-type]  # not a blank node, nor a quoted triple here
        if t.predicate == _TYPE:
            retyped.add(t.subject)
    if retyped:
        nodes.update(t.subject for triples in graphs.values() for t in triples if t.object in retyped)  # type: ignore[misc]
    return nodes


def widen(nodes: set[ox.NamedNode], graphs: dict[str, list[ox.Triple]], links: int) -> set[ox.NamedNode]:
    """``nodes`` with every node of ``graphs`` that links to one of them in at most ``links`` links."""
    found, frontier = set(nodes), set(nodes)
    for _ in range(links):
        frontier = {t.subject for triples in graphs.values() for t in triples  # type: ignore[misc]
                    if t.object in frontier and t.subject not in found}
        if not frontier:
            break
        found |= frontier
    return found


def neighbourhood(nodes: set[ox.NamedNode], graphs: dict[str, list[ox.Triple]],
                  links: int = 0) -> dict[str, list[ox.Triple]]:
    """What judges ``nodes`` in ``graphs``: the triples of every node within ``links`` links of them,
    and the types of the nodes those refer to.

    A type counts wherever it is stated: a node of one graph may refer to a node typed in another.
    """
    near: set[object] = set(nodes)
    frontier: set[object] = set(nodes)
    for _ in range(links):
        reached: set[object] = {t.object for triples in graphs.values() for t in triples
                                 if t.subject in frontier and not isinstance(t.object, ox.Literal)}
        frontier = reached - near
        if not frontier:
            break
        near |= frontier
    own = {graph: [t for t in triples if t.subject in near] for graph, triples in graphs.items()}
    referred = {t.object for triples in own.values() for t in triples if not isinstance(t.object, ox.Literal)} - near
    if referred:
        for graph, triples in graphs.items():
            own[graph] += [t for t in triples if t.predicate.value == _TYPE.value and t.subject in referred]
    return own
