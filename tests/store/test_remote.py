"""Binding parameters for a remote endpoint: the answers pyoxigraph's substitutions give, from text alone."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from smartcity_kg import load_catalogue, shipped
from smartcity_kg.store.remote import bind_values

EX = "http://example.org/"


@pytest.fixture(scope="module")
def small() -> ox.Store:
    store = ox.Store()
    for s, o in (("a", "1"), ("b", "2"), ("c", "3")):
        store.add(ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "v"), ox.Literal(o)))
    return store


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
    limit = ox.Literal("2")
    substituted = [tuple(row) for row in small.query(text, substitutions={ox.Variable("limit"): limit})]
    bound = [tuple(row) for row in small.query(bind_values(text, {"limit": str(limit)}))]
    assert bound == substituted
    assert len(bound) == 1 or "OPTIONAL" in text
    trailing = [tuple(row) for row in small.query(f"{text} VALUES (?limit) {{ ({limit}) }}")]
    assert trailing != substituted or "BIND" in text  # what binding after the group would have answered


def test_a_construct_template_is_skipped() -> None:
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert bind_values(text, {"s": "<urn:x>"}) == "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<urn:x>) } ?s ?p ?o }"


def test_a_query_without_a_group_is_refused() -> None:
    with pytest.raises(ValueError, match="no WHERE group"):
        bind_values("DESCRIBE <urn:x>", {"s": "<urn:x>"})


def test_every_named_query_has_a_group_to_bind_in() -> None:
    for query in load_catalogue(shipped("queries")).values():
        if query.params:
            assert "VALUES (?" in bind_values(query.text, {p.name: '"x"' for p in query.params}), query.name
