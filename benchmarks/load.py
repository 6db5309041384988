"""Benchmark: load a running ``smartcity-kg serve`` with concurrent clients and print throughput and latency.

Start a server first (``smartcity-kg serve --workers 2``; this script starts nothing), then run
``python benchmarks/load.py [--url URL] [--clients N] [--seconds T] [--max-requests M]``. Each
client loops over every named query (GET /queries/<name>, JSON; an entity parameter without a
default is given ``--entity``) and a few /sparql queries until T seconds pass or M requests
are made in all. It prints requests per second, the p50 and p99 latency in milliseconds, and
the number of errors (any status but 200, or no answer), then the same per kind of request.
"""

from __future__ import annotations

import argparse
import itertools
import math
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

import httpx

JSON_RESULTS = "application/sparql-results+json"
SPARQL = [
    "SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20",
    "SELECT ?label WHERE { <https://w3id.org/smartcity-kg/id/cisco> <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    "ASK { ?s <https://w3id.org/smartcity-kg/ontology#basedIn> <https://w3id.org/smartcity-kg/country/DK> }",
]


@dataclass(frozen=True)
class Target:
    """One request of the mix: a named query or a SPARQL query."""

    name: str
    method: str
    path: str
    data: dict[str, str] | None = None


@dataclass
class Tally:
    """What the clients measured, shared between their threads."""

    limit: int
    deadline: float
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        """Claim one request, unless the time or the request budget is spent."""
        with self.lock:
            if self.sent >= self.limit or time.monotonic() >= self.deadline:
                return False
            self.sent += 1
            return True

    def record(self, target: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(target, []).append(seconds)
            if error is not None:
                self.errors[error] += 1


def _mix(client: httpx.Client, entity: str) -> list[Target]:
    named = []
    for item in client.get("/queries").raise_for_status().json()["queries"]:
        given = {p["name"]: entity for p in item["params"] if p["default"] is None and p["kind"] == "entity"}
        named.append(Target(item["name"], "GET", item["url"] + ("?" + urllib.parse.urlencode(given) if given else "")))
    return named + [Target(f"sparql-{i}", "POST", "/sparql", {"query": q}) for i, q in enumerate(SPARQL, 1)]


def _client(url: str, mix: list[Target], offset: int, tally: Tally) -> None:
    with httpx.Client(base_url=url, timeout=60, headers={"Accept": JSON_RESULTS}) as client:
        for target in itertools.islice(itertools.cycle(mix), offset, None):
            if not tally.take():
                return
            started = time.perf_counter()
            try:
                response = client.request(target.method, target.path, data=target.data)
                error = None if response.status_code == 200 else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            tally.record(target.name, time.perf_counter() - started, error)


def _percentile(values: list[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> None:
    """Run the clients and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--entity", default="Cisco", help="The value of entity parameters that have no default.")
    args = parser.parse_args()
    with httpx.Client(base_url=args.url, timeout=60) as client:
        mix = _mix(client, args.entity)
    started = time.monotonic()
    tally = Tally(limit=args.max_requests, deadline=started + args.seconds)
    threads = [threading.Thread(target=_client, args=(args.url, mix, i * len(mix) // args.clients, tally))
               for i in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    every = [s for seconds in tally.latencies.values() for s in seconds]
    if not every:
        raise SystemExit("no request was made")
    print(f"{args.url}: {args.clients} clients, {len(mix)} kinds of request, {len(every)} requests in {wall:.1f} s")
    print(f"throughput {len(every) / wall:.1f} req/s; latency p50 {_percentile(every, 50) * 1000:.1f} ms, "
          f"p99 {_percentile(every, 99) * 1000:.1f} ms; errors {sum(tally.errors.values())}"
          + (f" ({', '.join(f'{k}: {n}' for k, n in sorted(tally.errors.items()))})" if tally.errors else ""))
    for name, seconds in sorted(tally.latencies.items()):
        print(f"  {name:<28} {len(seconds):>6} requests, p50 {_percentile(seconds, 50) * 1000:7.1f} ms, "
              f"p99 {_percentile(seconds, 99) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
