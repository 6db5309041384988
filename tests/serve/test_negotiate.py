"""Tests of content negotiation: which offered media type an Accept header gets."""

from __future__ import annotations

import pytest

from smartcity_kg.serve.negotiate import choose

RESULTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
GRAPHS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.mark.parametrize(("accept", "offered", "chosen"), [
    (None, RESULTS, RESULTS[0]),
    ("", RESULTS, RESULTS[0]),
    ("   ", GRAPHS, GRAPHS[0]),
    ("text/csv", RESULTS, "text/csv"),
    ("Text/CSV", RESULTS, "text/csv"),
    ("text/csv; charset=utf-8", RESULTS, "text/csv"),
    ("*/*", RESULTS, RESULTS[0]),
    ("text/*", RESULTS, "text/csv"),
    ("application/*", GRAPHS, "application/n-triples"),
    ("text/csv;q=0.5, application/sparql-results+xml", RESULTS, "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values;q=0.9", RESULTS, "text/tab-separated-values"),
    ("*/*;q=0.1, application/ld+json", GRAPHS, "application/ld+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ["text/html", *GRAPHS], "text/html"),
    ("application/rdf+xml;q=bogus, text/turtle;q=0.2", GRAPHS, "text/turtle"),
])
def test_choose(accept: str | None, offered: list[str], chosen: str) -> None:
    assert choose(accept, offered) == chosen


@pytest.mark.parametrize("accept", ["image/png", "text/html", "text/csv;q=0", "application/*;q=0", "*/*;q=0", ",;"])
def test_nothing_acceptable_is_none(accept: str) -> None:
    assert choose(accept, ["text/csv", "application/json"] if "application" in accept else ["text/csv"]) is None


@pytest.mark.parametrize(("accept", "offered", "chosen"), [
    ("text/*;q=0.5, text/csv;q=0", ["text/csv", "text/tab-separated-values"], "text/tab-separated-values"),
    ("*/*, text/turtle;q=0.1", GRAPHS, "application/n-triples"),
])
def test_specific_type_overrides_a_range(accept: str, offered: list[str], chosen: str) -> None:
    assert choose(accept, offered) == chosen
