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

from .build import BuildOptions, BuildResult, build
from .entities import EntityIndex
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
from .queries import NamedQuery, Result, bind_params, load_catalogue, run_query
from .resources import shipped
from .store import open_store

__version__ = "0.1.0"

__all__ = [
    "BuildOptions", "BuildResult", "EntityIndex", "EntityNotFoundError", "InconsistentOntologyError",
    "InputError", "JavaNotFoundError", "NamedQuery", "QueryError", "ReasoningError", "Result",
    "SmartCityKGError", "ValidationError", "__version__", "bind_params", "build", "load_catalogue",
    "open_store", "run_query", "shipped",
]
