"""Tests of smartcity_kg.builder.forked: a child's value, or its error, reaches the parent; none is lost."""

from __future__ import annotations

import os
import threading
import time

import pytest

from smartcity_kg.builder.forked import start_answer
from smartcity_kg.exceptions import InconsistentOntologyError, Problem


def _inconsistent() -> None:
    raise InconsistentOntologyError("x is a member of both A and B", [Problem(None, 3, "x")])


def test_an_error_of_the_child_is_raised_here_with_its_type_fields_and_traceback() -> None:
    with pytest.raises(InconsistentOntologyError, match="^x is a member of both A and B\n  <input>:3: x$") as caught:
        start_answer(_inconsistent).result()
    assert caught.value.suspects == [Problem(None, 3, "x")]
    assert "in _inconsistent" in str(caught.value.__cause__)


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("unpicklable")
        self.lock = threading.Lock()


def _raise_unpicklable() -> None:
    raise _Unpicklable()


def test_an_error_that_cannot_travel_comes_back_as_its_type_and_message() -> None:
    with pytest.raises(RuntimeError, match="^_Unpicklable: unpicklable$"):
        start_answer(_raise_unpicklable).result()


def test_a_child_that_ends_without_an_answer_is_an_error() -> None:
    with pytest.raises(ChildProcessError, match=r"ended without an answer \(exit code 3\)"):
        start_answer(os._exit, 3).result()


def test_stop_kills_a_child_that_still_runs() -> None:
    answer = start_answer(time.sleep, 60)
    started = time.monotonic()
    answer.stop()
    assert time.monotonic() - started < 10
    assert answer._process.exitcode is not None
