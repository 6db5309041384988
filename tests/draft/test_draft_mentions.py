"""Mentions: the build's entities by label, synonym and close spelling; countries, demonyms, places, sectors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.draft.mentions import Gazetteer
from smartcity_kg.draft.names import Entity, NameIndex, load_names


@pytest.fixture(scope="module")
def gazetteer(built: Path) -> Gazetteer:
    store = ox.Store()
    store.bulk_load(path=str(built / "graph.trig"), format=ox.RdfFormat.TRIG)
    return Gazetteer.build(load_names(store))


CASES = [
    ("Multinational companies like American Cisco came.", [("American", "country", "US"), ("Cisco", "entity", "cisco")]),
    ("Danish and Swedish cities, and the U.S. market.", [("Danish", "country", "DK"), ("Swedish", "country", "SE"),
                                                        ("U.S.", "country", "US")]),
    ("Cisco Systems met Hitachi Consultng.", [("Cisco Systems", "entity", "cisco"),
                                              ("Hitachi Consultng", "entity", "hitachi-consulting")]),
    ("It invests in climate adaption and smart-grid technology.", [("climate adaption", "sector", "climate-adaptation"),
                                                                  ("smart-grid technology", "sector", "smart-grid")]),
    ("BEST PROSPECT SECTORS AND Best practice.", []),
    ("Copenhagen’s partnership with Aarhus.", [("Copenhagen", "entity", "copenhagen"), ("Aarhus", "entity", "aarhus")]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_mentions(gazetteer: Gazetteer, sentence: str, expected: list[tuple[str, str, str]]) -> None:
    found = gazetteer.find(sentence, set())
    assert [(m.text, m.kind, m.ref) for m in found] == expected
    assert all(sentence[m.start:m.end] == m.text for m in found)


def test_a_close_spelling_is_less_sure_than_a_label(gazetteer: Gazetteer) -> None:
    exact, close = gazetteer.find("Hitachi and Hitachi Consultng", set())
    assert exact.score == 100 and 90 <= close.score < 100 and "close to the name 'Hitachi Consulting'" in close.how


def test_geonames_places_only_in_the_countries_asked(gazetteer: Gazetteer) -> None:
    sentence = "Porto and Lisbon invest."
    assert [m.ref for m in gazetteer.find(sentence, {"PT"})] == ["Porto", "Lisbon"]
    assert gazetteer.find(sentence, {"DK"}) == []
    (porto, _) = gazetteer.find(sentence, {"PT"})
    assert porto.kind == "place" and porto.country == "PT" and "GeoNames city" in porto.how


def test_a_name_of_two_entities_is_ambiguous_and_less_sure() -> None:
    entities = {f"https://x.org/id/{i}": Entity(f"https://x.org/id/{i}", i, label, {label: "label", "Acme": "synonym"},
                                                {"https://w3id.org/smartcity-kg/ontology#Company"})
                for i, label in (("acme-b", "Acme B"), ("acme-a", "Acme A"))}
    index = NameIndex(entities, {"acme": set(entities), "acme a": {"https://x.org/id/acme-a"},
                                 "acme b": {"https://x.org/id/acme-b"}})
    (mention,) = Gazetteer.build(index).find("Acme opened an office.", set())
    assert (mention.ref, mention.score) == ("acme-a", 60.0) and "ambiguous: also acme-b" in mention.how
