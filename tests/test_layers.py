"""The package keeps its layers: import-linter's contracts in ``.importlinter`` hold, and cover every part."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
PACKAGE = ROOT / "smartcity_kg"


def _contracts() -> dict[str, configparser.SectionProxy]:
    parser = configparser.ConfigParser()
    assert parser.read(CONFIG, encoding="utf-8"), CONFIG
    prefix = "importlinter:contract:"
    return {name.removeprefix(prefix): parser[name] for name in parser.sections() if name.startswith(prefix)}


def _modules(value: str) -> set[str]:
    return {m.strip() for line in value.splitlines() for m in line.split("|") if m.strip()}


def test_every_contract_is_kept() -> None:
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(CONFIG)!r}, no_cache=True))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in done.stdout, done.stdout


def test_every_sub_package_is_a_layer() -> None:
    layers = _modules(_contracts()["layers"]["layers"])
    sub_packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert sub_packages and sub_packages == layers


def test_every_top_level_module_is_a_foundation() -> None:
    foundations = _modules(_contracts()["foundations"]["source_modules"])
    modules = {f"smartcity_kg.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert modules and modules == foundations
    assert _modules(_contracts()["foundations"]["forbidden_modules"]) == {
        f"smartcity_kg.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
