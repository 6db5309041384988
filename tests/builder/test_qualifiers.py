"""Tests of smartcity_kg.builder.qualifiers: a number's qualifier, compiled and checked against its quote."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.facts import compile_facts
from smartcity_kg.builder.ontology import Ontology, load_ontology
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.builder.qualifiers import qualifier_index
from smartcity_kg.builder.sources import load_sources
from smartcity_kg.exceptions import InputError, ValidationError
from smartcity_kg.resources import shipped

BASE = "https://example.org/kg/"
SCK = "https://w3id.org/smartcity-kg/ontology#"
ID = "https://w3id.org/smartcity-kg/id/"
# A sheet of the source whose text the test graph does not hold, so its quotes are not looked up.
OTHER = "source: other-source\nitems:\n"


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology(shipped("ontology"))


def _investment(amount: str, quote: str, extra: str = "") -> str:
    return OTHER + textwrap.indent(textwrap.dedent(f"""\
        - id: acme-investment
          type: Investment
          label: Acme's investment in Aarhus
          investor: acme
          amount: "{amount}"
          currency: USD
        """) + extra + f"  quote: \"{quote}\"\n", "  ")


def _compile(graph: Path, sheet_text: str, onto: Ontology) -> list[ox.Triple]:
    sheet = graph / "facts" / "other-source.yaml"
    sheet.write_text(sheet_text, encoding="utf-8")
    compiled = compile_facts(sorted((graph / "facts").glob("*.yaml")), load_sources(graph / "sources" / "sources.yaml"),
                             onto, BASE)
    return [t for triples in compiled.graphs.values() for t in triples]


def test_the_ontology_names_each_qualifier_by_its_words(onto: Ontology) -> None:
    index = qualifier_index(onto.triples)
    assert index["more than"] == index["over"] == ox.NamedNode(SCK + "moreThan")
    assert index["about"] == index["approximately"] == index["cirka"] == ox.NamedNode(SCK + "approximately")
    assert index["at least"] == ox.NamedNode(SCK + "atLeast") and index["up to"] == ox.NamedNode(SCK + "atMost")


@pytest.mark.parametrize("word", ["more than", "More  Than", "over"])
def test_a_qualifier_is_compiled_beside_its_number(graph_dir: Path, onto: Ontology, word: str) -> None:
    triples = _compile(graph_dir, _investment("5000000", "more than USD 5 million", f"  qualifier: {word}\n"), onto)
    subject = ox.NamedNode(BASE + "id/acme-investment")
    assert ox.Triple(subject, ox.NamedNode(SCK + "valueQualifier"), ox.NamedNode(SCK + "moreThan")) in triples
    statements = {t.object.value for t in triples if t.predicate.value == SCK + "statement"}
    assert any("amount more than 5000000" in s for s in statements), statements


# (what is added to the investment item, the line of the problem, what the message says)
BAD_QUALIFIERS = [
    pytest.param("  qualifier: roughly-ish\n", 9, "unknown qualifier 'roughly-ish'; expected one of: .*about.*more than.*",
                 id="unknown-word"),
    pytest.param("  qualifier: mor than\n", 9, "unknown qualifier 'mor than'; .*did you mean 'more than'", id="misspelt"),
    pytest.param("  qualifier: [about, over]\n", 9, "a qualifier is one word or phrase", id="a-list"),
    pytest.param("  memberCount: \"3\"\n  qualifier: about\n", 10,
                 "a qualifier qualifies the one number of its item .*; this item states 2 \\(amount, memberCount\\)$",
                 id="two-numbers"),
]


@pytest.mark.parametrize(("extra", "line", "message"), BAD_QUALIFIERS)
def test_a_bad_qualifier_is_refused_with_its_line(graph_dir: Path, onto: Ontology, extra: str, line: int,
                                                  message: str) -> None:
    sheet = graph_dir / "facts" / "other-source.yaml"
    with pytest.raises(InputError, match="^" + re.escape(f"{sheet}:{line}: ") + message) as info:
        _compile(graph_dir, _investment("5000000", "more than USD 5 million", extra), onto)
    assert len(info.value.problems) == 1


def test_a_qualifier_on_an_item_without_a_number_is_refused(graph_dir: Path, onto: Ontology) -> None:
    text = OTHER + "  - about: acme\n    founded: \"2014\"\n    qualifier: about\n    unquoted: a test\n"
    sheet = graph_dir / "facts" / "other-source.yaml"
    with pytest.raises(InputError, match="^" + re.escape(f"{sheet}:5: ") + ".*; this item states none$"):
        _compile(graph_dir, text, onto)


# (the number, its quote): the quote qualifies the number, which is stored without a qualifier.
QUALIFIED = [
    pytest.param("5000000", "Acme invested more than USD 5 million in Aarhus", id="more-than-currency-million"),
    pytest.param("4400000000", "benefits of over DKK 4.4bn for society", id="over-bn-decimal"),
    pytest.param("20000", "to network up to 20,000 street lights", id="up-to-thousands-separator"),
    pytest.param("170", "the cluster has about 170 members", id="about-a-count"),
    pytest.param("100000000", "invested 34 million Euros in streetlights and more than DKK 100 million (EUR 13 million)",
                 id="the-second-number-of-the-quote"),
    pytest.param("5000000", "Acme investerede mere end 5 mio. kr. i Aarhus", id="danish-words-and-scale"),
]


def _build_with(make_graph: Callable[..., Path], tmp_path: Path, amount: str, quote: str, extra: str = "") -> Path:
    graph = make_graph()
    (graph / "facts" / "other-source.yaml").write_text(_investment(amount, quote, extra), encoding="utf-8")
    out = tmp_path / "out"
    build(out, BuildOptions(graph_dir=graph, reasoner="none"))
    return out


@pytest.mark.parametrize(("amount", "quote"), QUALIFIED)
def test_a_number_its_quote_qualifies_needs_the_qualifier(make_graph: Callable[..., Path], tmp_path: Path,
                                                         amount: str, quote: str) -> None:
    sheet = tmp_path / "graph" / "facts" / "other-source.yaml"
    with pytest.raises(ValidationError, match="^" + re.escape(f"{sheet}:3: qualifier-violation: ") +
                       f".*states {amount} as <{re.escape(SCK)}amount> where its quote says") as info:
        _build_with(make_graph, tmp_path, amount, quote)
    assert len(info.value.problems) == 1


@pytest.mark.parametrize(("amount", "quote"), QUALIFIED)
def test_the_recorded_qualifier_satisfies_the_check(make_graph: Callable[..., Path], tmp_path: Path,
                                                    amount: str, quote: str) -> None:
    assert (_build_with(make_graph, tmp_path, amount, quote, "  qualifier: about\n") / "report.json").is_file()


@pytest.mark.parametrize(("amount", "quote"), [
    pytest.param("34000000", "invested 34 million Euros in streetlights and more than DKK 100 million", id="other-number"),
    pytest.param("5000000", "Acme invested USD 5 million, more than any other firm", id="qualifier-after"),
    pytest.param("2014", "over the years since 2014 Acme invested", id="no-number-after-the-word"),
])
def test_a_number_its_quote_does_not_qualify_needs_none(make_graph: Callable[..., Path], tmp_path: Path,
                                                       amount: str, quote: str) -> None:
    assert (_build_with(make_graph, tmp_path, amount, quote) / "report.json").is_file()


def test_a_qualified_estimate_is_answered_with_its_qualifier(make_graph: Callable[..., Path], tmp_path: Path) -> None:
    from smartcity_kg import EntityIndex, bind_params, load_catalogue, open_store, run_query

    graph = make_graph()
    (graph / "facts" / "other-source.yaml").write_text(OTHER + textwrap.indent(textwrap.dedent("""\
        - id: acme-estimate
          type: MarketEstimate
          label: Acme's estimate of the smart-lighting market
          estimator: acme
          scope: smart lighting in Denmark
          amount: "1200000000"
          qualifier: about
          currency: EUR
          year: "2025"
          quote: "the market will grow to about EUR 1.2 billion by 2025"
        """), "  "), encoding="utf-8")
    build(tmp_path / "out", BuildOptions(graph_dir=graph, reasoner="none"))
    store = open_store(tmp_path / "out")
    index = EntityIndex.from_store(store)
    query = load_catalogue(shipped("queries"))["market-estimates"]
    text = run_query(store, query, bind_params(query, {}, index)).to_csv(index.labels)
    assert "Acme,smart lighting in Denmark,about,1200000000,EUR,2025" in text.splitlines()
