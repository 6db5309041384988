"""A build's on-disk store written by a process of its own while the build writes its network.

Once the dataset files are written, nothing else the build writes reads the on-disk store, and the
store reads nothing but graph.trig (and, on a rebuild, the previous build's store and graph.trig),
so a child process writes it on another core while the build projects and saves its network: at 1M
triples each takes about half a minute. The child is spawned, a new interpreter
(:func:`smartcity_kg.builder.forked.start_answer` with ``fork=False``), not forked: RocksDB's
background threads do not survive a fork, and a forked child whose parent had opened a store
waits for them forever.

The child is told where the build is, and on a rebuild where the previous build is and where the
changed graphs' blocks lie in both graph.trig files (:class:`Job`). It writes only the build's
``store/`` folder, and leaves the store unstamped: the build stamps it once the child has ended well
(:meth:`StoreJob.finish`), which raises the child's error. A build that fails meanwhile stops the
child (:meth:`StoreJob.cancel`), and its temporary folder goes with it; on Linux the child also ends
with the build's process.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

from .forked import Answer, start_answer

__all__ = ["Job", "StoreJob", "run_job", "start"]


@dataclass(frozen=True)
class Job:
    """What the child writes: the store of the build in ``build``, as the store of the build in ``previous`` with the
    quads of graph.trig's blocks at ``old`` (in the previous file) replaced by those at ``new`` (in the new one),
    or, without a previous build or where its store is not sound, from the build's graph.trig."""

    build: str
    previous: str | None = None
    old: list[tuple[int, int]] = field(default_factory=list)
    new: list[tuple[int, int]] = field(default_factory=list)


class StoreJob:
    """The child process writing a build's store (:func:`start`); ``trig`` is graph.trig's size and SHA-256, as its
    writer counted them, for the stamp."""

    def __init__(self, job: Job, answer: Answer | None, trig: dict[str, object] | None = None) -> None:
        self.job, self._answer, self.trig = job, answer, trig

    def finish(self) -> None:
        """Wait for the child, then stamp the store as holding the build's graph.trig.

        Raises
        ------
        OSError
            If the child failed for want of disk, permissions or the like, or ended without an
            answer (:class:`ChildProcessError`); its message names the on-disk store.
        Exception
            Whatever else the child raised.
        """
        from ..store.ondisk import stamp_store

        answer, self._answer = self._answer, None
        if answer is not None:
            try:
                answer.result()
            except OSError as exc:
                raise OSError(f"the on-disk store: {exc}") from exc
        stamp_store(Path(self.job.build), self.trig)

    def cancel(self) -> None:
        """Stop the child if it still runs (nothing once it was waited for)."""
        answer, self._answer = self._answer, None
        if answer is not None:
            answer.stop()


def start(job: Job, *, background: bool = True, trig: dict[str, object] | None = None) -> StoreJob:
    """Start writing the store of ``job`` in a spawned child process (``background``), or write it now; ``trig`` as
    for :class:`StoreJob`."""
    if not background:
        run_job(job)
        return StoreJob(job, None, trig)
    return StoreJob(job, start_answer(run_job, job, fork=False), trig)


def run_job(job: Job) -> None:
    """Write the store ``job`` describes (what the child does); it is left unstamped."""
    from ..store.ondisk import STORE_DIR, build_quads, fill_store
    from .blocks import read_blocks
    from .rewrite import update_store

    build = Path(job.build)
    trig = build / "graph.trig"
    if not trig.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such file", str(trig))
    if job.previous is not None:
        previous = Path(job.previous)
        old = read_blocks(previous / "graph.trig", job.old) if job.old else []
        new = read_blocks(trig, job.new) if job.new else []
        if update_store(build, previous, old, new):
            return
    fill_store(build / STORE_DIR, build_quads(build))
