"""Tests of smartcity_kg.builder.storejob: the on-disk store written by a process of its own, its failures raised
by the build, and no process left behind by a build that fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.builder.storejob import Job, start
from smartcity_kg.exceptions import OutputError
from smartcity_kg.store.ondisk import STORE_DIR, build_store


def _children() -> set[int]:
    """This process's child processes (servers of other tests' fixtures among them)."""
    return {int(child) for task in Path(f"/proc/{os.getpid()}/task").iterdir()
            for child in (task / "children").read_text().split()}


def test_the_child_writes_the_store_of_graph_trig(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(built / "graph.trig", copy / "graph.trig")
    (copy / STORE_DIR).mkdir()
    job = start(Job(str(copy)))
    assert build_store(copy) is None  # not stamped before it is whole
    job.finish()
    assert build_store(copy) is not None
    store = ox.Store.read_only(str(copy / STORE_DIR))
    parsed = ox.Store()  # a store's form of each term (its literals normalised), blank nodes as in the file
    parsed.extend(ox.parse(path=built / "graph.trig", format=ox.RdfFormat.TRIG, rename_blank_nodes=False))
    expected = set(parsed)
    assert {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)} == expected
    assert {q.triple for q in store if isinstance(q.graph_name, ox.DefaultGraph)} == {q.triple for q in expected}


def test_a_failure_in_the_child_is_raised_with_its_message(tmp_path: Path) -> None:
    (tmp_path / STORE_DIR).mkdir()  # no graph.trig to read
    job = start(Job(str(tmp_path)))
    with pytest.raises(OSError, match="the on-disk store: .*graph.trig"):
        job.finish()
    assert not (tmp_path / STORE_DIR / "smartcity-kg-store.json").exists()


def test_a_failure_that_is_no_os_error_is_raised_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "graph.trig").write_text("<https://example.org/a> {\n", encoding="utf-8")  # cut short
    (tmp_path / STORE_DIR).mkdir()
    job = start(Job(str(tmp_path)))
    with pytest.raises(SyntaxError):
        job.finish()
    assert build_store(tmp_path) is None


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
def test_a_cancelled_job_leaves_no_process_and_no_stamp(built: Path, tmp_path: Path) -> None:
    shutil.copy(built / "graph.trig", tmp_path / "graph.trig")
    (tmp_path / STORE_DIR).mkdir()
    job = start(Job(str(tmp_path)))
    process = Path(f"/proc/{job._answer._process.pid}")  # type: ignore[union-attr]
    assert process.exists()
    job.cancel()
    assert not process.exists()  # stopped and reaped
    assert build_store(tmp_path) is None


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
def test_a_build_that_fails_after_the_files_stops_the_child_and_keeps_the_previous(graph_dir: Path,
                                                                                    tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(out, BuildOptions(graph_dir=graph_dir))
    before = (out / "graph.trig").read_bytes()

    during: set[int] = set()

    def failing(folder: Path) -> None:
        assert (folder / STORE_DIR).is_dir()  # the store is written, or being written, meanwhile
        during.update(_children())
        raise OSError(28, "No space left on device")

    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("label: Acme", "label: Acme Corp"), encoding="utf-8")
    earlier = _children()
    with pytest.raises(OutputError, match="cannot write the build: No space left on device"):
        build(out, BuildOptions(graph_dir=graph_dir), add_outputs=failing)
    assert _children() <= earlier and not (during - earlier) & _children()
    assert (out / "graph.trig").read_bytes() == before and build_store(out) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph", "out"]
