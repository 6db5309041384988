"""The build: fact sheets and ontology → validated, reasoned RDF dataset, written atomically."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .cache import BuildKey, build_key, graph_digests, previous_blocks, previous_data, write_record
from .checks import CHECK_TIMEOUT, start_checks
from .extra import MoreOutputs, Pending, start_outputs
from ..exceptions import InputError, OutputError, Problem, ReasoningError, ValidationError
from .facts import Compiled, compile_sheets, graph_iri
from .forked import Answer, can_fork, start_answer
from .links import add_links
from .rewrite import Earlier
from ..namespaces import DEFAULT_BASE, ONTOLOGY_IRI, PREFIXES
from .ontology import Ontology, load_ontology
from .sectors import add_sectors
from ..store.rdfio import read_rdf
from ..store.ondisk import STORE_FROM
from ..outputs import check_folder, replacing_folder, write_file
from ..resources import shipped
from .scope import local_shapes, neighbourhood, reach
from .sheetcache import SheetRecord, compile_context, read_records, write_records
from .sources import load_sources
from .validate import shacl_problems
from .writing import Tally, canonical_graphs, start_dataset

__all__ = ["REASONERS", "BuildOptions", "BuildResult", "build"]

#: The reasoners a build can run, each with the name the report gives it.
REASONERS: dict[str, str | None] = {
    "rules": "rules (OWL axioms as SPARQL rules, pyoxigraph)",
    "hermit": "HermiT (owlready2)",
    "none": None,
}
#: What each reasoner's "consistent" covers.
_CHECKED = {
    "rules": "no individual in two disjoint classes (owl:disjointWith, owl:AllDisjointClasses) or in owl:Nothing",
    "hermit": "OWL 2 DL consistency of the ontology with the facts (literals left out)",
}


@dataclass(frozen=True)
class BuildOptions:
    """What to build from, and how. Paths default to the files shipped with the package."""

    ontology_dir: Path = field(default_factory=lambda: shipped("ontology"))
    graph_dir: Path = field(default_factory=lambda: shipped("graph"))
    checks_dir: Path = field(default_factory=lambda: shipped("queries") / "checks")
    base: str = DEFAULT_BASE
    #: ``"rules"`` (the ontology's axioms as SPARQL rules; no Java), ``"hermit"`` (owlready2 and
    #: HermiT; needs Java) or ``"none"``.
    reasoner: str = "rules"
    #: Seconds the reasoner may take: CPU time of the thread that runs the rules, in their child
    #: process (waiting for a processor does not count), wall-clock time of HermiT's child process.
    reason_timeout: float = 120.0
    #: Seconds each quality check may run before it is stopped.
    check_timeout: float = CHECK_TIMEOUT
    #: Quads from which the build also writes an on-disk store that readers open at once
    #: (:mod:`smartcity_kg.store.ondisk`); 0: always.
    store_from: int = STORE_FROM

    @property
    def inputs(self) -> dict[str, Path]:
        """The folders the build reads, by name: no output may be, hold or lie inside one."""
        return {"ontology folder": self.ontology_dir, "graph folder": self.graph_dir, "checks folder": self.checks_dir}

    @property
    def sources_file(self) -> Path:
        """The source records: ``<graph_dir>/sources/sources.yaml``."""
        return self.graph_dir / "sources" / "sources.yaml"

    @property
    def fact_sheets(self) -> list[Path]:
        """The fact sheets: ``<graph_dir>/facts/*.yaml``."""
        return sorted((self.graph_dir / "facts").glob("*.yaml"))


@dataclass
class BuildResult:
    """What a build wrote and its report."""

    out_dir: Path
    report: dict[str, object]
    timings: dict[str, float]


Stage = Callable[[str], None]
# An absolute http(s) IRI: a scheme, a host, then a path without spaces or characters IRIs forbid.
_ABSOLUTE_HTTP = re.compile(r"^https?://[^/?#\s<>\"{}|\\^`@]+(/[^\s<>\"{}|\\^`]*)?$")


def build(out_dir: Path, options: BuildOptions | None = None, on_stage: Stage | None = None,
          add_outputs: Callable[[Path], None] | MoreOutputs | None = None) -> BuildResult:
    """Build the graph into ``out_dir``, replacing a previous build only on success.

    ``out_dir`` must be absent, empty or a build that smartcity-kg wrote (it holds the
    marker :data:`smartcity_kg.outputs.MARKER` and nothing else), and must not be, hold or
    lie inside an input folder; this is checked before any work and again before the swap.

    Stages: load the ontology and sources, compile the fact sheets (schema checks, quotes; only those
    whose compile the previous build in ``out_dir`` does not give, :mod:`~smartcity_kg.builder.sheetcache`),
    validate with SHACL, run the quality checks, reason (rules or HermiT), write the outputs.
    Validation, the checks and the rules run at once: validation in the calling thread, the
    quality checks in a child process without a network, the rules in another child process
    (where the system can fork; elsewhere in the calling process once the checks have passed)
    with whatever network the caller has (the command line runs ``build`` without one; see
    :mod:`smartcity_kg.sandbox`). Their errors keep the stages' order: a SHACL violation is
    raised whatever the checks and the rules found, a check's error only where validation
    passed, a reasoning error only where both passed.

    The stage timings (:attr:`BuildResult.timings`, ``timings.json``) follow one another, none
    counted twice: ``validate`` is the SHACL validation (the checks and the rules running
    meanwhile), ``check`` the wait for the checks after it, ``reason`` the wait for the rules
    after that (HermiT's whole run, or the rules' where no child can be forked).

    ``add_outputs``, if given, writes more outputs into the new build's folder once its files are
    written, before it replaces ``out_dir``: a function called with the folder, or a
    :class:`~smartcity_kg.builder.extra.MoreOutputs`, whose ``make`` works on the dataset in a child
    process while the files are written (the command line projects and saves the network, which
    this layer may not import, so). If it fails, the previous build stays.

    Raises
    ------
    InputError
        For bad input (with file and line), or a base IRI that is not an absolute http(s)
        IRI ending with '/' or '#'; ``out_dir`` is left as it was.
    OutputError
        If ``out_dir`` may not be replaced (see :func:`smartcity_kg.outputs.check_folder`), or
        the outputs cannot be written (a read-only or full disk); the previous build stays.
    ReasoningError
        If the reasoner is missing, fails, times out, or finds the facts inconsistent.
    """
    options = options or BuildOptions()
    _check_options(options)
    check_folder(out_dir, inputs=options.inputs)
    notify = on_stage or (lambda stage: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    notify("load")
    onto = load_ontology(options.ontology_dir)
    add_sectors(onto, options.graph_dir / "sectors.yaml")
    sources = load_sources(options.sources_file)
    sheets = options.fact_sheets
    if not sheets:
        raise InputError.at(options.graph_dir / "facts", None, "no fact sheets (*.yaml) here")
    lap("load")
    notify("compile")
    context = compile_context(ontology_dir=options.ontology_dir, graph_dir=options.graph_dir, base=options.base)
    compiled, records = compile_sheets(sheets, sources, onto, options.base, read_records(out_dir, context))
    lap("compile")
    outputs = add_outputs if add_outputs is None or isinstance(add_outputs, MoreOutputs) else MoreOutputs.saving(add_outputs)
    notify("validate")
    data = [t for triples in compiled.graphs.values() for t in triples]
    add_links(onto.triples, compiled.graphs)  # into the graphs, not into ``data``: links are not validated
    key = build_key(ontology_dir=options.ontology_dir, graph_dir=options.graph_dir, checks_dir=options.checks_dir,
                    base=options.base, sheets=sheets, graphs=compiled.graphs)
    earlier = previous_blocks(out_dir, key)
    scope, checked = _scope(out_dir, key, compiled, options, earlier)
    digests = _digests(key, options.reasoner)
    # A rebuild's checks and rules look at what changed only: its outputs start now, and load the dataset meanwhile.
    pending = None if outputs is None or scope is None else start_outputs(
        outputs, dict(_asserted(onto, compiled)), partial=True, canonical=canonical_graphs)
    try:
        check_counts, inferred = _judge(onto, data, compiled, options, (scope, checked), (earlier, digests), notify, lap)
        reasoning: dict[str, object] = {"reasoner": None}
        if options.reasoner != "none":
            reasoning = {"reasoner": REASONERS[options.reasoner], "consistent": True,
                         "consistency_checked": _CHECKED[options.reasoner], "inferred_triples": len(inferred)}
        notify("write")
        report, tally = _write(out_dir, _dataset(onto, compiled, inferred, options.base), options,
                               lambda tally: _report(tally, compiled, onto, options, check_counts, reasoning),
                               earlier, {**digests, **graph_digests({graph_iri(options.base, "inferred").value: inferred})},
                               (outputs, pending), (context, records), lap)
        _write_timings(out_dir, timings)
        write_record(out_dir, key, tally)
    except OSError as exc:  # a read-only or full disk: one line, the previous build kept
        where = f": {exc.filename}" if exc.filename else ""
        raise OutputError(out_dir, f"cannot write the build: {exc.strerror or exc}{where}") from None
    finally:
        if pending is not None:
            pending.stop()
    return BuildResult(out_dir, report, timings)


def _check_options(options: BuildOptions) -> None:
    """Refuse a base that is not an absolute http(s) IRI ending with '/' or '#', or an unknown reasoner."""
    if not _ABSOLUTE_HTTP.match(options.base):
        raise InputError.at(None, None, f"the base IRI {options.base!r} must be an absolute http(s) IRI, "
                                        "such as 'https://example.org/kg/'")
    if not options.base.endswith(("/", "#")):
        raise InputError.at(None, None, f"the base IRI {options.base!r} must end with '/' or '#'")
    if options.reasoner not in REASONERS:
        raise InputError.at(None, None, f"unknown reasoner {options.reasoner!r}: expected one of {', '.join(REASONERS)}")


#: The inputs a previous build must share for its validation to stand (the checks do not matter).
_VALIDATED_BY = ("format", "base", "ontology", "graph", "code")


def _scope(out_dir: Path, key: BuildKey, compiled: Compiled, options: BuildOptions,
           earlier: Earlier | None) -> tuple[set[ox.NamedNode] | None, bool]:
    """The nodes to validate again, where ``out_dir`` holds a trusted previous build (None: all),
    and whether that build ran the same checks (so that they too may look at those nodes only)."""
    data_shapes = options.ontology_dir / "shapes" / "data.ttl"
    if not data_shapes.is_file() or not local_shapes(read_rdf(data_shapes)):
        return None, False
    previous = previous_data(out_dir, key, _VALIDATED_BY, earlier)
    if previous is None:
        return None, False
    quads = {ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
             for graph in previous.changed for t in compiled.graphs.get(graph, [])}
    return reach(previous.quads, quads, compiled.graphs), key.same_inputs(previous.key, ("checks",))


def _validate(onto: Ontology, data: list[ox.Triple], compiled: Compiled, options: BuildOptions,
              scope: set[ox.NamedNode] | None = None) -> None:
    """SHACL: the ontology and all the data, or (``scope``) only the nodes a change reached."""
    shapes_dir = options.ontology_dir / "shapes"
    ontology_shapes = read_rdf(shapes_dir / "ontology.ttl")
    data_shapes = read_rdf(shapes_dir / "data.ttl")
    hub = options.ontology_dir / "smartcity-kg.ttl"
    problems: list[Problem] = []
    if scope is None:  # with a scope, the ontology and its shapes are those the previous build passed
        problems += shacl_problems(onto.triples, ontology_shapes, _term_origins(onto), hub,
                                   shapes_file=shapes_dir / "ontology.ttl")
    if scope is not None and not scope:  # nothing changed that a shape looks at
        return
    focus = None if scope is None else {node.value for node in scope}
    judged = data if scope is None else neighbourhood(scope, {"": data})[""]
    problems += shacl_problems(onto.triples + judged, data_shapes, compiled.origins, options.sources_file,
                               compiled.statement_origins, shapes_file=shapes_dir / "data.ttl", focus=focus)
    if problems:
        raise ValidationError(problems)


def _term_origins(onto: Ontology) -> dict[str, Problem]:
    """Where each term of the ontology is written: its module file and line."""
    origins: dict[str, Problem] = {}
    for path in onto.modules.values():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for prefix, namespace in PREFIXES.items():
                if line.startswith(f"{prefix}:") and " " in line:
                    iri = namespace + line[len(prefix) + 1:line.index(" ")]
                    origins.setdefault(iri, Problem(path, number, iri))
    return origins


def _judge(onto: Ontology, data: list[ox.Triple], compiled: Compiled, options: BuildOptions,
           scope: tuple[set[ox.NamedNode] | None, bool], previous: tuple[Earlier | None, dict[str, str]],
           notify: Stage, lap: Stage) -> tuple[dict[str, int], list[ox.Triple]]:
    """Validate, run the quality checks and reason, at once; return the checks' counts and the inferred triples.

    The rules (``options.reasoner == "rules"``, where a child can be forked) and the checks each
    start in a child process; validation then runs in this thread. The checks are then waited
    for, then the rules; HermiT, or the rules where no child can be forked, run after the checks
    in this process. The first failing stage's error is raised (validation, checks, reasoning)
    and the children are stopped. ``scope`` is the nodes to validate again with whether the
    checks may look at them only (:func:`_scope`); ``previous`` the previous build and the
    digests of this one's graphs (:func:`_reason`). Laps ``validate``, ``check`` and ``reason``.
    """
    nodes, checked = scope
    triples = onto.triples + data
    reasoning = None
    if options.reasoner == "rules" and can_fork():
        reasoning = start_answer(_inferred_ntriples, triples, options, *previous, compiled)
    try:
        checks = start_checks(onto.triples, compiled, options.checks_dir, timeout=options.check_timeout,
                              scope=nodes if checked else None)
        try:
            _validate(onto, data, compiled, options, nodes)
            lap("validate")
            notify("check")
            counts = checks.result()
            lap("check")
        finally:
            checks.stop()
        inferred: list[ox.Triple] = []
        if options.reasoner != "none":
            notify("reason")
            inferred = _answer(reasoning) if reasoning else _reason(triples, options, *previous, compiled)
            lap("reason")
    finally:
        if reasoning:
            reasoning.stop()
    return counts, inferred


def _inferred_ntriples(triples: list[ox.Triple], options: BuildOptions, earlier: Earlier | None,
                       digests: dict[str, str], compiled: Compiled) -> bytes:
    """:func:`_reason`'s triples as N-Triples, in their order (a child process hands them over so)."""
    return ox.serialize(_reason(triples, options, earlier, digests, compiled), format=ox.RdfFormat.N_TRIPLES) or b""


def _answer(reasoning: Answer) -> list[ox.Triple]:
    """The inferred triples that the child process of the rules sends, or its error."""
    try:
        ntriples = reasoning.result()
    except ChildProcessError as exc:
        raise ReasoningError(f"the rules stopped without an answer: {exc}") from None
    return [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]


def _reason(triples: list[ox.Triple], options: BuildOptions, earlier: Earlier | None, digests: dict[str, str],
            compiled: Compiled) -> list[ox.Triple]:
    """The inferred types and object-property values of the named individuals: the rules', or the previous
    build's (``earlier``) where the change touched nothing the rules read (:mod:`smartcity_kg.builder.unread`)."""
    from .rules import close_hierarchies, infer

    if options.reasoner == "rules":
        from .unread import kept_inference

        kept = kept_inference(earlier, digests, compiled.graphs, triples, graph_iri(options.base, "inferred").value)
        if kept is not None:
            return kept
    if options.reasoner == "hermit":
        from .reason import reason

        return close_hierarchies(triples, reason(triples, timeout=options.reason_timeout).triples)
    return infer(triples, timeout=options.reason_timeout).triples


def _asserted(onto: Ontology, compiled: Compiled) -> list[tuple[str, list[ox.Triple]]]:
    """The dataset's graphs but the inferred one: the ontology's and each source's, as compiled."""
    return [(ONTOLOGY_IRI, onto.triples), *compiled.graphs.items()]


def _dataset(onto: Ontology, compiled: Compiled, inferred: list[ox.Triple], base: str) -> dict[str, list[ox.Triple]]:
    """The dataset's graphs: the ontology's, each source's and the inferred graph; blank nodes canonical."""
    return canonical_graphs([*_asserted(onto, compiled), (graph_iri(base, "inferred").value, inferred)])


def _report(tally: Tally, compiled: Compiled, onto: Ontology, options: BuildOptions,
            checks: dict[str, int], reasoning: dict[str, object]) -> dict[str, object]:
    sources = {}
    for source_id, path in sorted(compiled.sheets.items()):
        graph = graph_iri(options.base, source_id).value
        sources[source_id] = {"fact_sheet": path.name, "graph": graph, "triples": tally.graphs.get(graph, 0)}
    return {
        "base": options.base,
        "ontology": {"iri": ONTOLOGY_IRI, "modules": len(onto.modules), "triples": tally.graphs.get(ONTOLOGY_IRI, 0)},
        "quads": tally.quads,
        "triples": tally.triples,
        "items": compiled.items,
        "sources": sources,
        "classes": tally.classes,
        "validation": {"fact_sheets": "ok", "shacl": "conforms", "checks": checks},
        "reasoning": reasoning,
    }


def _write_timings(out_dir: Path, timings: dict[str, float]) -> None:
    """Write the stage timings beside the build; the only output that differs between builds."""
    write_file(out_dir / "timings.json", json.dumps(timings, indent=2) + "\n")


def _digests(key: BuildKey, reasoner: str) -> dict[str, str]:
    """A digest of each graph the build writes but the inferred one: the compiled graphs', the ontology's (its
    inputs, and the reasoner, on which the inferred graph of the same ontology depends)."""
    digests = dict(key.graphs)
    inputs = {name: key.inputs.get(name) for name in _VALIDATED_BY}
    digests[ONTOLOGY_IRI] = json.dumps({**inputs, "reasoner": reasoner}, sort_keys=True)
    return digests


def _write(out_dir: Path, graphs: dict[str, list[ox.Triple]], options: BuildOptions,
           describe: Callable[[Tally], dict[str, object]], earlier: Earlier | None, digests: dict[str, str],
           outputs: tuple[MoreOutputs | None, Pending | None], compile_cache: tuple[str, list[SheetRecord]],
           lap: Stage) -> tuple[dict[str, object], Tally]:
    """Write the dataset files, the report that ``describe`` makes of their tally and the ``compile_cache``
    (:func:`~smartcity_kg.builder.sheetcache.write_records`' context and records); return the report and tally.

    The blocks of the graphs whose ``digests`` the previous build ``earlier`` shares are copied
    from its files. The on-disk store is written by a child process once they are written, and the
    ``outputs`` (more outputs, and those already being made of part of the dataset, which now get
    the inferred graph) are made from ``graphs`` by another (:mod:`smartcity_kg.builder.storejob`,
    :mod:`smartcity_kg.builder.extra`); they are saved into the temporary folder once the files are
    written, before the swap. ``lap`` times the dataset files (``write``), what is left of the other
    outputs then (``outputs``) and of writing the store once they are done (``store``).
    """
    more, pending = outputs
    inferred = graph_iri(options.base, "inferred").value
    with replacing_folder(out_dir, inputs=options.inputs, later=["timings.json"]) as tmp:
        if pending is not None:
            pending.complete({inferred: graphs[inferred]})
        elif more is not None:
            pending = start_outputs(more, graphs)
        store = None
        try:
            tally, store = start_dataset(tmp, graphs, ontology=ox.NamedNode(ONTOLOGY_IRI), store_from=options.store_from,
                                         digests=digests, earlier=earlier)
            report = describe(tally)
            (tmp / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
            write_records(tmp, *compile_cache)
            lap("write")
            if pending is not None:
                pending.save(tmp)
            lap("outputs")
            if store is not None:
                store.finish()
            lap("store")
        finally:
            if pending is not None:
                pending.stop()
            if store is not None:
                store.cancel()
    return report, tally
