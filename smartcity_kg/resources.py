"""Where the shipped ontology, shapes, queries and default fact sheets are."""

from __future__ import annotations

from pathlib import Path

__all__ = ["shipped"]

_KINDS = ("ontology", "queries", "graph")


def shipped(kind: str) -> Path:
    """The directory of the shipped ``ontology``, ``queries`` or ``graph``.

    An installed package carries them in ``smartcity_kg/data/<kind>``; a source checkout
    (installed in editable mode or not at all) has them at the top of the repository.

    Examples
    --------
    >>> (shipped("ontology") / "smartcity-kg.ttl").is_file()
    True
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(_KINDS)}")
    package = Path(__file__).resolve().parent
    installed = package / "data" / kind
    return installed if installed.is_dir() else package.parent / kind
