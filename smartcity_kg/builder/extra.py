"""Outputs made from the built dataset beside its files (the command line's projected network), in a child
process while the build goes on.

A build writes its dataset files, then hands the new folder to whatever more its caller wants
written there before the swap. Work that needs only the dataset, not its files, need not wait
for them: :class:`MoreOutputs` splits such an output into ``make`` (from the dataset's graphs,
run in a forked child) and ``save`` (into the folder, once the files are written, with what
``make`` returned). ``make`` reads the dataset in parts, as the build has them: a child started
before the rules have run gets the ontology's and the compiled graphs at once, and the inferred
graph once it is known (:meth:`Pending.complete`), so that it can load the rest meanwhile.
Where no child can be forked, ``make`` runs in this process once the files are written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..exceptions import OutputError
from .forked import Answer, can_fork, start_answer

__all__ = ["Graphs", "MoreOutputs", "Pending", "start_outputs"]

#: Named graphs of a dataset: each graph's IRI and its triples.
Graphs = Mapping[str, list[ox.Triple]]


@dataclass(frozen=True)
class MoreOutputs:
    """More outputs of a build, made from its dataset and saved into its folder before the swap.

    ``make(parts)`` runs on the dataset, given as parts that hold each named graph once (the
    ontology's and the inferred one included; its blank nodes as the files have them), while the
    build goes on; its value must pickle, as it comes back from a child process. ``save(folder,
    value)`` then writes into the new build's folder, where the dataset files are. Either may raise
    to fail the build, which keeps the previous one.
    """

    make: Callable[[Iterable[Graphs]], Any]
    save: Callable[[Path, Any], None]

    @classmethod
    def saving(cls, save: Callable[[Path], None]) -> MoreOutputs:
        """Outputs that need only the written folder: ``save(folder)``, nothing made beforehand."""
        return cls(_nothing, lambda folder, _: save(folder))


def _nothing(parts: Iterable[Graphs]) -> None:
    """Make nothing (see :meth:`MoreOutputs.saving`)."""
    return None


class Pending:
    """Outputs being made (see :func:`start_outputs`): :meth:`complete` hands over the rest of the dataset,
    :meth:`save` writes them, :meth:`stop` abandons them."""

    def __init__(self, outputs: MoreOutputs, graphs: Graphs, answer: Answer | None,
                 rest: Connection | None = None) -> None:
        self._outputs, self._graphs, self._answer, self._rest = outputs, graphs, answer, rest

    def complete(self, graphs: Graphs) -> None:
        """Hand over the dataset's graphs that :func:`start_outputs` was not given (with ``partial``).

        A child that has already ended is not told; :meth:`save` raises its error.

        Raises
        ------
        ValueError
            If the outputs were started with the whole dataset, or have been handed it already.
        """
        if self._rest is None:
            raise ValueError("the outputs were started with the whole dataset, or handed the rest already")
        data = {name: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"" for name, triples in graphs.items()}
        try:
            self._rest.send(data)
        except (BrokenPipeError, ConnectionResetError):  # the child ended: save() tells why
            pass
        self._rest.close()
        self._rest = None

    def save(self, folder: Path) -> None:
        """Wait for what ``make`` made (or make it now, where no child was started) and save it into ``folder``.

        Raises
        ------
        OutputError
            If the child that made it ended without an answer (killed, or out of memory).
        """
        if self._answer is None:
            value = self._outputs.make([self._graphs])
        else:
            try:
                value = self._answer.result()
            except ChildProcessError as exc:
                raise OutputError(folder, f"cannot make the outputs from the dataset: {exc}") from None
        self._outputs.save(folder, value)

    def stop(self) -> None:
        """Kill the child that makes the outputs, if it still runs."""
        if self._rest is not None:
            self._rest.close()
            self._rest = None
        if self._answer is not None:
            self._answer.stop()


def start_outputs(outputs: MoreOutputs, graphs: Graphs, *, partial: bool = False,
                  canonical: Callable[[Iterable[tuple[str, list[ox.Triple]]]], Graphs] | None = None) -> Pending | None:
    """Start making ``outputs`` from ``graphs``: in a forked child where the system can fork (it shares the
    graphs at no cost), else later, in this process, when :meth:`Pending.save` is called. Outputs made of
    nothing (:meth:`MoreOutputs.saving`) start no child.

    With ``partial``, ``graphs`` are only part of the dataset, given to the child as ``canonical``
    makes them (the build's blank-node labels, which depend on each graph alone); the rest follows
    through :meth:`Pending.complete`. Only a child can start so: where none would be started, the
    answer is ``None``, and the outputs are to be started again with the whole dataset.
    """
    forks = outputs.make is not _nothing and can_fork()
    if partial and not forks:
        return None
    if not forks:
        return Pending(outputs, graphs, None)
    if not partial:
        return Pending(outputs, graphs, start_answer(outputs.make, [graphs]))
    import multiprocessing

    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    answer = start_answer(_make_in_parts, outputs.make, graphs, canonical, (receiver, sender))
    receiver.close()
    return Pending(outputs, graphs, answer, sender)


def _make_in_parts(make: Callable[[Iterable[Graphs]], Any], graphs: Graphs,
                   canonical: Callable[[Iterable[tuple[str, list[ox.Triple]]]], Graphs] | None,
                   pipe: tuple[Connection, Connection]) -> Any:
    """In the child: ``make`` the outputs from ``graphs`` (made canonical first) and the graphs that follow
    through the ``pipe`` (N-Triples, each graph's blank nodes as the parent labelled them)."""
    rest, sender = pipe
    sender.close()  # the parent's end: only the parent holds it, so that its end reads as end-of-file here

    def parts() -> Iterator[Graphs]:
        yield canonical(graphs.items()) if canonical is not None else graphs
        try:
            data: dict[str, bytes] = rest.recv()
        except EOFError:  # the build stopped before it knew the rest: nothing is saved
            raise ChildProcessError("the build handed over no more of the dataset") from None
        yield {name: [quad.triple for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
               for name, text in data.items()}

    return make(parts())
