"""Work of the build in a child process: started at once, its answer or its error taken when the build needs it.

A child is forked where the system can fork (it then shares the parent's data, and starts in
milliseconds) and spawned elsewhere. :func:`start_child` starts a function that speaks through
a pipe; :func:`start_answer` one that returns a value, which :meth:`Answer.result` hands over,
or whose error it raises again in this process. On Linux a child is killed when the process
that started it ends, however it ends.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

__all__ = ["Answer", "can_fork", "start_answer", "start_child"]

_PR_SET_PDEATHSIG = 1
_SIGKILL = 9


def can_fork() -> bool:
    """Whether a child can be forked here (else it is spawned, and gets its data pickled)."""
    return "fork" in multiprocessing.get_all_start_methods()


def start_child(target: Callable[..., None], *args: Any, fork: bool = True) -> tuple[BaseProcess, Connection]:
    """Start ``target(sender, *args)`` in a child process; return it and the receiving end of its pipe.

    The child is forked where ``fork`` allows and the system can, else spawned: work that opens an
    on-disk store must be spawned, as RocksDB's background threads do not survive a fork. The
    parent's copy of the sending end is closed, so that the receiving end reads end-of-file once
    the child is gone. ``target`` must be a module-level function, and ``args`` picklable, where
    the child is spawned.
    """
    context = (multiprocessing.get_context("fork") if fork and can_fork() else  # literals: mypy types each context
               multiprocessing.get_context("spawn"))
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_bootstrap, args=(target, sender, *args), daemon=True)
    child.start()
    sender.close()
    return child, receiver


def _bootstrap(target: Callable[..., None], sender: Connection, *args: Any) -> None:
    """In the child: end with the parent (Linux), then run ``target``."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl in this libc: the child ends when its pipe breaks
            pass
    target(sender, *args)


class _ChildTraceback(Exception):
    """The traceback of an error raised in a child process, as its text."""


class Answer:
    """The value of a function that runs in a child process (see :func:`start_answer`)."""

    def __init__(self, process: BaseProcess, receiver: Connection) -> None:
        self._process, self._receiver = process, receiver

    def result(self) -> Any:
        """Wait for the child's value and return it, or raise the child's error here.

        Raises
        ------
        ChildProcessError
            If the child ended without an answer (killed, or out of memory).
        """
        try:
            kind, value, text = self._receiver.recv()
        except EOFError:
            self._process.join(5)
            code = self._process.exitcode
            raise ChildProcessError(f"the child process ended without an answer (exit code {code})") from None
        finally:
            self.stop()
        if kind == "error":
            raise value from _ChildTraceback(text)
        return value

    def stop(self) -> None:
        """Kill the child if it still runs, and reap it."""
        if self._process.exitcode is None:
            self._process.kill()
        self._process.join()
        self._receiver.close()


def start_answer(function: Callable[..., Any], *args: Any, fork: bool = True) -> Answer:
    """Start ``function(*args)`` in a child process (forked where ``fork`` allows, see :func:`start_child`);
    :meth:`Answer.result` waits for its value.

    The value must be picklable. An error that cannot be pickled comes back as a
    :class:`RuntimeError` naming its type and message.

    Examples
    --------
    >>> answer = start_answer(divmod, 7, 2)
    >>> answer.result()
    (3, 1)
    """
    return Answer(*start_child(_answer, function, *args, fork=fork))


def _answer(sender: Connection, function: Callable[..., Any], *args: Any) -> None:
    """In the child: send ``("value", value, "")`` or ``("error", exception, traceback)``."""
    try:
        message = ("value", function(*args), "")
    except BaseException as exc:  # noqa: BLE001 -- every error, KeyboardInterrupt too, goes to the parent
        message = ("error", _portable(exc), traceback.format_exc())
    sender.send(message)
    sender.close()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it pickles and unpickles, else a :class:`RuntimeError` with its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 -- whatever stops it from travelling
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
