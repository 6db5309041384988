"""Tests of :mod:`smartcity_kg.sandbox`: SPARQL evaluated from a file or a client reaches no address.

A listener on 127.0.0.1 records every connection; queries that name it with SERVICE run in
the server's worker code, in ``build --checks``, in ``query --queries``: none may reach it,
and ``query --allow-service`` (the only way out) still does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smartcity_kg.exceptions import IsolationError
from smartcity_kg.sandbox import OPT_OUT, isolate_except, isolate_network, isolation_problem

QUERIES = Path(__file__).resolve().parents[1] / "queries"
JSON_RESULTS = "application/sparql-results+json"

pytestmark = pytest.mark.skipif(isolation_problem() is not None, reason=f"no network namespaces: {isolation_problem()}")


class Listener:
    """A TCP server on 127.0.0.1 that accepts, records and closes every connection."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = int(self.socket.getsockname()[1])
        self.contacts = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.contacts += 1
            conn.close()

    @property
    def service(self) -> str:
        return f"SELECT ?subject ?message WHERE {{ SERVICE <http://127.0.0.1:{self.port}/> {{ ?subject ?p ?message }} }}"


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.socket.close()


def _in_child(target: Callable[..., Any], *args: Any) -> Any:
    """``target(*args)`` run in a fresh (spawned) process; its return value."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(target, args)


def _evaluate_service(query: str, isolate: bool) -> tuple[Any, ...]:
    """The server's worker-side evaluation of ``query``, after :func:`isolate_network` if ``isolate``."""
    if isolate:
        isolate_network()
    import pyoxigraph as ox

    from smartcity_kg.serve.worker import Job, evaluate

    return evaluate(ox.Store(), Job(query, JSON_RESULTS, 100, 100_000), "https://w3id.org/smartcity-kg/")


def test_worker_evaluation_reaches_the_listener_without_isolation(listener: Listener) -> None:
    # The control: pyoxigraph really makes the request, so the tests below prove something.
    _in_child(_evaluate_service, listener.service, False)
    assert listener.contacts >= 1


def test_worker_evaluation_in_an_isolated_process_reaches_nothing(listener: Listener) -> None:
    reply = _in_child(_evaluate_service, listener.service, True)
    assert reply[0] == "failed" and "unreachable" in reply[1].lower(), reply
    assert listener.contacts == 0


def _run(code: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, **kwargs)


def test_isolated_process_keeps_only_a_loopback_that_is_down(listener: Listener) -> None:
    done = _run(f"""
import socket
from smartcity_kg.sandbox import isolate_network
print(isolate_network(), socket.if_nameindex())
try:
    socket.create_connection(("127.0.0.1", {listener.port}), timeout=5)
except OSError as exc:
    print(exc.errno)
""")
    assert done.stdout.split("\n")[:2] == ["True [(1, 'lo')]", "101"], done.stderr  # ENETUNREACH
    assert listener.contacts == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="the user-namespace path is what runs here already")
def test_a_user_other_than_root_is_isolated_through_a_user_namespace(listener: Listener) -> None:
    done = _run(f"""
import encodings.idna, os, socket
from smartcity_kg.sandbox import isolate_network
os.setgroups([]); os.setgid(65534); os.setuid(65534)
isolated = isolate_network()
try:
    socket.socket().connect(("127.0.0.1", {listener.port}))
except OSError as exc:
    print(isolated, os.getuid(), exc.errno)
""")
    assert done.stdout.strip() == "True 65534 101", done.stderr
    assert listener.contacts == 0


def test_a_process_with_threads_is_refused_or_warned() -> None:
    done = _run("""
import threading, time
threading.Thread(target=time.sleep, args=(3,), daemon=True).start()
from smartcity_kg.exceptions import IsolationError
from smartcity_kg.sandbox import isolate_network
try:
    isolate_network()
except IsolationError as exc:
    print("refused:", exc)
print(isolate_network(strict=False))
""")
    assert done.stdout.startswith("refused: the process already runs 2 threads"), done.stderr
    assert "SMARTCITY_KG_UNSAFE_NETWORK=1" in done.stdout
    assert done.stdout.rstrip().endswith("False") and "network reachable" in done.stderr


def test_the_operator_can_opt_out_where_no_namespace_can_be_made() -> None:
    done = _run("""
import threading, time
threading.Thread(target=time.sleep, args=(3,), daemon=True).start()
from smartcity_kg.sandbox import isolate_network
print(isolate_network())
""", env={OPT_OUT: "1"})
    assert done.stdout.strip() == "False", done.stderr


def test_isolation_error_is_an_os_error() -> None:
    assert issubclass(IsolationError, OSError)


def test_real_server_workers_live_in_their_own_network_namespace(built: Path, background: Any, free_port: Any,
                                                                 tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "smartcity_kg", "serve", "--build-dir", str(built), "--port", str(port)]
    with background(command, f"http://127.0.0.1:{port}/", tmp_path / "server.log") as server:
        children = _children(server.pid)
        own = os.readlink(f"/proc/{server.pid}/ns/net")
        isolated = [pid for pid in children if os.readlink(f"/proc/{pid}/ns/net") != own]
    assert own == os.readlink("/proc/self/ns/net")
    assert len(isolated) >= 3, children  # two workers and the fast lane's


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smartcity_kg", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_a_quality_check_with_service_reaches_nothing(listener: Listener, tmp_path: Path) -> None:
    checks = tmp_path / "checks"
    shutil.copytree(QUERIES / "checks", checks)
    (checks / "remote-violation.rq").write_text(listener.service + "\n", encoding="utf-8")
    done = _cli("build", "--checks", str(checks), "--build-dir", str(tmp_path / "build"), "-q", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "remote-violation.rq" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert listener.contacts == 0
    assert not (tmp_path / "build").exists()


def _named(listener: Listener, folder: Path) -> Path:
    folder.mkdir()
    (folder / "remote.rq").write_text("#+ summary: Asks a remote endpoint\n" + listener.service + "\n",
                                      encoding="utf-8")
    return folder


def test_a_named_query_with_service_reaches_nothing(listener: Listener, built: Path, tmp_path: Path) -> None:
    queries = _named(listener, tmp_path / "queries")
    done = _cli("query", "remote", "--queries", str(queries), "--build-dir", str(built), cwd=tmp_path)
    assert done.returncode != 0 and "unreachable" in done.stderr.lower(), done.stdout + done.stderr
    assert listener.contacts == 0


def test_allow_service_still_reaches_a_remote_endpoint(listener: Listener, built: Path, tmp_path: Path) -> None:
    queries = _named(listener, tmp_path / "queries")
    _cli("query", "remote", "--allow-service", "--queries", str(queries), "--build-dir", str(built), cwd=tmp_path)
    assert listener.contacts >= 1


def test_serve_refuses_to_start_where_no_namespace_can_be_made(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from smartcity_kg import sandbox
    from smartcity_kg.cli import main

    monkeypatch.setattr(sandbox, "isolation_problem", lambda: "network namespaces are a Linux feature; this is darwin")
    monkeypatch.delenv(OPT_OUT, raising=False)
    result = CliRunner().invoke(main, ["serve", "--build-dir", str(built), "--port", "1"])
    assert result.exit_code == 1
    assert "queries cannot run without a network here: network namespaces are a Linux feature" in result.output
    assert "--unsafe-allow-network" in result.output


def _reach(allowed: int, other: int) -> tuple[bool, list[str]]:
    """After :func:`isolate_except` to ``allowed``: whether its socket connects, and how direct connections end."""
    relay = isolate_except("127.0.0.1", allowed)
    assert relay is not None
    with socket.socket(socket.AF_UNIX) as through:
        through.connect(relay)
        through.recv(1)  # the listener closes at once; the relay passes that on
    ends = []
    for port in (allowed, other):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            ends.append("connected")
        except OSError as exc:
            ends.append(type(exc).__name__)
    return True, ends


def test_isolate_except_reaches_that_endpoint_only(listener: Listener) -> None:
    other = Listener()
    try:
        reached, ends = _in_child(_reach, listener.port, other.port)
        time.sleep(0.2)
        assert reached and "connected" not in ends  # no direct way out, not even to the endpoint
        assert listener.contacts == 1 and other.contacts == 0  # the relay went to the endpoint, and only there
    finally:
        other.socket.close()
