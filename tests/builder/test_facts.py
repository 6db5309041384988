"""Tests of smartcity_kg.builder.facts: fact sheets compiled against the shipped ontology."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.exceptions import InputError
from smartcity_kg.limits import MAX_YAML_BYTES
from smartcity_kg.builder.facts import compile_facts, entity_iri, graph_iri
from smartcity_kg.namespaces import COUNTRY, SCK
from smartcity_kg.builder.ontology import Ontology, load_ontology
from smartcity_kg.resources import shipped
from smartcity_kg.builder.sources import Source, load_sources

BASE = "https://example.org/kg/"
HEAD = "source: tiny-source\nitems:\n"
# Lines 3 to 7 of a sheet that starts with HEAD; keys appended to it start at line 8.
ACME = """\
  - id: acme
    type: Company
    label: Acme
    basedIn: US
    quote: Acme, an American technology company
"""


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology(shipped("ontology"))


def _sources(graph_dir: Path) -> dict[str, Source]:
    return load_sources(graph_dir / "sources" / "sources.yaml")


def _sheet(graph_dir: Path, text: str, name: str = "tiny-source.yaml") -> Path:
    path = graph_dir / "facts" / name
    path.write_text(text, encoding="utf-8")
    return path


def _at(path: Path, line: int) -> str:
    return "^" + re.escape(f"{path}:{line}: ")


# (fact sheet, line of the problem, what the message says)
BAD_SHEETS = [
    pytest.param(HEAD + ACME + "    basedon: US\n", 8,
                 "unknown key 'basedon'; expected a property of the ontology or one of id, about, .*; "
                 "did you mean 'basedIn'\\?$", id="unknown-key"),
    pytest.param(HEAD + ACME.replace("basedIn: US", "basedIn: DNK"), 6,
                 "unknown entity 'DNK': no fact sheet declares it and the ontology has no such notation; "
                 "did you mean 'DK'\\?$", id="unknown-notation"),
    pytest.param(HEAD + ACME + "  - about: acmee\n    founded: 2014\n    unquoted: a test\n", 8,
                 "unknown entity 'acmee': .*; did you mean 'acme'\\?$", id="unknown-id"),
    pytest.param(HEAD.replace("tiny-source", "tiny-sorce") + ACME, 1,
                 "unknown source 'tiny-sorce'; did you mean 'tiny-source'", id="unknown-source"),
    pytest.param(HEAD + ACME.replace("an American", "a Danish"), 7,
                 "quote not found in the text of source 'tiny-source': 'Acme, a Danish technology company'; "
                 "nearest passage: 'Acme, an American technology company, .*'; the first difference is at "
                 "character 8 of the quote: the quote has ' ' \\(U\\+0020 SPACE\\), the text 'n' "
                 "\\(U\\+006E LATIN SMALL LETTER N\\)$",
                 id="quote-not-in-text"),
    pytest.param(HEAD + ACME.replace("    quote: Acme, an American technology company\n",
                                     "    quote:\n      - Acme, an American\n      - Acme, a Danish\n"), 9,
                 "quote not found in the text of source 'tiny-source': 'Acme, a Danish'; nearest passage: .*; "
                 "the first difference is at character 8 of the quote: the quote has ' ' ",
                 id="second-quote-not-in-text"),
    pytest.param(HEAD + ACME + "    founded: 2014-02-30\n", 8,
                 "'2014-02-30' is not a date such as 2014-05-28 or a month such as 2014-05 or a year such as 2014$",
                 id="february-30"),
    pytest.param(HEAD + ACME + "    founded: yesterday\n", 8, "'yesterday' is not a date such as ", id="yesterday"),
    pytest.param(HEAD + ACME + "    founded: 2014-13\n", 8, "'2014-13' is not a date such as ", id="month-13"),
    pytest.param(HEAD + ACME + "    year: '14'\n", 8, "'14' is not a year such as 2014$", id="two-digit-year"),
    pytest.param(HEAD + ACME + "    year: 2014-05\n", 8, "'2014-05' is not a year such as 2014$", id="month-as-year"),
    pytest.param(HEAD + ACME + "    year: MMXIV\n", 8, "'MMXIV' is not a year such as 2014$", id="roman-year"),
    pytest.param(HEAD + ACME + "    year: ٢٠١٤\n", 8, "'٢٠١٤' is not a year such as 2014$", id="non-ascii-digits"),
    pytest.param(HEAD + ACME.replace("type: Company", "type: USFirm"), 4,
                 "'USFirm' is a defined class: the reasoner infers it, a fact sheet may not assert it$",
                 id="defined-class"),
    pytest.param(HEAD + ACME.replace("type: Company", "type: [Company, DanishOrganisation]"), 4,
                 "'DanishOrganisation' is a defined class", id="defined-class-in-list"),
    pytest.param(HEAD + ACME.replace("type: Company", "type: Compnay"), 4,
                 "unknown type 'Compnay'; expected a class of the ontology; did you mean 'Company'\\?$",
                 id="unknown-type"),
    pytest.param(HEAD + ACME.replace("    quote: Acme, an American technology company\n", ""), 3,
                 "every item needs its evidence: 'quote' .* or, where the source gives none, 'unquoted: <why>'$",
                 id="no-evidence"),
    pytest.param(HEAD + ACME + "    unquoted: and a quote too\n", 3, "every item needs its evidence: ",
                 id="quote-and-unquoted"),
    pytest.param(HEAD + ACME.replace("id: acme", "id: Acme_Corp"), 3,
                 "id 'Acme_Corp' is not a slug; expected lowercase letters, digits and single hyphens$",
                 id="id-not-a-slug"),
    pytest.param(HEAD + ACME.replace("id: acme", "id: acme--corp"), 3, "id 'acme--corp' is not a slug",
                 id="id-double-hyphen"),
    pytest.param(HEAD + ACME.replace("id: acme", "id: big-data"), 3,
                 "id 'big-data' is taken by the ontology; choose another$", id="id-is-a-notation"),
    pytest.param(HEAD + ACME.replace("    label: Acme\n", ""), 3, "'acme' declares a node without 'label'$",
                 id="no-label"),
    pytest.param(HEAD + ACME.replace("    type: Company\n", ""), 3,
                 "'acme' declares a node without 'type'; expected a class of the ontology$", id="no-type"),
    pytest.param(HEAD + ACME + "  - about: acme\n    founded: 2014\n    unquoted: a test\n", 8,
                 "'acme' is already the subject of the item at line 3; merge the two$", id="same-subject-twice"),
    pytest.param(HEAD + "  - about: DK\n    unquoted: a\n  - about: DK\n    unquoted: b\n", 5,
                 "'DK' is already the subject of the item at line 3; merge the two$", id="same-notation-twice"),
    pytest.param(HEAD + ACME + "    confidence: certain\n", 8, "confidence must be one of high, medium, low$",
                 id="confidence-unknown-word"),
    pytest.param(HEAD + ACME + "    confidence: [high]\n", 8, "confidence must be one of high, medium, low$",
                 id="confidence-list"),
    pytest.param(HEAD + "  - id: acme\n    about: acme\n    unquoted: a\n", 3,
                 "an item needs exactly one of 'id' \\(declares a node\\) or 'about' \\(refers to one\\)$",
                 id="id-and-about"),
    pytest.param(HEAD + ACME.replace("label: Acme", "label: " + "A" * 1001), 5,
                 "'label' is 1,001 characters long; expected at most 1,000$", id="label-too-long"),
    pytest.param(HEAD + ACME + "    altLabel: [Acme Inc, " + "A" * 2_000_000 + "]\n", 8,
                 "'altLabel' is 2,000,000 characters long; expected at most 1,000$", id="multi-megabyte-alt-label"),
    pytest.param(HEAD + ACME.replace("quote: Acme", "quote: " + "Acme " * 2001), 7,
                 "'quote' is 10,037 characters long; expected at most 10,000$", id="quote-too-long"),
    pytest.param(HEAD + ACME + "    note: " + "n" * 10_001 + "\n", 8,
                 "'note' is 10,001 characters long; expected at most 10,000$", id="note-too-long"),
    pytest.param(HEAD + ACME.replace("label: Acme", "label: Ac\u202eme"), 5,
                 "the file holds the control or format character U\\+202E RIGHT-TO-LEFT OVERRIDE; "
                 "expected printable text \\(tab, LF and CR aside\\)$", id="bidi-override"),
    pytest.param(HEAD + ACME.replace("label: Acme", "label: Ac\u2067me"), 5,
                 "the file holds .* U\\+2067 RIGHT-TO-LEFT ISOLATE", id="bidi-isolate"),
    pytest.param(HEAD + ACME.replace("label: Acme", "label: Ac\x00me"), 5, "the file holds .* U\\+0000",
                 id="nul"),
    pytest.param(HEAD + ACME.replace("label: Acme", "label: Ac\x9bme"), 5, "the file holds .* U\\+009B",
                 id="c1-control"),
    pytest.param(HEAD + ACME.replace("label: Acme", "label: Ac\u2028me"), 5,
                 "the file holds .* U\\+2028 LINE SEPARATOR", id="line-separator"),
    pytest.param(HEAD + ACME.replace("label: Acme", 'label: "Ac\\u202Eme"'), 5,
                 "the value holds .* U\\+202E RIGHT-TO-LEFT OVERRIDE", id="escaped-bidi-override"),
    pytest.param(HEAD + ACME.replace("label: Acme", 'label: "Ac\\x07me"'), 5, "the value holds .* U\\+0007",
                 id="escaped-bell"),
    pytest.param(HEAD + ACME.replace("label: Acme", 'label: "Ac\\Pme"'), 5,
                 "the value holds .* U\\+2029 PARAGRAPH SEPARATOR", id="escaped-paragraph-separator"),
    pytest.param(HEAD + ACME + "    note: " + "[" * 5000 + "]" * 5000 + "\n", 8,
                 "nesting deeper than 100 levels; expected a flatter structure$", id="deep-flow-nesting"),
    pytest.param(HEAD + ACME + "".join("    " + "  " * i + f"k{i}:\n" for i in range(120)) + "  " * 122 + "v\n", 106,
                 "nesting deeper than 100 levels", id="deep-block-nesting"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_SHEETS)
def test_compile_facts_refuses(graph_dir: Path, onto: Ontology, text: str, line: int, message: str) -> None:
    sheet = _sheet(graph_dir, text)
    with pytest.raises(InputError, match=_at(sheet, line) + message) as info:
        compile_facts([sheet], _sources(graph_dir), onto, BASE)
    assert len(info.value.problems) == 1


@pytest.mark.parametrize(("make", "message"), [
    pytest.param(lambda p: p.open("wb").truncate(MAX_YAML_BYTES + 1), "too large: 10,000,001 bytes; expected at most "
                 "10,000,000$", id="sheet-too-large"),
    pytest.param(os.mkfifo, r"not a regular file \(a directory, pipe or device\)$", id="sheet-is-a-pipe"),
    pytest.param(lambda p: p.symlink_to("/dev/zero"), "not a regular file", id="sheet-is-a-device"),
])
def test_compile_facts_refuses_a_sheet_that_is_not_a_small_file(
        graph_dir: Path, onto: Ontology, make: Callable[[Path], object], message: str) -> None:
    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.unlink()
    make(sheet)
    with pytest.raises(InputError, match="^" + re.escape(f"{sheet}: ") + message):
        compile_facts([sheet], _sources(graph_dir), onto, BASE)


def test_compile_facts_accepts_and_drops_a_byte_order_mark(graph_dir: Path, onto: Ontology) -> None:
    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.write_bytes(("\ufeff" + HEAD + ACME).encode("utf-8"))
    assert compile_facts([sheet], _sources(graph_dir), onto, BASE).items == 1


def test_duplicate_id_across_two_sheets(graph_dir: Path, onto: Ontology) -> None:
    tiny = _sheet(graph_dir, HEAD + ACME)
    other = _sheet(graph_dir, "source: other-source\nitems:\n  - id: acme\n    type: Company\n"
                   "    label: Acme again\n    unquoted: a test\n", "other-source.yaml")
    # Sheets are read in name order: other-source.yaml declares acme first.
    message = re.escape(f"duplicate id 'acme' (first declared at {other}:3)") + "$"
    with pytest.raises(InputError, match=_at(tiny, 3) + message):
        compile_facts([tiny, other], _sources(graph_dir), onto, BASE)


def test_second_sheet_for_one_source(graph_dir: Path, onto: Ontology) -> None:
    first = _sheet(graph_dir, HEAD + ACME, "tiny-source-2.yaml")
    second = _sheet(graph_dir, HEAD + "  - about: DK\n    unquoted: a test\n")
    message = re.escape(f"source 'tiny-source' already has a fact sheet: {first}") + "$"
    with pytest.raises(InputError, match=_at(second, 1) + message):
        compile_facts([second, first], _sources(graph_dir), onto, BASE)


def test_every_problem_is_reported(graph_dir: Path, onto: Ontology) -> None:
    sheet = _sheet(graph_dir, HEAD + ACME.replace("type: Company", "type: USFirm")
                   + "  - about: DK\n    unquoted: a test\n    confidence: certain\n")
    with pytest.raises(InputError) as info:
        compile_facts([sheet], _sources(graph_dir), onto, BASE)
    assert [(p.path, p.line) for p in info.value.problems] == [(sheet, 4), (sheet, 10)]


VALID = HEAD + ACME + """\
    confidence: high
  - about: DK
    note: Denmark, as the source calls it.
    quote:
      - Aarhus is the second city of Denmark
      - a "living lab" for smart lighting
"""


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_valid_sheet_compiles(graph_dir: Path, onto: Ontology, language: str) -> None:
    records = graph_dir / "sources" / "sources.yaml"
    records.write_text(records.read_text(encoding="utf-8").replace("language: en", f"language: {language}", 1),
                       encoding="utf-8")
    sheet = _sheet(graph_dir, VALID)
    compiled = compile_facts([sheet], _sources(graph_dir), onto, BASE)

    assert compiled.items == 2
    assert compiled.sheets == {"tiny-source": sheet}
    assert set(compiled.graphs) == {graph_iri(BASE, "tiny-source").value, graph_iri(BASE, "sources").value}
    triples = compiled.graphs[graph_iri(BASE, "tiny-source").value]
    acme, dk = entity_iri(BASE, "acme"), ox.NamedNode(COUNTRY + "DK")
    assert acme.value == BASE + "id/acme"
    assert ox.Triple(acme, ox.NamedNode(SCK + "basedIn"), ox.NamedNode(COUNTRY + "US")) in triples
    assert compiled.origins[acme.value].path == sheet and compiled.origins[acme.value].line == 3

    evidence = {t.subject: t.object for t in triples if t.predicate.value == SCK + "evidence"}
    assert evidence == {acme: ox.NamedNode(BASE + "evidence/tiny-source/acme"),
                        dk: ox.NamedNode(BASE + "evidence/tiny-source/DK")}
    quotes = {t.subject: t.object for t in triples if t.predicate.value == SCK + "quote"}
    assert quotes == {
        ox.NamedNode(BASE + "evidence/tiny-source/DK/quote-1"):
            ox.Literal("Aarhus is the second city of Denmark", language=language),
        ox.NamedNode(BASE + "evidence/tiny-source/DK/quote-2"):
            ox.Literal('a "living lab" for smart lighting', language=language),
        ox.NamedNode(BASE + "evidence/tiny-source/acme/quote-1"):
            ox.Literal("Acme, an American technology company", language=language),
    }
    sheets_cited = {t.object for t in triples if t.predicate.value == SCK + "factSheet"}
    assert sheets_cited == {ox.Literal("tiny-source.yaml:3"), ox.Literal("tiny-source.yaml:9")}


def test_compiling_twice_gives_identical_triples(graph_dir: Path, onto: Ontology) -> None:
    sheet = _sheet(graph_dir, VALID)
    first = compile_facts([sheet], _sources(graph_dir), onto, BASE)
    second = compile_facts([sheet], _sources(graph_dir), load_ontology(shipped("ontology")), BASE)
    assert first.graphs == second.graphs
    assert [str(t) for t in first.graphs[graph_iri(BASE, "tiny-source").value]] == \
           [str(t) for t in second.graphs[graph_iri(BASE, "tiny-source").value]]


_COMPILE = """
import sys
from pathlib import Path
import pyoxigraph as ox
from smartcity_kg.builder.facts import compile_facts
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.resources import shipped
from smartcity_kg.builder.sources import load_sources
graph = Path(sys.argv[1])
compiled = compile_facts(sorted((graph / "facts").glob("*.yaml")), load_sources(graph / "sources" / "sources.yaml"),
                         load_ontology(shipped("ontology")), sys.argv[2])
for name, triples in compiled.graphs.items():
    print(name)
    print(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode())
"""


def test_compiling_in_two_processes_gives_identical_triples(graph_dir: Path) -> None:
    _sheet(graph_dir, VALID)
    outputs = [
        subprocess.run([sys.executable, "-c", _COMPILE, str(graph_dir), BASE], check=True, capture_output=True,
                       text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    assert "evidence/tiny-source/DK/quote-2" in outputs[0]
    assert outputs[0] == outputs[1]
