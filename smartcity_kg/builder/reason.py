"""Reasoning with owlready2 and HermiT, in a child process with a time limit."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import pyoxigraph as ox

from ..exceptions import InconsistentOntologyError, JavaNotFoundError, ReasoningError
from ..namespaces import OWL
from .rules import Inference

__all__ = ["Inference", "reason"]

#: Predicates never handed to owlready2: it would follow imports, or import Python modules.
_WITHHELD = {
    OWL + "imports",
    "http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#python_module",
}


def java_executable() -> str:
    """Return the Java executable for HermiT, or raise :class:`JavaNotFoundError`."""
    java = os.environ.get("SMARTCITY_KG_JAVA") or shutil.which("java")
    if java is None:
        raise JavaNotFoundError(
            "HermiT needs a Java runtime (11 or newer) and none was found on PATH. Install one "
            "(Debian/Ubuntu: 'apt-get install default-jre-headless'; macOS: 'brew install openjdk') "
            "or set SMARTCITY_KG_JAVA to the java executable; 'smartcity-kg build --reasoner rules' "
            "reasons without Java."
        )
    return java


def reason(triples: list[ox.Triple], *, timeout: float = 120.0) -> Inference:
    """Run HermiT over ``triples`` and return the inferred triples that were not asserted.

    Literal values are left out: the defined classes depend only on classes and object
    properties. The input is written to a temporary N-Triples file (``owl:imports`` and owlready2's
    python-module annotations removed) and reasoned over by a child process with a fresh
    owlready2 ``World``; the child and its Java process are killed after ``timeout`` seconds.

    Raises
    ------
    JavaNotFoundError
        If there is no Java runtime.
    InconsistentOntologyError
        If the triples are inconsistent with the ontology.
    ReasoningError
        If the reasoner fails or runs out of time.
    """
    import time

    java = java_executable()
    # Literals are withheld too: no defined class depends on them, and HermiT rejects
    # lexical forms it cannot map (it has no xsd:gYear, for one).
    kept = [t for t in triples
            if t.predicate.value not in _WITHHELD and not isinstance(t.object, ox.Literal)]
    asserted = set(kept)
    with tempfile.TemporaryDirectory(prefix="smartcity-kg-reason-") as tmp:
        path = os.path.join(tmp, "input.nt")
        ox.serialize(kept, path, format=ox.RdfFormat.N_TRIPLES)
        package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        python_path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
        env = dict(os.environ, SMARTCITY_KG_JAVA=java, PYTHONPATH=python_path)
        code = ("import owlready2, os, sys; owlready2.JAVA_EXE = os.environ['SMARTCITY_KG_JAVA']; "
                "from smartcity_kg.builder._hermit import main; sys.exit(main(sys.argv[1:]))")
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", code, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd=tmp, start_new_session=True,
        )
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ReasoningError(f"the reasoner did not finish within {timeout:g} s and was stopped; raise the limit with --reason-timeout") from None
        seconds = time.perf_counter() - started
    if process.returncode == 3:
        raise InconsistentOntologyError("the facts make the ontology inconsistent (HermiT)")
    if process.returncode != 0:
        tail = [l for l in err.decode("utf-8", "replace").strip().splitlines() if not l.startswith("\tat ")][-8:]
        raise ReasoningError("the reasoner failed:\n" + "\n".join(tail))
    inferred = []
    for quad in ox.parse(input=out, format=ox.RdfFormat.N_TRIPLES):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        if triple not in asserted and not isinstance(triple.subject, ox.BlankNode) and not isinstance(triple.object, ox.BlankNode):
            inferred.append(triple)
    return Inference(sorted(set(inferred), key=str), seconds)
