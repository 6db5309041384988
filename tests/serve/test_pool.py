"""How many query workers start when none is asked for."""

from __future__ import annotations

import pytest

from smartcity_kg.serve.pool import MOST, default_workers


@pytest.mark.parametrize(("cores", "available", "expected"), [
    (1, 50_000, 8),
    (1, 1_500, 2),  # never fewer than 2: a heavy query must not hold the only one
    (2, 50_000, MOST),
    (64, 500_000, MOST),
    (8, 3_000, 2),  # the memory available holds 2 at 1024 MB each, and 2 is the least
    (8, 10_000, 9),
])
def test_over_an_on_disk_store_eight_per_core_within_memory(cores: int, available: int, expected: int) -> None:
    assert default_workers(on_disk=True, max_memory_mb=1024, cores=cores, available_mb=available) == expected


def test_without_a_memory_cap_only_the_cores_count() -> None:
    assert default_workers(on_disk=True, max_memory_mb=0, cores=2, available_mb=100) == 16


def test_a_build_each_worker_loads_gets_two() -> None:
    assert default_workers(on_disk=False, max_memory_mb=1024, cores=32, available_mb=500_000) == 2


def test_the_machine_is_read_where_not_given() -> None:
    assert 2 <= default_workers(on_disk=True, max_memory_mb=1024) <= MOST
