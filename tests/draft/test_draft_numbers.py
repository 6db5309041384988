"""Money with currency and scale, percentages, years and dates, with their qualifiers."""

from __future__ import annotations

import pytest

from smartcity_kg.draft.numbers import quantities

CASES = [
    ("grow to USD 400 billion annually by 2020", [("money", "400000000000", "USD", None), ("year", "2020", None, None)]),
    ("€900 million ($945 million)", [("money", "900000000", "EUR", None), ("money", "945000000", "USD", None)]),
    ("invested 34 million Euros", [("money", "34000000", "EUR", None)]),
    ("more than DKK 100 million", [("money", "100000000", "DKK", "more than")]),
    ("about US$ 1.5bn", [("money", "1500000000", "USD", "about")]),
    ("at least 2,500 thousand SEK", [("money", "2500000", "SEK", "at least")]),
    ("approximately two to four percent", []),
    ("a 12.5 % share", [("percent", "12.5", None, None)]),
    ("nearly 40 per cent of 2019", [("percent", "40", None, "nearly"), ("year", "2019", None, None)]),
    ("signed on 28 May 2014 and on March 3, 2015", [("date", "2014-05-28", None, None), ("date", "2015-03-03", None, None)]),
    ("since June 2016", [("date", "2016-06", None, None)]),
    ("the 1,000 offices and 3000 staff in 20205", []),
    ("THE 400 million", []),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0] for c in CASES])
def test_quantities(sentence: str, expected: list[tuple[str, str, str | None, str | None]]) -> None:
    found = quantities(sentence)
    assert [(q.kind, q.value, q.currency, q.qualifier) for q in found] == expected
    assert all(sentence[q.start:q.end] == q.text for q in found)


def test_a_bracketed_amount_is_noted_as_a_conversion_and_a_bare_dollar_as_less_sure() -> None:
    first, second = quantities("€900 million ($945 million)")
    assert first.note == "" and first.sure == "high"
    assert "its conversion" in second.note and second.sure == "medium" and "'$' read as USD" in second.note
