"""Worker process that runs owlready2 and HermiT; started by :mod:`smartcity_kg.builder.reason`.

Reads N-Triples from the file named on the command line and writes the inferred triples as
N-Triples to standard output. Exit status 3 means the input is inconsistent. It runs in a
session of its own so that the caller can kill it, and the Java process under it, at once.
"""

from __future__ import annotations

import ctypes
import io
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable

__all__ = ["main"]

INCONSISTENT = 3
_PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> int:
    """Reason over the N-Triples file ``argv[0]``; print the inferred triples.

    ``argv[1]``, if given, is the parent's process id: when that process dies, this one removes
    the folder of ``argv[0]`` and kills its session (itself and Java) — see :func:`_die_with`.
    """
    if len(argv) > 1:
        _die_with(int(argv[1]), os.path.dirname(os.path.abspath(argv[0])))
    import owlready2

    world = owlready2.World()  # a fresh world: never owlready2's global default
    with open(argv[0], "rb") as handle:
        data = handle.read()
    asserted = world.get_ontology("http://smartcity-kg.invalid/asserted")
    asserted.load(fileobj=io.BytesIO(data), format="ntriples")
    inferred = world.get_ontology("http://smartcity-kg.invalid/inferred")
    try:
        with inferred:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0,
                                           ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError:
        return INCONSISTENT
    buffer = io.BytesIO()
    inferred.save(file=buffer, format="ntriples")
    sys.stdout.buffer.write(buffer.getvalue())
    return 0


def _die_with(parent: int, folder: str) -> None:
    """Stop this process and Java, and remove ``folder``, as soon as ``parent`` is gone.

    On Linux the kernel sends SIGTERM at the parent's death (``prctl(PR_SET_PDEATHSIG)``); on
    every system a daemon thread also polls :func:`os.getppid` four times a second, so that
    where there is no ``prctl`` (macOS, the BSDs) the child stops within a quarter of a second.
    """
    def stop(*_: object) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        if os.getpgid(0) == os.getpid():  # leader of its own session: the group is itself and Java
            os.killpg(0, signal.SIGKILL)
        os._exit(1)

    signal.signal(signal.SIGTERM, stop)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this libc: the thread below stands in
            pass
    threading.Thread(target=_watch, args=(parent, stop), daemon=True).start()
    if os.getppid() != parent:  # died before the watch began
        stop()


def _watch(parent: int, stop: Callable[[], None]) -> None:
    while os.getppid() == parent:
        time.sleep(0.25)
    stop()


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main(sys.argv[1:]))
