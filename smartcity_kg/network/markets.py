"""Markets: a country named by its ISO 3166-1 code, and the decision makers and firms of each.

A market is a parameter, never a constant: any ISO 3166-1 country can be named, and the
decision makers of a market are those the reasoner found to decide there (``sck:decidesIn``),
so no per-country class is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..exceptions import EntityNotFoundError
from ..namespaces import COUNTRY, SCK

if TYPE_CHECKING:
    from .projection import Network

__all__ = ["ADDING_A_MARKET", "DEFAULT_HOME", "DEFAULT_MARKET", "Market", "decision_makers", "decision_posts", "firms_based_in", "resolve_market"]

#: Where a user reads how to add a market.
ADDING_A_MARKET = "graph/README.md, section 'Adding a market'"
_SUGGESTIONS = 6
#: The market asked about when none is named (the mission's), and the home country of firms.
DEFAULT_MARKET = "DK"
DEFAULT_HOME = "US"


@dataclass(frozen=True)
class Market:
    """A country as a market: its ISO 3166-1 alpha-2 code, IRI and English name."""

    code: str
    iri: str
    label: str


def resolve_market(name: str, known: set[str] | None = None) -> Market:
    """The country that ``name`` gives: an ISO 3166-1 alpha-2 or alpha-3 code, a name, or its IRI.

    ``known`` holds the codes of the markets in the graph; they come first among the
    suggestions for a code that names no country.

    Raises
    ------
    EntityNotFoundError
        If no ISO 3166-1 country is named so; the message lists the nearest codes.

    Examples
    --------
    >>> resolve_market("dk").label
    'Denmark'
    >>> resolve_market("DN", {"DK"})
    Traceback (most recent call last):
    ...
    smartcity_kg.exceptions.EntityNotFoundError: no ISO 3166-1 country 'DN'; did you mean DK, DE, DJ, DM, DO, DZ?
    """
    import pycountry

    text = name.strip().removeprefix(COUNTRY)
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        nearest = _nearest(text.upper(), {c.alpha_2 for c in pycountry.countries}, known or set())
        raise EntityNotFoundError(f"no ISO 3166-1 country {name!r}; did you mean {', '.join(nearest)}?",
                                  nearest) from None
    label = getattr(country, "common_name", None) or country.name
    return Market(country.alpha_2, COUNTRY + country.alpha_2, label)


def _nearest(code: str, codes: set[str], known: set[str]) -> list[str]:
    """The codes closest to ``code``: one letter apart first (the first letter kept before the
    second), those of markets in the graph before the others."""
    def distance(other: str) -> tuple[int, int, int, str]:
        same = [a == b for a, b in zip(code.ljust(2)[:2], other)]
        return (-sum(same), 0 if same[0] else 1, 0 if other in known else 1, other)

    return sorted(codes, key=distance)[:_SUGGESTIONS]


def decision_makers(network: Network, market: Market) -> set[str]:
    """The decision makers of ``network`` that decide in ``market`` (posts and their holders)."""
    return {node for node in network.members(SCK + "DecisionMaker") if market.iri in network.markets.get(node, ())}


def decision_posts(network: Network, market: Market) -> set[str]:
    """The posts that decide in ``market``: what a path aims at, since a post names its holders as of
    a date and a person is never a timeless decision maker."""
    return {node for node in decision_makers(network, market) if SCK + "Person" not in network.types.get(node, ())}


def firms_based_in(network: Network, home: Market, market: Market | None = None) -> set[str]:
    """The companies of ``network`` based in ``home`` (their home country), and not in ``market``."""
    return {node for node in network.members(SCK + "Company")
            if home.iri in network.markets.get(node, ()) and (market is None or market.iri not in network.markets[node])}
