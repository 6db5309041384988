"""Tests that a build reasoning with HermiT, when interrupted, leaves no process and no folder behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("SMARTCITY_KG_JAVA"),
                                reason="HermiT needs Java")

BUILD = "import sys, pathlib, smartcity_kg as k; k.build(pathlib.Path(sys.argv[1]), k.BuildOptions(reasoner='hermit'))"


def _processes_naming(text: str) -> dict[int, str]:
    """The processes whose command line holds ``text``, by id."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if text in cmdline:
                found[int(entry.name)] = cmdline
    return found


def _wait_for(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_an_interrupted_build_stops_hermit_and_java_and_removes_its_folder(tmp_path: Path, signum: int) -> None:
    private = tmp_path / "tmp"
    private.mkdir()
    # A process started in the background by a non-interactive shell (as CI may be) inherits
    # SIGINT ignored, and Python then keeps ignoring it: give the build the default disposition.
    build = subprocess.Popen([sys.executable, "-c", BUILD, str(tmp_path / "out")], env=dict(os.environ, TMPDIR=str(private)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        def java_runs() -> bool:
            assert build.poll() is None, "the build ended before HermiT's Java started"
            return any("java" in cmd for cmd in _processes_naming(str(private)).values())

        _wait_for(java_runs, 120, "HermiT's Java did not start within 120 s")
        assert len(_processes_naming(str(private))) >= 2  # the Python child and Java
        build.send_signal(signum)
        build.wait(timeout=10)
        _wait_for(lambda: not _processes_naming(str(private)), 5, f"left running: {_processes_naming(str(private))}")
        _wait_for(lambda: not list(private.glob("smartcity-kg-reason-*")), 5, f"left behind: {list(private.iterdir())}")
        assert not (tmp_path / "out").exists()
        assert build.returncode != 0
    finally:
        if build.poll() is None:
            build.kill()
            build.wait(timeout=10)
        for pid in _processes_naming(str(private)):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
