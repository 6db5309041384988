"""Generate a graph folder of synthetic fact sheets in the project's own format, at any scale.

Run ``python benchmarks/generate.py OUT --triples 100000 [--seed 0] [--markets N]``; then
``smartcity-kg build --graph OUT``. The folder holds ``sources/sources.yaml``, one text per
source (``sources/<id>.txt``), one fact sheet per source (``facts/<id>.yaml``) and
``sectors.yaml``. Each sheet is a news article about one market (a country): regions, cities,
the municipalities that govern them with their posts (each with a portfolio of sectors) and
dated post holdings (a former holder whose tenure ended, a current one with an open end),
firms of several home countries, n-ary partnerships with signatories, initiatives with their
leads and participants, investments with amounts and currencies, and sector investments.
Later sheets of a market refer back to earlier ones (``about:`` items attesting a current
holding, partnerships with firms declared elsewhere), as sources do. Every item quotes a
sentence of its source's text, written beside it, so the build checks every quote.

The output is a function of ``(triples, seed, markets)`` alone. ``triples`` counts the
asserted triples the fact sheets compile to (items, their evidence, quote selectors and quote
fragments); the ontology, the generated countries and the source records come on top.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["HOMES", "MARKETS", "Generated", "generate"]

#: Markets, in the order they are added: ISO 3166-1 codes with a currency.
MARKETS = (("DK", "DKK"), ("SE", "SEK"), ("NO", "NOK"), ("FI", "EUR"), ("NL", "EUR"), ("DE", "EUR"),
           ("PT", "EUR"), ("ES", "EUR"), ("IE", "EUR"), ("PL", "PLN"), ("EE", "EUR"), ("AT", "EUR"))
#: The home countries of firms, the United States first and most often.
HOMES = ("US", "US", "US", "DE", "JP", "GB", "FR", "KR")
#: Sectors of the shipped scheme that generated sectors sit under.
_SHIPPED_SECTORS = ("intelligent-lighting", "transport-systems", "climate-adaptation", "energy-renovation",
                    "smart-grid", "digital-health-care", "digital-infrastructure", "big-data", "clean-technology")
_SYLLABLES = ("al", "bor", "ca", "dal", "en", "fjor", "gra", "hol", "is", "kar", "lun", "mar", "nor", "ost",
              "pra", "rin", "sol", "tor", "ul", "vik", "wes", "yst", "zel")
_FIRM_WORDS = ("Systems", "Networks", "Lighting", "Mobility", "Energy", "Analytics", "Grid", "Water", "Sensors")
_INITIATIVE_KINDS = ("Project", "LivingLab", "Programme")
_FIRST_DAY = datetime.date(2010, 1, 1)
#: Fact sheets hold about this many items each.
_ITEMS_PER_SHEET = 40


@dataclass
class Generated:
    """What :func:`generate` wrote: counts of sheets, items and asserted triples, and some names."""

    folder: Path
    sheets: int = 0
    items: int = 0
    triples: int = 0
    markets: list[str] = field(default_factory=list)
    #: The label of a U.S. firm and the id of a post, for commands that need an entity.
    us_firm: str = ""
    post: str = ""


@dataclass
class _Sheet:
    source: str
    market: str
    date: str
    items: list[dict[str, object]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    triples: int = 0


@dataclass
class _Market:
    code: str
    currency: str
    regions: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)  # open-ended post holdings
    holders: dict[str, str] = field(default_factory=dict)  # a municipality's current mayor
    firms: list[str] = field(default_factory=list)
    us_firms: list[str] = field(default_factory=list)
    initiatives: list[str] = field(default_factory=list)


class _Writer:
    """Draws names and facts from one random generator and counts what they compile to."""

    def __init__(self, seed: int, sectors: list[str]) -> None:
        self.rng = random.Random(seed)
        self.sectors = sectors
        self.names: set[str] = set()
        self.serial = 0

    def name(self) -> str:
        """A new pronounceable, unique name."""
        while True:
            word = "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 3))).capitalize()
            if word not in self.names:
                self.names.add(word)
                return word
            self.serial += 1
            word = f"{word} {self.serial}"
            if word not in self.names:
                self.names.add(word)
                return word

    def add(self, sheet: _Sheet, item: dict[str, object], sentence: str) -> None:
        """Add ``item`` to ``sheet`` with ``sentence`` in its source's text, quoted as evidence."""
        item["confidence"] = "high"
        item["quote"] = sentence
        sheet.items.append(item)
        sheet.sentences.append(sentence + ".")
        sheet.triples += _triples(item)


def _triples(item: dict[str, object]) -> int:
    """How many triples ``item`` compiles to: one per value, five for the evidence, three per quote
    and four for the quote's one fragment (the generated quotes leave nothing out)."""
    values = sum(len(v) if isinstance(v, list) else 1 for k, v in item.items()
                 if k not in ("id", "about", "quote", "unquoted", "confidence"))
    return values + 5 + 1 + 3 + 4


def _slug(label: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in label.lower()).split())


def _date(year: int, rng: random.Random) -> str:
    """A date of ``year`` as precise as a source might give it: a year, a month or a day."""
    kind = rng.randrange(3)
    if kind == 0:
        return str(year)
    if kind == 1:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _region(w: _Writer, sheet: _Sheet, market: _Market) -> None:
    label = f"{w.name()} Region"
    slug = _slug(label)
    w.add(sheet, {"id": slug, "type": "Region", "label": label, "locatedIn": market.code},
          f"{label} is a region of the country {market.code}")
    market.regions.append(slug)


def _municipality(w: _Writer, sheet: _Sheet, market: _Market, year: int) -> None:
    """A city, the municipality that governs it, its mayor's post and two dated holdings."""
    city = w.name()
    region = w.rng.choice(market.regions)
    w.add(sheet, {"id": _slug(city), "type": "City", "label": city, "locatedIn": region},
          f"{city} is a city in {region}")
    authority = f"City of {city}"
    w.add(sheet, {"id": _slug(authority), "type": "Municipality", "label": authority, "governs": _slug(city),
                  "basedIn": _slug(city)}, f"The {authority} governs {city}")
    market.municipalities.append(_slug(authority))
    portfolio = w.rng.sample(w.sectors, 2)
    post = f"Mayor of {city}"
    w.add(sheet, {"id": _slug(post), "type": "Post", "label": post, "postIn": _slug(authority),
                  "portfolio": portfolio}, f"The {post} leads the {authority} and decides on {' and '.join(portfolio)}")
    former, current = f"{w.name()} {w.name()}", f"{w.name()} {w.name()}"
    for person in (former, current):
        w.add(sheet, {"id": _slug(person), "type": "Person", "label": person}, f"{person} is a politician of {city}")
    start = year - w.rng.randint(6, 12)
    end = year - w.rng.randint(3, 5)
    w.add(sheet, {"id": _slug(f"{former} {post}"), "type": "PostHolding", "label": f"{former}, {post}",
                  "holder": _slug(former), "post": _slug(post), "startDate": _date(start, w.rng),
                  "endDate": str(end)}, f"{former} was {post} until {end}")
    holding = _slug(f"{current} {post}")
    w.add(sheet, {"id": holding, "type": "PostHolding", "label": f"{current}, {post}", "holder": _slug(current),
                  "post": _slug(post), "startDate": str(end + 1), "attestedOn": sheet.date},
          f"{current} has been {post} since {end + 1}")
    market.current.append(holding)
    market.holders[_slug(authority)] = _slug(current)


def _firm(w: _Writer, sheet: _Sheet, market: _Market) -> str:
    label = f"{w.name()} {w.rng.choice(_FIRM_WORDS)}"
    home = w.rng.choice(HOMES)
    sectors = w.rng.sample(w.sectors, 2)
    w.add(sheet, {"id": _slug(label), "type": "Company", "label": label, "basedIn": home, "sector": sectors},
          f"{label}, a company based in {home}, works in {' and '.join(sectors)}")
    market.firms.append(_slug(label))
    if home == "US":
        market.us_firms.append(label)
    return _slug(label)


def _ventures(w: _Writer, sheet: _Sheet, market: _Market, year: int) -> None:
    """A partnership with its signatories, an initiative, and an investment in it."""
    authority = w.rng.choice(market.municipalities[-6:])
    firms = [_firm(w, sheet, market)] + w.rng.sample(market.firms, min(2, len(market.firms)))
    firms = list(dict.fromkeys(firms))
    signatory = f"{w.name()} {w.name()}"
    w.add(sheet, {"id": _slug(signatory), "type": "Person", "label": signatory},
          f"{signatory} is an executive of {firms[0]}")
    sector = w.rng.choice(w.sectors)
    initiative = f"{w.name()} {w.rng.choice(('Lab', 'Programme', 'Project'))}"
    kind = w.rng.choice(_INITIATIVE_KINDS)
    w.add(sheet, {"id": _slug(initiative), "type": kind, "label": initiative, "ledBy": authority,
                  "participant": firms, "sector": sector, "startDate": _date(year - 1, w.rng)},
          f"{initiative}, led by {authority}, brings together {', '.join(firms)} in {sector}")
    market.initiatives.append(_slug(initiative))
    signatories = [_slug(signatory)] + ([market.holders[authority]] if w.rng.random() < 0.7 else [])
    label = f"{initiative} partnership"
    w.add(sheet, {"id": _slug(label), "type": "Partnership", "label": label, "partner": [authority, *firms],
                  "signatory": signatories, "startDate": _date(year - 1, w.rng),
                  "purpose": f"to develop {sector}", "sector": sector, "concerns": _slug(initiative)},
          f"{authority} and {', '.join(firms)} signed the {label} to develop {sector}")
    amount = w.rng.randint(1, 400) * 100_000
    investment = f"{authority} invests in {initiative}"
    w.add(sheet, {"id": _slug(investment), "type": "Investment", "label": investment, "investor": authority,
                  "investedIn": _slug(initiative), "amount": str(amount), "currency": market.currency,
                  "date": str(year), "sector": sector},
          f"{authority} invests {market.currency} {amount} in {initiative}")


def _extras(w: _Writer, sheet: _Sheet, market: _Market, year: int, before: int) -> None:
    """A sector investment of a city, and a current holding of an earlier sheet attested again."""
    sector = w.rng.choice(w.sectors)
    city = w.rng.choice(market.municipalities).removeprefix("city-of-")
    label = f"{w.name()}: {city} invests in {sector} in {year}"
    w.add(sheet, {"id": _slug(label), "type": "SectorInvestment", "label": label, "investingPlace": city,
                  "country": market.code, "sector": sector}, f"The city {city} is investing in {sector} in {year}")
    if before:  # a holding declared in an earlier sheet
        holding = market.current[w.rng.randrange(before)]
        if not any(item.get("about") == holding for item in sheet.items):
            w.add(sheet, {"about": holding, "attestedOn": sheet.date}, f"{holding} holds office as of {sheet.date}")


def _sheet(w: _Writer, index: int, market: _Market, expected: int) -> _Sheet:
    # Sources are dated in the order of their sheets, over fifteen years, so later sheets attest later.
    day = _FIRST_DAY + datetime.timedelta(days=index * 5478 // max(expected, 1))
    year = day.year
    sheet = _Sheet(f"news-{market.code.lower()}-{index:06d}", market.code, day.isoformat())
    if len(market.regions) < 2 + index // 200:
        _region(w, sheet, market)
    before = len(market.current)
    while len(sheet.items) < _ITEMS_PER_SHEET:
        _municipality(w, sheet, market, year)
        _ventures(w, sheet, market, year)
        _extras(w, sheet, market, year, before)
    return sheet


def _sectors(count: int) -> tuple[list[str], str]:
    """``count`` generated sectors under the shipped ones: their notations and ``sectors.yaml``."""
    lines = ["sectors:"]
    notations = []
    for n in range(count):
        notation = f"generated-sector-{n}"
        notations.append(notation)
        lines += [f"  - notation: {notation}", f"    label: generated sector {n}",
                  f"    definition: A sector made up for a benchmark, number {n}.",
                  f"    broader: {_SHIPPED_SECTORS[n % len(_SHIPPED_SECTORS)]}"]
    return notations, "\n".join(lines) + "\n"


def _yaml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _write_sheet(folder: Path, sheet: _Sheet) -> None:
    lines = [f"# Generated: a news article about the market {sheet.market}.", f"source: {sheet.source}", "items:"]
    for item in sheet.items:
        first = True
        for key, value in item.items():
            lines.append(("  - " if first else "    ") + f"{key}: {_yaml_value(value)}")
            first = False
    (folder / "facts" / f"{sheet.source}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "sources" / f"{sheet.source}.txt").write_text(" ".join(sheet.sentences) + "\n", encoding="utf-8")


def _source_record(sheet: _Sheet) -> list[str]:
    return [f"  - id: {sheet.source}", f"    title: Smart-city news {sheet.source}", "    publisher: Generated News",
            f"    url: https://example.org/news/{sheet.source}", "    kind: article", "    language: en",
            f"    date: \"{sheet.date}\"", f"    text: {sheet.source}.txt"]


def generate(folder: Path, triples: int, seed: int = 0, markets: int | None = None) -> Generated:
    """Write a graph folder of fact sheets compiling to about ``triples`` asserted triples.

    ``folder`` must not exist yet (it is created, with ``facts/`` and ``sources/``). Sheets are
    dealt to ``markets`` markets in turn (default: 2, plus one per 100k triples, at most 12).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     made = generate(Path(tmp) / "graph", 2000, seed=1)
    >>> made.triples >= 2000, made.markets
    (True, ['DK', 'SE'])
    """
    count = markets if markets is not None else min(len(MARKETS), 2 + triples // 100_000)
    if not 1 <= count <= len(MARKETS):
        raise ValueError(f"markets must be between 1 and {len(MARKETS)}, not {count}")
    (folder / "facts").mkdir(parents=True)
    (folder / "sources").mkdir()
    notations, sectors_yaml = _sectors(max(4, min(200, triples // 5_000)))
    (folder / "sectors.yaml").write_text(sectors_yaml, encoding="utf-8")
    w = _Writer(seed, notations + list(_SHIPPED_SECTORS))
    state = [_Market(code, currency) for code, currency in MARKETS[:count]]
    made = Generated(folder, markets=[m.code for m in state])
    expected = triples // 550 + 1
    records = ["# Generated source records: one news article per fact sheet.", "sources:"]
    while made.triples < triples:
        market = state[made.sheets % count]
        sheet = _sheet(w, made.sheets, market, expected)
        _write_sheet(folder, sheet)
        records += _source_record(sheet)
        made.sheets += 1
        made.items += len(sheet.items)
        made.triples += sheet.triples
    (folder / "sources" / "sources.yaml").write_text("\n".join(records) + "\n", encoding="utf-8")
    made.us_firm = next((f for m in state for f in m.us_firms), "")
    made.post = state[0].municipalities[0].replace("city-of-", "mayor-of-", 1)
    return made


def main() -> None:
    """Write the folder named on the command line and print what it holds."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="the graph folder to create (must not exist)")
    parser.add_argument("--triples", type=int, default=10_000, help="asserted triples to generate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markets", type=int, default=None)
    args = parser.parse_args()
    made = generate(args.folder, args.triples, args.seed, args.markets)
    print(f"{made.folder}: {made.sheets} fact sheets, {made.items} items, {made.triples} asserted triples, "
          f"markets {', '.join(made.markets)}")


if __name__ == "__main__":
    main()
