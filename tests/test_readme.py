"""README's example sessions are the code's own output: each ``$ smartcity-kg …`` is run and compared."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartcity_kg.cli.main import main

README = Path(__file__).resolve().parents[1] / "README.md"


def _sessions() -> list[tuple[str, str]]:
    """Each ``$ smartcity-kg`` line of README's fenced blocks and the output printed under it."""
    sessions: list[tuple[str, str]] = []
    blocks: list[str] = []
    block: list[str] | None = None
    for line in README.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("```") and block is None:
            block = []
        elif line.startswith("```") and block is not None:
            blocks.append("".join(block))
            block = None
        elif block is not None:
            block.append(line)
    for text in blocks:
        parts = re.split(r"^\$ ", text, flags=re.M)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            sessions.append((command, output))
    return sessions


SESSIONS = _sessions()


def test_readme_has_example_sessions() -> None:
    assert len(SESSIONS) >= 4


#: The builds a session may name with ``--build-dir``: the folders README says how to make.
NAMED_BUILDS = {"two-markets": "two_markets"}


@pytest.mark.parametrize(("command", "expected"), SESSIONS, ids=[c for c, _ in SESSIONS])
def test_readme_example_is_what_the_command_prints(built: Path, request: pytest.FixtureRequest, command: str,
                                                   expected: str) -> None:
    """Each session runs on the shipped build, or on the build it names (``--build-dir two-markets``)."""
    args = shlex.split(command, comments=True)
    assert args[0] == "smartcity-kg"
    if "--build-dir" in args:
        at = args.index("--build-dir") + 1
        args[at] = str(request.getfixturevalue(NAMED_BUILDS[args[at]]))
    else:
        args.extend(["--build-dir", str(built)])
    result = CliRunner().invoke(main, args[1:])
    assert result.exit_code == 0, result.output
    if expected:
        assert result.stdout == expected
