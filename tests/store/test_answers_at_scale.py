"""Answers stay the same when opening and querying go faster: a generated 10k graph and the shipped one,
read the former way (every quad copied through Python into the default graph, the type paths walked)
and the current way (the merge made inside the store, materialised types read where reasoned)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg import BuildOptions, EntityIndex, build, load_catalogue, open_store, run_query, shipped
from smartcity_kg.network.markets import resolve_market
from smartcity_kg.network.paths import find_paths
from smartcity_kg.network.projection import project
from smartcity_kg.store.queries import bind_params, is_reasoned, on_closed_types

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import generate  # noqa: E402 (benchmarks/ is not a package; found by the line above)


def _former_open(build_dir: Path) -> ox.Store:
    """The store as opening made it before: bulk load, then each quad copied into the default graph in Python."""
    store = ox.Store()
    store.bulk_load(path=str(build_dir / "graph.trig"), format=ox.RdfFormat.TRIG)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                 for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != ox.DefaultGraph())
    return store


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A build of 10k generated triples; its folder, a U.S. firm's label and the first market."""
    folder = tmp_path_factory.mktemp("scale")
    made = generate(folder / "graph", 10_000, seed=11)
    build(folder / "build", BuildOptions(graph_dir=made.folder))
    return folder / "build", made.us_firm, made.markets[0]


def _canonical(store: ox.Store) -> set[ox.Quad]:
    """The quads of ``store`` with blank nodes named canonically, so two loads compare."""
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _rows(store: ox.Store, build_dir: Path, reasoned: bool) -> dict[str, list[tuple[str, ...]]]:
    index = EntityIndex.from_store(store)
    company = next(iter(store.query("SELECT ?x WHERE { ?x a <https://w3id.org/smartcity-kg/ontology#Company> } "
                                    "ORDER BY ?x LIMIT 1")))["x"]
    answers = {}
    for name, query in load_catalogue(shipped("queries")).items():
        given = ({"sector": "big-data"} if name == "sector-markets" else  # every required entity: the first company
                 {p.name: company.value for p in query.params if p.required or p.name == "entity"})
        result = run_query(store, query, bind_params(query, given, index), reasoned=reasoned)
        answers[name] = [tuple("" if cell is None else str(cell) for cell in row) for row in result.rows]
    return answers


@pytest.mark.parametrize("which", ["generated", "shipped"])
def test_named_queries_answer_as_before(which: str, generated: tuple[Path, str, str], built: Path) -> None:
    build_dir = generated[0] if which == "generated" else built
    former, current = _former_open(build_dir), open_store(build_dir)
    assert _canonical(former) == _canonical(current)  # the same quads, the default graph included
    assert is_reasoned(current)
    before, after = _rows(former, build_dir, reasoned=False), _rows(current, build_dir, reasoned=True)
    assert before.keys() == after.keys()
    for name in before:
        assert after[name] == before[name], name
    assert sum(map(len, before.values())) > 0
    if which == "generated":
        assert before["initiatives"], "the generated graph has initiatives of every kind"
    initiatives = load_catalogue(shipped("queries"))["initiatives"].text
    assert on_closed_types(initiatives) != initiatives  # the materialised types were read


def test_an_unreasoned_build_walks_the_type_paths(tmp_path: Path) -> None:
    made = generate(tmp_path / "graph", 2000, seed=5)
    build(tmp_path / "build", BuildOptions(graph_dir=made.folder, reasoner="none"))
    store = open_store(tmp_path / "build")
    assert not is_reasoned(store)
    query = load_catalogue(shipped("queries"))["initiatives"]
    walked = run_query(store, query).rows
    assert walked and walked == run_query(store, query, reasoned=False).rows
    assert run_query(store, query, reasoned=True).rows == []  # nothing is typed Initiative without the reasoner


def test_paths_are_found_as_before(generated: tuple[Path, str, str]) -> None:
    build_dir, firm, code = generated
    former, current = _former_open(build_dir), open_store(build_dir)
    market = resolve_market(code)
    found = []
    for store in (former, current):
        index = EntityIndex.from_store(store)
        network = project(store, labels=index.labels)
        found.append(find_paths(network, index.resolve(firm).value, market=market, k=5))
    assert found[0] and found[0] == found[1]
