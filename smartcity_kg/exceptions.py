"""Exceptions raised by smartcity-kg, each naming the file, line and what was expected.

The hierarchy::

    SmartCityKGError
    ├── InputError (ValueError)            bad curated input: YAML, Turtle, fact sheets, sources
    │   └── ValidationError                SHACL or quality-check violations (one or many)
    ├── ReasoningError (RuntimeError)      the reasoner could not run, or timed out
    │   ├── JavaNotFoundError              HermiT needs Java and there is none
    │   └── InconsistentOntologyError      the facts make the ontology inconsistent
    ├── QueryError (ValueError)            an unknown query, a bad parameter or a bad header
    ├── EntityNotFoundError (LookupError)  an entity that is not in the graph, or is ambiguous
    ├── OutputError (ValueError)           an output that would replace what the project did not write
    ├── EndpointError (ConnectionError)    a remote SPARQL endpoint or store that is down or refuses
    └── IsolationError (OSError)           SPARQL would run with a network: no namespace can be made
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EndpointError",
    "EntityNotFoundError",
    "OutputError",
    "Problem",
    "InconsistentOntologyError",
    "InputError",
    "IsolationError",
    "JavaNotFoundError",
    "QueryError",
    "ReasoningError",
    "SmartCityKGError",
    "ValidationError",
]


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is and what was expected there."""

    path: Path | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class SmartCityKGError(Exception):
    """Base class of every error that smartcity-kg raises on purpose.

    Every one pickles as it is, its attributes included (an error raised in a build's child
    process is raised again in the build): it is restored without calling ``__init__`` again.

    Examples
    --------
    >>> import pickle
    >>> error = pickle.loads(pickle.dumps(OutputError(Path("out"), "is an input folder")))
    >>> type(error).__name__, error.path.name, error.reason, str(error)
    ('OutputError', 'out', 'is an input folder', 'out: is an input folder')
    """

    def __reduce__(self) -> tuple[object, ...]:
        return _restore, (type(self), self.args, self.__dict__)


def _restore(kind: type[SmartCityKGError], args: tuple[object, ...], state: dict[str, object]) -> SmartCityKGError:
    """The error of type ``kind`` with ``args`` and attributes ``state``, ``__init__`` not called (see
    :meth:`SmartCityKGError.__reduce__`)."""
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class InputError(SmartCityKGError, ValueError):
    """Bad curated input; ``problems`` lists each with its file and line."""

    def __init__(self, problems: Problem | list[Problem]) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, path: Path | str | None, line: int | None, message: str) -> "InputError":
        """Build an error for one problem at ``path``:``line``."""
        return cls(Problem(Path(path) if path is not None else None, line, message))


class ValidationError(InputError):
    """The data violate the SHACL shapes or a quality check."""


class ReasoningError(SmartCityKGError, RuntimeError):
    """The reasoner failed to run or ran out of time."""


class JavaNotFoundError(ReasoningError):
    """HermiT needs a Java runtime and none was found."""


class InconsistentOntologyError(ReasoningError):
    """The facts make the ontology inconsistent; ``suspects`` names the facts involved."""

    def __init__(self, message: str, suspects: list[Problem] | None = None) -> None:
        self.suspects = list(suspects or [])
        lines = [message] + [f"  {p}" for p in self.suspects]
        super().__init__("\n".join(lines))


class QueryError(SmartCityKGError, ValueError):
    """An unknown named query, a bad parameter, or a query file with a bad header."""


class EntityNotFoundError(SmartCityKGError, LookupError):
    """No entity, or more than one, answers to the name given."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        self.candidates = list(candidates or [])
        super().__init__(message)


class OutputError(SmartCityKGError, ValueError):
    """An output path that is refused: it holds what the project did not write, or it is an input.

    ``path`` is the refused output, ``reason`` says why in a few words.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class EndpointError(SmartCityKGError, ConnectionError):
    """A remote SPARQL endpoint or Graph Store could not be reached, or refused the request."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class IsolationError(SmartCityKGError, OSError):
    """No network namespace could be made here, so SPARQL would run with a network reachable."""
