"""SHACL validation of the ontology and the data, with results traced to file and line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..exceptions import InputError, Problem, ValidationError

__all__ = ["shacl_problems", "validate_shacl"]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _to_rdflib(triples: list[ox.Triple]):  # type: ignore[no-untyped-def]
    """An rdflib graph of ``triples``, its terms made directly (about twice as fast as parsing N-Triples),
    each IRI made once; the terms are those rdflib's N-Triples parser makes of the same triples."""
    import rdflib

    iris: dict[str, rdflib.URIRef] = {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
        kind = type(node)
        if kind is ox.NamedNode:
            found = iris.get(node.value)
            if found is None:
                found = iris[node.value] = rdflib.URIRef(node.value)
            return found
        if kind is ox.BlankNode:
            return rdflib.BNode(node.value)
        if kind is not ox.Literal:
            raise ValueError(f"SHACL validation takes no RDF 1.2 triple terms: {node}")
        if node.language:  # type: ignore[union-attr]
            return rdflib.Literal(node.value, lang=node.language)  # type: ignore[union-attr]
        datatype = node.datatype.value  # type: ignore[union-attr]
        return rdflib.Literal(node.value) if datatype == _XSD_STRING else rdflib.Literal(node.value, datatype=rdflib.URIRef(datatype))

    graph = rdflib.Graph()
    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)  # type: ignore[arg-type]
    return graph


def shacl_problems(data: list[ox.Triple], shapes: list[ox.Triple],
                   origins: dict[str, Problem], fallback: Path,
                   statements: dict[tuple[str, str], Problem] | None = None, *,
                   shapes_file: Path | None = None, focus: set[str] | None = None) -> list[Problem]:
    """Validate ``data`` against ``shapes`` and return one problem per violation.

    Each problem names the file and line of the item that stated the offending value
    (``statements``, keyed by subject and property), else where the offending node was
    declared (``origins``, keyed by IRI), else ``fallback``. With ``focus`` (IRIs), only the
    violations of those focus nodes count (see :mod:`smartcity_kg.builder.scope`).

    Raises
    ------
    InputError
        If pySHACL refuses the shapes (``shapes_file``, else ``fallback``): a malformed
        property path, a SPARQL constraint that is not a SELECT, and the like.
    """
    from rdflib import URIRef
    from rdflib.namespace import SH

    data_graph, shapes_graph = _to_rdflib(data), _to_rdflib(shapes)
    conforms, results = _run_pyshacl(data_graph, shapes_graph, shapes_file or fallback)
    if conforms:
        return []
    problems = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        node = results.value(result, SH.focusNode)
        if focus is not None and (not isinstance(node, URIRef) or str(node) not in focus):
            continue
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        origin = (statements or {}).get((str(node), str(path))) if isinstance(node, URIRef) else None
        origin = origin or (origins.get(str(node)) if isinstance(node, URIRef) else None)
        where = origin.path if origin else fallback
        line = origin.line if origin else None
        text = f"<{node}>"
        if path is not None:
            text += f" {_short(str(path))}"
        if value is not None:
            text += f" = {value!s}"
        text += f": {message or 'violates a shape'}"
        problems.append(Problem(where, line, text))
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.message))


def _run_pyshacl(data_graph, shapes_graph, shapes_file: Path):  # type: ignore[no-untyped-def]
    """pySHACL's verdict and results graph; its refusals of the shapes become one-line errors.

    ``data_graph`` is validated in place: pass a graph made for the purpose.
    """
    import pyshacl
    from pyparsing import ParseBaseException

    try:
        # ``inplace``: the data graph is this module's own copy, so pySHACL need not copy it again
        # (at 100k triples that copy took half of the validation).
        conforms, results, _ = pyshacl.validate(
            data_graph, shacl_graph=shapes_graph, inference="none", advanced=True,
            allow_warnings=True, meta_shacl=False, inplace=True,
        )
    # pySHACL reports malformed shapes as RuntimeError subclasses, pyparsing errors for bad SPARQL,
    # and AttributeError, TypeError or KeyError where it did not expect the shape at all.
    except (RuntimeError, ParseBaseException, AttributeError, TypeError, KeyError, ValueError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError.at(shapes_file, None, f"the SHACL shapes cannot be applied: {reason}") from None
    return conforms, results


def validate_shacl(data: list[ox.Triple], shapes: list[ox.Triple],
                   origins: dict[str, Problem], fallback: Path) -> None:
    """Raise :class:`ValidationError` listing every SHACL violation of ``data``."""
    problems = shacl_problems(data, shapes, origins, fallback)
    if problems:
        raise ValidationError(problems)


def _short(iri: str) -> str:
    from ..namespaces import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"
