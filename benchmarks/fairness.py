"""Benchmark: does the server stay fair under load? 16 clients send slow queries, one asks cheap ones.

Run ``python benchmarks/fairness.py [--build-dir build] [--seconds 20] [--slow-clients 16]``.
It starts ``smartcity-kg serve`` on 127.0.0.1 (each client from its own loopback address,
127.0.0.2 …), and prints the cheap client's latency (p50, p99), the statuses per class of
query, and the peak resident memory of the worker processes, read from ``/proc``.
Extra options after ``--`` go to ``serve`` (``-- --workers 4 --max-memory 512``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = ["ASK { ?s a ?class }", "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 10"]


def _serve(build_dir: Path, port: int, extra: list[str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "smartcity_kg", "serve", "--build-dir", str(build_dir), "--port", str(port), *extra]
    with log.open("wb") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code < 500:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()[-2000:]}")


def _workers(pid: int) -> list[int]:
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            found += [int(p) for p in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def _peak_rss(pids: list[int]) -> dict[int, int]:
    """Each process's peak resident set (VmHWM) in MB."""
    peaks = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) // 1024
        except OSError:
            pass
    return peaks


def _client(url: str, address: str, queries: list[str], until: float, record: list[tuple[str, int, float]],
            kind: str) -> None:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, timeout=60, transport=transport) as client:
        n = 0
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                status = client.post("/sparql", data={"query": queries[n % len(queries)]},
                                     headers={"Accept": "application/sparql-results+json"}).status_code
            except httpx.HTTPError:
                status = 0
            record.append((kind, status, time.monotonic() - started))
            n += 1
            if kind == "cheap":
                time.sleep(0.05)


def main() -> None:
    """Start the server, run the clients for ``--seconds``, print what they saw."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", type=Path, default=None, help="A build; default: build the shipped graph.")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--slow-clients", type=int, default=16)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("serve", nargs="*", help="options for serve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        build_dir = args.build_dir or Path(folder) / "build"
        if args.build_dir is None:
            subprocess.run([sys.executable, "-m", "smartcity_kg", "build", "-q", "--build-dir", str(build_dir)],
                           check=True, stdout=subprocess.DEVNULL)
        server = _serve(build_dir, args.port, args.serve, Path(folder) / "server.log")
        try:
            _run(server, f"http://127.0.0.1:{args.port}", args)
        finally:
            server.terminate()
            server.wait(15)


def _run(server: subprocess.Popen[bytes], url: str, args: argparse.Namespace) -> None:
    record: list[tuple[str, int, float]] = []
    until = time.monotonic() + args.seconds
    threads = [threading.Thread(target=_client, args=(url, f"127.0.0.{2 + n}", [SLOW], until, record, "slow"))
               for n in range(args.slow_clients)]
    threads.append(threading.Thread(target=_client, args=(url, "127.0.1.1", CHEAP, until, record, "cheap")))
    peaks: dict[int, int] = {}
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        for pid, peak in _peak_rss(_workers(server.pid)).items():
            peaks[pid] = max(peak, peaks.get(pid, 0))
        time.sleep(0.5)
    cheap = sorted(seconds for kind, status, seconds in record if kind == "cheap" and status == 200)
    print(f"{args.slow_clients} slow clients, 1 cheap client, {args.seconds:g} s; serve {' '.join(args.serve)}")
    if cheap:
        p99 = cheap[min(len(cheap) - 1, int(len(cheap) * 0.99))]
        print(f"cheap answered: {len(cheap)}; latency p50 {statistics.median(cheap) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    for kind in ("cheap", "slow"):
        counts = Counter(status for k, status, _ in record if k == kind)
        print(f"{kind}: " + ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())))
    print(f"server peak RSS {_peak_rss([server.pid]).get(server.pid, 0)} MB; workers' peak RSS (MB): "
          + ", ".join(str(peak) for peak in sorted(peaks.values(), reverse=True)))
    print("load: " + os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
