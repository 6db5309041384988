"""Tests of the output rules: folders and files are replaced only when smartcity-kg wrote them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity_kg import outputs
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.exceptions import OutputError
from smartcity_kg.outputs import (
    HTML_SIGNATURE,
    MARKER,
    check_file,
    check_folder,
    claim_folder,
    recover_leftovers,
    replacing_folder,
    write_csv,
    write_file,
    write_with,
)


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- Folders: which may be replaced -------------------------------------------------------------

def test_absent_empty_and_marked_folders_may_be_replaced(tmp_path: Path) -> None:
    check_folder(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    check_folder(tmp_path / "empty")
    claim_folder(tmp_path / "ours", ["graph.trig"])
    (tmp_path / "ours" / "graph.trig").write_text("x")
    check_folder(tmp_path / "ours")


def test_a_folder_of_someone_else_is_refused_naming_what_it_holds(tmp_path: Path) -> None:
    results = tmp_path / "results"
    (results / "notes").mkdir(parents=True)
    for name in ("report-draft.md", "a.txt", "b.txt"):
        (results / name).write_text("mine")
    with pytest.raises(OutputError, match=r"results: holds 4 entries that smartcity-kg did not write "
                                          r"\(a\.txt, b\.txt, notes/, …\); choose another folder or empty it$"):
        check_folder(results)


def test_a_file_beside_our_outputs_is_refused(tmp_path: Path) -> None:
    claim_folder(tmp_path / "build", ["graph.trig"])
    (tmp_path / "build" / "notes.md").write_text("mine")
    with pytest.raises(OutputError, match=r"holds 1 entry that smartcity-kg did not write \(notes\.md\)"):
        check_folder(tmp_path / "build")


@pytest.mark.parametrize("marker", ["not json", json.dumps({"project": "other", "files": []}), "[1]"])
def test_a_marker_that_is_not_ours_vouches_for_nothing(tmp_path: Path, marker: str) -> None:
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / MARKER).write_text(marker)
    (tmp_path / "build" / "graph.trig").write_text("x")
    with pytest.raises(OutputError, match=r"holds 1 entry .*\(graph\.trig\)"):
        check_folder(tmp_path / "build")


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "build").write_text("x")
    with pytest.raises(OutputError, match="is a file; choose a folder"):
        check_folder(tmp_path / "build")


def test_the_working_folder_its_parents_and_home_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "home" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(OutputError, match=r"is the current working folder; choose another folder$"):
        check_folder(Path("."))
    with pytest.raises(OutputError, match=r"contains the current working folder"):
        check_folder(Path(".."))
    (tmp_path / "home" / "link").symlink_to(work)
    with pytest.raises(OutputError, match=r"is the current working folder"):
        check_folder(tmp_path / "home" / "link")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match=r"is the home folder"):
        check_folder(tmp_path / "home")
    check_folder(work / "build")  # a folder inside the working folder is the usual place


@pytest.mark.parametrize(("where", "relation"), [
    (lambda graph: graph, "is"),
    (lambda graph: graph / "facts", "lies inside"),
    (lambda graph: graph / "build", "lies inside"),
    (lambda graph: graph.parent, "contains"),
])
def test_build_refuses_its_inputs_before_any_work(graph_dir: Path, where: Callable[[Path], Path],
                                                  relation: str) -> None:
    before = _tree(graph_dir)
    with pytest.raises(OutputError, match=f"{relation} the graph folder; choose another folder$"):
        build(where(graph_dir), BuildOptions(graph_dir=graph_dir, reasoner="none"))
    assert _tree(graph_dir) == before
    assert not (graph_dir / "build").exists()


def test_build_refuses_a_symlink_to_an_input(graph_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(graph_dir)
    with pytest.raises(OutputError, match="is the graph folder"):
        build(tmp_path / "alias", BuildOptions(graph_dir=graph_dir, reasoner="none"))


def test_build_refuses_a_user_file_in_the_build_folder(graph_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    (out / "report-draft.md").write_text("mine")
    with pytest.raises(OutputError, match=r"holds 1 entry .*\(report-draft\.md\)"):
        build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    assert (out / "report-draft.md").read_text() == "mine"
    assert (out / "graph.trig").is_file()


def test_a_build_replaces_a_build(graph_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    build(out, BuildOptions(graph_dir=graph_dir, reasoner="none"))
    assert json.loads((out / MARKER).read_text())["files"] == [
        "build-cache.json", "compile-cache.json", "compile-cache.nt", "graph.jsonld", "graph.nt", "graph.trig", "graph.ttl",
        "report.json", "store", "timings.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "graph"]


# --- Folders: the swap and what a killed run leaves ----------------------------------------------

@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "rename-away"])
def test_replacing_folder_swaps_and_leaves_nothing_beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    for text in ("first", "second"):
        with replacing_folder(tmp_path / "out") as new:
            (new / "a.txt").write_text(text)
    assert (tmp_path / "out" / "a.txt").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_exchange_is_atomic_on_linux(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    assert outputs._exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "x").read_text() == "a" and not list((tmp_path / "a").iterdir())


def test_a_failed_block_leaves_the_old_folder(tmp_path: Path) -> None:
    with replacing_folder(tmp_path / "out") as new:
        (new / "a.txt").write_text("old")
    with pytest.raises(RuntimeError), replacing_folder(tmp_path / "out") as new:
        (new / "a.txt").write_text("new")
        raise RuntimeError
    assert (tmp_path / "out" / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_folder_is_checked_again_before_the_swap(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\(report-draft\.md\)"), replacing_folder(tmp_path / "out") as new:
        (new / "a.txt").write_text("new")
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "report-draft.md").write_text("mine")
    assert _tree(tmp_path / "out") == {"report-draft.md": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_old_folder_whose_build_is_missing_is_renamed_back(tmp_path: Path, dead_pid: int) -> None:
    claim_folder(tmp_path / f".build.old-{dead_pid}", ["graph.trig"])
    (tmp_path / f".build.old-{dead_pid}" / "graph.trig").write_text("old")
    assert recover_leftovers(tmp_path / "build") == [tmp_path / f".build.old-{dead_pid}"]
    assert (tmp_path / "build" / "graph.trig").read_text() == "old"


@pytest.mark.parametrize("kind", ["tmp", "old"])
def test_marked_leftovers_of_ended_runs_are_removed(tmp_path: Path, dead_pid: int, kind: str) -> None:
    claim_folder(tmp_path / "build")
    claim_folder(tmp_path / f".build.{kind}-{dead_pid}", ["graph.trig", "sub"])
    (tmp_path / f".build.{kind}-{dead_pid}" / "graph.trig").write_text("half")
    (tmp_path / f".build.{kind}-{dead_pid}" / "sub").mkdir()
    recover_leftovers(tmp_path / "build")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_former_build_holding_a_users_file_is_kept(tmp_path: Path, dead_pid: int) -> None:
    claim_folder(tmp_path / "build")
    old = tmp_path / f".build.old-{dead_pid}"
    claim_folder(old, ["graph.trig"])
    (old / "thesis.tex").write_text("mine")
    recover_leftovers(tmp_path / "build")
    assert (old / "thesis.tex").read_text() == "mine"


@pytest.mark.parametrize("kind", ["old", "tmp"])
def test_a_leftover_that_is_a_link_is_never_followed(tmp_path: Path, dead_pid: int, kind: str) -> None:
    claim_folder(tmp_path / "build")
    elsewhere = tmp_path / "elsewhere"
    claim_folder(elsewhere)
    (elsewhere / "notes.txt").write_text("mine")
    (tmp_path / f".build.{kind}-{dead_pid}").symlink_to(elsewhere, target_is_directory=True)
    recover_leftovers(tmp_path / "build")
    assert (elsewhere / "notes.txt").read_text() == "mine"


def test_a_link_in_the_way_of_the_new_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    claim_folder(elsewhere)
    (elsewhere / "notes.txt").write_text("mine")
    (tmp_path / f".build.tmp-{os.getpid()}").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputError, match="is in the way of the new folder"):
        with replacing_folder(tmp_path / "build"):
            pass
    assert (elsewhere / "notes.txt").read_text() == "mine"


def test_unmarked_leftovers_and_running_ones_are_kept(tmp_path: Path, dead_pid: int) -> None:
    claim_folder(tmp_path / "build")
    (tmp_path / f".build.tmp-{dead_pid}").mkdir()
    (tmp_path / f".build.tmp-{dead_pid}" / "mine.txt").write_text("mine")
    claim_folder(tmp_path / f".build.old-{os.getppid()}")
    claim_folder(tmp_path / ".build.old-notapid")
    (tmp_path / f".build.old-{dead_pid + 1}").write_text("a file, not ours")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert recover_leftovers(tmp_path / "build") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_build_killed_mid_write_is_tidied_by_the_next(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from smartcity_kg.outputs import replacing_folder
        with replacing_folder(Path({str(tmp_path / 'out')!r})) as new:
            (new / "half.txt").write_text("half")
            print("writing", flush=True)
            time.sleep(60)
    """)
    with replacing_folder(tmp_path / "out") as new:
        (new / "a.txt").write_text("complete")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "writing\n"
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert (tmp_path / f".out.tmp-{process.pid}" / MARKER).is_file()
    assert (tmp_path / "out" / "a.txt").read_text() == "complete"
    with replacing_folder(tmp_path / "out") as new:
        (new / "a.txt").write_text("next")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- Files written with -o -----------------------------------------------------------------------

def test_a_file_is_written_and_overwritten_when_it_is_ours(tmp_path: Path) -> None:
    target = tmp_path / "view.html"
    write_file(target, f"<head>{HTML_SIGNATURE}</head>1")
    write_file(target, f"<head>{HTML_SIGNATURE}</head>2".encode())
    assert target.read_text() == f"<head>{HTML_SIGNATURE}</head>2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.html"]


@pytest.mark.parametrize(("make", "message"), [
    (lambda target: target.mkdir(), r"view\.html: is a folder; give a file name$"),
    (lambda target: target.write_text("my notes"),
     r"view\.html: exists and was not written by smartcity-kg; remove it or choose another name$"),
    (lambda target: target.write_text("x" * 5000 + HTML_SIGNATURE), "exists and was not written"),
])
def test_a_file_of_someone_else_or_a_folder_is_refused(tmp_path: Path, make: Callable[[Path], object],
                                                       message: str) -> None:
    target = tmp_path / "view.html"
    make(target)
    before = _tree(tmp_path)
    with pytest.raises(OutputError, match=message):
        write_file(target, HTML_SIGNATURE)
    assert _tree(tmp_path) == before


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=f"folder {tmp_path / 'missing'} does not exist$"):
        write_file(tmp_path / "missing" / "view.html", HTML_SIGNATURE)
    assert list(tmp_path.iterdir()) == []


def test_a_writer_that_fails_leaves_the_old_file(tmp_path: Path) -> None:
    target = write_file(tmp_path / "void.ttl", "# generated by smartcity-kg\nold\n")

    def broken(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_with(target, broken)
    assert target.read_text().endswith("old\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["void.ttl"]


def test_a_table_in_a_claimed_folder_is_ours(tmp_path: Path) -> None:
    (tmp_path / "nodes.csv").write_text("a user's table")
    with pytest.raises(OutputError, match="exists and was not written"):
        write_csv(tmp_path / "nodes.csv", ["id"], [["x"]])
    claim_folder(tmp_path / "csv", ["nodes.csv"])
    (tmp_path / "csv" / "nodes.csv").write_text("an earlier export")
    write_csv(tmp_path / "csv" / "nodes.csv", ["id"], [["x"]])
    assert (tmp_path / "csv" / "nodes.csv").read_text().splitlines() == ["id", "x"]
    check_file(tmp_path / "csv" / "edges.csv")


def test_a_folder_of_someone_else_in_the_way_of_the_new_one_is_kept(tmp_path: Path) -> None:
    (tmp_path / f".out.tmp-{os.getpid()}").mkdir()
    (tmp_path / f".out.tmp-{os.getpid()}" / "mine.txt").write_text("mine")
    with pytest.raises(OutputError, match="in the way of the new folder"), replacing_folder(tmp_path / "out"):
        pass
    assert (tmp_path / f".out.tmp-{os.getpid()}" / "mine.txt").read_text() == "mine"
