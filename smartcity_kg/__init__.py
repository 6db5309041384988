"""smartcity-kg: a knowledge graph of smart-city market opportunities.

Build the graph from the shipped ontology and fact sheets, then ask it questions::

    >>> from pathlib import Path
    >>> from smartcity_kg import build, open_store, load_catalogue, run_query, shipped
    >>> result = build(Path("build"))                     # doctest: +SKIP
    >>> store = open_store(Path("build"))                 # doctest: +SKIP
    >>> catalogue = load_catalogue(shipped("queries"))    # doctest: +SKIP
    >>> run_query(store, catalogue["awards"]).rows        # doctest: +SKIP

The command line does the same: ``smartcity-kg build`` then ``smartcity-kg query awards``.
Every fact in the graph carries its evidence: the source and the sentence that states it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Each public name and the module that defines it; modules are imported on first use, so
#: that ``import smartcity_kg`` stays cheap for commands that need little of it.
_EXPORTS = {
    "BuildOptions": "builder.pipeline", "BuildResult": "builder.pipeline", "build": "builder.pipeline",
    "EntityIndex": "store.entities",
    "EntityNotFoundError": "exceptions", "InconsistentOntologyError": "exceptions", "InputError": "exceptions",
    "JavaNotFoundError": "exceptions", "QueryError": "exceptions", "ReasoningError": "exceptions",
    "SmartCityKGError": "exceptions", "ValidationError": "exceptions",
    "NamedQuery": "store.queries", "Result": "store.queries", "bind_params": "store.queries", "load_catalogue": "store.queries",
    "run_query": "store.queries",
    "shipped": "resources",
    "open_store": "store.dataset",
}

__all__ = [
    "BuildOptions", "BuildResult", "EntityIndex", "EntityNotFoundError", "InconsistentOntologyError",
    "InputError", "JavaNotFoundError", "NamedQuery", "QueryError", "ReasoningError", "Result",
    "SmartCityKGError", "ValidationError", "__version__", "bind_params", "build", "load_catalogue",
    "open_store", "run_query", "shipped",
]

if TYPE_CHECKING:
    from .builder.pipeline import BuildOptions, BuildResult, build
    from .store.entities import EntityIndex
    from .exceptions import (
        EntityNotFoundError,
        InconsistentOntologyError,
        InputError,
        JavaNotFoundError,
        QueryError,
        ReasoningError,
        SmartCityKGError,
        ValidationError,
    )
    from .store.queries import NamedQuery, Result, bind_params, load_catalogue, run_query
    from .resources import shipped
    from .store.dataset import open_store


def __getattr__(name: str) -> Any:
    """Import the module of a public name on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'smartcity_kg' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
