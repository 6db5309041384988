"""Named queries keep their answers when they are rewritten to run faster: every named query over a
generated 10k graph and over the shipped graph, compared row for row (in order) with frozen answers.

The frozen answers in ``tests/store/data/`` were made by ``PYTHONPATH=tests python
tests/store/test_queries_frozen.py`` from the queries before they were rewritten. When a change of the
graph's data, the ontology or a query changes an answer on purpose, run it again and review the difference."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from smartcity_kg import EntityIndex, load_catalogue, open_store, run_query, shipped
from smartcity_kg.store.queries import bind_params

from frozen import first_difference, freeze, read_frozen

DATA = Path(__file__).resolve().parent / "data"
#: Sectors that ``sector-markets`` is asked about: the shipped sectors that generated ones sit under.
SECTORS = ("intelligent-lighting", "transport-systems", "climate-adaptation", "energy-renovation", "smart-grid",
           "digital-health-care", "digital-infrastructure", "big-data", "clean-technology")
#: Home countries that ``sector-markets`` is asked about.
HOMES = ("US", "DE")
#: The day the answers were frozen, and the queries whose ``asOf`` is today when none is given: those are
#: asked as of that day, so that their answers do not change with the calendar (left out of the keys).
FROZEN_ON, DATED = "2026-12-01", ("decision-makers",)
#: Columns (by position) that a frozen query's ORDER BY left out, so rows differing only there came in
#: any order: ``sector-markets`` ordered by market, kind, fact, source and quote, not by date.
UNORDERED = {"sector-markets": (3,)}


def _asked(store: ox.Store) -> list[tuple[str, dict[str, str]]]:
    """Each named query with the parameters it is asked with: every sector and home for ``sector-markets``,
    otherwise every required entity (and ``entity``) as the first company, and no parameter at all."""
    company = next(iter(store.query("SELECT ?x WHERE { ?x a <https://w3id.org/smartcity-kg/ontology#Company> } "
                                    "ORDER BY ?x LIMIT 1")))["x"].value
    out = []
    for name, query in sorted(load_catalogue(shipped("queries")).items()):
        if name == "sector-markets":
            out += [(name, {"sector": sector, "home": home}) for sector in SECTORS for home in HOMES]
            continue
        given = {p.name: company for p in query.params if p.required or p.name == "entity"}
        out.append((name, given))
        if not any(p.required for p in query.params) and given:
            out.append((name, {}))
    return out


def answers(build_dir: Path) -> dict[str, list[list[str]]]:
    """The rows of every named query asked as :func:`_asked` says, as text, keyed by query and parameters."""
    store = open_store(build_dir)
    index = EntityIndex.from_store(store)
    catalogue = load_catalogue(shipped("queries"))
    out = {}
    for name, given in _asked(store):
        query = catalogue[name]
        dated = {"asOf": FROZEN_ON} if name in DATED and "asOf" not in given else {}
        result = run_query(store, query, bind_params(query, {**given, **dated}, index))
        key = name + "".join(f" {k}={v}" for k, v in sorted(given.items()))
        out[key] = [["" if cell is None else str(cell) for cell in row] for row in result.rows]
    return out


def _ordered(key: str, rows: list[list[str]]) -> list[list[str]]:
    """``rows`` without the columns whose order the frozen query left open (see :data:`UNORDERED`)."""
    left_out = UNORDERED.get(key.split(" ")[0], ())
    return [[cell for n, cell in enumerate(row) if n not in left_out] for row in rows]


def _compare(name: str, build_dir: Path) -> None:
    frozen = read_frozen(DATA / f"queries-{name}.json.gz")
    current = answers(build_dir)
    assert sorted(current) == sorted(frozen)
    for key in frozen:
        was, now = _ordered(key, frozen[key]), _ordered(key, current[key])
        assert now == was, f"{name} {key}: {first_difference(was, now, unit='row')}"
        assert sorted(current[key]) == sorted(frozen[key]), f"{name} {key}: other rows"
    assert sum(map(len, frozen.values())) > 0


def test_the_generated_answers_are_as_frozen(generated: Path) -> None:
    _compare("generated-10k", generated)


def test_the_shipped_answers_are_as_frozen(built: Path) -> None:
    _compare("shipped", built)


def test_the_frozen_answers_tie_markets_to_sectors() -> None:
    """The comparison has something to compare: sector-markets ties markets of each kind of fact."""
    frozen = read_frozen(DATA / "queries-generated-10k.json.gz")
    kinds = {row[1] for key, rows in frozen.items() if key.startswith("sector-markets ") for row in rows}
    assert {'"investment"', '"initiative"', '"partnership"', '"decision maker"'} <= kinds


def test_every_query_that_reads_the_clock_is_asked_as_of_the_frozen_day() -> None:
    """A query whose answer depends on today (SPARQL's NOW()) is one of :data:`DATED`."""
    clocked = {name for name, query in load_catalogue(shipped("queries")).items() if "NOW()" in query.text.upper()}
    assert clocked and clocked <= set(DATED)


def test_a_changed_row_is_told() -> None:
    """The comparison can fail: one row changed is a difference, named by its number."""
    assert first_difference([["a"], ["b"]], [["a"], ["c"]], unit="row") == "row 1: expected ['b'], got ['c']"
    assert first_difference([["a"]], [], unit="row") == "expected 1 rows, got 0"


if __name__ == "__main__":
    freeze(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA, "queries", answers)
