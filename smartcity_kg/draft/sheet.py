"""A draft fact sheet: the mentions and candidate items of a text, written as YAML with a comment per item."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..resources import shipped
from ..store.queries import load_query
from .candidates import Candidate, candidates
from .mentions import Gazetteer, Mention
from .names import NameIndex
from .numbers import Quantity, quantities
from .text import Sentence, sentences
from .tradeblock import TradeBlock, find_blocks, render_block

__all__ = ["Draft", "Schema", "draft", "draft_sheet", "load_schema", "render"]

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MAX_QUOTES = 3


@dataclass
class Schema:
    """What the ontology says of the classes a draft may use: labels, and the slots the shapes require."""

    labels: dict[str, str]
    required: dict[str, dict[str, int]]


def load_schema(store: ox.Store, shapes: Path | None = None, query_dir: Path | None = None) -> Schema:
    """The classes of the build in ``store`` and the slots required of each by ``shapes`` (SHACL, Turtle)."""
    folder = query_dir or shipped("queries") / "draft"
    labels: dict[str, str] = {}
    supers: dict[str, set[str]] = {}
    for row in store.query(load_query(folder / "classes.rq").text):  # type: ignore[union-attr]
        name = row["class"].value.rsplit("#", 1)[-1]
        labels[name] = row["label"].value
        supers.setdefault(name, set()).add(row["super"].value)
    shape_store = ox.Store()
    shape_store.bulk_load(path=str(shapes or shipped("ontology") / "shapes" / "data.ttl"), format=ox.RdfFormat.TURTLE)
    by_class: dict[str, dict[str, int]] = {}
    for row in shape_store.query(load_query(folder / "required.rq").text):  # type: ignore[union-attr]
        by_class.setdefault(row["class"].value, {})[row["path"].value.rsplit("#", 1)[-1]] = int(row["count"].value)
    required = {name: {p: n for s in ups for p, n in by_class.get(s, {}).items()} for name, ups in supers.items()}
    return Schema(labels, required)


@dataclass
class Draft:
    """What drafting found in a text: its sentences' mentions and quantities, and the candidate items."""

    source: str
    sentences: list[tuple[Sentence, list[Mention], list[Quantity]]] = field(default_factory=list)
    items: list[Candidate] = field(default_factory=list)
    tables: list[TradeBlock] = field(default_factory=list)
    text: str = ""

    @property
    def refs(self) -> set[str]:
        """The ids and notations of every entity, sector and country mentioned."""
        return {m.ref for _, mentions, _ in self.sentences for m in mentions if m.kind != "place"}

    @property
    def years(self) -> set[str]:
        """Every year the text states, alone or in a date."""
        return {q.value[:4] for _, _, found in self.sentences for q in found if q.kind in ("year", "date")}

    @property
    def amounts(self) -> set[str]:
        """Every amount of money the text states, as a fact sheet writes it."""
        return {q.value for _, _, found in self.sentences for q in found if q.kind == "money"}


def draft(text: str, source: str, gazetteer: Gazetteer, *, market: str | None = None) -> Draft:
    """Find the mentions, quantities and candidate items of ``text`` (the source ``source``).

    Places of GeoNames are looked for only in the countries that the text names (and ``market``).
    """
    found = [(s, gazetteer.find(s.text, None), quantities(s.text)) for s in sentences(text)]
    countries = {m.country for _, mentions, _ in found for m in mentions if m.country and m.kind != "place"}
    countries |= {market} if market else set()
    result = Draft(source, text=text)
    result.tables = find_blocks(text, gazetteer, market=market)
    for sentence, mentions, numbers in found:
        mentions = [m for m in mentions if m.kind != "place" or m.country in countries]
        if any(b.start < sentence.end and sentence.start < b.end for b in result.tables):
            # a trade-data block: its table says what it holds; its headings are no sentences
            result.sentences.append((sentence, [m for m in mentions if m.kind in ("country", "sector")], []))
            continue
        result.sentences.append((sentence, mentions, numbers))
        result.items += candidates(sentence, mentions, numbers)
    return result


def _scalar(value: str) -> str:
    return value if _SLUG.match(value) or re.fullmatch(r"[A-Z]{2}", value) else json.dumps(value, ensure_ascii=False)


def _slug(text: str, taken: set[str]) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", plain)[:8]) or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _quotes(lines: list[str], quotes: list[str]) -> None:
    if len(quotes) == 1:
        lines.append(f"    quote: {json.dumps(quotes[0], ensure_ascii=False)}")
    else:
        lines.append("    quote:")
        lines += [f"      - {json.dumps(q, ensure_ascii=False)}" for q in quotes]


def render(result: Draft, index: NameIndex, schema: Schema, *, origin: str) -> str:
    """The draft as a fact sheet (YAML): mentioned entities as ``about`` items, new places and candidates
    as ``id`` items; a candidate lacking a slot that the shapes require is written commented out."""
    taken = {e.id for e in index.entities.values()}
    lines = [f"# A draft fact sheet for the source {result.source!r}, drafted by 'smartcity-kg draft' from {origin}.",
             "# Every quote is a sentence of the text, verbatim. Each item's comment says what was found and how",
             "# sure it is. Review every item: reword the labels, check every slot, fill what is missing and",
             "# uncomment the candidates that are commented out; then build. See graph/README.md.",
             f"source: {_scalar(result.source)}", "items:"]
    seen: dict[str, tuple[Mention, list[Sentence]]] = {}
    places: dict[str, str] = {}
    for sentence, mentions, _ in result.sentences:
        for m in mentions:
            if m.kind in ("entity", "place"):
                key = m.ref if m.kind == "entity" else "place:" + m.ref
                entry = seen.setdefault(key, (m, []))
                if sentence not in entry[1]:
                    entry[1].append(sentence)
    for key, (m, said) in seen.items():
        where = ", ".join(dict.fromkeys(str(s.line) for s in said[:_MAX_QUOTES]))
        lines.append(f"  # {m.text!r} (line {where}) → {m.label} [{', '.join(m.types) or 'no type'}]: {m.how}; "
                     f"sure: {m.score:g}/100")
        if m.kind == "entity":
            lines.append(f"  - about: {_scalar(m.ref)}")
        else:
            places[m.ref] = _slug(m.ref, taken)
            lines += [f"  - id: {places[m.ref]}", "    type: City", f"    label: {json.dumps(m.text, ensure_ascii=False)}",
                      f"    # locatedIn: {m.country}  (GeoNames says so; the sentence does not)"]
        _quotes(lines, [s.text for s in said[:_MAX_QUOTES]])
    for c in result.items:
        lines += _candidate(c, schema, taken, places)
    for block in result.tables:
        lines += render_block(block, result.text, _slug(f"trade data {block.sector or block.code or ''} "
                                                        f"{block.market or ''}", taken))
    mentioned = sorted({f"{m.ref} ({m.text!r})" for _, ms, _ in result.sentences for m in ms
                        if m.kind in ("sector", "country")})
    if mentioned:
        lines.append("# Countries and sectors mentioned (refer to them by these codes and notations):")
        lines += [f"#   {x}" for x in mentioned]
    return "\n".join(lines) + "\n"


def _candidate(c: Candidate, schema: Schema, taken: set[str], places: dict[str, str]) -> list[str]:
    if c.type not in schema.labels:
        return [f"  # line {c.sentence.line}: a {c.type} would fit, but the ontology of this build has no such class"]
    lines = [f"  # line {c.sentence.line}: a candidate {schema.labels[c.type]} ({c.type}); sure: {c.sure}. "
             "The label is drafted from the text: reword it."]
    for name, slot in c.slots.items():
        lines.append(f"  #   {name}: {slot.why}")
    missing = [f"{p} ({n} value{'s' if n > 1 else ''})" for p, n in sorted(schema.required.get(c.type, {}).items())
               if len([v for v in (c.slots[p].values if p in c.slots else []) if v]) < n]
    for name in missing:
        lines.append(f"  #   {name}: required, and the sentence does not say it: fill it in, then uncomment this item")
    body = [f"- id: {_slug(c.label, taken)}", f"  type: {c.type}", f"  label: {json.dumps(c.label, ensure_ascii=False)}"]
    # ``body`` lines sit under "items:" (two spaces, or "  # " when the item is commented out)
    for name, slot in c.slots.items():
        values = [places.get(v, v) for v in slot.values if v]
        if not values:
            continue
        body.append(f"  {name}: " + (_scalar(values[0]) if len(values) == 1 else
                                     "[" + ", ".join(_scalar(v) for v in values) + "]"))
    body.append(f"  quote: {json.dumps(c.sentence.text, ensure_ascii=False)}")
    prefix = "  # " if missing else "  "
    return lines + [prefix + b for b in body]



def draft_sheet(store: ox.Store, text: str, source: str, *, origin: str,
                market: str | None = None) -> tuple[str, Draft]:
    """Draft a fact sheet for ``text`` (of the source ``source``) against the build in ``store``.

    Returns the sheet (YAML, with a comment per item) and what was found.
    """
    from .names import load_names

    index = load_names(store)
    result = draft(text, source, Gazetteer.build(index), market=market)
    return render(result, index, load_schema(store), origin=origin), result
