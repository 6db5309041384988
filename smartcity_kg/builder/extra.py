"""Outputs made from the built dataset beside its files (the command line's projected network), in a child
process while the files are written.

A build writes its dataset files, then hands the new folder to whatever more its caller wants
written there before the swap. Work that needs only the dataset, not its files, need not wait
for them: :class:`MoreOutputs` splits such an output into ``make`` (from the dataset's graphs,
run in a forked child as soon as the graphs are known) and ``save`` (into the folder, once the
files are written, with what ``make`` returned). Where no child can be forked, ``make`` runs in
this process once the files are written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..exceptions import OutputError
from .forked import Answer, can_fork, start_answer

__all__ = ["Graphs", "MoreOutputs", "Pending", "start_outputs"]

#: A dataset as a build holds it: each named graph's IRI and its triples.
Graphs = Mapping[str, list[ox.Triple]]


@dataclass(frozen=True)
class MoreOutputs:
    """More outputs of a build, made from its dataset and saved into its folder before the swap.

    ``make(graphs)`` runs on the dataset (every named graph, the ontology's and the inferred one
    included) while the files are written; its value must pickle, as it comes back from a child
    process. ``save(folder, value)`` then writes into the new build's folder, where the dataset
    files are. Either may raise to fail the build, which keeps the previous one.
    """

    make: Callable[[Graphs], Any]
    save: Callable[[Path, Any], None]

    @classmethod
    def saving(cls, save: Callable[[Path], None]) -> MoreOutputs:
        """Outputs that need only the written folder: ``save(folder)``, nothing made beforehand."""
        return cls(_nothing, lambda folder, _: save(folder))


def _nothing(graphs: Graphs) -> None:
    """Make nothing (see :meth:`MoreOutputs.saving`)."""
    return None


class Pending:
    """Outputs being made (see :func:`start_outputs`): :meth:`save` writes them, :meth:`stop` abandons them."""

    def __init__(self, outputs: MoreOutputs, graphs: Graphs, answer: Answer | None) -> None:
        self._outputs, self._graphs, self._answer = outputs, graphs, answer

    def save(self, folder: Path) -> None:
        """Wait for what ``make`` made (or make it now, where no child was started) and save it into ``folder``.

        Raises
        ------
        OutputError
            If the child that made it ended without an answer (killed, or out of memory).
        """
        if self._answer is None:
            value = self._outputs.make(self._graphs)
        else:
            try:
                value = self._answer.result()
            except ChildProcessError as exc:
                raise OutputError(folder, f"cannot make the outputs from the dataset: {exc}") from None
        self._outputs.save(folder, value)

    def stop(self) -> None:
        """Kill the child that makes the outputs, if it still runs."""
        if self._answer is not None:
            self._answer.stop()


def start_outputs(outputs: MoreOutputs, graphs: Graphs) -> Pending:
    """Start making ``outputs`` from ``graphs``: in a forked child where the system can fork (it shares the
    graphs at no cost), else later, in this process, when :meth:`Pending.save` is called. Outputs made of
    nothing (:meth:`MoreOutputs.saving`) start no child."""
    if outputs.make is _nothing or not can_fork():
        return Pending(outputs, graphs, None)
    return Pending(outputs, graphs, start_answer(outputs.make, graphs))
