"""Benchmark: build the shipped graph several times and print the median of each stage.

Run ``python benchmarks/build.py [--runs N] [--reasoner rules|hermit|none ...]``; with several
reasoners, each is measured in turn. ``--scale 10000 100000`` also times the rules reasoner alone
on the ontology with that many generated fact-like triples. Figures go to standard output.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from smartcity_kg import BuildOptions, build
from smartcity_kg.builder.ontology import load_ontology
from smartcity_kg.builder.rules import infer
from smartcity_kg.namespaces import COUNTRY, RDF, SCK
from smartcity_kg.resources import shipped


def main() -> None:
    """Build ``--runs`` times per reasoner into a temporary folder; print medians and counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reasoner", nargs="*", choices=["rules", "hermit", "none"], default=["rules"])
    parser.add_argument("--scale", type=int, nargs="*", default=[], help="asserted triples to generate")
    args = parser.parse_args()
    for reasoner in args.reasoner:
        _bench_build(reasoner, args.runs)
    for size in args.scale:
        _bench_rules(size, args.runs)


def _bench_build(reasoner: str, runs: int) -> None:
    walls: list[float] = []
    stages: dict[str, list[float]] = {}
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            started = time.perf_counter()
            result = build(Path(tmp) / "build", BuildOptions(reasoner=reasoner))
            walls.append(time.perf_counter() - started)
            for stage, seconds in result.timings.items():
                stages.setdefault(stage, []).append(seconds)
            report = result.report
    print(f"reasoner: {reasoner}; runs: {runs}; triples: {report['triples']}; quads: {report['quads']}; "
          f"items: {report['items']}; reasoning: {report['reasoning']}")
    print(f"wall: median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f})")
    for stage, seconds in stages.items():
        print(f"  {stage:<9} median {statistics.median(seconds):.3f} s")


def _facts(size: int) -> list[ox.Triple]:
    """About ``size`` fact-like triples: firms and authorities based in cities in regions, posts and holders."""
    def n(kind: str, i: int) -> ox.NamedNode:
        return ox.NamedNode(f"https://example.org/bench/{kind}-{i}")

    def t(s: ox.NamedNode, p: str, o: ox.NamedNode | str) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o)

    out: list[ox.Triple] = []
    i = 0
    while len(out) < size:
        region, city, org, post, person, holding = (n(k, i) for k in ("region", "city", "org", "post", "person", "holding"))
        out += [t(region, RDF + "type", SCK + "Region"), t(region, SCK + "locatedIn", COUNTRY + ("DK" if i % 2 else "US")),
                t(city, RDF + "type", SCK + "City"), t(city, SCK + "locatedIn", region),
                t(org, RDF + "type", SCK + ("Company" if i % 3 else "PublicAuthority")), t(org, SCK + "basedIn", city),
                t(post, RDF + "type", SCK + "Post"), t(post, SCK + "postIn", org),
                t(person, RDF + "type", SCK + "Person"), t(holding, RDF + "type", SCK + "PostHolding"),
                t(holding, SCK + "holder", person), t(holding, SCK + "post", post)]
        i += 1
    return out


def _bench_rules(size: int, runs: int) -> None:
    triples = load_ontology(shipped("ontology")).triples + _facts(size)
    seconds, inferred = [], 0
    for _ in range(runs):
        inference = infer(triples, timeout=3600)
        seconds.append(inference.seconds)
        inferred = len(inference.triples)
    print(f"rules alone, {size} generated triples (+ the ontology): median {statistics.median(seconds):.2f} s "
          f"(min {min(seconds):.2f}, max {max(seconds):.2f}); {inferred} inferred")


if __name__ == "__main__":
    main()
