"""Tests of smartcity_kg.builder.sectors: a user's sectors extend the scheme; bad ones are refused with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_kg import InputError
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.builder.sectors import add_sectors
from smartcity_kg.namespaces import SECTOR
from smartcity_kg.resources import shipped

GOOD = """sectors:
  - notation: water-management
    label: smart water management
    altLabel: [smart water]
    definition: Networked metering of water.
    broader: smart-city-solutions
  - notation: leak-detection
    label: leak detection
    definition: Finding leaks in water networks.
    broader: water-management
"""


def test_sectors_join_the_scheme(tmp_path: Path) -> None:
    onto = load_ontology(shipped("ontology"))
    (tmp_path / "sectors.yaml").write_text(GOOD, encoding="utf-8")
    assert add_sectors(onto, tmp_path / "sectors.yaml") == 2
    assert onto.references["leak-detection"].value == SECTOR + "leak-detection"
    assert onto.labels[SECTOR + "water-management"] == "smart water management"


def test_no_file_adds_nothing(tmp_path: Path) -> None:
    assert add_sectors(load_ontology(shipped("ontology")), tmp_path / "sectors.yaml") == 0


@pytest.mark.parametrize(("change", "message"), [
    (("notation: water-management", "notation: intelligent-lighting"), r"sectors.yaml:2: notation 'intelligent-lighting' is taken"),
    (("notation: leak-detection", "notation: water-management"), r"sectors.yaml:7: notation 'water-management' is taken"),
    (("broader: smart-city-solutions", "broader: plumbing"), r"sectors.yaml:6: broader: 'plumbing' is not a sector"),
    (("    definition: Networked metering of water.\n", ""), r"sectors.yaml:2: a sector needs 'definition'"),
    (("    altLabel: [smart water]", "    colour: blue"), r"sectors.yaml:4: unknown key 'colour'"),
    (("notation: leak-detection", "notation: Leak Detection"), r"sectors.yaml:7: "),
], ids=["a sector's notation", "twice in the file", "unknown broader", "no definition", "unknown key", "not a slug"])
def test_bad_sectors_are_refused_with_their_line(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    (tmp_path / "sectors.yaml").write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        add_sectors(load_ontology(shipped("ontology")), tmp_path / "sectors.yaml")
