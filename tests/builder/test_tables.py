"""Trade tables in a fact sheet: the compact 'table:' form compiled to Data Cube observations, or refused by row."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.facts import compile_facts
from smartcity_kg.builder.ontology import Ontology, load_ontology
from smartcity_kg.builder.sources import load_sources
from smartcity_kg.exceptions import InputError
from smartcity_kg.namespaces import MEASURE, QB, SCK
from smartcity_kg.resources import shipped

BASE = "https://example.org/kg/"
# Invented figures; the item is lines 3 to 17, its table lines 10 to 16: rows appended go to line 17.
SHEET = """\
source: tiny-source
items:
  - id: dk-lighting-trade
    type: TradeTable
    label: Denmark – lighting, trade data
    market: DK
    sector: intelligent-lighting
    unit: USD
    unitMultiplier: "6"
    table:
      years: [2019, 2020, 2021]
      status: [actual, actual, estimated]
      partner: US
      total-market-size: ["1,250", 1310, 1402.5]
      imports-from-partner: [512, "-", 577]
      exchange-rate: [6.67, 6.54, 6.29]
    unquoted: invented figures of a test
"""


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology(shipped("ontology"))


def _compile(graph_dir: Path, onto: Ontology, text: str) -> tuple[Path, dict[str, list[ox.Triple]]]:
    path = graph_dir / "facts" / "tiny-source.yaml"
    path.write_text(text, encoding="utf-8")
    sources = load_sources(graph_dir / "sources" / "sources.yaml")
    return path, compile_facts([path], sources, onto, BASE).graphs


def test_a_table_becomes_one_observation_per_row_and_year(graph_dir: Path, onto: Ontology) -> None:
    _, graphs = _compile(graph_dir, onto, SHEET)
    triples = graphs[BASE + "graph/tiny-source"]
    table = ox.NamedNode(BASE + "id/dk-lighting-trade")
    observations = {t.subject.value for t in triples if t.predicate.value == SCK + "tradeTable"}
    assert len(observations) == 8  # 3 + 2 (one cell is '-') + 3
    cell = ox.NamedNode(BASE + "id/dk-lighting-trade/total-market-size/2019")
    values = {(t.predicate.value, t.object.value) for t in triples if t.subject == cell}
    assert {(SCK + "tradeValue", "1250"), (SCK + "measure", MEASURE + "total-market-size"), (SCK + "year", "2019"),
            (SCK + "observationStatus", "actual"), (SCK + "evidence", BASE + "evidence/tiny-source/dk-lighting-trade"),
            ("http://www.w3.org/2000/01/rdf-schema#label",
             "Denmark – lighting, trade data: total market size, 2019")} <= values
    rate = {(t.predicate.value, t.object.value) for t in triples
            if t.subject == ox.NamedNode(BASE + "id/dk-lighting-trade/exchange-rate/2021")}
    assert (SCK + "exchangeRate", "6.29") in rate and (SCK + "observationStatus", "estimated") in rate
    partner = [t.object.value for t in triples if t.predicate.value == SCK + "partnerCountry"]
    assert partner == ["https://w3id.org/smartcity-kg/country/US"] * 2
    assert ox.Triple(table, ox.NamedNode(QB + "structure"), ox.NamedNode(SCK + "tradeDataStructure")) in triples


BAD = [
    pytest.param('      exports: [220, 230]\n', 17, "table row 'exports' has 2 values; 'years' has 3: write one value "
                 "a year \\('-' for none\\)$", id="short-row"),
    pytest.param('      exports: [220, 230, 241, 250]\n', 17, "table row 'exports' has 4 values; 'years' has 3", id="long-row"),
    pytest.param('      exports: [220, about 230, 241]\n', 17, "table row 'exports': 'about 230' is not a number$", id="text"),
    pytest.param('      export: [220, 230, 241]\n', 17, "unknown table row 'export'; expected years, status, partner, "
                 "exchange-rate-unit or a measure: exchange-rate, exports, imports, imports-from-partner, "
                 "local-production, total-market-size$", id="unknown-row"),
    pytest.param('      exports: 220\n', 17, "table row 'exports' must be a list of values, one a year$", id="scalar"),
]


@pytest.mark.parametrize(("row", "line", "message"), BAD)
def test_a_bad_row_is_refused_with_its_name_and_line(graph_dir: Path, onto: Ontology, row: str, line: int,
                                                      message: str) -> None:
    text = SHEET.replace("    unquoted:", row + "    unquoted:")
    path = graph_dir / "facts" / "tiny-source.yaml"
    with pytest.raises(InputError, match="^" + re.escape(f"{path}:{line}: ") + message):
        _compile(graph_dir, onto, text)


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("status: [actual, actual, estimated]", "status: [actual, guessed, estimated]", 12,
     "status 'guessed': expected actual or estimated$"),
    ("      partner: US\n", "", 14, "row 'imports-from-partner' needs 'partner: <country code>'$"),
    ("years: [2019, 2020, 2021]", "years: [2019, 2020, 21]", 11, "'21' is not a year such as 1995$"),
])
def test_bad_years_statuses_and_partners_are_refused(graph_dir: Path, onto: Ontology, old: str, new: str, line: int,
                                                     message: str) -> None:
    path = graph_dir / "facts" / "tiny-source.yaml"
    with pytest.raises(InputError, match="^" + re.escape(f"{path}:{line}: ") + message):
        _compile(graph_dir, onto, SHEET.replace(old, new))
