"""Candidate items of a draft, typed from the ontology, with the slots a sentence fills and a note on each."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mentions import Mention
from .numbers import Quantity
from .text import Sentence

__all__ = ["Candidate", "Slot", "candidates"]

_ORGANISATION = {"Organisation", "Company", "Municipality", "PublicAuthority", "TradePromotionAgency", "University",
                 "ResearchInstitution", "Cluster", "Association", "NonProfit", "RegionalAuthority"}
_PLACE = {"City", "Region", "Country", "Municipality"}
_POST = re.compile(r"\b(?:(?:Lord|Deputy)\s)?(?:Mayor|Minister|Director(?:\sGeneral)?|CEO|Chief\s\w+\sOfficer|"
                   r"Head|Chair(?:man|person)?|President|Commissioner|Alderman|Secretary(?:\sGeneral)?)"
                   r"(?:\s(?:of|for)\s(?:the\s)?[A-Z][\w’'-]*(?:\s(?:and\s|of\s)?[A-Z][\w’'-]*)*)?")
_QUOTED = re.compile(r"[“\"‘']([A-Z][^”\"’']{2,80})[”\"’']")
_INITIATIVE = re.compile(r"\b(project|initiative|programme|program|concept|platform|strategy|living lab|lab)\b", re.I)
#: Words before a number that say an estimate, not how the number stands to the value: no ``qualifier:``.
_NOT_QUALIFIERS = {"estimated", "an estimated"}


@dataclass
class Slot:
    """A property of a candidate: its values (ids, notations or text) and where they came from."""

    values: list[str]
    why: str


@dataclass
class Candidate:
    """A candidate item: a type, a label drafted from the text, filled slots, and what was found."""

    type: str
    label: str
    sentence: Sentence
    slots: dict[str, Slot] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sure: str = "medium"


def _of(mentions: list[Mention], types: set[str], kinds: tuple[str, ...] = ("entity",)) -> list[Mention]:
    return [m for m in mentions if m.kind in kinds and set(m.types) & types]


def _refs(mentions: list[Mention]) -> list[str]:
    return list(dict.fromkeys(m.ref for m in mentions))


def _places(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.kind in ("country", "place") or (m.kind == "entity" and set(m.types) & _PLACE)]


def _first_year(sentence: str, quantities: list[Quantity], cue: str) -> Quantity | None:
    """The year (or date) right after ``cue`` (a regular expression), else the only one of the sentence."""
    dated = [q for q in quantities if q.kind in ("year", "date")]
    for q in dated:
        if re.search(rf"\b(?:{cue})\s+(?:the\s+end\s+of\s+)?$", sentence[:q.start], re.I):
            return q
    return dated[0] if len(dated) == 1 else None


def _qualify(c: Candidate, quantity: Quantity) -> None:
    """The ``qualifier:`` slot of the candidate's one number, where the sentence qualifies it ("more than …")."""
    if quantity.qualifier and quantity.qualifier.lower() not in _NOT_QUALIFIERS:
        c.slots["qualifier"] = Slot([quantity.qualifier.lower()], f"{quantity.qualifier!r} before {quantity.text!r}")


def candidates(sentence: Sentence, mentions: list[Mention], quantities: list[Quantity]) -> list[Candidate]:
    """The candidate items that ``sentence`` suggests, from its cue words, mentions and quantities."""
    text = sentence.text
    out: list[Candidate] = []
    money = [q for q in quantities if q.kind == "money" and "conversion" not in q.note]
    sectors = [m for m in mentions if m.kind == "sector"]
    organisations = _of(mentions, _ORGANISATION)
    if money and re.search(r"\b(estimat\w*|market|worth|valued?|forecast\w*|grow\w*|reach\w*|size)\b", text, re.I):
        amount = money[0]
        c = Candidate("MarketEstimate", f"market estimate: {amount.text}", sentence)
        c.slots["amount"] = Slot([amount.value], f"{amount.text!r}" + (f", {amount.qualifier!r} it" if amount.qualifier else ""))
        _qualify(c, amount)
        c.slots["currency"] = Slot([amount.currency or ""], amount.note or f"written {amount.text!r}")
        year = _first_year(text, quantities, "by|in|until|to")
        if year is not None:
            c.slots["year"] = Slot([year.value[:4]], f"{year.text!r}")
        if re.search(r"\b(annually|annual|per year|a year|each year|yearly)\b", text, re.I):
            c.slots["period"] = Slot(["annual"], "the sentence says the amount is yearly")
        estimators = [m for m in organisations if re.match(r"[^.]{0,120}\bestimat", text[m.end:], re.I)]
        if estimators:
            c.slots["estimator"] = Slot([estimators[0].ref], f"{estimators[0].text!r} before 'estimate'")
        out.append(c)
    if sectors and re.search(r"\binvest\w*", text, re.I):
        c = Candidate("SectorInvestment", f"investment in {', '.join(m.text for m in sectors[:3])}", sentence)
        c.slots["sector"] = Slot(_refs(sectors), ", ".join(repr(m.text) for m in sectors))
        places = _places(mentions)
        if places:
            c.slots["investingPlace"] = Slot([places[0].ref], f"{places[0].text!r}")
        countries = [m for m in mentions if m.kind == "country"]  # named, or by a demonym: said by the sentence
        if countries:
            c.slots["country"] = Slot([countries[0].country or ""], f"{countries[0].text!r}")
        if money:
            c.slots["amount"] = Slot([money[0].value], repr(money[0].text))
            c.slots["currency"] = Slot([money[0].currency or ""], repr(money[0].text))
            _qualify(c, money[0])
        out.append(c)
    goal = re.search(r"\b(?:aims?|aiming|targets?|goal is|commit\w*|plans?|strives?)\s+(?:at|to)\s+(.+?)"
                     r"(?:\s+(?:by|in|before)\s+((?:19|20)\d\d))", text, re.I)
    if goal:
        c = Candidate("Target", f"target: {goal.group(1)} by {goal.group(2)}", sentence)
        c.slots["goal"] = Slot([goal.group(1)], "the words after the verb of aiming")
        c.slots["year"] = Slot([goal.group(2)], f"'by {goal.group(2)}'")
        owners = [m for m in organisations if m.start < goal.start()]
        if owners:
            c.slots["targetOf"] = Slot([owners[-1].ref], f"{owners[-1].text!r}, the subject before the aim")
        cities = _of(mentions, {"City"})
        if cities:
            c.slots["location"] = Slot([cities[0].ref], repr(cities[0].text))
        percent = [q for q in quantities if q.kind == "percent"]
        if percent:
            c.slots["percentage"] = Slot([percent[0].value], repr(percent[0].text))
            _qualify(c, percent[0])
        out.append(c)
    if re.search(r"\b(partner\w*|agreement|collaborat\w*|alliance|joint venture|cooperat\w*)\b", text, re.I) \
            and organisations:
        c = Candidate("Partnership", "partnership of " + " and ".join(m.text for m in organisations[:4]), sentence)
        c.slots["partner"] = Slot(_refs(organisations), ", ".join(repr(m.text) for m in organisations))
        year = _first_year(text, quantities, "in|since|from|on")
        if year is not None:
            c.slots["startDate"] = Slot([year.value], f"{year.text!r}")
        out.append(c)
    for name in _QUOTED.finditer(text):
        known = [m for m in mentions if m.kind == "entity" and m.start == name.start(1) and m.end == name.end(1)]
        if _INITIATIVE.search(text) and not known:
            c = Candidate("Project", name.group(1), sentence)
            launched = re.search(r"\b(launched|started|began|initiated|founded)\b", text, re.I)
            year = _first_year(text, quantities, "in|since")
            if launched and year is not None:
                c.slots["launchDate"] = Slot([year.value], f"{launched.group()!r} and {year.text!r}")
            cities = [m for m in _of(mentions, {"City"}) if not name.start() <= m.start < name.end()]
            if cities:
                c.slots["location"] = Slot([cities[0].ref], repr(cities[0].text))
            if sectors:
                c.slots["sector"] = Slot(_refs(sectors), ", ".join(repr(m.text) for m in sectors))
            out.append(c)
    for post in _POST.finditer(text):
        c = Candidate("Post", post.group(), sentence)
        inside = [m for m in organisations if post.start() <= m.start < post.end()]
        if inside:
            c.slots["postIn"] = Slot([inside[0].ref], f"{inside[0].text!r} in the post's name")
        out.append(c)
    return out
