"""Reading a guide's text: UTF-8 prose or a clear refusal; sentences as verbatim spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_kg.draft.text import read_text, sentences
from smartcity_kg.exceptions import InputError

BAD = [
    pytest.param(b"", "the text is empty", id="empty"),
    pytest.param(b"  \n\n\t ", "the text is empty", id="blank"),
    pytest.param("Copenhagen aims at 2025.".encode("utf-16"), r"not UTF-8 text \(byte 0: 0xff\)", id="utf-16"),
    pytest.param(b"Aarhus \xe6rhus is a city of Denmark.", r"not UTF-8 text \(byte 7: 0xe6\)", id="latin-1"),
    pytest.param(b"1993,1994,1995\n4722,4492,4561\n3305,3109,3120\n", "not prose: ", id="csv"),
    pytest.param(b"<html><body><p>Copenhagen is a city in Denmark.</p></body></html>", "not prose: the text starts like markup",
                 id="html"),
    pytest.param(b"Copenhagen is a city \x07 in Denmark.", r"a control character \(U\+0007", id="control"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_text_is_refused_clearly(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "guide.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=rf"guide\.txt(:\d+)?: {message}"):
        read_text(path)


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "guide.txt"
    path.write_bytes("\ufeffDenmark leads in smart cities.".encode("utf-8"))
    assert read_text(path) == "Denmark leads in smart cities."


def test_every_sentence_is_a_verbatim_span_of_the_text() -> None:
    text = ("Market Challenges\n\n  • Challenges relate to competition. Most legislation is governed on an "
            "EU level.\nThe U.S. Department of Commerce helps\nU.S. companies.\n")
    found = sentences(text)
    assert [s.text for s in found] == ["Market Challenges", "Challenges relate to competition.",
                                       "Most legislation is governed on an EU level.",
                                       "The U.S. Department of Commerce helps\nU.S. companies."]
    assert all(text[s.start:s.end] == s.text for s in found)
    assert [s.line for s in found] == [1, 3, 3, 4]
