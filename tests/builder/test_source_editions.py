"""Tests of smartcity_kg.builder.editions: edition keys of source records, checked with file and line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.editions import edition_triples
from smartcity_kg.builder.sources import Source, load_sources
from smartcity_kg.exceptions import InputError
from smartcity_kg.namespaces import DCTERMS, PROV, SCK

BASE = "https://w3id.org/smartcity-kg/"


def _record(source_id: str, *extra: str) -> str:
    lines = [f"  - id: {source_id}", f"    title: Guide {source_id}", "    publisher: Test Publisher",
             f"    url: https://example.org/{source_id}", "    kind: guide", "    language: en"]
    return "\n".join(lines + [f"    {line}" for line in extra]) + "\n"



def load_sources_of(tmp_path: Path, *records: str) -> dict[str, Source]:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n" + "".join(records), encoding="utf-8")
    return load_sources(path)


def test_an_edition_reads_its_keys_and_becomes_rdf(tmp_path: Path) -> None:
    sources = load_sources_of(tmp_path, _record("guide-old", "date: 2019"),
                              _record("guide-new", "lastPublished: 2021-11-13", "retrieved: 2022-03",
                                      "archived: https://web.archive.org/web/2022/https://example.org/guide",
                                      "supersedes: guide-old"))
    new = sources["guide-new"]
    assert new.edition is not None
    assert new.edition.last_published == ("2021-11-13", "http://www.w3.org/2001/XMLSchema#date")
    assert new.edition.retrieved == ("2022-03", "http://www.w3.org/2001/XMLSchema#gYearMonth")
    assert sources["guide-old"].edition is None
    subject = ox.NamedNode(BASE + "source/guide-new")
    older = ox.NamedNode(BASE + "source/guide-old")
    triples = {(t.subject, t.predicate.value, t.object) for t in edition_triples(new, subject, BASE)}
    assert triples == {
        (subject, DCTERMS + "modified", ox.Literal("2021-11-13", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))),
        (subject, SCK + "retrievedOn", ox.Literal("2022-03", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth"))),
        (subject, SCK + "archivedAt", ox.NamedNode("https://web.archive.org/web/2022/https://example.org/guide")),
        (subject, DCTERMS + "replaces", older), (subject, PROV + "wasRevisionOf", older),
        (older, DCTERMS + "isReplacedBy", subject),
    }


# Each bad input: the records, the line the error names and what it says.
BAD = {
    "unknown key": ((_record("guide-a", "editon: 2021"),), 8, "unknown key 'editon'; expected one of .*lastPublished"),
    "supersedes no source": ((_record("guide-a", "supersedes: guide-zz"),), 8, "supersedes 'guide-zz', which names no source record"),
    "supersedes itself": ((_record("guide-a", "supersedes: guide-a"),), 8, "cannot supersede itself"),
    "cycle": ((_record("guide-a", "supersedes: guide-b"), _record("guide-b", "supersedes: guide-a")), 8,
              "a cycle of editions: guide-a supersedes guide-b supersedes guide-a"),
    "retrieved before the edition": ((_record("guide-a", "lastPublished: 2021-11-13", "retrieved: 2021-11-12"),), 9,
                                     "retrieved 2021-11-12 is before the edition's date"),
    "retrieved before the publication": ((_record("guide-a", "date: 2021", "retrieved: 2020-12"),), 9,
                                         r"retrieved 2020-12 is before the edition's date \(date: 2021\)"),
    "bad date": ((_record("guide-a", "lastPublished: 13 Nov 2021"),), 8, "is not a date such as"),
    "bad archive": ((_record("guide-a", "archived: web.archive.org/x"),), 8, "not an http\\(s\\) URL of the archived copy"),
    "superseded twice": ((_record("guide-a"), _record("guide-b", "supersedes: guide-a"),
                          _record("guide-c", "supersedes: guide-a")), 21, "'guide-a' is already superseded by 'guide-b'"),
    "later edition dated earlier": ((_record("guide-a", "date: 2021"), _record("guide-b", "date: 2019", "supersedes: guide-a")),
                                    16, r"'guide-b' \(edition of 2019\) supersedes 'guide-a', a later edition"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_edition_records_are_refused_with_file_and_line(tmp_path: Path, case: str) -> None:
    records, line, message = BAD[case]
    with pytest.raises(InputError, match=message) as caught:
        load_sources_of(tmp_path, *records)
    problem = caught.value.problems[0]
    assert (Path(str(problem.path)).name, problem.line) == ("sources.yaml", line)


def test_the_data_shapes_refuse_an_edition_replaced_twice_or_a_date_that_is_no_date() -> None:
    from smartcity_kg.builder.validate import shacl_problems
    from smartcity_kg.resources import shipped
    from smartcity_kg.store.rdfio import read_rdf

    shapes = read_rdf(shipped("ontology") / "shapes" / "data.ttl")
    source = ox.NamedNode(SCK + "Source")
    old, a, b = (ox.NamedNode(BASE + f"source/{name}") for name in ("old", "a", "b"))
    typed = [ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), source) for s in (old, a, b)]
    described = [ox.Triple(s, ox.NamedNode(p), ox.Literal("x")) for s in (old, a, b)
                 for p in ("http://www.w3.org/2000/01/rdf-schema#label", SCK + "publisherName")]
    pages = [ox.Triple(s, ox.NamedNode("http://xmlns.com/foaf/0.1/page"), ox.NamedNode("https://example.org/")) for s in (old, a, b)]
    good = typed + described + pages + [ox.Triple(old, ox.NamedNode(DCTERMS + "isReplacedBy"), a)]
    assert shacl_problems(good, shapes, {}, Path("sources.yaml")) == []
    twice = good + [ox.Triple(old, ox.NamedNode(DCTERMS + "isReplacedBy"), b)]
    assert any("superseded by at most one edition" in p.message for p in shacl_problems(twice, shapes, {}, Path("x")))
    undated = good + [ox.Triple(a, ox.NamedNode(DCTERMS + "modified"), ox.Literal("last autumn"))]
    assert shacl_problems(undated, shapes, {}, Path("x"))


def test_covers_up_to_needs_supersedes(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"sources.yaml:8: coversUpTo names a passage of the edition this one supersedes"):
        load_sources_of(tmp_path, _record("guide-a", "coversUpTo: The first words"))


def test_covers_up_to_must_be_a_passage_of_the_older_text(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("The first words of the guide. Then the rest of it.\n", encoding="utf-8")
    older = _record("guide-a", "text: old.txt")
    assert load_sources_of(tmp_path, older, _record("guide-b", "supersedes: guide-a", "coversUpTo: The first words"))
    with pytest.raises(InputError, match=r"sources.yaml:16: coversUpTo: the passage 'The last words' is not in the text "
                                         r"of 'guide-a'"):
        load_sources_of(tmp_path, older, _record("guide-b", "supersedes: guide-a", "coversUpTo: The last words"))
