"""Tests of the server on a build saved with its network: it reads the network and names, projecting nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from smartcity_kg import EntityIndex, open_store
from smartcity_kg.network.snapshot import SNAPSHOT, write_build_network
from smartcity_kg.serve.server import ServerConfig, _State


@pytest.fixture
def saved(built: Path, tmp_path: Path) -> Path:
    """A copy of the session's build with its network saved."""
    copy = Path(shutil.copytree(built, tmp_path / "build"))
    write_build_network(copy)
    return copy


def test_the_server_reads_the_saved_network_and_names(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(saved)
    index = EntityIndex.from_store(store)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("projected or indexed again")

    monkeypatch.setattr("smartcity_kg.network.projection.project", refuse)
    monkeypatch.setattr(EntityIndex, "from_store", refuse)
    state = _State(ServerConfig(build_dir=saved, workers=1))
    try:
        assert state.index.names == index.names and state.index.labels == index.labels
        monkeypatch.undo()
        ours, fresh = state.network.graph, _project(store, index).graph
        assert list(ours.nodes(data=True)) == list(fresh.nodes(data=True))
        assert list(ours.edges(data=True)) == list(fresh.edges(data=True))
    finally:
        state.close()


def test_without_a_saved_network_the_server_projects_once(built: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    copy = Path(shutil.copytree(built, tmp_path / "build"))
    assert not (copy / SNAPSHOT).exists()
    calls = []
    from smartcity_kg.network import projection

    real = projection.project
    monkeypatch.setattr(projection, "project", lambda *a, **k: calls.append(1) or real(*a, **k))
    state = _State(ServerConfig(build_dir=copy, workers=1))
    try:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as pool:  # first requests at once: one projection
            networks = list(pool.map(lambda _: state.network, range(4)))
        assert len(calls) == 1 and all(n is networks[0] for n in networks)
    finally:
        state.close()


def _project(store: object, index: EntityIndex) -> Any:
    from smartcity_kg.network.projection import project

    return project(store, labels=index.labels)  # type: ignore[arg-type]
