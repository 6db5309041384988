"""Tests of smartcity_kg.builder.sheetcache: a rebuild compiles only the sheets that changed, and gives what a
compile from nothing gives."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.builder.facts import compile_facts, compile_sheets
from smartcity_kg.builder.items import ItemCompiler
from smartcity_kg.builder.ontology import Ontology, load_ontology
from smartcity_kg.builder.pipeline import BuildOptions, build
from smartcity_kg.builder.sheetcache import CACHE_FILES, compile_context, read_records, write_records
from smartcity_kg.builder.sources import load_sources
from smartcity_kg.exceptions import InputError
from smartcity_kg.resources import shipped

BASE = "https://w3id.org/smartcity-kg/"
INDEX, TRIPLES = CACHE_FILES
# A second sheet that refers to the first's entities: its statements hold their labels ("Acme: partner ...").
OTHER = """\
source: other-source
items:
  - about: acme
    founded: 2014
    unquoted: a test
  - id: odense-lab
    type: Partnership
    label: Odense lab
    partner: [acme, odense-municipality]
    purpose: to test street lights
    unquoted: a test
  - id: odense-municipality
    type: Municipality
    label: Odense Municipality
    basedIn: DK
    unquoted: a test
"""
# A third sheet that refers to nothing the others declare.
THIRD = """\
source: third-source
items:
  - id: vejle
    type: City
    label: Vejle
    locatedIn: DK
    unquoted: a test
"""
THIRD_SOURCE = """\
  - id: third-source
    title: A third source
    publisher: Test Publisher
    url: https://example.org/third
    kind: web-page
    language: en
"""


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology(shipped("ontology"))


@pytest.fixture
def graph(graph_dir: Path) -> Path:
    """The minimal graph with two more sheets: ``other-source.yaml`` refers to ``tiny-source.yaml``'s entities."""
    sources = graph_dir / "sources" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + THIRD_SOURCE, encoding="utf-8")
    (graph_dir / "facts" / "other-source.yaml").write_text(OTHER, encoding="utf-8")
    (graph_dir / "facts" / "third-source.yaml").write_text(THIRD, encoding="utf-8")
    return graph_dir


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _compiled(graph: Path, onto: Ontology, previous: Path | None = None):  # type: ignore[no-untyped-def]
    """compile_sheets of ``graph``, with the records of the compile cache in the folder ``previous``."""
    sheets = sorted((graph / "facts").glob("*.yaml"))
    sources = load_sources(graph / "sources" / "sources.yaml")
    context = compile_context(ontology_dir=shipped("ontology"), graph_dir=graph, base=BASE)
    records = read_records(previous, context) if previous is not None else None
    return compile_sheets(sheets, sources, onto, BASE, records)


@pytest.fixture
def compiled_items(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids or notations of the items compiled (not reused) from now on, in order."""
    seen: list[str] = []
    compile_item = ItemCompiler.item

    def item(self, item):  # type: ignore[no-untyped-def]
        seen.append(item.key)
        return compile_item(self, item)

    monkeypatch.setattr(ItemCompiler, "item", item)
    return seen


def _move_third_source(graph: Path) -> None:
    """Move the third source's record from the end of ``sources.yaml`` to its start."""
    path = graph / "sources" / "sources.yaml"
    text = path.read_text(encoding="utf-8").replace(THIRD_SOURCE, "")
    path.write_text(text.replace("sources:\n", "sources:\n" + THIRD_SOURCE), encoding="utf-8")


def _cache(graph: Path, onto: Ontology, folder: Path) -> Path:
    """Compile ``graph`` from nothing and write its compile cache into ``folder``."""
    folder.mkdir()
    context = compile_context(ontology_dir=shipped("ontology"), graph_dir=graph, base=BASE)
    write_records(folder, context, _compiled(graph, onto)[1])
    return folder


CHANGES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    # a label the other sheet's statements show: both sheets compiled again, the third reused
    "label of a referenced entity": (lambda g: _edit(g / "facts" / "tiny-source.yaml", "label: Acme", "label: Acme Inc"),
                                     ["acme", "odense-lab", "odense-municipality", "aarhus", "acme"]),
    # a sheet's own item: only that sheet
    "a sheet's own value": (lambda g: _edit(g / "facts" / "third-source.yaml", "label: Vejle", "label: Vejle Kommune"),
                            ["vejle"]),
    # the text of the source: the quotes' selectors of the sheet that cites it
    "a source text": (lambda g: (g / "sources" / "tiny-source.txt").write_text(
        "Preamble.\n" + (g / "sources" / "tiny-source.txt").read_text(encoding="utf-8"), encoding="utf-8"),
                      ["aarhus", "acme"]),
    # a record moved in sources.yaml: no sheet compiled again
    "a source record moved": (_move_third_source, []),
    # a sheet whose ids no other sheet refers to
    "a sheet removed": (lambda g: (g / "facts" / "third-source.yaml").unlink(), []),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_compile_with_the_records_of_another_is_a_compile_from_nothing(graph: Path, onto: Ontology, tmp_path: Path,
                                                                         compiled_items: list[str], change: str) -> None:
    cache = _cache(graph, onto, tmp_path / "cache")
    edit, compiled_again = CHANGES[change]
    edit(graph)
    compiled_items.clear()
    again, records = _compiled(graph, onto, cache)
    assert compiled_items == compiled_again
    fresh, fresh_records = _compiled(graph, onto)
    assert again == fresh
    assert [list(again.graphs[g]) for g in again.graphs] == [list(fresh.graphs[g]) for g in fresh.graphs]
    assert list(again.statement_origins.items()) == list(fresh.statement_origins.items())
    assert list(again.origins.items()) == list(fresh.origins.items())
    assert records == fresh_records


def test_a_label_change_reaches_the_statements_of_the_sheets_that_show_it(graph: Path, onto: Ontology,
                                                                          tmp_path: Path) -> None:
    def statements(previous: Path | None = None) -> list[str]:
        other = _compiled(graph, onto, previous)[0].graphs[BASE + "graph/other-source"]
        return [t.object.value for t in other if t.predicate.value.endswith("statement")]

    before = statements()
    cache = _cache(graph, onto, tmp_path / "cache")
    CHANGES["label of a referenced entity"][0](graph)
    after = statements(cache)
    assert after == [s.replace("Acme", "Acme Inc") for s in before] and after != before
    assert any(s.startswith("Acme Inc: ") for s in after) and any("Acme Inc, Odense" in s for s in after)


@pytest.mark.parametrize("edit", [
    pytest.param(lambda g: _edit(g / "facts" / "tiny-source.yaml", "id: acme", "id: acme-corp"), id="id-removed"),
    pytest.param(lambda g: _edit(g / "facts" / "third-source.yaml", "id: vejle", "id: acme"), id="duplicate-id"),
    pytest.param(lambda g: _edit(g / "facts" / "third-source.yaml", "id: vejle", "id: DK"), id="id-of-the-ontology"),
    pytest.param(lambda g: (g / "facts" / "third-source-2.yaml").write_text(THIRD, encoding="utf-8"),
                 id="second-sheet-for-a-source"),
    pytest.param(lambda g: _edit(g / "sources" / "sources.yaml", "  - id: third-source\n", "  - id: fourth-source\n"),
                 id="source-removed"),
])
def test_errors_after_a_change_are_those_of_a_compile_from_nothing(graph: Path, onto: Ontology, tmp_path: Path,
                                                                   edit: Callable[[Path], None]) -> None:
    cache = _cache(graph, onto, tmp_path / "cache")
    edit(graph)
    with pytest.raises(InputError) as fresh:
        _compiled(graph, onto)
    with pytest.raises(InputError) as again:
        _compiled(graph, onto, cache)
    assert again.value.problems == fresh.value.problems and str(again.value) == str(fresh.value)
    assert all(problem.path is not None and problem.line is not None for problem in again.value.problems)


def test_an_id_removed_names_the_sheet_and_line_that_refer_to_it(graph: Path, onto: Ontology, tmp_path: Path) -> None:
    cache = _cache(graph, onto, tmp_path / "cache")
    _edit(graph / "facts" / "tiny-source.yaml", "id: acme", "id: acme-corp")
    with pytest.raises(InputError, match=r"other-source\.yaml:3: unknown entity 'acme'"):
        _compiled(graph, onto, cache)


BREAKS: dict[str, Callable[[Path], None]] = {
    "no index": lambda folder: (folder / INDEX).unlink(),
    "not JSON": lambda folder: (folder / INDEX).write_text("{", encoding="utf-8"),
    "another format": lambda folder: _index(folder, lambda index: {**index, "format": 0}),
    "another context": lambda folder: _index(folder, lambda index: {**index, "context": "another"}),
    "a wrong type": lambda folder: _index(folder, lambda index: {**index, "sheets": [
        {**s, "items": [[k, "yes", *rest] for k, _, *rest in s["items"]]} for s in index["sheets"]]}),
    "a span out of the file": lambda folder: _index(folder, lambda index: {**index, "sheets": [
        {**s, "span": [0, 10 ** 9]} for s in index["sheets"]]}),
    "triples truncated": lambda folder: (folder / TRIPLES).write_bytes((folder / TRIPLES).read_bytes()[:-10]),
    "triples edited": lambda folder: (folder / TRIPLES).write_bytes((folder / TRIPLES).read_bytes().replace(b"Acme", b"Acne")),
    "triples unreadable, digest too": lambda folder: _triples(folder, lambda data: data.replace(b" .\n", b"\n")),
    "counts wrong": lambda folder: _index(folder, lambda index: {**index, "sheets": [
        {**s, "items": [[*item[:5], item[5] + 1] for item in s["items"]]} for s in index["sheets"]]}),
    "labels that are not the sheet's": lambda folder: _index(folder, lambda index: {**index, "sheets": [
        {**s, "items": [[*item[:4], "Another label" if item[1] else None, item[5]] for item in s["items"]]}
        for s in index["sheets"]]}),
}


def _index(folder: Path, change: Callable[[dict], dict]) -> None:  # type: ignore[type-arg]
    index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    (folder / INDEX).write_text(json.dumps(change(index)), encoding="utf-8")


def _triples(folder: Path, change: Callable[[bytes], bytes]) -> None:
    """Change the triples file and write its size and SHA-256 into the index, as another writer could."""
    import hashlib

    data = change((folder / TRIPLES).read_bytes())
    (folder / TRIPLES).write_bytes(data)
    _index(folder, lambda index: {**index, "triples": {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}})


@pytest.mark.parametrize("damage", list(BREAKS))
def test_a_broken_or_stale_cache_means_compiling(graph: Path, onto: Ontology, tmp_path: Path, damage: str) -> None:
    cache = _cache(graph, onto, tmp_path / "cache")
    _edit(graph / "facts" / "third-source.yaml", "label: Vejle", "label: Vejle Kommune")
    BREAKS[damage](cache)
    fresh = _compiled(graph, onto)
    again = _compiled(graph, onto, cache)
    assert again == fresh


def test_the_cache_is_json_and_n_triples(graph: Path, onto: Ontology, tmp_path: Path) -> None:
    cache = _cache(graph, onto, tmp_path / "cache")
    index = json.loads((cache / INDEX).read_text(encoding="utf-8"))
    assert [s["name"] for s in index["sheets"]] == ["other-source.yaml", "third-source.yaml", "tiny-source.yaml"]
    triples = list(ox.parse((cache / TRIPLES).read_bytes(), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == sum(item[5] for s in index["sheets"] for item in s["items"])
    assert compile_facts(sorted((graph / "facts").glob("*.yaml")), load_sources(graph / "sources" / "sources.yaml"),
                         onto, BASE).items == sum(len(s["items"]) for s in index["sheets"])


def _files(folder: Path) -> dict[str, bytes]:
    """The files of a build but its timings and its store (compared by its quads)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "timings.json" and "store" not in p.relative_to(folder).parts}


@pytest.mark.parametrize("change", ["label of a referenced entity", "a sheet's own value", "a source text"])
def test_a_rebuild_writes_every_file_of_a_build_from_nothing(graph: Path, tmp_path: Path, compiled_items: list[str],
                                                             change: str) -> None:
    from smartcity_kg.store.ondisk import STORE_DIR

    options = BuildOptions(graph_dir=graph, store_from=0)
    build(tmp_path / "again", options)
    before = _files(tmp_path / "again")
    assert set(CACHE_FILES) <= set(before)
    edit, compiled_again = CHANGES[change]
    edit(graph)
    compiled_items.clear()
    timings = build(tmp_path / "again", options).timings
    assert compiled_items == compiled_again
    build(tmp_path / "fresh", options)
    again, fresh = _files(tmp_path / "again"), _files(tmp_path / "fresh")
    assert again.keys() == fresh.keys()
    for name in fresh:
        assert again[name] == fresh[name], name
    assert again != before and "compile" in timings
    stores = [set(ox.Store.read_only(str(tmp_path / folder / STORE_DIR))) for folder in ("again", "fresh")]
    assert stores[0] == stores[1]


def test_a_rebuild_after_an_error_keeps_the_previous_build(graph: Path, tmp_path: Path) -> None:
    options = BuildOptions(graph_dir=graph, reasoner="none")
    build(tmp_path / "out", options)
    before = _files(tmp_path / "out")
    _edit(graph / "facts" / "tiny-source.yaml", "id: acme", "id: acme-corp")
    with pytest.raises(InputError, match=r"other-source\.yaml:3: unknown entity 'acme'"):
        build(tmp_path / "out", options)
    assert _files(tmp_path / "out") == before


@pytest.mark.parametrize("kind", ["none", "function", "more outputs"])
def test_the_cache_is_written_whatever_the_callers_outputs(graph: Path, tmp_path: Path, kind: str) -> None:
    from smartcity_kg.builder.extra import MoreOutputs

    saved: list[object] = []
    outputs = {"none": None, "function": lambda folder: saved.append("function"),
               "more outputs": MoreOutputs(lambda parts: "made", lambda folder, value: saved.append(value))}[kind]
    out = tmp_path / "out"
    build(out, BuildOptions(graph_dir=graph, reasoner="none"), add_outputs=outputs)
    context = compile_context(ontology_dir=shipped("ontology"), graph_dir=graph, base=BuildOptions().base)
    assert read_records(out, context).keys() == {path.name for path in (graph / "facts").glob("*.yaml")}
    assert saved == {"none": [], "function": ["function"], "more outputs": ["made"]}[kind]
