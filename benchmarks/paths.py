"""Benchmark: time the network projection, a paths query and brokers on the shipped graph.

Run ``python benchmarks/paths.py [--runs N]`` after ``smartcity-kg build``; prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from smartcity_kg import EntityIndex, open_store
from smartcity_kg.network.brokers import find_brokers
from smartcity_kg.network.projection import project
from smartcity_kg.network.paths import Profile, add_profile, find_paths


def _median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Print the median time of each step over ``--runs`` runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    args = parser.parse_args()
    store = open_store(args.build_dir)
    index = EntityIndex.from_store(store)
    network = project(store, labels=index.labels)
    cisco = index.resolve("Cisco").value
    profile = Profile("Brightway Lighting", index.resolve("US").value, ("intelligent-lighting",))
    print(f"network: {network.graph.number_of_nodes()} nodes, {network.graph.number_of_edges()} edges")
    print(f"project            median {_median(args.runs, lambda: project(store, labels=index.labels)) * 1000:.1f} ms")
    print(f"paths from Cisco   median {_median(args.runs, lambda: find_paths(network, cisco, k=5)) * 1000:.1f} ms")
    print(f"paths from profile median "
          f"{_median(args.runs, lambda: find_paths(add_profile(network, profile), profile.iri, k=5)) * 1000:.1f} ms")
    print(f"brokers            median {_median(args.runs, lambda: find_brokers(network)) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
