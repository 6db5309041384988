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


_MARKS = {'"': "\"“”„«»", "'": "'‘’"}


def _by_pattern(quote: str, text: str) -> list[str] | None:
    """The fragments as a regular expression per part finds them: any blanks where the part has a
    space, any kind of quotation mark where it has a plain one (the reference for the search)."""
    import re

    from smartcity_kg.builder.sources import normalise_quote

    found, position = [], 0
    for part in (p for p in (normalise_quote(piece) for piece in re.split(r"…|\.\.\.", quote)) if p):
        pattern = "".join(r"\s+" if c == " " else "[" + re.escape(_MARKS[c]) + "]" if c in _MARKS else re.escape(c)
                          for c in part)
        match = re.compile(pattern).search(text, position)
        if match is None:
            return None
        found.append(match.group(0))
        position = match.end()
    return found


def test_fragments_are_where_a_pattern_of_each_part_finds_them() -> None:
    import random

    rng = random.Random(7)
    pieces = ["a", "b", "ab", " ", "  ", "\n", "\t", "\xa0", '"', "“", "”", "'", "’", "«", "»", ".", "…", "..."]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        quote = text[start:start + rng.randint(0, 12)] if rng.random() < 0.7 else \
            "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        assert quote_fragments(quote, text) == _by_pattern(quote, text), (quote, text)
