"""A build's on-disk store written by a process of its own while the build writes its network.

Once the dataset files are written, nothing else the build writes reads the on-disk store, and the
store reads nothing but graph.trig (and, on a rebuild, the previous build's store and graph.trig),
so a child process writes it on another core while the build projects and saves its network: at 1M
triples each takes about half a minute. The child is a new interpreter
(``python -m smartcity_kg.builder.storejob``), not a fork: RocksDB's background threads do not
survive a fork, and a forked child whose parent had opened a store waits for them forever.

The child is told where the build is, and on a rebuild where the previous build is and where the
changed graphs' blocks lie in both graph.trig files (:class:`Job`). It writes only the build's
``store/`` folder, and leaves the store unstamped: the build stamps it once the child has ended well
(:meth:`StoreJob.finish`). A failure in the child is raised by :meth:`StoreJob.finish`; a build
that fails meanwhile stops the child (:meth:`StoreJob.cancel`), and its temporary folder goes with it.
"""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
    """The child process writing a build's store (:func:`start`)."""

    def __init__(self, job: Job, process: subprocess.Popen[bytes] | None, errors: object) -> None:
        self.job, self._process, self._errors = job, process, errors
        self.trig: dict[str, object] | None = None

    def finish(self) -> None:
        """Wait for the child, then stamp the store as holding the build's graph.trig.

        Raises
        ------
        OSError
            If the child failed for want of disk, permissions or the like (its message).
        RuntimeError
            If it failed otherwise.
        """
        from ..store.ondisk import stamp_store

        if self._process is not None:
            self._process.wait()
            errors = self._read_errors()
            code, self._process = self._process.returncode, None
            if code != 0:
                kind, _, message = (errors.strip().splitlines() or [f"exit code {code}"])[-1].partition(": ")
                if kind == "OSError":
                    raise OSError(f"the on-disk store: {message}")
                raise RuntimeError(f"writing the on-disk store failed: {kind}: {message or code}")
        stamp_store(Path(self.job.build), self.trig)

    def cancel(self) -> None:
        """Stop the child if it still runs (nothing once it was waited for)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._read_errors()
            self._process = None

    def _read_errors(self) -> str:
        errors = self._errors
        errors.seek(0)  # type: ignore[attr-defined]
        text = errors.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        errors.close()  # type: ignore[attr-defined]
        return text


def start(job: Job, *, background: bool = True) -> StoreJob:
    """Start writing the store of ``job`` in a child process (``background``), or write it now."""
    if not background:
        run_job(job)
        return StoreJob(job, None, None)
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", __name__, json.dumps(asdict(job))],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
    return StoreJob(job, process, errors)


def run_job(job: Job) -> None:
    """Write the store ``job`` describes (what the child does); it is left unstamped."""
    import pyoxigraph as ox

    from ..store.ondisk import STORE_DIR, fill_store, with_merge
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
    # The file is the build's own, just written, so its IRIs are not checked again.
    fill_store(build / STORE_DIR, with_merge(ox.parse(path=trig, format=ox.RdfFormat.TRIG, rename_blank_nodes=False,
                                                      lenient=True)))


def _main(argv: list[str]) -> int:
    """The child's entry: the job as JSON in ``argv[0]``; a failure is one line on standard error, ``kind: message``."""
    try:
        spec = json.loads(argv[0])
        run_job(Job(spec["build"], spec.get("previous"), [tuple(s) for s in spec.get("old", [])],
                    [tuple(s) for s in spec.get("new", [])]))
    except OSError as exc:
        print(f"OSError: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 -- every failure is reported to the build, which raises it
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
