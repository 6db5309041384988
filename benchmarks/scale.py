"""Benchmark: build, open, query and walk generated graphs of 10k, 100k and 1M triples, beside raw pyoxigraph.

Run ``python benchmarks/scale.py [--sizes 10000 100000 1000000] [--runs 3] [--seed 0] [--keep DIR]``.
For each size it generates fact sheets (:mod:`generate`, the same ones for the same seed),
then prints, each as the median of ``--runs`` runs:

- the build from nothing, each of its stages (``timings.json``) and its peak memory (with its child processes':
  :mod:`memory`);
- opening the build (:func:`smartcity_kg.open_store`) beside pyoxigraph's own bulk load of
  the same TriG file, and each named query through :func:`smartcity_kg.run_query` beside the
  same text on the raw store (its default graph the union of the named graphs), with ratios;
- the network: projecting it (the graph in memory), reading the network the build saved (builds
  with an on-disk store save one), making it as of a date, and on that network the k = 5 paths
  from a U.S. firm and the brokers;
- each command as a user runs it (``query``, ``paths``, ``brokers``, ``opportunities``), in a
  process of its own, with its wall time and peak resident memory;
- a rebuild into the same folder after one fact sheet changed (an item's label edited, then put
  back), with its stages: the build validates and checks again only what the change reached.

With ``--serve SECONDS`` it also compares the servers (:mod:`serving`): ``smartcity-kg serve``
and ``oxigraph serve-read-only`` on the same build, each started on 127.0.0.1 and driven for
SECONDS by ``--clients`` concurrent clients (default 32) sending the named queries through the
SPARQL protocol, as the ``query`` command runs them: start time (to the first 200 on a query),
requests/s, the share of 503s for want of a worker, the share stopped at the time or row limit,
p50 and p99 latency. ``--serve-option`` passes options to ``smartcity-kg serve``.
``--build-dir B`` measures an existing build instead of generating one (``--sizes`` is then
ignored): opening and querying it, or with ``--network FIRM`` its network, the paths starting
from the firm named FIRM; with ``--serve-only``, only the servers are compared on it.

The machine's load (``uptime``) is printed first and last. Figures go to standard output.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Generated, generate  # noqa: E402 (the benchmark's sibling, found by the line above)
from memory import TreeMemory  # noqa: E402 (likewise)
from serving import compare_servers, query_mix  # noqa: E402 (likewise)

from smartcity_kg import load_catalogue, open_store, run_query, shipped  # noqa: E402
from smartcity_kg.store.entities import EntityIndex  # noqa: E402
from smartcity_kg.store.queries import bind_params  # noqa: E402

__all__ = ["Measure", "main", "measure_size"]


@dataclass(frozen=True)
class Measure:
    """One figure: what was measured, its median in seconds, and the peak memory where known."""

    what: str
    seconds: float
    peak_mb: float | None = None
    raw_seconds: float | None = None  # the same work on raw pyoxigraph, where it compares

    def line(self) -> str:
        """The figure as one line of the report."""
        text = f"  {self.what:<44} {self.seconds * 1000:10.1f} ms"
        if self.peak_mb is not None:
            text += f"  peak {self.peak_mb:7.0f} MB"
        if self.raw_seconds is not None:
            ratio = self.seconds / self.raw_seconds if self.raw_seconds else float("inf")
            text += f"  raw pyoxigraph {self.raw_seconds * 1000:10.1f} ms  ratio {ratio:5.2f}"
        return text


def _child(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; its wall time, its peak memory in MB and its standard output.

    The peak is that of the memory the command's process tree holds together (:class:`memory.TreeMemory`:
    the build runs its checks and rules, and writes its store, in child processes), sampled five
    times a second; only where that cannot be read, the command's own peak resident set, which on
    Linux starts from this benchmark's own (a process started by fork and exec inherits its parent's
    high-water mark), so that it overstates a small command run beside a large graph.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
        sampled = TreeMemory(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        tree = sampled.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err.read().decode()[-3000:]}")
        return wall, tree if tree else usage.ru_maxrss / 1024, out.read().decode()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "smartcity_kg", *args]


def _median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _build(graph: Path, build_dir: Path, runs: int) -> list[Measure]:
    walls: list[float] = []
    peaks: list[float] = []
    stages: dict[str, list[float]] = {}
    for turn in range(runs):
        if turn:  # the build the run before wrote just now: each run builds from nothing, not as a rebuild
            shutil.rmtree(build_dir)
        wall, peak, _ = _child(_cli("build", "-q", "--graph", str(graph), "--build-dir", str(build_dir)))
        walls.append(wall)
        peaks.append(peak)
        for stage, seconds in json.loads((build_dir / "timings.json").read_text()).items():
            stages.setdefault(stage, []).append(seconds)
    report = json.loads((build_dir / "report.json").read_text())
    out = [Measure(f"build ({report['triples']} triples, {report['quads']} quads)", statistics.median(walls),
                   max(peaks))]
    out += [Measure(f"  stage {stage}", statistics.median(seconds)) for stage, seconds in stages.items()]
    return out


def _raw_store(trig: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    return store


def _bindings(store: ox.Store, index: EntityIndex) -> dict[str, dict[str, ox.NamedNode | ox.Literal]]:
    """For each named query, its parameters bound: a sector for ``sector-markets``, else some company."""
    out = {}
    for name, query in sorted(load_catalogue(shipped("queries")).items()):
        given = ({"sector": "big-data"} if name == "sector-markets" else  # any other entity asked: some company
                 {p.name: _some_entity(store) for p in query.params if p.required or p.name == "entity"})
        out[name] = bind_params(query, given, index)
    return out


def _open_and_query(build_dir: Path, runs: int) -> list[Measure]:
    trig = build_dir / "graph.trig"
    out = [Measure("open the build (open_store)", _median(runs, lambda: open_store(build_dir)),
                   raw_seconds=_median(runs, lambda: _raw_store(trig)))]
    store, raw = open_store(build_dir), _raw_store(trig)
    catalogue = load_catalogue(shipped("queries"))
    for name, bindings in _bindings(store, EntityIndex.from_store(store)).items():
        query = catalogue[name]
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in bindings.items()}
        out.append(Measure(f"query {name}", _median(runs, lambda: run_query(store, query, bindings)),  # noqa: B023
                           raw_seconds=_median(runs, lambda: _rows(raw.query(  # noqa: B023 (run at once)
                               query.text, substitutions=substitutions, use_default_graph_as_union=True)))))
    return out


def _network(build_dir: Path, runs: int, firm: str | None = None) -> list[Measure]:
    """Projecting the network (the graph in memory, as the commands do without a saved network), reading the
    network a build saved, where it has one, the network as of a date, and on that network the k = 5
    cheapest paths from ``firm`` (a name) to the decision makers and the brokers of the default market."""
    from smartcity_kg.network.brokers import find_brokers
    from smartcity_kg.network.paths import find_paths
    from smartcity_kg.network.projection import project
    from smartcity_kg.network.snapshot import build_network
    from smartcity_kg.network.tenure import network_as_of, parse_as_of

    store = open_store(build_dir, in_memory=True)
    index = EntityIndex.from_store(store)
    labels = index.labels
    network = project(store, labels=labels)
    out = [Measure(f"network: project ({network.graph.number_of_nodes()} nodes, {network.graph.number_of_edges()} "
                   "edges)", _median(runs, lambda: project(store, labels=labels)))]
    if build_network(build_dir) is not None:
        out.append(Measure("network: read the saved network", _median(runs, lambda: build_network(build_dir))))
    when = parse_as_of("2026-06")
    out.append(Measure("network: as of a date", _median(runs, lambda: network_as_of(network, when))))
    dated = network_as_of(network, when)
    if firm:
        start = index.resolve(firm).value
        out.append(Measure("network: paths (k = 5) from a U.S. firm", _median(runs, lambda: find_paths(dated, start, k=5))))
    out.append(Measure("network: brokers (top 10)", _median(runs, lambda: find_brokers(dated))))
    return out


def _rebuild(graph: Path, build_dir: Path, runs: int) -> list[Measure]:
    """A rebuild into ``build_dir`` after one fact sheet changed: one item's label edited, then put back (each a
    rebuild of a one-sheet change), ``runs`` times; the wall time, peak memory and stages, medians."""
    sheet = sorted((graph / "facts").glob("*.yaml"))[len(list((graph / "facts").glob("*.yaml"))) // 2]
    original = sheet.read_text(encoding="utf-8")
    at = original.index("label: \"") + len("label: \"")
    edited = original[:at] + "Renamed " + original[at:]
    walls: list[float] = []
    peaks: list[float] = []
    stages: dict[str, list[float]] = {}
    try:
        for turn in range(runs):
            sheet.write_text(edited if turn % 2 == 0 else original, encoding="utf-8")
            wall, peak, _ = _child(_cli("build", "-q", "--graph", str(graph), "--build-dir", str(build_dir)))
            walls.append(wall)
            peaks.append(peak)
            for stage, seconds in json.loads((build_dir / "timings.json").read_text()).items():
                stages.setdefault(stage, []).append(seconds)
    finally:
        sheet.write_text(original, encoding="utf-8")
    out = [Measure(f"rebuild after one sheet changed ({sheet.name})", statistics.median(walls), max(peaks))]
    out += [Measure(f"  rebuild stage {stage}", statistics.median(seconds)) for stage, seconds in stages.items()]
    return out


def _serve(build_dir: Path, seconds: float, clients: int, options: tuple[str, ...] = ()) -> list[str]:
    """The lines of the server comparison on the build in ``build_dir`` (``options`` go to ``smartcity-kg serve``)."""
    from smartcity_kg.store.queries import is_reasoned

    store = open_store(build_dir)
    bindings = _bindings(store, EntityIndex.from_store(store))
    reasoned = is_reasoned(store)
    del store
    queries = query_mix({name: {k: str(v) for k, v in given.items()} for name, given in bindings.items()},
                        reasoned=reasoned)
    lines = [f"  servers: {clients} clients, {len(queries)} named queries in turn, {seconds:g} s each"
             + (f", serve {' '.join(options)}" if options else "")]
    lines += [served.line() for served in compare_servers(build_dir, queries, clients=clients, seconds=seconds,
                                                          serve_options=options)]
    return lines


def _rows(solutions: object) -> list[object]:
    """Every row of a SELECT's ``solutions``, read to the end as a caller would."""
    if not isinstance(solutions, ox.QuerySolutions):
        raise SystemExit("a named query must be a SELECT query")
    return list(solutions)


def _some_entity(store: ox.Store) -> str:
    """The IRI of the first company in the graph, for queries that need an entity."""
    for solution in _rows(store.query("SELECT ?x WHERE { ?x a <https://w3id.org/smartcity-kg/ontology#Company> } "
                                      "ORDER BY ?x LIMIT 1")):
        return str(solution["x"].value)  # type: ignore[index]
    raise SystemExit("no company in the graph")


def _commands(build_dir: Path, made: Generated, runs: int) -> list[Measure]:
    where = ("--build-dir", str(build_dir))
    commands = {
        "command query decision-makers": _cli("query", "decision-makers", *where, "--format", "csv"),
        "command query initiatives": _cli("query", "initiatives", *where, "--format", "csv"),
        f"command paths --from {made.us_firm!r} --k 5": _cli("paths", "--from", made.us_firm, "--k", "5",
                                                              "--market", made.markets[0], "--as-of", "2026-06",
                                                              *where),
        "command brokers": _cli("brokers", "--market", made.markets[0], *where),
        "command opportunities --sector big-data": _cli("opportunities", "--sector", "big-data", "--market",
                                                        made.markets[0], *where),
    }
    out = []
    for what, command in commands.items():
        walls, peaks = zip(*[_child(command)[:2] for _ in range(runs)])
        out.append(Measure(what, statistics.median(walls), max(peaks)))
    return out


def measure_size(size: int, runs: int, seed: int, work: Path) -> list[Measure]:
    """Generate ``size`` asserted triples into ``work`` and measure every stage and command."""
    made = generate(work / f"graph-{size}", size, seed=seed)
    print(f"{size} triples asked: {made.sheets} fact sheets, {made.items} items, {made.triples} asserted triples, "
          f"markets {', '.join(made.markets)}", flush=True)
    build_dir = work / f"build-{size}"
    measures = _build(made.folder, build_dir, runs)
    measures += _open_and_query(build_dir, runs)
    measures += _network(build_dir, runs, made.us_firm)
    measures += _commands(build_dir, made, runs)
    measures += _rebuild(made.folder, build_dir, runs)
    return measures


def main(argv: list[str] | None = None) -> None:
    """Measure each size of ``--sizes`` and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="asserted triples to generate, one graph per size")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is printed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="a new folder to keep the graphs and builds in")
    parser.add_argument("--serve", type=float, default=0, metavar="SECONDS",
                        help="also compare the servers under load for SECONDS each (0: not)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients of --serve")
    parser.add_argument("--serve-option", dest="serve_options", action="append", default=[], metavar="OPTION",
                        help="an option for smartcity-kg serve under --serve (repeatable: --serve-option=--workers "
                             "--serve-option=8)")
    parser.add_argument("--build-dir", type=Path, default=None, help="an existing build to measure (no generation)")
    parser.add_argument("--network", metavar="FIRM", default=None,
                        help="with --build-dir: measure the network instead, paths from the firm named FIRM")
    parser.add_argument("--serve-only", action="store_true",
                        help="with --build-dir and --serve: only the server comparison")
    args = parser.parse_args(argv)
    if args.serve_only and not (args.build_dir and args.serve):
        parser.error("--serve-only needs --build-dir and --serve")
    options = tuple(args.serve_options)
    print("load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
    if args.build_dir is not None:
        measures = ([] if args.serve_only else _network(args.build_dir, args.runs, args.network) if args.network
                    else _open_and_query(args.build_dir, args.runs))
        for measure in measures:
            print(measure.line(), flush=True)
        for line in _serve(args.build_dir, args.serve, args.clients, options) if args.serve else []:
            print(line, flush=True)
        print("load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            for measure in measure_size(size, args.runs, args.seed, work):
                print(measure.line(), flush=True)
            for line in _serve(work / f"build-{size}", args.serve, args.clients, options) if args.serve else []:
                print(line, flush=True)
    print("load: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
