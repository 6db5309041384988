"""A guide's trade-data block (years; market size, production, exports, imports, exchange rate) found in its text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .mentions import Gazetteer

__all__ = ["TradeBlock", "find_blocks", "render_block"]

_YEAR = r"(?:19|20)\d\d(?:\s*\((?:estimated|est\.?|e)\)|\*|e\b)?"
_YEARS = re.compile(rf"(?<![\d,.])(?P<years>{_YEAR}(?:[ \t|]+{_YEAR}){{1,11}})(?![\d,.])", re.I)
_CELL = r"(?:-?\d[\d,]*(?:\.\d+)?|-|n/a)"
_ROWS = {
    "total-market-size": r"Total\s+Market\s+Size",
    "local-production": r"(?:Total\s+)?Local\s+Production",
    "exports": r"(?:Total\s+)?Exports",
    "imports-from-partner": r"Imports\s+from\s+(?:the\s+)?(?P<partner>[A-Z][\w.]*(?:\s[A-Z][\w.]*)*)",
    "imports": r"(?:Total\s+)?Imports(?!\s+from)",
    "exchange-rate": r"Exchange\s+Rate(?:\s*\((?P<rate>[^)]{1,40})\))?",
}
_UNIT = re.compile(r"(?P<currency>US\$|USD|C\$|CAD|EUR|€|£|GBP|\$)\s*(?P<scale>thousands?|millions?|billions?)"
                   r"|(?P<scale2>thousands?|millions?|billions?)\s+(?:of\s+)?(?P<currency2>US\$|USD|U\.S\. dollars|EUR|euros)",
                   re.I)
_CURRENCY = {"us$": "USD", "usd": "USD", "$": "USD", "c$": "CAD", "cad": "CAD", "eur": "EUR", "€": "EUR",
             "euros": "EUR", "£": "GBP", "gbp": "GBP", "u.s. dollars": "USD"}
_POWER = {"thousand": 3, "million": 6, "billion": 9}


@dataclass
class TradeBlock:
    """A trade-data block: its span in the text, its years and rows, and what its heading says."""

    start: int
    end: int
    years: list[str]
    statuses: list[str]
    rows: dict[str, list[str]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # row -> why it was left out
    partner: str | None = None
    partner_text: str = ""
    rate_unit: str | None = None
    currency: str | None = None
    multiplier: int | None = None
    unit_text: str = ""
    sector: str | None = None
    sector_ref: str | None = None
    code: str | None = None
    market: str | None = None
    notes: list[str] = field(default_factory=list)


def _cells(text: str) -> list[str]:
    return re.findall(rf"(?<![\w.]){_CELL}(?![\w])", text)


def find_blocks(text: str, gazetteer: Gazetteer, *, market: str | None = None) -> list[TradeBlock]:
    """The trade-data blocks of ``text``: a line of years followed by rows of the trade measures.

    Each row's values are the numbers right after its name; a row with more or fewer values
    than there are years is left out, with the reason.

    Examples
    --------
    A gazetteer is needed only for the market and the partner; without one both stay unknown:

    >>> block = find_blocks("(US$ millions) 2001 2002 (estimated) D) Total Market Size 1,200 1,300 "
    ...                     "E) Total Exports 10 J) Comments: none", None)[0]  # type: ignore[arg-type]
    >>> block.years, block.statuses, block.rows, block.currency, block.multiplier
    (['2001', '2002'], ['actual', 'estimated'], {'total-market-size': ['1,200', '1,300']}, 'USD', 6)
    >>> block.problems
    {'exports': "has 1 value ('10'), and the block has 2 years"}
    """
    blocks = []
    for header in _YEARS.finditer(text):
        rows = _rows(text, header.end())
        if not rows:
            continue
        marks = re.findall(_YEAR, header.group("years"), re.I)
        block = TradeBlock(header.start(), max(end for _, _, end, _ in rows),
                           [m[:4] for m in marks], ["estimated" if len(m) > 4 else "actual" for m in marks])
        for measure, match, _, values in rows:
            if measure in block.rows or measure in block.problems:
                continue
            if len(values) != len(block.years):
                block.problems[measure] = (f"has {len(values)} value{'s' if len(values) != 1 else ''} "
                                           f"({', '.join(repr(v) for v in values)}), and the block has "
                                           f"{len(block.years)} years")
                continue
            block.rows[measure] = values
            if match.groupdict().get("partner"):
                block.partner_text = match.group("partner")
            if match.groupdict().get("rate"):
                block.rate_unit = match.group("rate").strip()
        _heading(text, block, gazetteer, market)
        block.end = block.start + len(text[block.start:block.end].rstrip())
        blocks.append(block)
    return blocks


def _rows(text: str, start: int) -> list[tuple[str, re.Match[str], int, list[str]]]:
    """The rows that follow one another from ``start``, each (measure, match, end, values)."""
    rows: list[tuple[str, re.Match[str], int, list[str]]] = []
    position = start
    while True:
        best = None
        for measure, pattern in _ROWS.items():
            found = re.compile(rf"(?:[A-Z]\)\s*)?{pattern}[\s:|]*(?P<values>(?:{_CELL}[ \t|]*)+)").search(
                text, position, position + 200)
            if found and (best is None or found.start() < best[1].start()):
                best = (measure, found)
        if best is None:
            return rows
        measure, found = best
        values = _cells(found.group("values"))
        rows.append((measure, found, found.end("values"), values))
        position = found.end()


def _heading(text: str, block: TradeBlock, gazetteer: Gazetteer | None, market: str | None) -> None:
    """The unit, sector, code, market and partner that the lines around the block name."""
    before = text[max(0, block.start - 600):block.start]
    unit = None
    for unit in _UNIT.finditer(before):
        pass
    if unit is not None:
        written = (unit.group("currency") or unit.group("currency2") or "").casefold()
        block.currency = _CURRENCY.get(written)
        block.multiplier = _POWER[(unit.group("scale") or unit.group("scale2")).casefold().rstrip("s")]
        block.unit_text = unit.group()
        opening = max(0, block.start - 600) + unit.start()
        block.start = min(block.start, opening - 1 if text[opening - 1:opening] == "(" else opening)
    name = re.search(r"Name of (?:the )?Sector:\s*(.+?)\s*(?=[A-Z]\)|ITA|\n|$)", before)
    code = re.search(r"(?:ITA or PS&D|ITA|PS&D|Industry|HS|NAICS) Codes?:\s*([A-Z0-9.]+)", before)
    block.sector = name.group(1).strip() if name else None
    block.code = code.group(1) if code else None
    if gazetteer is None:
        return
    if block.sector:
        sectors = [m for m in gazetteer.find(block.sector.lower()) if m.kind == "sector"]
        if sectors:
            block.sector_ref = sectors[0].ref
            block.notes.append(f"sector: {sectors[0].ref}, {sectors[0].text!r} in the sector's name "
                               f"({sectors[0].how}); check that it fits")
    if block.partner_text:
        found = [m for m in gazetteer.find(block.partner_text) if m.kind == "country"]
        block.partner = found[0].country if found else None
    countries = {m.country for m in gazetteer.find(before) if m.kind == "country" and m.country}
    countries.discard(block.partner)
    if market:
        block.market = market
    elif len(countries) == 1:
        block.market = countries.pop()
        block.notes.append(f"market: {block.market}, the one country other than the partner that the heading names")


def _flow(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def render_block(block: TradeBlock, text: str, slug: str) -> list[str]:
    """The fact-sheet item of ``block`` (a ``TradeTable`` with its ``table:``), with comments."""
    lines = [f"  # a trade-data block of {len(block.years)} years and {len(block.rows)} rows "
             f"(line {text.count(chr(10), 0, block.start) + 1}); the values as the guide writes them"]
    lines += [f"  #   {note}" for note in block.notes]
    lines += [f"  #   row {measure!r} left out: it {why}; write it in by hand" for measure, why in block.problems.items()]
    label = f"Trade data: {block.sector}" if block.sector else "Trade data"
    lines += [f"  - id: {slug}", "    type: TradeTable", f"    label: {json.dumps(label, ensure_ascii=False)}"]
    lines.append(f"    market: {block.market}" if block.market else
                 "    # market: <country code>  (the block does not say which country; fill it in)")
    if block.code:
        lines.append(f"    industryCode: {json.dumps(block.code)}")
    if block.currency:
        lines += [f"    unit: {block.currency}", f"    unitMultiplier: \"{block.multiplier}\"  # {block.unit_text}"]
    else:
        lines.append("    # unit: <ISO 4217 code>  (no unit line found above the block)")
    lines.append(f"    sector: {block.sector_ref}" if block.sector_ref else
                 "    # sector: <notation>  (a sector of the scheme, if one fits" +
                 (f" {block.sector!r})" if block.sector else ")"))
    lines += ["    table:", f"      years: {_flow(block.years)}"]
    if "estimated" in block.statuses:
        lines.append(f"      status: {_flow(block.statuses)}")
    if block.partner:
        lines.append(f"      partner: {block.partner}")
    for measure, values in block.rows.items():
        if measure == "imports-from-partner" and not block.partner:
            lines.append(f"      # {measure}: {_flow(values)}  (imports from {block.partner_text!r}: "
                         "give 'partner: <country code>' and uncomment)")
            continue
        lines.append(f"      {measure}: {_flow(values)}")
    if block.rate_unit and "exchange-rate" in block.rows:
        lines.append(f"      exchange-rate-unit: {json.dumps(block.rate_unit, ensure_ascii=False)}")
    lines.append(f"    quote: {json.dumps(text[block.start:block.end], ensure_ascii=False)}")
    return lines
