"""Tests of smartcity_kg.builder.extra: outputs made from the dataset in a child process while the files are
written, saved into the new build, and a failure of either keeping the previous build."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.extra import MoreOutputs, start_outputs
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.exceptions import InputError, OutputError


def _children() -> set[int]:
    """This process's child processes (servers of other tests' fixtures among them)."""
    return {int(child) for task in Path(f"/proc/{os.getpid()}/task").iterdir()
            for child in (task / "children").read_text().split()}


def _made_where(parts: Iterable[Mapping[str, list[object]]]) -> tuple[int, int]:
    """The process that makes the output, and the triples of the dataset it was given."""
    return os.getpid(), sum(len(triples) for graphs in parts for triples in graphs.values())


def _dataset(parts: Iterable[Mapping[str, list[ox.Triple]]]) -> tuple[int, list[str]]:
    """How many parts the dataset came in, and its quads as N-Quads lines, in order."""
    parts = list(parts)
    return len(parts), sorted(str(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)))
                              for graphs in parts for g, triples in graphs.items() for t in triples)


def test_the_output_is_made_from_the_dataset_in_a_child_and_saved_into_the_new_build(graph_dir: Path,
                                                                                      tmp_path: Path) -> None:
    seen: list[Path] = []

    def save(folder: Path, made: tuple[int, int]) -> None:
        assert (folder / "graph.trig").is_file()  # the files are written
        seen.append(folder)
        (folder / "made.txt").write_text(f"{made[0]} {made[1]}\n")

    out = tmp_path / "build"
    result = build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"), add_outputs=MoreOutputs(_made_where, save))
    pid, triples = map(int, (out / "made.txt").read_text().split())
    assert pid != os.getpid() and triples == result.report["quads"]
    assert seen and seen[0] != out  # saved into the temporary folder, before the swap


def test_a_rebuild_starts_the_output_before_reasoning_and_gives_it_the_dataset_a_build_from_nothing_does(
        graph_dir: Path, tmp_path: Path) -> None:
    made: dict[str, tuple[int, list[str]]] = {}
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_dir), add_outputs=MoreOutputs(_dataset, lambda f, m: made.update(first=m)))
    sheet = graph_dir / "facts" / "tiny-source.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("label: Acme", "label: Acme Corp"), encoding="utf-8")
    build(out, BuildOptions(graph_dir=graph_dir), add_outputs=MoreOutputs(_dataset, lambda f, m: made.update(again=m)))
    fresh = tmp_path / "fresh"
    build(fresh, BuildOptions(graph_dir=graph_dir), add_outputs=MoreOutputs(_dataset, lambda f, m: made.update(fresh=m)))
    assert made["first"][0] == made["fresh"][0] == 1 and made["again"][0] == 2  # in parts: the inferred graph later
    assert made["again"][1] == made["fresh"][1] != made["first"][1]
    assert any("Acme Corp" in line for line in made["again"][1])
    assert (out / "graph.trig").read_bytes() == (fresh / "graph.trig").read_bytes()


def test_a_partial_start_needs_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    assert start_outputs(MoreOutputs.saving(lambda folder: None), {}, partial=True) is None
    monkeypatch.setattr("smartcity_kg.builder.extra.can_fork", lambda: False)
    assert start_outputs(MoreOutputs(_made_where, lambda folder, made: None), {}, partial=True) is None


def test_a_child_that_ended_before_the_rest_came_is_told_when_saving(tmp_path: Path) -> None:
    pending = start_outputs(MoreOutputs(_killed, lambda folder, made: None), {}, partial=True)
    assert pending is not None
    pending._answer._process.join(10)  # type: ignore[union-attr]  # ended: the rest finds no one
    pending.complete({"https://example.org/g": []})
    with pytest.raises(OutputError, match="ended without an answer"):
        pending.save(tmp_path)


def test_a_failure_to_make_the_output_keeps_the_previous_build_and_no_child(graph_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    before = sorted(p.name for p in out.iterdir())

    def fail(graphs: object) -> None:
        raise InputError.at(Path("made"), 3, "cannot make this")

    earlier = _children()
    with pytest.raises(InputError, match="made:3: cannot make this"):
        build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"),
              add_outputs=MoreOutputs(fail, lambda folder, made: None))
    assert sorted(p.name for p in out.iterdir()) == before
    assert _children() <= earlier


def _killed(graphs: object) -> None:
    """End the process without an answer, as the kernel ends one out of memory."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_child_that_ends_without_an_answer_is_an_output_error(tmp_path: Path) -> None:
    pending = start_outputs(MoreOutputs(_killed, lambda folder, made: None), {})
    assert pending is not None
    with pytest.raises(OutputError, match="cannot make the outputs from the dataset: the child process ended"):
        pending.save(tmp_path)


def test_a_stopped_output_leaves_no_child(tmp_path: Path) -> None:
    earlier = _children()
    pending = start_outputs(MoreOutputs(lambda graphs: signal.pause(), lambda folder, made: None), {})
    assert pending is not None and _children() - earlier
    pending.stop()
    assert _children() <= earlier


def test_without_fork_the_output_is_made_here_when_it_is_saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("smartcity_kg.builder.extra.can_fork", lambda: False)
    saved: list[tuple[int, int]] = []
    pending = start_outputs(MoreOutputs(_made_where, lambda folder, made: saved.append(made)), {"g": [1, 2]})
    assert pending is not None
    pending.save(tmp_path)
    assert saved == [(os.getpid(), 2)]


def test_an_output_that_needs_only_the_folder_starts_no_child(tmp_path: Path) -> None:
    earlier = _children()
    pending = start_outputs(MoreOutputs.saving(lambda folder: (folder / "x").write_text("x")), {})
    assert pending is not None and _children() <= earlier
    pending.save(tmp_path)
    assert (tmp_path / "x").read_text() == "x"
