"""Which lane a query takes: the fast lane for one that looks light, or that was light when it last ran.

The server keeps a few workers for light queries so that they are answered while heavy ones
hold the others. A query looks light by its text (an ASK, a final ``LIMIT`` of at most 100);
the same query (text, bindings and dataset) that last ran within a fraction of the fast lane's
time limit is light as well, so a page's or a client's cheap named queries, asked again and
again, do not wait in line behind heavy ones. Either is only a guess for scheduling: a query
that outgrows the fast lane's limit there runs again in the general pool, and is then forgotten
as light.
"""

from __future__ import annotations

import collections
import hashlib
import re
import threading
from collections.abc import Hashable

__all__ = ["Lanes", "looks_light"]

_LIMIT = re.compile(r"\bLIMIT\s+(\d+)\s*(?:OFFSET\s+\d+\s*)?$", re.IGNORECASE)


def looks_light(text: str) -> bool:
    """Whether ``text`` looks cheap enough for the fast lane: an ASK, or a final LIMIT of at most 100.

    Examples
    --------
    >>> looks_light("SELECT * WHERE { ?s ?p ?o } LIMIT 10"), looks_light("SELECT * WHERE { ?s ?p ?o }")
    (True, False)
    """
    from .guard import query_form

    match = _LIMIT.search(text.strip())
    return query_form(text) == "ASK" or (match is not None and int(match.group(1)) <= 100)


class Lanes:
    """The queries (by a digest of their text and parameters) that ran in at most ``light`` seconds last time.

    At most ``size`` are remembered, the least recently run forgotten first. Thread-safe.

    Examples
    --------
    >>> lanes = Lanes(light=0.25)
    >>> lanes.is_light("SELECT * { ?s ?p ?o }", ()), lanes.ran("SELECT * { ?s ?p ?o }", (), 0.01)
    (False, None)
    >>> lanes.is_light("SELECT * { ?s ?p ?o }", ())
    True
    """

    def __init__(self, *, light: float, size: int = 4096) -> None:
        self.light, self.size = light, size
        self._seconds: collections.OrderedDict[bytes, float] = collections.OrderedDict()
        self._lock = threading.Lock()

    def is_light(self, text: str, given: Hashable) -> bool:
        """Whether the query ``text`` with ``given`` (its bindings and dataset) goes to the fast lane."""
        if looks_light(text):
            return True
        with self._lock:
            seconds = self._seconds.get(self._key(text, given))
        return seconds is not None and seconds <= self.light

    def ran(self, text: str, given: Hashable, seconds: float | None) -> None:
        """Remember that the query ran in ``seconds`` (``None``: it was stopped, so it is not light)."""
        key = self._key(text, given)
        with self._lock:
            self._seconds.pop(key, None)
            self._seconds[key] = float("inf") if seconds is None else seconds
            while len(self._seconds) > self.size:
                self._seconds.popitem(last=False)

    @staticmethod
    def _key(text: str, given: Hashable) -> bytes:
        return hashlib.blake2b(repr((text, given)).encode("utf-8"), digest_size=16).digest()
