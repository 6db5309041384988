"""A non-editable install carries the ontology, shapes, queries and default fact sheets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the source tree: setuptools writes its own ``build/`` beside
    the sources, which is the folder the project builds its graph into."""
    source = tmp_path_factory.mktemp("source") / "smartcity-kg"
    generated = shutil.ignore_patterns(".git", ".venv*", "*.egg-info", "__pycache__", ".*_cache", ".screenshots")

    def ignore(folder: str, names: list[str]) -> set[str]:
        at_top = {"build", "store"} & set(names) if Path(folder) == ROOT else set()
        return set(generated(folder, names)) | at_top

    shutil.copytree(ROOT, source, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(out)],
                   check=True, capture_output=True)
    assert not (ROOT / "build" / "lib").exists()
    (found,) = out.glob("smartcity_kg-*.whl")
    return found


def test_wheel_ships_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for folder, patterns in (("ontology", ("*.ttl", "shapes/*.ttl")), ("queries", ("**/*.rq",)),
                             ("graph", ("sources/*.yaml", "sources/*.txt", "facts/*.yaml"))):
        for pattern in patterns:
            expected |= {f"smartcity_kg/data/{folder}/{p.relative_to(ROOT / folder).as_posix()}"
                         for p in (ROOT / folder).glob(pattern)}
    assert expected and expected <= names


def test_installed_package_builds_and_queries(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    env = dict(os.environ, PYTHONPATH=str(target))
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = ("import smartcity_kg, sys; from smartcity_kg.resources import shipped; "
            "print(smartcity_kg.__file__); print(shipped('ontology'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, check=True)
    module, ontology = done.stdout.split()
    assert module.startswith(str(target)) and ontology.startswith(str(target))
    done = subprocess.run([sys.executable, "-m", "smartcity_kg", "query", "awards", "--format", "csv"],
                          cwd=work, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Copenhagen Connecting,World Smart Cities Awards,2014" in done.stdout
