"""The memory a command and the processes it starts hold together, sampled while it runs (Linux).

A command may start child processes (the build runs its checks and rules, and writes its on-disk
store, in child processes): the peak resident set of one process (``ru_maxrss``) then says too
little, and the sum of their resident sets too much, since forked processes share pages until
they write them. The proportional set size
(PSS, ``/proc/PID/smaps_rollup``) shares each page among the processes that map it, so the sum over
the process tree is the memory the command holds. :class:`TreeMemory` samples it a few times a
second; where ``/proc`` has no ``smaps_rollup`` it measures nothing and says so (``None``).
"""

from __future__ import annotations

import threading
from pathlib import Path

__all__ = ["TreeMemory", "tree_pss_mb"]


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (from each of its threads' ``children`` list)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _pss_kb(pid: int) -> int:
    """The PSS of ``pid`` in kB; 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_mb(pid: int) -> float:
    """The summed PSS of ``pid`` and every process below it, in MB."""
    total, waiting = 0, [pid]
    while waiting:
        current = waiting.pop()
        total += _pss_kb(current)
        waiting += _children(current)
    return total / 1024


class TreeMemory:
    """Samples :func:`tree_pss_mb` of a process every ``interval`` seconds until :meth:`stop`; ``peak_mb`` is the
    largest sample (``None`` where it cannot be read)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peak_mb: float | None = 0.0 if Path(f"/proc/{pid}/smaps_rollup").is_file() else None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        if self.peak_mb is not None:
            self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_mb = max(self.peak_mb or 0.0, tree_pss_mb(self.pid))

    def stop(self) -> float | None:
        """Stop sampling; the peak, in MB (``None`` where it could not be read)."""
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak_mb
