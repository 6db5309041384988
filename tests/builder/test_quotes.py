"""A quote not found in its source's text is explained: the nearest passage and the first differing character."""

from __future__ import annotations

import pytest

from smartcity_kg.builder.quotes import explain_mismatch

TEXT = "Intro.\nDenmark – Smart Cities is a guide. It says: “Copenhagen aims at 2025”, and more follows here.\n"

CASES = [
    ("Denmark - Smart Cities is a guide", "character 9 of the quote: the quote has '-' (U+002D HYPHEN-MINUS), "
                                          "the text '–' (U+2013 EN DASH)"),
    ("It says: \"Copenhagen aims at 2025\", and less", "character 41 of the quote: the quote has 'l' "),
    ("Intro. … It says: \"Copenhagen aim for 2025\"", "character 34 of the quote: the quote has ' ' (U+0020 SPACE), the text 's'"),
    ("Copenhagen aims at 2025”, and more follows there.", "character 44 of the quote: the quote has 't' "),
    ("the guide  says: Copenhagen aims at 2025", "the quote's last 23 characters are there"),
    ("Oslo", "no passage of the text begins or ends like the quote"),
]


@pytest.mark.parametrize(("quote", "expected"), CASES, ids=[c[0][:20] for c in CASES])
def test_the_first_difference_is_named(quote: str, expected: str) -> None:
    explained = explain_mismatch(quote, TEXT)
    assert expected in explained
    if "nearest passage" in explained and "last" not in explained:
        passage = explained.split("nearest passage: ", 1)[1].split("; the first difference")[0]
        assert passage.strip("'\"") in " ".join(TEXT.replace("“", '"').replace("”", '"').split())
