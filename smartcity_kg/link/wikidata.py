"""A small client of the Wikidata API (wbsearchentities, wbgetentities) with an on-disk cache.

Answers are checked for the API's shape before they are cached, written to a temporary file
and renamed, so a truncated or malformed answer, an HTTP error or a timeout never corrupts the
cache. Without a network the client answers from the cache and says what it could not reach.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["API", "Candidate", "WikidataClient", "WikidataUnavailable", "default_cache"]

API = "https://www.wikidata.org/w/api.php"
_AGENT = "smartcity-kg/0.1 (https://w3id.org/smartcity-kg; entity linking)"


class WikidataUnavailable(ConnectionError):
    """Wikidata could not be reached, or answered badly, and the cache has no answer."""


@dataclass(frozen=True)
class Candidate:
    """An item that a search found: its QID, label, description and 'instance of' classes."""

    qid: str
    label: str
    description: str
    instance_of: tuple[str, ...] = ()


def default_cache() -> Path:
    """The cache folder: ``$XDG_CACHE_HOME/smartcity-kg/wikidata`` (or ``~/.cache/...``)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "smartcity-kg" / "wikidata"


Fetch = Callable[[dict[str, str]], Any]


class WikidataClient:
    """Search and fetch Wikidata items, caching every good answer in ``cache``.

    ``fetch`` (for tests and other transports) takes the API parameters and returns the
    decoded JSON; by default it is an HTTPS GET of :data:`API` with ``timeout`` seconds.
    ``offline`` answers from the cache only.
    """

    def __init__(self, cache: Path | None = None, *, fetch: Fetch | None = None, offline: bool = False,
                 timeout: float = 10.0) -> None:
        self.cache = cache or default_cache()
        self.offline = offline
        self.timeout = timeout
        self._fetch = fetch or self._http

    def _http(self, params: dict[str, str]) -> Any:
        import httpx

        response = httpx.get(API, params=params, timeout=self.timeout, headers={"User-Agent": _AGENT})
        response.raise_for_status()
        return response.json()

    def _get(self, params: dict[str, str], valid: Callable[[Any], bool]) -> Any:
        key = hashlib.sha256(json.dumps(params, sort_keys=True).encode("utf-8")).hexdigest()
        path = self.cache / f"{key}.json"
        if path.is_file():
            try:
                cached = json.loads(path.read_text(encoding="utf-8"))
                if valid(cached):
                    return cached
            except (OSError, ValueError):
                pass
        if self.offline:
            raise WikidataUnavailable("offline, and the cache has no answer")
        try:
            answer = self._fetch(dict(params, format="json"))
        except ValueError as exc:
            raise WikidataUnavailable(f"Wikidata answered with text that is not JSON ({exc})") from None
        except Exception as exc:  # noqa: BLE001 - any transport failure is reported, per entity
            raise WikidataUnavailable(f"Wikidata could not be reached ({type(exc).__name__}: {exc})") from None
        if not valid(answer):
            raise WikidataUnavailable("Wikidata answered in an unexpected shape (truncated or an error)")
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(answer, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
        return answer

    def search(self, text: str, *, language: str = "en", limit: int = 5) -> list[Candidate]:
        """Items whose label or alias matches ``text`` (wbsearchentities), with their P31 classes.

        Raises
        ------
        WikidataUnavailable
            If neither Wikidata nor the cache can answer.
        """
        params = {"action": "wbsearchentities", "search": text, "language": language, "type": "item",
                  "limit": str(limit)}
        found = self._get(params, lambda a: isinstance(a, dict) and isinstance(a.get("search"), list)
                          and all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in a["search"]))
        hits = [(i["id"], str(i.get("label", "")), str(i.get("description", ""))) for i in found["search"]]
        classes = self.instance_of([qid for qid, _, _ in hits]) if hits else {}
        return [Candidate(qid, label, description, classes.get(qid, ())) for qid, label, description in hits]

    def instance_of(self, qids: list[str]) -> dict[str, tuple[str, ...]]:
        """The 'instance of' (P31) classes of each item (wbgetentities, claims)."""
        params = {"action": "wbgetentities", "ids": "|".join(sorted(qids)), "props": "claims"}
        found = self._get(params, _valid_entities)
        return {qid: tuple(_classes(entity)) for qid, entity in found["entities"].items()}


def _classes(entity: dict[str, Any]) -> list[str]:
    """The QIDs of an entity's 'instance of' (P31) claims."""
    out = []
    for claim in entity.get("claims", {}).get("P31", []):
        value = claim.get("mainsnak", {}).get("datavalue", {}).get("value", {})
        if isinstance(value, dict) and isinstance(value.get("id"), str):
            out.append(value["id"])
    return out


def _valid_entities(answer: Any) -> bool:
    """Whether a wbgetentities answer has the API's shape, down to each P31 claim."""
    if not isinstance(answer, dict) or not isinstance(answer.get("entities"), dict):
        return False
    for entity in answer["entities"].values():
        if not isinstance(entity, dict):
            return False
        claims = entity.get("claims", {})
        if not isinstance(claims, dict) or not isinstance(claims.get("P31", []), list):
            return False
        for claim in claims.get("P31", []):
            if not isinstance(claim, dict) or not isinstance(claim.get("mainsnak", {}), dict):
                return False
            snak = claim.get("mainsnak", {})
            if not isinstance(snak.get("datavalue", {}), dict) or not isinstance(snak.get("datavalue", {}).get("value", {}), (dict, str)):
                return False
    return True
