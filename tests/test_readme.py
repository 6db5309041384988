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


@pytest.mark.parametrize(("command", "expected"), SESSIONS, ids=[c for c, _ in SESSIONS])
def test_readme_example_is_what_the_command_prints(built: Path, command: str, expected: str) -> None:
    args = shlex.split(command, comments=True)
    assert args[0] == "smartcity-kg"
    result = CliRunner().invoke(main, [*args[1:], "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    if expected:
        assert result.stdout == expected
