"""Tests of smartcity_kg.builder.pipeline: validation, the quality checks and the rules run at once, and a
failing build raises the error of the first stage that failed (validation, checks, reasoning), keeping the
previous build; no child process outlives a build."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity_kg.builder import checks, pipeline, rules
from smartcity_kg.builder.forked import can_fork
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.exceptions import InconsistentOntologyError, InputError, ReasoningError, ValidationError
from smartcity_kg.resources import shipped

pytestmark = pytest.mark.skipif(not can_fork(), reason="the checks and the rules run in forked children")

ID = "https://w3id.org/smartcity-kg/id/"
#: An amount without a currency: a SHACL violation.
SHACL_ITEM = """\
- id: acme-investment
  type: Investment
  label: Acme's investment
  amount: 400
  unquoted: a test
"""
SHACL_MESSAGE = f"<{ID}acme-investment> sck:currency: an amount needs exactly one currency"
#: A person who is a company: the disjoint-class check fails, and the rules find the facts inconsistent.
CLASH_ITEM = """\
- id: jane
  type: [Person, Company]
  label: Jane
  unquoted: a test
"""
CHECK_MESSAGE = f"disjoint-class-violation: <{ID}jane> is both"
SLOW = "SELECT ?subject ?message WHERE { ?subject ?a ?b . ?c ?d ?e . ?f ?g ?h . ?i ?j ?message }\n"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def previous(make_graph: Callable[..., Path], tmp_path: Path) -> Path:
    """``tmp_path/out``, holding a build of a valid graph dir (with the rules)."""
    out = tmp_path / "out"
    build(out, BuildOptions(graph_dir=make_graph(name="valid")))
    return out


def _checks_without(tmp_path: Path, name: str) -> Path:
    """The shipped checks but ``name``, copied under ``tmp_path``."""
    folder = Path(shutil.copytree(shipped("queries") / "checks", tmp_path / "checks"))
    (folder / name).unlink()
    return folder


def _fails(out: Path, options: BuildOptions, error: type[Exception], match: str) -> pytest.ExceptionInfo[Exception]:
    """Build, expecting ``error``; check that ``out`` is as it was and that no child process is left."""
    before = _snapshot(out) if out.exists() else None
    with pytest.raises(error, match=match) as caught:
        build(out, options)
    assert (_snapshot(out) if out.exists() else None) == before
    assert multiprocessing.active_children() == []
    return caught


def test_a_shacl_violation_is_raised_whatever_the_checks_and_the_rules_find(
        make_graph: Callable[..., Path], previous: Path) -> None:
    graph = make_graph(SHACL_ITEM + CLASH_ITEM)
    caught = _fails(previous, BuildOptions(graph_dir=graph), ValidationError, re.escape(SHACL_MESSAGE))
    assert len(caught.value.problems) == 1


def test_a_failing_check_is_raised_before_an_inconsistency_the_rules_find(
        make_graph: Callable[..., Path], previous: Path) -> None:
    _fails(previous, BuildOptions(graph_dir=make_graph(CLASH_ITEM)), ValidationError, re.escape(CHECK_MESSAGE))


def test_an_inconsistency_the_rules_find_fails_the_build_where_the_checks_pass(
        make_graph: Callable[..., Path], previous: Path, tmp_path: Path) -> None:
    without = _checks_without(tmp_path, "disjoint-class-violation.rq")
    options = BuildOptions(graph_dir=make_graph(CLASH_ITEM), checks_dir=without)
    _fails(previous, options, InconsistentOntologyError, re.escape(f"<{ID}jane> is a member of both"))


def test_a_shacl_violation_is_raised_before_a_check_that_runs_too_long_and_stops_it(
        make_graph: Callable[..., Path], tmp_path: Path) -> None:
    folder = Path(shutil.copytree(shipped("queries") / "checks", tmp_path / "checks"))
    (folder / "slow-violation.rq").write_text(SLOW, encoding="utf-8")
    options = BuildOptions(graph_dir=make_graph(SHACL_ITEM), checks_dir=folder, check_timeout=90.0)
    started = time.monotonic()
    _fails(tmp_path / "new", options, ValidationError, re.escape(SHACL_MESSAGE))
    assert time.monotonic() - started < 60


def test_rules_that_end_their_process_without_an_answer_fail_the_build(
        graph_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "infer", lambda *args, **kwargs: os._exit(3))
    _fails(tmp_path / "new", BuildOptions(graph_dir=graph_dir), ReasoningError,
           r"^the rules stopped without an answer: .*\(exit code 3\)$")


def test_an_unexpected_error_of_the_rules_is_raised_as_it_is(graph_dir: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("a bug in the rules")

    monkeypatch.setattr(rules, "infer", broken)
    caught = _fails(tmp_path / "new", BuildOptions(graph_dir=graph_dir), TypeError, "^a bug in the rules$")
    assert "in broken" in str(caught.value.__cause__)


def _touching(original: Callable[..., object], marker: Path) -> Callable[..., object]:
    """``original``, which first writes the id of the process that calls it into ``marker``."""
    def touch(*args: object, **kwargs: object) -> object:
        marker.write_text(str(os.getpid()), encoding="utf-8")
        return original(*args, **kwargs)
    return touch


def test_validation_runs_while_the_checks_and_the_rules_run_each_in_a_process_of_its_own(
        graph_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, rules_ran = tmp_path / "store-built", tmp_path / "rules-ran"
    monkeypatch.setattr(checks, "_store", _touching(checks._store, store))
    monkeypatch.setattr(rules, "infer", _touching(rules.infer, rules_ran))
    validate = pipeline._validate

    def waiting(*args: object, **kwargs: object) -> None:  # returns once both children have begun
        deadline = time.monotonic() + 60
        while not (store.exists() and rules_ran.exists()) and time.monotonic() < deadline:
            time.sleep(0.05)
        validate(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_validate", waiting)
    result = build(tmp_path / "out", BuildOptions(graph_dir=graph_dir))
    assert result.timings["validate"] < 60
    pids = {int(store.read_text(encoding="utf-8")), int(rules_ran.read_text(encoding="utf-8")), os.getpid()}
    assert len(pids) == 3


def test_a_check_has_its_time_once_its_store_is_ready(graph_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    original = checks._store

    def slow_store(*args: object, **kwargs: object) -> object:
        time.sleep(2.0)
        return original(*args, **kwargs)

    monkeypatch.setattr(checks, "_store", slow_store)
    result = build(tmp_path / "out", BuildOptions(graph_dir=graph_dir, check_timeout=1.0, reasoner="none"))
    ran = result.report["validation"]["checks"]  # type: ignore[index]
    assert set(ran) == {path.stem for path in checks.check_files(shipped("queries") / "checks")}


def test_a_folder_without_checks_is_refused_only_after_validation(make_graph: Callable[..., Path],
                                                                  tmp_path: Path) -> None:
    empty = tmp_path / "no-checks"
    empty.mkdir()
    options = BuildOptions(graph_dir=make_graph(SHACL_ITEM), checks_dir=empty, reasoner="none")
    _fails(tmp_path / "new", options, ValidationError, re.escape(SHACL_MESSAGE))
    options = BuildOptions(graph_dir=make_graph(name="valid"), checks_dir=empty, reasoner="none")
    _fails(tmp_path / "new", options, InputError, re.escape("no quality checks (*-violation.rq) here"))


def test_where_children_are_spawned_the_rules_run_here_and_infer_the_same(
        graph_dir: Path, previous: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    spawned = build(tmp_path / "spawned", BuildOptions(graph_dir=graph_dir))
    assert (tmp_path / "spawned" / "graph.trig").read_bytes() == (previous / "graph.trig").read_bytes()
    assert spawned.report["reasoning"]["inferred_triples"] > 0  # type: ignore[index]
