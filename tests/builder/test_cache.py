"""Tests of smartcity_kg.builder.cache: a previous build is trusted only with a record of the same inputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity_kg.builder.cache import CACHE_FILE, build_key, previous_data
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.outputs import MARKER
from smartcity_kg.resources import shipped

ALL = ("format", "base", "ontology", "graph", "checks", "code")


def _key(graph: Path, **changes: object):  # type: ignore[no-untyped-def]
    options = {"ontology_dir": shipped("ontology"), "graph_dir": graph, "checks_dir": shipped("queries") / "checks",
               "base": "https://w3id.org/smartcity-kg/", "sheets": sorted((graph / "facts").glob("*.yaml")), **changes}
    return build_key(**options)  # type: ignore[arg-type]


@pytest.fixture
def built(graph_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    return out


def test_a_build_records_its_inputs_and_the_marker_lists_the_record(built: Path, graph_dir: Path) -> None:
    record = json.loads((built / CACHE_FILE).read_text(encoding="utf-8"))
    assert record["inputs"] == _key(graph_dir).inputs
    assert set(record["sheets"]) == {"tiny-source.yaml"}
    assert CACHE_FILE in json.loads((built / MARKER).read_text(encoding="utf-8"))["files"]


def test_the_previous_data_are_the_sheets_quads_with_their_links(built: Path, graph_dir: Path) -> None:
    previous = previous_data(built, _key(graph_dir), ALL)  # a key without graphs: every graph changed
    assert previous is not None
    subjects = {q.subject.value for q in previous.quads}
    assert "https://w3id.org/smartcity-kg/id/acme" in subjects
    assert not any(s.startswith("https://w3id.org/smartcity-kg/ontology") for s in subjects)


def test_only_the_graphs_whose_digest_changed_are_read_back(built: Path, graph_dir: Path) -> None:
    recorded = json.loads((built / CACHE_FILE).read_text(encoding="utf-8"))["graphs"]
    tiny = "https://w3id.org/smartcity-kg/graph/tiny-source"
    assert set(recorded) == {tiny, "https://w3id.org/smartcity-kg/graph/sources"}
    key = _key(graph_dir)
    same = type(key)(key.inputs, key.sheets, dict(recorded))
    unchanged = previous_data(built, same, ALL)
    assert unchanged is not None and unchanged.changed == set() and unchanged.quads == set()
    one = previous_data(built, type(key)(key.inputs, key.sheets, {**recorded, tiny: "another digest"}), ALL)
    assert one is not None and one.changed == {tiny}
    assert {q.graph_name.value for q in one.quads} == {tiny}


def test_a_changed_sheet_keeps_the_previous_data_usable(built: Path, graph_dir: Path) -> None:
    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("label: Acme", "label: Acme Inc"), encoding="utf-8")
    key = _key(graph_dir)
    assert previous_data(built, key, ALL) is not None
    recorded = json.loads((built / CACHE_FILE).read_text(encoding="utf-8"))["sheets"]
    assert recorded["tiny-source.yaml"] != key.sheets["tiny-source.yaml"]


@pytest.mark.parametrize("change", ["base", "checks", "sources", "format"])
def test_another_input_or_record_means_no_previous_data(built: Path, graph_dir: Path, tmp_path: Path,
                                                       change: str) -> None:
    key = _key(graph_dir)
    if change == "base":
        key = _key(graph_dir, base="https://example.org/kg/")
    elif change == "checks":
        (tmp_path / "checks").mkdir()
        (tmp_path / "checks" / "x-violation.rq").write_text("SELECT ?subject ?message WHERE {}", encoding="utf-8")
        key = _key(graph_dir, checks_dir=tmp_path / "checks")
    elif change == "sources":
        (graph_dir / "sources" / "tiny-source.txt").write_text("Another text.\n", encoding="utf-8")
        key = _key(graph_dir)
    else:
        record = json.loads((built / CACHE_FILE).read_text(encoding="utf-8"))
        (built / CACHE_FILE).write_text(json.dumps({**record, "format": 0}), encoding="utf-8")
    assert previous_data(built, key, ALL) is None


def test_a_folder_without_a_record_has_no_previous_data(tmp_path: Path, graph_dir: Path) -> None:
    assert previous_data(tmp_path / "absent", _key(graph_dir), ALL) is None


def test_a_rebuild_after_an_edit_writes_the_bytes_and_store_of_a_build_from_nothing(graph_dir: Path, tmp_path: Path) -> None:
    import pyoxigraph as ox

    from smartcity_kg.builder.blocks import FILES
    from smartcity_kg.store.ondisk import STORE_DIR

    options = BuildOptions(graph_dir=graph_dir, store_from=0)
    build(tmp_path / "again", options)
    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("label: Acme", "label: Acme Inc"), encoding="utf-8")
    before = (tmp_path / "again" / "graph.nt").read_bytes()
    build(tmp_path / "again", options)
    build(tmp_path / "fresh", options)
    for name in (*FILES, "report.json", CACHE_FILE):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name
    assert (tmp_path / "again" / "graph.nt").read_bytes() != before
    stores = [set(ox.Store.read_only(str(tmp_path / folder / STORE_DIR))) for folder in ("again", "fresh")]
    assert stores[0] == stores[1] and any("Acme Inc" in str(q) for q in stores[0])
