"""Money (amount, ISO 4217 currency, scale), percentages, years and dates in a sentence, with their qualifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["Quantity", "quantities"]

#: Written currency → ISO 4217 code, and how sure that reading is ('$' alone may be another dollar).
_SYMBOLS = {"US$": ("USD", "high"), "USD": ("USD", "high"), "$": ("USD", "medium"), "€": ("EUR", "high"),
            "£": ("GBP", "high"), "¥": ("JPY", "medium"), "C$": ("CAD", "high"), "A$": ("AUD", "high"),
            "CA$": ("CAD", "high"), "AU$": ("AUD", "high")}
_WORDS = {"euro": "EUR", "euros": "EUR", "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD",
          "pounds sterling": "GBP", "yen": "JPY", "danish kroner": "DKK", "swedish kronor": "SEK",
          "norwegian kroner": "NOK", "swiss francs": "CHF"}
_SCALES = {"thousand": 10**3, "k": 10**3, "million": 10**6, "millions": 10**6, "mn": 10**6, "m": 10**6,
           "mio": 10**6, "billion": 10**9, "billions": 10**9, "bn": 10**9, "b": 10**9, "trillion": 10**12,
           "tn": 10**12}
_QUALIFIERS = ("approximately", "about", "around", "roughly", "nearly", "almost", "some", "more than", "over",
               "at least", "up to", "less than", "under", "at most", "an estimated", "estimated")
_MONTHS = {m: n for n, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), start=1)}

_NUMBER = r"\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?P<scale>thousand|millions?|billions?|trillion|mn|mio|bn|tn|[mbk])\b)?"
_CODE = r"(?P<code>(?-i:[A-Z]{3}))"
_SYMBOL = r"(?P<symbol>US\$|CA\$|AU\$|[CA]\$|\$|€|£|¥)"
_WORD = r"(?P<word>" + "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True)) + r")\b"
_MONEY = re.compile(
    rf"(?:{_SYMBOL}\s?|\b{_CODE}\s?)(?P<n1>{_NUMBER}){_SCALE}(?!\s?=)"
    rf"|\b(?P<n2>{_NUMBER}){_SCALE.replace('scale', 'scale2')}\s?(?:(?P<code2>(?-i:[A-Z]{{3}}))\b|{_WORD})",
    re.IGNORECASE)
_PERCENT = re.compile(rf"(?P<n>{_NUMBER})\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})\.?\s(?P<m1>[A-Z][a-z]+)\s(?P<y1>(?:19|20)\d\d)"
    r"|(?P<m2>[A-Z][a-z]+)\s(?P<d2>\d{1,2}),\s(?P<y2>(?:19|20)\d\d)"
    r"|(?P<m3>[A-Z][a-z]+)\s(?P<y3>(?:19|20)\d\d)"
    r"|(?P<iso>(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])))\b")
_YEAR = re.compile(r"(?<![\d.,$€£-])\b(?:19|20)\d\d\b(?![.,]?\d|%)")
_QUALIFIER = re.compile(r"(?:^|\W)(" + "|".join(_QUALIFIERS) + r")\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A number the text states: ``kind`` money, percent, year or date; ``value`` as a fact sheet writes it."""

    kind: str
    start: int  # offsets in the sentence
    end: int
    text: str
    value: str
    currency: str | None = None
    sure: str = "high"
    qualifier: str | None = None
    note: str = ""


def _decimal(number: str, scale: str | None) -> str | None:
    try:
        value = Decimal(re.sub(r"[,\u202f\u00a0]", "", number))
    except InvalidOperation:
        return None
    value *= _SCALES.get((scale or "").casefold(), 1)
    text = format(value.normalize(), "f")
    return text


def _currency(match: re.Match[str]) -> tuple[str | None, str, str]:
    """(ISO code, how sure, a note) for the currency written in ``match``."""
    import pycountry

    written = match.group("symbol") or match.group("code") or match.group("code2") or match.group("word") or ""
    if written in _SYMBOLS or written.upper() in ("USD",):
        code, sure = _SYMBOLS.get(written, ("USD", "high"))
        return code, sure, "" if sure == "high" else f"{written!r} read as {code}"
    if written.casefold() in _WORDS:
        return _WORDS[written.casefold()], "high", ""
    if written.isupper() and pycountry.currencies.get(alpha_3=written) is not None:
        return written, "high", ""
    return None, "low", ""


def _qualifier(sentence: str, start: int) -> str | None:
    found = _QUALIFIER.search(sentence[max(0, start - 20):start])
    return found.group(1).casefold() if found else None


def quantities(sentence: str) -> list[Quantity]:
    """The money amounts, percentages, dates and years of ``sentence``, in order.

    A year inside a date or an amount is not given again; an amount in brackets right after
    another is noted as its conversion.

    Examples
    --------
    >>> [(q.kind, q.value, q.currency, q.qualifier) for q in quantities("more than DKK 100 million (EUR 13 million) by 2020")]
    [('money', '100000000', 'DKK', 'more than'), ('money', '13000000', 'EUR', None), ('year', '2020', None, None)]
    >>> [(q.kind, q.value) for q in quantities("On 28 May 2014, 4.5 % of €900m")]
    [('date', '2014-05-28'), ('percent', '4.5'), ('money', '900000000')]
    """
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _MONEY.finditer(sentence):
        number = match.group("n1") or match.group("n2")
        scale = match.group("scale") if match.group("n1") else match.group("scale2")
        currency, sure, note = _currency(match)
        value = _decimal(number, scale)
        if currency is None or value is None:
            continue
        before = sentence[max(0, match.start() - 2):match.start()]
        if before.endswith("(") and found and found[-1].kind == "money" and found[-1].end >= match.start() - 3:
            note = (note + "; " if note else "") + "in brackets after another amount: its conversion"
        found.append(Quantity("money", match.start(), match.end(), match.group(), value, currency, sure,
                              _qualifier(sentence, match.start()), note))
        taken.append((match.start(), match.end()))
    for match in _DATE.finditer(sentence):
        iso = match.group("iso")
        if iso is None:
            month = _MONTHS.get((match.group("m1") or match.group("m2") or match.group("m3") or "").casefold())
            if month is None:
                continue
            year = match.group("y1") or match.group("y2") or match.group("y3")
            day = match.group("d1") or match.group("d2")
            iso = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        if free(match.start(), match.end()):
            found.append(Quantity("date", match.start(), match.end(), match.group(), iso,
                                  qualifier=_qualifier(sentence, match.start())))
            taken.append((match.start(), match.end()))
    for match in _PERCENT.finditer(sentence):
        if free(match.start(), match.end()):
            value = _decimal(match.group("n"), None) or match.group("n")
            found.append(Quantity("percent", match.start(), match.end(), match.group(), value,
                                  qualifier=_qualifier(sentence, match.start())))
            taken.append((match.start(), match.end()))
    for match in _YEAR.finditer(sentence):
        if free(match.start(), match.end()):
            found.append(Quantity("year", match.start(), match.end(), match.group(), match.group(),
                                  qualifier=_qualifier(sentence, match.start())))
    return sorted(found, key=lambda q: q.start)
