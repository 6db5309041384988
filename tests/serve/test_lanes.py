"""Which lane a query takes: light by its text, or by how long it took when it last ran."""

from __future__ import annotations

from smartcity_kg.serve.lanes import Lanes, looks_light

HEAVY = "SELECT ?s WHERE { ?s ?p ?o }"


def test_asks_and_small_final_limits_look_light() -> None:
    assert looks_light("ASK { ?s ?p ?o }")
    assert looks_light(f"{HEAVY} LIMIT 100 OFFSET 5")
    assert not looks_light(f"{HEAVY} LIMIT 101")
    assert not looks_light(HEAVY)


def test_a_query_is_light_after_a_short_run_with_the_same_parameters() -> None:
    lanes = Lanes(light=0.25)
    lanes.ran(HEAVY, (("s", "<urn:a>"),), 0.1)
    assert lanes.is_light(HEAVY, (("s", "<urn:a>"),))
    assert not lanes.is_light(HEAVY, (("s", "<urn:b>"),))  # other parameters: not known
    lanes.ran(HEAVY, (("s", "<urn:c>"),), 0.3)
    assert not lanes.is_light(HEAVY, (("s", "<urn:c>"),))


def test_a_stopped_query_is_light_no_more() -> None:
    lanes = Lanes(light=0.25)
    lanes.ran(HEAVY, (), 0.01)
    lanes.ran(HEAVY, (), None)
    assert not lanes.is_light(HEAVY, ())


def test_the_least_recently_run_are_forgotten_first() -> None:
    lanes = Lanes(light=1.0, size=2)
    for n in range(3):
        lanes.ran(f"{HEAVY} # {n}", (), 0.0)
    assert [lanes.is_light(f"{HEAVY} # {n}", ()) for n in range(3)] == [False, True, True]
