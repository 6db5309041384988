"""Where SPARQL runs without a network: move the calling process into a network namespace of its own.

pyoxigraph's ``Store.query`` really makes HTTP requests for ``SERVICE``, so whatever a query's
text hides from a text check, it must run where no network exists. :func:`isolate_network`
moves the calling process into a new, empty Linux network namespace: its only interface is a
loopback that is down, so no address (127.0.0.1 included) can be reached, by construction.
Files stay readable; the process keeps its user.

Who calls it:

- the server's query workers, at start, before they load the dataset;
- the command line, at start, for every command that needs no network (all but ``link``,
  ``query --allow-service``, ``push`` and ``serve``, whose workers isolate themselves), so a
  ``build`` runs its quality checks and rules, and ``query`` its named queries, isolated;
- the Python API does **not** isolate by itself: ``run_query``, ``build``, ``project`` run in the
  caller's process. A program that runs SPARQL it did not write calls ``isolate_network()``
  first, while it is still single-threaded.

How: as root, ``unshare(CLONE_NEWNET)``; otherwise ``unshare(CLONE_NEWUSER | CLONE_NEWNET)``
with the user and group mapped to themselves. A namespace belongs to a thread, and a new
thread inherits its creator's: the call refuses a process that already runs several threads,
so that no thread is left outside.

A command that reads a remote SPARQL endpoint (``--endpoint URL``) needs one way out, to that
endpoint only: :func:`isolate_except` first forks a relay that stays in the old namespace and
listens on a Unix socket in a private folder (a path-bound socket crosses namespaces; an address
does not), then isolates the caller. Each connection to the socket becomes one TCP connection to
the endpoint's host and port, and to nothing else; the caller's HTTP client speaks through the
socket (TLS, when the URL is https, goes end to end through it).

Where no namespace can be made (macOS, Windows, a container that forbids ``unshare``):

- ``strict=True`` (the server's workers) refuses with :class:`IsolationError`: a server does
  not evaluate untrusted SPARQL with a network unless the operator opts out, with
  ``serve --unsafe-allow-network`` or by setting ``SMARTCITY_KG_UNSAFE_NETWORK=1``; the
  text check of :mod:`smartcity_kg.serve.guard` is then the only defence left;
- ``strict=False`` (the command line, on the user's own files) warns once and goes on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import socket
import sys
import tempfile

from .exceptions import IsolationError

__all__ = ["OPT_OUT", "isolate_except", "isolate_network", "isolation_problem"]

LOG = logging.getLogger("smartcity_kg.sandbox")
#: The environment variable that lets SPARQL run with a network where no namespace can be made.
OPT_OUT = "SMARTCITY_KG_UNSAFE_NETWORK"
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_DUMPABLE = 4
_PR_SET_PDEATHSIG = 1


def _libc(call: str, *args: int) -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if getattr(libc, call)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


def _map_user() -> None:
    """In a new user namespace: keep the user and group the process had."""
    uid, gid = os.geteuid(), os.getegid()
    _libc("prctl", _PR_SET_DUMPABLE, 1)  # a process that changed its user may not write its own maps otherwise
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1\n"), ("gid_map", f"{gid} {gid} 1\n")):
        with open(f"/proc/self/{name}", "wb") as handle:
            handle.write(text.encode("ascii"))


def _enter_namespace() -> None:
    """Enter a new network namespace, or raise :class:`IsolationError` saying why not."""
    if not sys.platform.startswith("linux"):
        raise IsolationError(f"network namespaces are a Linux feature; this is {sys.platform}")
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        raise IsolationError(f"the process already runs {threads} threads; isolate it before it starts any")
    before = os.stat("/proc/self/ns/net").st_ino
    try:
        if os.geteuid() == 0:
            _libc("unshare", _CLONE_NEWNET)
        else:
            _libc("unshare", _CLONE_NEWUSER | _CLONE_NEWNET)
            _map_user()
    except OSError as exc:
        raise IsolationError(f"a network namespace could not be made ({exc.strerror})") from None
    if os.stat("/proc/self/ns/net").st_ino == before:
        raise IsolationError("unshare succeeded but the process is still in its old network namespace")


def isolate_network(*, strict: bool = True) -> bool:
    """Move the calling process into a network namespace with no usable interface.

    Parameters
    ----------
    strict
        Where no namespace can be made: refuse (``True``) unless the environment variable
        ``SMARTCITY_KG_UNSAFE_NETWORK`` is ``1``, or warn and go on (``False``).

    Returns
    -------
    bool
        Whether the process is now isolated.

    Raises
    ------
    IsolationError
        If ``strict``, not opted out, and no namespace could be made.

    Examples
    --------
    >>> import subprocess, sys
    >>> code = "from smartcity_kg.sandbox import isolate_network; print(isolate_network(strict=False))"
    >>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() in ("True", "False")
    True
    """
    try:
        _enter_namespace()
        return True
    except IsolationError as exc:
        if strict and os.environ.get(OPT_OUT) != "1":
            raise IsolationError(f"{exc}; SPARQL is not run with a network. To run it anyway (the text check is then "
                                 f"the only defence), set {OPT_OUT}=1") from None
        LOG.warning("SPARQL runs with the network reachable: %s", exc)
        return False


def isolation_problem() -> str | None:
    """Why :func:`isolate_network` would fail in a fresh process here (``None``: it would succeed).

    Tried in a forked child, so the caller keeps its network.
    """
    if not sys.platform.startswith("linux"):
        return f"network namespaces are a Linux feature; this is {sys.platform}"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            _enter_namespace()
            message = b""
        except IsolationError as exc:
            message = str(exc).encode("utf-8")
        os.write(write, message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer = pipe.read().decode("utf-8")
    os.waitpid(pid, 0)
    return answer or None


def isolate_except(host: str, port: int) -> str | None:
    """Isolate the calling process as :func:`isolate_network` (``strict=False``) does, save a way to ``host:port``.

    Returns the path of the Unix socket that relays to ``host:port`` and nowhere else; ``None``
    where no namespace could be made (a warning is logged, and the process keeps its network).
    The relay is a child process that ends with the caller.
    """
    folder = tempfile.mkdtemp(prefix="smartcity-kg-relay-")
    path = os.path.join(folder, "endpoint.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    parent = os.getpid()
    child = os.fork()
    if child == 0:  # pragma: no cover - the relay, outside the namespace
        try:
            _libc("prctl", _PR_SET_PDEATHSIG, signal.SIGTERM)
            quiet = os.open(os.devnull, os.O_RDWR)
            for stream in (0, 1, 2):  # the caller's pipes close when the caller ends, not when the relay does
                os.dup2(quiet, stream)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            if os.getppid() == parent:
                _relay(listener, host, port)
        finally:
            for name in (path, folder):
                try:
                    (os.rmdir if name == folder else os.unlink)(name)
                except OSError:
                    pass
            os._exit(0)
    listener.close()
    if isolate_network(strict=False):
        return path
    os.kill(child, signal.SIGTERM)
    os.waitpid(child, 0)
    return None


def _relay(listener: socket.socket, host: str, port: int) -> None:  # pragma: no cover - runs in the relay
    """Serve ``listener``: each connection is piped both ways to a new TCP connection to ``host:port``."""
    import threading

    def pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end, how in ((sink, socket.SHUT_WR), (source, socket.SHUT_RD)):
                try:
                    end.shutdown(how)
                except OSError:
                    pass

    def serve(inner: socket.socket) -> None:
        try:
            outer = socket.create_connection((host, port), timeout=60)
        except OSError:
            inner.close()
            return
        outer.settimeout(None)
        back = threading.Thread(target=pipe, args=(outer, inner), daemon=True)
        back.start()
        pipe(inner, outer)
        back.join()
        inner.close()
        outer.close()

    while True:
        inner, _ = listener.accept()
        threading.Thread(target=serve, args=(inner,), daemon=True).start()
