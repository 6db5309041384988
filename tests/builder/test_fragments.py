"""Tests of quote fragments: every selector's oa:exact is verbatim in its source, omissions included."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.facts import compile_facts
from smartcity_kg.builder.fragments import quote_fragments, selector_triples
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.builder.pipeline import BuildOptions
from smartcity_kg.builder.sources import load_sources
from smartcity_kg.namespaces import DEFAULT_BASE, OA, RDF
from smartcity_kg.terms import SCK


@pytest.mark.parametrize(("quote", "text", "expected"), [
    ("aims … 2025", "Copenhagen  aims at\n2025.", ["aims", "2025"]),
    ("the “Smart City” approach", 'is the "Smart City"\n approach.', ['the "Smart City"\n approach']),
    ("a ... b", "a then b", ["a", "b"]),
    ("b … a", "a then b", None),
    ("Copenhagen   aims", None, ["Copenhagen aims"]),
])
def test_fragments_are_copied_from_the_text(quote: str, text: str | None, expected: list[str] | None) -> None:
    assert quote_fragments(quote, text) == expected


def test_a_selector_has_one_fragment_per_part_in_order() -> None:
    selector = ox.NamedNode("https://example.org/evidence/s/x/quote-1")
    triples = selector_triples(selector, "aims … 2025", ["aims", "2025"], "en")
    exact = {t.subject.value.rsplit("/", 1)[1]: t.object.value for t in triples if t.predicate.value == OA + "exact"}
    assert exact == {"fragment-1": "aims", "fragment-2": "2025"}
    assert ox.Triple(selector, ox.NamedNode(SCK.quote), ox.Literal("aims … 2025", language="en")) in triples


@pytest.fixture(scope="module")
def shipped() -> tuple[list[ox.Triple], dict]:
    options = BuildOptions()
    sources = load_sources(options.sources_file)
    compiled = compile_facts(options.fact_sheets, sources, load_ontology(options.ontology_dir), DEFAULT_BASE)
    return [t for triples in compiled.graphs.values() for t in triples], sources


def test_every_exact_of_the_shipped_graph_is_verbatim_in_its_source(shipped: tuple[list[ox.Triple], dict]) -> None:
    triples, sources = shipped
    by = defaultdict(list)
    for t in triples:
        by[t.predicate.value].append(t)
    source_of = {t.subject.value: t.object.value.rsplit("/", 1)[1] for t in by[str(SCK.source)]}
    evidence_of = {t.object.value: t.subject.value for t in by[str(SCK.selector)]}
    selector_of = {t.object.value: t.subject.value for t in by[str(SCK.fragment)]}
    exact = {t.subject.value: t.object.value for t in by[OA + "exact"]}
    quotes = {t.subject.value: t.object.value for t in by[str(SCK.quote)]}
    assert set(quotes) == set(selector_of.values()), "a quote selector without fragments"
    with_omission = [q for q in quotes.values() if "…" in q or "..." in q]
    assert len(with_omission) >= 10  # the check below meets quotes that leave words out
    checked = 0
    for fragment, text in exact.items():
        assert "…" not in text
        source = sources[source_of[evidence_of[selector_of[fragment]]]]
        if source.text is not None:
            assert text in source.text, f"{fragment}: {text[:60]!r} is not verbatim in {source.id}"
            checked += 1
    assert checked > 0  # sources kept with their text are checked; the others have no text to check against
    assert all(t.object == ox.NamedNode(SCK.QuoteFragment) for t in by[RDF + "type"] if t.subject.value in exact)
