"""The server's query worker processes: each started with the dataset, and a pool that hands them out in turn."""

from __future__ import annotations

import collections
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..exceptions import IsolationError
from .worker import WorkerLimits, serve_jobs

__all__ = ["Pool", "WorkerProcess", "default_workers"]

LOG = logging.getLogger("smartcity_kg.serve")
#: Workers per core over an on-disk store (see :func:`default_workers`), and at most this many in all.
PER_CORE, MOST = 8, 16


def default_workers(*, on_disk: bool, max_memory_mb: int, cores: int | None = None,
                    available_mb: int | None = None) -> int:
    """How many query workers to start when none is asked for.

    Over an on-disk store a worker is cheap (it opens the one copy read-only, some 70 MB
    resident), so there are :data:`PER_CORE` per core, up to :data:`MOST`: a query then finds
    a worker while heavy ones run, rather than waiting out its turn and getting 503. A query
    waits at most (clients / workers - 1) time limits for one: 16 workers keep 32 clients at
    the 10 s limit within the 30 s wait. Measured at 1M triples, 32 clients, 2 cores (load 9-20):
    3 workers 32 % busy 503s, 8 workers 26 %, 16 workers none. Never more than the memory left
    for every worker's ``max_memory_mb`` (0: no cap), nor fewer than 2. A build without one is
    loaded by each worker, so it gets 2.

    Examples
    --------
    >>> default_workers(on_disk=True, max_memory_mb=1024, cores=2, available_mb=20_000)
    16
    >>> default_workers(on_disk=True, max_memory_mb=1024, cores=64, available_mb=6_000)
    5
    >>> default_workers(on_disk=False, max_memory_mb=1024, cores=8, available_mb=20_000)
    2
    """
    if not on_disk:
        return 2
    cores = cores if cores is not None else len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    count = min(PER_CORE * cores, MOST)
    available = available_mb if available_mb is not None else _available_mb()
    if max_memory_mb and available:
        count = min(count, available // max_memory_mb)
    return max(2, count)


def _available_mb() -> int:
    """Megabytes of memory available to start processes (``MemAvailable``), or 0 where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


class WorkerProcess:
    """A worker process, started; :meth:`wait_ready` waits until it can take jobs."""

    def __init__(self, context: multiprocessing.context.SpawnContext, trig: Path, base: str,
                 limits: WorkerLimits, store: Path | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve_jobs, daemon=True,
                                       args=(child, str(trig), base, limits, None if store is None else str(store)))
        self.process.start()
        child.close()

    def wait_ready(self) -> "WorkerProcess":
        """This worker once it has opened the dataset.

        Raises
        ------
        IsolationError
            If the worker cannot leave the network.
        RuntimeError
            If it did not start within 60 s.
        """
        reply = self.conn.recv() if self.conn.poll(60) else None
        if reply != "ready":
            self.kill()
            if isinstance(reply, tuple) and reply[0] == "refused":
                raise IsolationError(f"the query workers cannot start: {reply[1]}")
            raise RuntimeError("a query worker did not start")
        return self

    def kill(self) -> None:
        """Stop the process at once and close its pipe."""
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """Worker processes that answer one job at a time each; a stopped or crashed one is replaced in the background.

    Callers get a free worker first come, first served: one who waits is never passed by one
    who came later (a plain queue lets a newcomer take a worker that an older waiter was woken
    for, so under load a few unlucky callers wait out their time and get 503). At most ``queue``
    callers wait at once; one more is turned away at once. The pool serves as soon as its first
    worker is ready; :meth:`fill` starts the others, which join as they get ready. A worker
    handed to :meth:`retire` is killed and a new one started by a thread of its own: the caller
    goes on at once, and the others keep taking the workers that are free until the new one is
    ready and joins them.
    """

    def __init__(self, size: int, start: Callable[[], WorkerProcess], queue: int = 1_000_000) -> None:
        self._start, self._queue = start, queue
        self._free: list[WorkerProcess] = []
        self._waiting: collections.deque[object] = collections.deque()
        self._turn = threading.Condition()
        self._lock = threading.Lock()
        self._closed = False
        self._starting = 0
        self.all: list[WorkerProcess] = [start()] if size else []
        try:
            self._free = [worker.wait_ready() for worker in self.all]  # one ready: the pool serves
        except BaseException:
            for worker in self.all:
                worker.kill()
            raise
        self._size = size

    def fill(self) -> None:
        """Start the pool's other workers, together, in the background: each joins once it is ready."""
        with self._lock:
            count = self._size - len(self.all) - self._starting
            self._starting += max(count, 0)
        if count > 0:
            threading.Thread(target=self._join, args=(count,), name="smartcity-kg-worker-start", daemon=True).start()

    @property
    def starting(self) -> int:
        """How many workers are starting now: those :meth:`fill` started, and replacements."""
        with self._lock:
            return self._starting

    def take(self, wait: float) -> WorkerProcess | None:
        """A free worker, in turn; ``None`` if none came within ``wait`` seconds, or the queue is full."""
        ticket, deadline = object(), time.monotonic() + wait
        with self._turn:
            if len(self._waiting) >= self._queue:
                return None
            self._waiting.append(ticket)
            try:
                while not (self._free and self._waiting[0] is ticket):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None
                    self._turn.wait(left)
                return self._free.pop()
            finally:
                self._waiting.remove(ticket)
                self._turn.notify_all()

    def give(self, worker: WorkerProcess) -> None:
        """Hand ``worker`` back, free for the next caller."""
        with self._turn:
            self._free.append(worker)
            self._turn.notify_all()

    def retire(self, worker: WorkerProcess) -> None:
        """Kill ``worker`` (taken, never to be given back) and start its replacement in the background."""
        worker.process.kill()  # the work stops now; the process is reaped by the thread below
        with self._lock:
            self.all = [w for w in self.all if w is not worker]
            if self._closed:
                return
            self._starting += 1
        threading.Thread(target=self._replace, args=(worker,), name="smartcity-kg-worker-start", daemon=True).start()

    def _join(self, count: int) -> None:
        """Start ``count`` more workers together and free each once it is ready; one that fails is replaced."""
        workers = [self._start() for _ in range(count)]
        with self._lock:
            self.all += workers
        for worker in workers:
            try:
                worker.wait_ready()
            except Exception as exc:  # noqa: BLE001 - logged, and another one started
                with self._lock:
                    self.all = [w for w in self.all if w is not worker]
                if not self._closed:
                    LOG.error("a query worker did not start (%s); starting another", exc)
                self._replace(worker)
                continue
            with self._lock:
                self._starting -= 1
                closed = self._closed
            if closed:
                worker.kill()
            else:
                self.give(worker)

    def _replace(self, old: WorkerProcess) -> None:
        """Reap ``old``, then start workers until one is ready (waiting longer after each failure) and free it."""
        old.kill()
        pause, began = 1.0, time.monotonic()
        try:
            while not self._closed:
                try:
                    fresh = self._start().wait_ready()
                except Exception as exc:  # noqa: BLE001 - a failed start is logged and tried again
                    LOG.error("a query worker could not be restarted (%s); trying again in %g s", exc, pause)
                    time.sleep(pause)
                    pause = min(pause * 2, 30.0)
                    continue
                with self._lock:
                    closed = self._closed
                    if not closed:
                        self.all.append(fresh)
                if closed:
                    fresh.kill()
                else:
                    LOG.info("query worker %s replaced by %s, ready in %.1f s", old.process.pid, fresh.process.pid,
                             time.monotonic() - began)
                    self.give(fresh)
                return
        finally:
            with self._lock:
                self._starting -= 1

    def close(self) -> None:
        """Stop every worker; a replacement still starting is stopped once it is ready."""
        with self._lock:
            self._closed = True
            for worker in self.all:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
                worker.kill()
            self.all = []
