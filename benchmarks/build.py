"""Benchmark: build the shipped graph several times and print the median of each stage.

Run ``python benchmarks/build.py [--runs N] [--no-reason]``; figures go to standard output.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from smartcity_kg import BuildOptions, build


def main() -> None:
    """Build ``--runs`` times into a temporary folder and print medians and triple counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-reason", action="store_true")
    args = parser.parse_args()
    walls: list[float] = []
    stages: dict[str, list[float]] = {}
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            started = time.perf_counter()
            result = build(Path(tmp) / "build", BuildOptions(reason=not args.no_reason))
            walls.append(time.perf_counter() - started)
            for stage, seconds in result.timings.items():
                stages.setdefault(stage, []).append(seconds)
            report = result.report
    print(f"runs: {args.runs}; triples: {report['triples']}; quads: {report['quads']}; items: {report['items']}")
    print(f"wall: median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f})")
    for stage, seconds in stages.items():
        print(f"  {stage:<9} median {statistics.median(seconds):.3f} s")


if __name__ == "__main__":
    main()
