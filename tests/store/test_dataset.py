"""Tests of the embedded store: an on-disk store opens only in a folder that is ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_kg import open_store
from smartcity_kg.exceptions import OutputError


def test_an_on_disk_store_is_made_and_reused(built: Path, tmp_path: Path) -> None:
    store = open_store(built, tmp_path / "store")
    count = len(store)
    del store
    stamp = (tmp_path / "store" / "smartcity-kg-build.sha256").read_text()
    assert len(open_store(built, tmp_path / "store")) == count
    assert (tmp_path / "store" / "smartcity-kg-build.sha256").read_text() == stamp


def test_a_store_is_not_opened_in_a_folder_of_someone_else(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.tex").write_text("mine")
    with pytest.raises(OutputError, match=r"documents: holds 1 entry that smartcity-kg did not write \(thesis\.tex\)"):
        open_store(built, folder)
    assert [p.name for p in folder.iterdir()] == ["thesis.tex"]
    assert (folder / "thesis.tex").read_text() == "mine"


def test_a_store_is_not_opened_in_the_build_folder(built: Path) -> None:
    with pytest.raises(OutputError, match="did not write"):
        open_store(built, built)
