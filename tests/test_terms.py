"""The term constants are generated from the ontology and kept in step with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_kg.builder.termgen import generate
from smartcity_kg.terms import SCK

TERMS = Path(__file__).resolve().parent.parent / "smartcity_kg" / "terms.py"


def test_terms_module_is_regenerated_unchanged() -> None:
    assert TERMS.read_text(encoding="utf-8") == generate(), "run: python -m smartcity_kg.builder.termgen > smartcity_kg/terms.py"


def test_namespace_is_closed() -> None:
    assert str(SCK.DanishDecisionMaker) == "https://w3id.org/smartcity-kg/ontology#DanishDecisionMaker"
    with pytest.raises(AttributeError):
        SCK.DanishDecisionMakers  # noqa: B018 - the attribute access is the test
