"""Building a large network without the cyclic garbage collector's pauses.

Projecting a graph creates hundreds of thousands of small objects (ties, tuples, sets), none of
them in a reference cycle. Each allocation burst makes Python's cyclic collector walk every
object alive, the graph's labels and types included: at 1M triples that walking was a quarter
of the projection's time. :func:`collector_paused` turns the collector off around such work and
back on after it, as it was; reference counting still frees everything at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (if it is on), and turn it back on after.

    Examples
    --------
    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
