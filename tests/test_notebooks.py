"""Tests of the analyst notebooks: committed without outputs, and each runs top to bottom.

Each notebook runs in a fresh ``python3`` kernel (ipykernel of this very interpreter) whose
working directory is a temporary folder, with ``SMARTCITY_KG_BUILD`` pointing to one build
that a module-scoped fixture makes once, so no notebook builds the graph itself.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_at_least_three_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3, [p.name for p in NOTEBOOKS]


@pytest.fixture(scope="module")
def built(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's build of the shipped graph, shared by every notebook of this module."""
    return Path(shutil.copytree(built, tmp_path_factory.mktemp("notebooks") / "build"))


def _text(outputs: list[dict]) -> str:
    """Everything a cell showed: streams, rich displays and results, and error tracebacks."""
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") in ("display_data", "execute_result"):
            parts.extend(str(value) for value in output.get("data", {}).values())
        elif output.get("output_type") == "error":
            parts.append("\n".join(output.get("traceback", [])))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells and notebook.cells[0].cell_type == "markdown", "the first cell says what the notebook is for"
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            assert cell.get("outputs") == [], f"cell {number} has outputs"
            assert cell.get("execution_count") is None, f"cell {number} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, built: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=300, allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    env = {**os.environ, "SMARTCITY_KG_BUILD": str(built)}
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        pytest.fail(f"{path.name}: a cell raised:\n{exc}")
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            assert not errors, f"{path.name}, cell {number}: {_text(errors)}"
    assert not (tmp_path / "build").exists(), "the notebook built into its working directory, not $SMARTCITY_KG_BUILD"
    shown = "\n".join(_text(cell.outputs) for cell in notebook.cells if cell.cell_type == "code")
    if path.stem == "03-paths":
        assert "sandbox=" in shown  # the paths view, in its sandboxed iframe
        assert "Frank Jensen" in shown
