"""Binding parameters in every group: the answers of pyoxigraph's substitutions, from text alone."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from smartcity_kg import load_catalogue, shipped
from smartcity_kg.store.binding import bind_values

EX = "http://example.org/"
A = f"<{EX}a>"


@pytest.fixture(scope="module")
def small() -> ox.Store:
    store = ox.Store()
    for s, o in (("a", "1"), ("b", "2"), ("c", "3"), ("a", "2")):
        store.add(ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "v"), ox.Literal(o)))
    store.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "w"), ox.Literal("9"), ox.NamedNode(EX + "g")))
    return store


def _rows(result: object) -> list[tuple[str, ...]]:
    if isinstance(result, ox.QueryBoolean):
        return [(str(bool(result)),)]
    if isinstance(result, ox.QuerySolutions):
        return [tuple(str(term) for term in row) for row in result]
    return sorted((str(triple),) for triple in result)  # type: ignore[attr-defined]


V = f"<{EX}v>"
#: Queries where binding only in the outer group answers otherwise than substituting.
SHAPES = {
    # A filter inside an OPTIONAL reads ?x: unbound there when bound only outside.
    "optional filter": f"SELECT ?x ?y ?z WHERE {{ ?y {V} ?o OPTIONAL {{ ?z {V} ?o FILTER(?z = ?x) }} }} ORDER BY ?y ?z",
    # A filter inside a UNION branch reads ?x: unbound in the branch when bound only outside it.
    "union filter": f"SELECT ?x ?y WHERE {{ {{ ?y {V} ?o FILTER(?y = ?x) }} UNION {{ ?y {V} \"3\" }} }} ORDER BY ?y",
    # A sub-select that projects ?x and keeps one row: of ?x's rows, not of all.
    "subquery limit": f"SELECT ?x ?o WHERE {{ {{ SELECT ?x ?o WHERE {{ ?x {V} ?o }} ORDER BY DESC(?o) LIMIT 1 }} }}",
    # A MINUS whose filter reads ?x: unbound there, nothing is removed.
    "minus": f"SELECT ?x ?y ?o WHERE {{ ?y {V} ?o MINUS {{ ?y {V} ?o FILTER(?y = ?x) }} }} ORDER BY ?y ?o",
    # Nested groups, UNION branches (one with a further UNION), GRAPH and EXISTS.
    "union nested": (f"SELECT ?x ?o WHERE {{ {{ ?x {V} ?o }} UNION {{ {{ ?x <{EX}w> ?o }} UNION {{ GRAPH ?g {{ ?x ?p ?o }} }} }}"
                     f" FILTER EXISTS {{ ?x {V} \"1\" }} }} ORDER BY ?o"),
    # A sub-select that does not project ?x: its ?x is another variable, left unbound.
    "subquery without it": f"SELECT ?x ?n WHERE {{ {{ SELECT (COUNT(?x) AS ?n) WHERE {{ ?x {V} ?o }} }} }}",
    "subquery star": f"SELECT ?x ?o WHERE {{ {{ SELECT * WHERE {{ ?x {V} ?o }} ORDER BY ?o LIMIT 1 }} }}",
    # Braces in a comment, strings and an IRI; a VALUES data block and a trailing one; an ASK.
    "braces elsewhere": (f"# {{ not a group\nSELECT ?x ?o (\"}}{{\" AS ?b) WHERE {{ VALUES ?o {{ \"1\" \"{{\" }}"
                         f" ?x <{EX}v> ?o FILTER(?o != '''}}''') }} VALUES ?q {{ 1 }}"),
    "ask": f"ASK {{ {{ ?x {V} \"2\" }} UNION {{ ?x {V} \"5\" }} }}",
    "construct": f"CONSTRUCT {{ ?x <{EX}r> ?o }} WHERE {{ {{ ?x {V} ?o }} UNION {{ ?x <{EX}w> ?o }} }}",
}


@pytest.mark.parametrize("name", SHAPES)
def test_bound_in_every_group_answers_as_substitutions(small: ox.Store, name: str) -> None:
    text = SHAPES[name]
    substituted = _rows(small.query(text, substitutions={ox.Variable("x"): ox.NamedNode(EX + "a")}))
    assert _rows(small.query(bind_values(text, {"x": A}))) == substituted


@pytest.mark.parametrize("name", ["union filter", "subquery limit", "minus"])
def test_bound_only_outside_would_answer_otherwise(small: ox.Store, name: str) -> None:
    """The shapes above do tell the two apart: an outer VALUES gives other rows."""
    text = SHAPES[name]
    substituted = _rows(small.query(text, substitutions={ox.Variable("x"): ox.NamedNode(EX + "a")}))
    outer = text.replace("WHERE {", f"WHERE {{ VALUES (?x) {{ ({A}) }}", 1)
    assert _rows(small.query(outer)) != substituted


def test_each_union_branch_and_nested_group_is_bound() -> None:
    text = "SELECT * WHERE { { ?s ?p ?c } UNION { { ?c ?p ?s } OPTIONAL { ?s ?q ?c } } }"
    assert bind_values(text, {"c": "<urn:c>"}).count("VALUES (?c) { (<urn:c>) }") == 5


def test_a_subselect_is_bound_inside_only_where_it_projects() -> None:
    text = "SELECT ?s WHERE { { SELECT ?s (COUNT(?c) AS ?n) WHERE { ?s ?p ?c } GROUP BY ?s } ?s ?q ?c }"
    bound = bind_values(text, {"c": "<urn:c>", "s": "<urn:s>"})
    assert bound == ("SELECT ?s WHERE { VALUES (?c ?s) { (<urn:c> <urn:s>) } { SELECT ?s (COUNT(?c) AS ?n) WHERE"
                     " { VALUES (?s) { (<urn:s>) } ?s ?p ?c } GROUP BY ?s } ?s ?q ?c }")


def test_templates_data_blocks_strings_and_comments_are_not_groups() -> None:
    text = ('PREFIX e: <urn:e>\nCONSTRUCT { ?s e:p "{" } WHERE { # {\n'
            ' VALUES ?s { <urn:a> } ?s e:p """}{""" }')
    bound = bind_values(text, {"c": "<urn:c>"})
    assert bound.count("VALUES (?c)") == 1
    assert bound.endswith('WHERE { VALUES (?c) { (<urn:c>) } # {\n VALUES ?s { <urn:a> } ?s e:p """}{""" }')


@pytest.mark.parametrize("text", [
    # A filter on the parameter: unbound inside the group (a trailing VALUES), no row would pass; bound first, one does.
    f"SELECT ?s ?limit WHERE {{ ?s <{EX}v> ?v FILTER(?v = ?limit) }} ORDER BY ?s",
    # A value computed from it.
    f"SELECT ?s ?limit ?next WHERE {{ ?s <{EX}v> ?limit BIND(CONCAT(?limit, \"+\") AS ?next) }}",
    # An OPTIONAL that reads it.
    f"SELECT ?s ?limit ?w WHERE {{ ?s <{EX}v> ?v OPTIONAL {{ ?s <{EX}v> ?w FILTER(?w = ?limit) }} }} ORDER BY ?s",
    # A '{' in a comment, a string and an IRI-free prologue before the group.
    f"# a comment {{\nPREFIX ex: <{EX}>\nSELECT ?s ?limit (\"{{\" AS ?brace) {{ ?s ex:v ?v FILTER(?v = ?limit) }}",
])
def test_values_first_in_the_group_answer_as_substitutions(small: ox.Store, text: str) -> None:
    limit = ox.Literal("3")
    substituted = [tuple(row) for row in small.query(text, substitutions={ox.Variable("limit"): limit})]
    bound = [tuple(row) for row in small.query(bind_values(text, {"limit": str(limit)}))]
    assert bound == substituted
    assert len(bound) == 1 or "OPTIONAL" in text
    trailing = [tuple(row) for row in small.query(f"{text} VALUES (?limit) {{ ({limit}) }}")]
    assert trailing != substituted or "BIND" in text  # what binding after the group would have answered


def test_a_query_without_a_group_is_refused() -> None:
    with pytest.raises(ValueError, match="no WHERE group"):
        bind_values("DESCRIBE <urn:x>", {"s": "<urn:x>"})
    with pytest.raises(ValueError, match="short form"):
        bind_values("CONSTRUCT WHERE { ?s ?p ?o }", {"s": "<urn:x>"})


def test_every_named_query_answers_as_substitutions_on_the_shipped_graph() -> None:
    """Every named query's groups are bound; the shipped queries parse with the blocks in."""
    for query in load_catalogue(shipped("queries")).values():
        if query.params:
            text = bind_values(query.text, {p.name: '"x"' for p in query.params})
            assert "VALUES (?" in text, query.name
            ox.Store().query(text)  # parses: no block where the grammar has no group
