"""Tests of smartcity_kg.builder.extra: outputs made from the dataset in a child process while the files are
written, saved into the new build, and a failure of either keeping the previous build."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from smartcity_kg.builder.extra import MoreOutputs, start_outputs
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.exceptions import InputError, OutputError


def _children() -> set[int]:
    """This process's child processes (servers of other tests' fixtures among them)."""
    return {int(child) for task in Path(f"/proc/{os.getpid()}/task").iterdir()
            for child in (task / "children").read_text().split()}


def _made_where(graphs: dict[str, list[object]]) -> tuple[int, int]:
    """The process that makes the output, and the triples of the dataset it was given."""
    return os.getpid(), sum(map(len, graphs.values()))


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
    with pytest.raises(OutputError, match="cannot make the outputs from the dataset: the child process ended"):
        pending.save(tmp_path)


def test_a_stopped_output_leaves_no_child(tmp_path: Path) -> None:
    earlier = _children()
    pending = start_outputs(MoreOutputs(lambda graphs: signal.pause(), lambda folder, made: None), {})
    assert _children() - earlier
    pending.stop()
    assert _children() <= earlier


def test_without_fork_the_output_is_made_here_when_it_is_saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("smartcity_kg.builder.extra.can_fork", lambda: False)
    saved: list[tuple[int, int]] = []
    pending = start_outputs(MoreOutputs(_made_where, lambda folder, made: saved.append(made)), {"g": [1, 2]})
    pending.save(tmp_path)
    assert saved == [(os.getpid(), 2)]


def test_an_output_that_needs_only_the_folder_starts_no_child(tmp_path: Path) -> None:
    earlier = _children()
    pending = start_outputs(MoreOutputs.saving(lambda folder: (folder / "x").write_text("x")), {})
    assert _children() <= earlier
    pending.save(tmp_path)
    assert (tmp_path / "x").read_text() == "x"
