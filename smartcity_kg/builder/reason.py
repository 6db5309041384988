"""Reasoning with owlready2 and HermiT, in a child process with a time limit."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
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
    owlready2 ``World``, in a session of its own with its Java process.

    The child, its Java process and the temporary folder are gone when this returns or raises:
    after ``timeout`` seconds of wall-clock time (the child's CPU time cannot be read before it
    ends), on Ctrl-C (``KeyboardInterrupt``) and on SIGTERM (in the main thread, the signal is
    then delivered again to the previous handler, which by default ends the process). If this
    process is killed outright, the child notices (see :func:`smartcity_kg.builder._hermit.main`)
    and stops itself and Java.

    Raises
    ------
    JavaNotFoundError
        If there is no Java runtime.
    InconsistentOntologyError
        If the triples are inconsistent with the ontology.
    ReasoningError
        If the reasoner fails, runs out of time or is stopped by SIGTERM.
    """
    java = java_executable()
    # Literals are withheld too: no defined class depends on them, and HermiT rejects
    # lexical forms it cannot map (it has no xsd:gYear, for one).
    kept = [t for t in triples
            if t.predicate.value not in _WITHHELD and not isinstance(t.object, ox.Literal)]
    started = time.perf_counter()
    with _sigterm_interrupts(), tempfile.TemporaryDirectory(prefix="smartcity-kg-reason-") as tmp:
        path = os.path.join(tmp, "input.nt")
        ox.serialize(kept, path, format=ox.RdfFormat.N_TRIPLES)
        returncode, out, err = _run_child(java, path, timeout)
    seconds = time.perf_counter() - started
    if returncode == 3:
        raise InconsistentOntologyError("the facts make the ontology inconsistent (HermiT)")
    if returncode != 0:
        tail = [l for l in err.decode("utf-8", "replace").strip().splitlines() if not l.startswith("\tat ")][-8:]
        raise ReasoningError("the reasoner failed:\n" + "\n".join(tail))
    asserted, inferred = set(kept), []
    for quad in ox.parse(input=out, format=ox.RdfFormat.N_TRIPLES):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        if triple not in asserted and not isinstance(triple.subject, ox.BlankNode) and not isinstance(triple.object, ox.BlankNode):
            inferred.append(triple)
    return Inference(sorted(set(inferred), key=str), seconds)


def _run_child(java: str, path: str, timeout: float) -> tuple[int, bytes, bytes]:
    """Run :mod:`._hermit` over ``path`` in a new session; kill the session on any way out but success."""
    tmp = os.path.dirname(path)
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    python_path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
    # TMPDIR: owlready2's own temporary file goes into this call's folder, and with it.
    env = dict(os.environ, SMARTCITY_KG_JAVA=java, PYTHONPATH=python_path, TMPDIR=tmp)
    code = ("import owlready2, os, sys; owlready2.JAVA_EXE = os.environ['SMARTCITY_KG_JAVA']; "
            "from smartcity_kg.builder._hermit import main; sys.exit(main(sys.argv[1:]))")
    process = subprocess.Popen(
        [sys.executable, "-c", code, path, str(os.getpid())], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=env, cwd=tmp, start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ReasoningError(f"the reasoner did not finish within {timeout:g} s of wall-clock time and was stopped; "
                             "raise the limit with --reason-timeout") from None
    except BaseException:  # Ctrl-C, SIGTERM: stop the child and Java before the folder goes
        _kill(process)
        raise
    return process.returncode, out, err


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the child's session (the child and Java) and reap the child."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


class _Terminated(BaseException):
    """SIGTERM arrived while the reasoner ran."""


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM into an exception for the time of the block (main thread only), then deliver it again."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)

    def interrupt(signum: int, frame: object) -> None:
        raise _Terminated()

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, previous)
        os.kill(os.getpid(), signal.SIGTERM)  # the previous disposition: by default, the end
        raise ReasoningError("the reasoner was stopped by SIGTERM") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
