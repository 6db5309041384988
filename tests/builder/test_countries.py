"""Tests of smartcity_kg.builder.countries: every ISO 3166-1 country, from pycountry, with stable IRIs."""

from __future__ import annotations

import pycountry

from smartcity_kg.builder.countries import country_triples
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.namespaces import COUNTRY, RDFS
from smartcity_kg.resources import shipped


def test_every_country_is_an_individual_with_its_code() -> None:
    labels = {t.subject.value: t.object.value for t in country_triples() if t.predicate.value == RDFS + "label"}
    assert set(labels) == {COUNTRY + c.alpha_2 for c in pycountry.countries}
    assert (labels[COUNTRY + "DK"], labels[COUNTRY + "US"], labels[COUNTRY + "KR"]) == ("Denmark", "United States", "South Korea")


def test_fact_sheets_can_refer_to_any_country() -> None:
    references = load_ontology(shipped("ontology")).references
    assert references["IT"].value == COUNTRY + "IT" and references["PL"].value == COUNTRY + "PL"
