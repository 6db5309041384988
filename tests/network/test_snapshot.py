"""Tests of the network saved with a build: written by large builds, read back as projected, never used stale."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartcity_kg import BuildOptions, EntityIndex, build, open_store
from smartcity_kg.cli._shared import network_outputs
from smartcity_kg.cli.main import main
from smartcity_kg.exceptions import InputError
from smartcity_kg.network import snapshot
from smartcity_kg.network.projection import project
from smartcity_kg.network.snapshot import SNAPSHOT, build_network, read_network, write_build_network
from smartcity_kg.outputs import MARKER
from test_projection_frozen import _compare, dumps


@pytest.fixture
def saved(built: Path, tmp_path: Path) -> Path:
    """A copy of the session's build with its network saved."""
    copy = Path(shutil.copytree(built, tmp_path / "build"))
    write_build_network(copy)
    return copy


def test_the_saved_network_and_index_are_the_projected_ones(saved: Path) -> None:
    found = build_network(saved)
    assert found is not None and found.index is not None
    _compare("shipped", found.network)
    store = open_store(saved)
    index = EntityIndex.from_store(store)
    assert dumps(found.network) == dumps(project(store, labels=index.labels))
    assert found.index.names == index.names and found.index.labels == index.labels
    assert found.index.resolve("Cisco") == index.resolve("Cisco")


def test_a_network_saved_for_another_graph_is_not_read(saved: Path) -> None:
    trig = saved / "graph.trig"
    status = trig.stat()
    os.utime(trig, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))  # touched, the same bytes: still read
    assert build_network(saved) is not None
    trig.write_bytes(trig.read_bytes().replace(b"Copenhagen", b"Kopenhagen"))  # the same size, other bytes
    assert trig.stat().st_size == status.st_size
    assert build_network(saved) is None
    trig.write_text("")
    assert build_network(saved) is None


def test_a_network_saved_by_another_version_of_the_projection_is_not_read(saved: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "_definitions", lambda: "another projection")
    assert build_network(saved) is None


def test_no_saved_network_or_a_link_to_one_gives_none(saved: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere.json.gz"
    (saved / SNAPSHOT).rename(moved)
    assert build_network(saved) is None
    (saved / SNAPSHOT).symlink_to(moved)
    assert build_network(saved) is None


@pytest.mark.parametrize("content", [b"not gzip", gzip.compress(b"[1, 2]\n"), gzip.compress(b'{"format": "other"}\n'),
                                     b"cut"])
def test_a_file_that_is_not_a_saved_network_is_refused_by_name(saved: Path, content: bytes) -> None:
    path = saved / SNAPSHOT
    if content == b"cut":
        content = path.read_bytes()[:-200]
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"{SNAPSHOT}: not a network snapshot of smartcity-kg"):
        build_network(saved)


def test_a_header_with_a_body_that_is_no_network_is_refused(saved: Path) -> None:
    path = saved / SNAPSHOT
    with gzip.open(path, "rt", encoding="utf-8") as data:
        header = data.readline()
    path.write_bytes(gzip.compress((header + json.dumps({"strings": ["x"]}) + "\n").encode()))
    with pytest.raises(InputError, match="not a network snapshot"):
        read_network(path)


def test_a_build_with_an_on_disk_store_saves_its_network(graph_dir: Path, tmp_path: Path) -> None:
    small, big = tmp_path / "small", tmp_path / "big"
    build(small, BuildOptions(graph_dir=graph_dir, store_from=10**9), add_outputs=network_outputs())
    build(big, BuildOptions(graph_dir=graph_dir), add_outputs=network_outputs())
    assert not (small / SNAPSHOT).exists()
    assert SNAPSHOT in json.loads((big / MARKER).read_text())["files"]
    saved, store = build_network(big), open_store(big)
    assert saved is not None and dumps(saved.network) == dumps(project(store, labels=EntityIndex.from_store(store).labels))


def test_a_rebuild_saves_the_network_of_its_own_graph(graph_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_dir), add_outputs=network_outputs())
    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("label: Acme", "label: Acme Corp"), encoding="utf-8")
    build(out, BuildOptions(graph_dir=graph_dir), add_outputs=network_outputs())  # started before the rules ran
    saved, store = build_network(out), open_store(out, in_memory=True)
    assert saved is not None and "Acme Corp" in saved.network.labels.values()
    assert dumps(saved.network) == dumps(project(store, labels=EntityIndex.from_store(store).labels))


def test_the_network_commands_read_the_saved_network_without_projecting(saved: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["paths", "--from", "Cisco", "--to", "Lord Mayor of Copenhagen", "--as-of", "2014-05",
            "--build-dir", str(saved)]
    projected = CliRunner().invoke(main, args + ["--format", "json"])
    assert projected.exit_code == 0, projected.output

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("projected again")

    monkeypatch.setattr("smartcity_kg.network.projection.project", refuse)
    read = CliRunner().invoke(main, args + ["--format", "json"])
    assert read.exit_code == 0, read.output
    assert read.output == projected.output and json.loads(read.output)["paths"]
    (saved / SNAPSHOT).unlink()
    assert CliRunner().invoke(main, args).exit_code == 1  # no saved network: projected
