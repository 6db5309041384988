"""The package type-checks with mypy (it ships py.typed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "smartcity_kg"


def test_mypy_finds_no_issues() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", str(PACKAGE)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
