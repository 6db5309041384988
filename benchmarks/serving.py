"""Benchmark part: ``smartcity-kg serve`` beside ``oxigraph serve-read-only`` on the same data, under concurrent clients.

:func:`compare_servers` starts each server on a 127.0.0.1 port over one build (oxigraph on the
build's own on-disk store, ``store/``, which holds the same dataset with the default graph the
merge of the named graphs), measures its start (from the process's start to the first 200 on a
query), then drives it with ``clients`` concurrent clients, each from its own loopback address
(127.0.0.2 …, so that each counts as one client of the server), each sending the same mix of
named queries (as the ``query`` command runs them: their parameters bound with VALUES blocks,
the materialised types read on a reasoned build) through the SPARQL protocol for ``seconds``
seconds. The servers run one after the other, never at once.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["Served", "compare_servers", "query_mix"]


@dataclass(frozen=True)
class Served:
    """What one server did: its start time, the requests answered by outcome, and their latencies.

    Outcomes: ``"200"`` (a whole answer), ``"busy"`` (a 503 for want of a free worker),
    ``"stopped"`` (the query was stopped at the time limit, whatever the status, or a 200 answer was
    cut at a limit: flagged so, or, as ``oxigraph serve`` does at its time limit, its JSON body
    broken off by an error message), or another status.
    """

    name: str
    start_seconds: float
    seconds: float
    statuses: Counter[str]
    latencies: list[float]
    cpu_seconds: float  # CPU time of the server and its processes while driven (the machine may be shared)

    def line(self) -> str:
        """The figures as one line of the report."""
        total = sum(self.statuses.values())
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) if ordered else float("nan")
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
        busy, stopped = (self.statuses[k] / total if total else 0.0 for k in ("busy", "stopped"))
        others = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())
                           if code not in ("200", "busy", "stopped"))
        return (f"  serve {self.name:<12} start {self.start_seconds:6.1f} s  {total / self.seconds:7.1f} requests/s  "
                f"503 busy {busy:6.2%}  stopped {stopped:6.2%}  p50 {p50 * 1000:8.1f} ms  p99 {p99 * 1000:8.1f} ms  "
                f"ok {self.statuses['200']}  cpu {self.cpu_seconds / max(total, 1) * 1000:6.1f} ms/request"
                + (f"  others {others}" if others else ""))


def query_mix(bindings: dict[str, dict[str, str]], *, reasoned: bool = False) -> list[str]:
    """The texts of the named queries as the ``query`` command runs them: each with its parameters (N-Triples
    terms) bound by a VALUES block first in every group of its WHERE clause and, on a ``reasoned`` build,
    the materialised types read instead of walking ``rdfs:subClassOf*``."""
    from smartcity_kg import load_catalogue, shipped
    from smartcity_kg.store.queries import on_closed_types
    from smartcity_kg.store.remote import bind_values

    catalogue = load_catalogue(shipped("queries"))
    texts = {name: on_closed_types(query.text) if reasoned else query.text for name, query in catalogue.items()}
    return [bind_values(texts[name], given) for name, given in sorted(bindings.items())]


def _free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (at the time of asking)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_PROBE = "ASK { ?s ?p ?o }"


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, started: float) -> float:
    """Seconds from ``started`` (the process's start) to the first 200 on a query to the SPARQL endpoint ``url``;
    the server's log if it never answers."""
    while time.monotonic() - started < 600:
        if process.poll() is not None:
            break
        try:
            if httpx.post(url, content=_PROBE.encode("utf-8"), timeout=5, headers={
                    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
                          ).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{url} did not start:\n{log.read_text()[-3000:]}")


def _outcome(response: httpx.Response) -> str:
    """``"200"``, ``"busy"``, ``"stopped"`` or the status of ``response`` (see :class:`Served`)."""
    if response.status_code == 200:  # cut at a limit: flagged, or a body that ends before its JSON does
        cut = "x-sparql-truncated" in response.headers or not response.content.rstrip().endswith(b"}")
        return "stopped" if cut else "200"
    text = response.text.lower()
    if response.status_code == 503 and "busy" in text:
        return "busy"
    if "limit of" in text or "timeout" in text or "timed out" in text:
        return "stopped"
    return str(response.status_code)


def _drive(url: str, queries: list[str], clients: int, seconds: float) -> tuple[Counter[str], list[float]]:
    """Run ``clients`` clients against the SPARQL endpoint ``url`` for ``seconds``; outcomes and latencies."""
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{number + 2}")
        with httpx.Client(timeout=120, transport=transport) as http:
            turn = number
            while time.monotonic() < deadline:
                text = queries[turn % len(queries)]
                turn += 1
                started = time.monotonic()
                try:
                    code = _outcome(http.post(url, content=text.encode("utf-8"), headers={
                        "Content-Type": "application/sparql-query; charset=utf-8",
                        "Accept": "application/sparql-results+json"}))
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                with lock:
                    statuses[code] += 1
                    latencies.append(time.monotonic() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, latencies


def _cpu_seconds(pid: int) -> float:
    """CPU seconds used by process ``pid``, its children that were waited for, and its live descendants."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    children: list[int] = []
    for task in tasks:
        try:
            children += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:  # a thread that ended meanwhile (a server's threads come and go)
            continue
    own = sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime, stime, cutime, cstime
    return own + sum(_cpu_seconds(child) for child in children)


def _run(name: str, command: list[str], url: str, queries: list[str], clients: int, seconds: float) -> Served:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        started = time.monotonic()
        with log.open("wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        try:
            start = _wait_ready(url, process, log, started)
            _drive(url, queries, clients, min(5.0, seconds))  # warm the page cache alike for both
            cpu = _cpu_seconds(process.pid)
            statuses, latencies = _drive(url, queries, clients, seconds)
            cpu = _cpu_seconds(process.pid) - cpu
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return Served(name, start, seconds, statuses, latencies, cpu)


def compare_servers(build_dir: Path, queries: list[str], *, clients: int = 32, seconds: float = 30.0,
                    timeout: float = 10.0, serve_options: tuple[str, ...] = ()) -> list[Served]:
    """Drive ``smartcity-kg serve`` and then ``oxigraph serve-read-only`` on the build in ``build_dir``."""
    ports = (_free_port(), _free_port())
    store = build_dir / "store"
    if not (store / "smartcity-kg-store.json").is_file():
        raise SystemExit(f"{build_dir} has no on-disk store (store/): build it again (every build writes one)")
    ours = [sys.executable, "-m", "smartcity_kg", "serve", "--build-dir", str(build_dir), "--port", str(ports[0]),
            "--timeout", f"{timeout:g}", *serve_options]
    oxigraph = [str(Path(sys.executable).parent / "oxigraph"), "serve-read-only", "--location", str(store),
                "--bind", f"127.0.0.1:{ports[1]}", "--timeout-s", f"{timeout:g}"]
    return [_run("smartcity-kg", ours, f"http://127.0.0.1:{ports[0]}/sparql", queries, clients, seconds),
            _run("oxigraph", oxigraph, f"http://127.0.0.1:{ports[1]}/query", queries, clients, seconds)]
