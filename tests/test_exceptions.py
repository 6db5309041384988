"""Tests of smartcity_kg.exceptions: every error pickles as it is (a build's child process sends its errors so)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from smartcity_kg import exceptions as exc

_PROBLEMS = [exc.Problem(Path("facts/a.yaml"), 3, "unknown key 'x'"), exc.Problem(None, None, "no sheets")]

ERRORS = [
    exc.InputError(_PROBLEMS),
    exc.InputError.at("facts/a.yaml", 7, "duplicate id 'acme'"),
    exc.ValidationError(_PROBLEMS[:1]),
    exc.ReasoningError("timed out after 120 s"),
    exc.JavaNotFoundError("no java"),
    exc.InconsistentOntologyError("inconsistent", _PROBLEMS),
    exc.QueryError("unknown query 'x'"),
    exc.EntityNotFoundError("no entity 'Acme'", ["Acme Corp"]),
    exc.OutputError(Path("build"), "holds what smartcity-kg did not write"),
    exc.EndpointError("http://127.0.0.1:7878/query", "refused"),
    exc.IsolationError("no namespace"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_an_error_pickles_with_its_type_message_and_attributes(error: exc.SmartCityKGError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error) and again.args == error.args
    assert vars(again) == vars(error)


def test_the_problems_of_an_input_error_come_back_as_problems() -> None:
    again = pickle.loads(pickle.dumps(exc.InputError(_PROBLEMS)))
    assert again.problems == _PROBLEMS
    assert str(again) == "facts/a.yaml:3: unknown key 'x'\n<input>: no sheets"
