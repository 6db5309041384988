"""Shared fixtures: a minimal valid graph directory, written into ``tmp_path``."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

SOURCE_TEXT = """\
Acme, an American technology company, has opened an office in Aarhus.
Aarhus is the second city of Denmark and a “living lab” for smart lighting.
"""

SOURCES = """\
sources:
  - id: tiny-source
    title: A tiny source
    publisher: Test Publisher
    url: https://example.org/tiny
    kind: article
    language: en
    date: 2014-05-28
    text: tiny-source.txt
  - id: other-source
    title: Another source, whose text we do not hold
    publisher: Test Publisher
    url: https://example.org/other
    kind: web-page
    language: da
"""

# Twelve lines: items that a test adds start at line 13 of the sheet.
FACTS = """\
source: tiny-source
items:
  - id: aarhus
    type: City
    label: Aarhus
    locatedIn: DK
    quote: Aarhus is the second city of Denmark
  - id: acme
    type: Company
    label: Acme
    basedIn: US
    quote: Acme, an American technology company
"""


@pytest.fixture
def make_graph(tmp_path: Path) -> Callable[..., Path]:
    """Write a valid graph dir (two sources, one with its text; one fact sheet); return it.

    ``extra_items`` (YAML list items, dedented) are appended to the sheet's ``items``,
    starting at line 13 of ``facts/tiny-source.yaml``.
    """

    def make(extra_items: str = "", name: str = "graph") -> Path:
        root = tmp_path / name
        (root / "sources").mkdir(parents=True)
        (root / "facts").mkdir()
        (root / "sources" / "sources.yaml").write_text(SOURCES, encoding="utf-8")
        (root / "sources" / "tiny-source.txt").write_text(SOURCE_TEXT, encoding="utf-8")
        extra = textwrap.indent(textwrap.dedent(extra_items), "  ")
        (root / "facts" / "tiny-source.yaml").write_text(FACTS + extra, encoding="utf-8")
        return root

    return make


@pytest.fixture
def graph_dir(make_graph: Callable[..., Path]) -> Path:
    """A minimal valid graph dir, as ``make_graph()`` writes it."""
    return make_graph()
