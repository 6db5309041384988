"""Tests of smartcity_kg.identifiers: identifiers made into register IRIs by the ontology's templates."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from smartcity_kg.identifiers import link_iri


@pytest.mark.parametrize(("template", "value", "iri"), [
    ("https://ror.org/{id}", "02an13226", "https://ror.org/02an13226"),
    ("https://example.org/{id}", "a/b <script>", "https://example.org/a%2Fb%20%3Cscript%3E"),
    ("{iri}", "https://dbpedia.org/resource/Aarhus", "https://dbpedia.org/resource/Aarhus"),
    ("{iri}", "javascript:alert(1)", None),
    ("{iri}", "file:///etc/passwd", None),
    ("{iri}", "http://exa mple.org/", None),
    ("urn:x:{id}", "1", None),
])
def test_link_iri(template: str, value: str, iri: str | None) -> None:
    made = link_iri(template, value)
    assert (made.value if made is not None else None) == iri
