"""Worker process that runs the OWL API's OWL 2 DL profile check; started by :mod:`.profile`.

Arguments: the folder of the OWL API's jars, the hub's file, then pairs of an imported
ontology's IRI and its file. Prints one JSON object per violation (``kind``, ``message``,
``axiom``) on standard output. It runs in a process of its own because a JVM, once started in
a Python process (JPype), stays there until the process ends.
"""

from __future__ import annotations

import glob
import json
import os
import sys

__all__ = ["main"]


def _jvm_library(java: str) -> str:
    """The ``libjvm.so`` beside the ``java`` executable (``<home>/bin/java`` → ``<home>/lib/server``)."""
    home = os.path.dirname(os.path.dirname(os.path.realpath(java)))
    for candidate in ("lib/server/libjvm.so", "jre/lib/amd64/server/libjvm.so", "lib/server/libjvm.dylib"):
        path = os.path.join(home, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"no libjvm under {home} (from the java executable {java})")


def _axiom(violation: object) -> str:
    """The axiom of ``violation``, or "" (the OWL API raises for a violation found outside any axiom)."""
    try:
        axiom = violation.getAxiom()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - java.lang.IllegalStateException, through JPype
        return ""
    return str(axiom.toString()) if axiom is not None else ""


def main(argv: list[str]) -> int:
    """Check the ontology named by ``argv`` (see the module docstring); print its violations."""
    import jpype
    import jpype.imports  # noqa: F401 - lets Java packages be imported like Python ones

    jars, hub, pairs = argv[0], argv[1], argv[2:]
    jpype.startJVM(_jvm_library(os.environ["SMARTCITY_KG_JAVA"]), "-Xmx1g",
                   classpath=sorted(glob.glob(os.path.join(jars, "*.jar"))), convertStrings=True)
    from java.io import File  # type: ignore[import-not-found]  # Java classes, through JPype
    from org.semanticweb.owlapi.apibinding import OWLManager  # type: ignore[import-not-found]
    from org.semanticweb.owlapi.model import IRI  # type: ignore[import-not-found]
    from org.semanticweb.owlapi.profiles import Profiles  # type: ignore[import-not-found]
    from org.semanticweb.owlapi.util import SimpleIRIMapper  # type: ignore[import-not-found]

    manager = OWLManager.createOWLOntologyManager()
    mappers = manager.getIRIMappers()
    mappers.clear()  # nothing is fetched: every import resolves to a file of the folder
    for iri, path in zip(pairs[::2], pairs[1::2]):
        mappers.add(SimpleIRIMapper(IRI.create(iri), IRI.create(File(path))))
    ontology = manager.loadOntologyFromOntologyDocument(File(hub))
    report = Profiles.OWL2_DL.checkOntology(ontology)
    for violation in report.getViolations():
        print(json.dumps({"kind": str(violation.getClass().getSimpleName()), "message": str(violation.toString()),
                          "axiom": _axiom(violation)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
