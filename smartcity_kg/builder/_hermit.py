"""Worker process that runs owlready2 and HermiT; started by :mod:`smartcity_kg.builder.reason`.

Reads N-Triples from the file named on the command line and writes the inferred triples as
N-Triples to standard output. Exit status 3 means the input is inconsistent. It runs in a
process of its own so that the caller can kill it, and the Java process under it, on timeout.
"""

from __future__ import annotations

import io
import sys

__all__ = ["main"]

INCONSISTENT = 3


def main(argv: list[str]) -> int:
    """Reason over the N-Triples file ``argv[0]``; print the inferred triples."""
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


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main(sys.argv[1:]))
