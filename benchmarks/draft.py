"""Benchmark: how much of a hand-curated fact sheet 'smartcity-kg draft' finds in its source's text.

Run ``python benchmarks/draft.py [--text FILE --sheet FILE --source ID]``; by default the shipped
guide "Denmark – Smart Cities" against its curated sheet (graph/facts/ita-denmark-smart-cities.yaml),
matched against a build of the shipped graph made in a temporary folder. Prints, for entities,
years and amounts, the recall (share of the curated values the draft found) and the precision
(share of the draft's values the curated sheet has), what was missed, and the time taken.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from smartcity_kg import BuildOptions, build
from smartcity_kg.draft.names import load_names
from smartcity_kg.draft.recall import curated_facts, score
from smartcity_kg.draft.sheet import draft_sheet
from smartcity_kg.draft.text import read_text
from smartcity_kg.resources import shipped


def main() -> None:
    """Build the shipped graph, draft the text, and print recall and precision per kind."""
    graph = shipped("graph")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--text", type=Path, default=graph / "sources" / "ita-denmark-smart-cities.txt")
    parser.add_argument("--sheet", type=Path, default=graph / "facts" / "ita-denmark-smart-cities.yaml")
    parser.add_argument("--source", default="ita-denmark-smart-cities")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "build", BuildOptions())
        store = ox.Store()
        store.bulk_load(path=str(Path(tmp) / "build" / "graph.trig"), format=ox.RdfFormat.TRIG)
    started = time.perf_counter()
    _, found = draft_sheet(store, read_text(args.text), args.source, origin=args.text.name)
    took = time.perf_counter() - started
    curated = curated_facts(args.sheet, load_names(store))
    print(f"draft of {args.text.name} against {args.sheet.name}: {len(found.sentences)} sentences, "
          f"{len(found.items)} candidate items, {took:.2f} s")
    for result in score(found, curated):
        print(f"{result.kind:9} recall {result.recall:6.1%} ({len(result.hits)}/{len(result.expected)})  "
              f"precision {result.precision:6.1%} ({len(result.hits)}/{len(result.found)})")
        if result.expected - result.found:
            print(f"          missed: {', '.join(sorted(result.expected - result.found))}")
        if result.found - result.expected:
            print(f"          not in the curated sheet: {', '.join(sorted(result.found - result.expected))}")
    total = [r for r in score(found, curated)]
    hits, expected = sum(len(r.hits) for r in total), sum(len(r.expected) for r in total)
    print(f"all       recall {hits / expected:6.1%} ({hits}/{expected})")


if __name__ == "__main__":
    main()
