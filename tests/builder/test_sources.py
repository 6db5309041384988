"""Tests of smartcity_kg.builder.sources: source records, and quotes found in their texts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from smartcity_kg.exceptions import InputError
from smartcity_kg.builder.sources import load_sources, quote_in_text
from smartcity_kg.limits import MAX_SOURCE_TEXT_BYTES

# One valid record, lines 2 to 7; a test appends keys from line 8 on.
RECORD = """\
sources:
  - id: tiny-source
    title: A tiny source
    publisher: Test Publisher
    url: https://example.org/tiny
    kind: article
    language: en
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_sources_reads_the_records(graph_dir: Path) -> None:
    sources = load_sources(graph_dir / "sources" / "sources.yaml")
    assert list(sources) == ["tiny-source", "other-source"]
    tiny = sources["tiny-source"]
    assert (tiny.line, tiny.kind, tiny.language) == (2, "article", "en")
    assert tiny.date == ("2014-05-28", "http://www.w3.org/2001/XMLSchema#date")
    assert tiny.text is not None and tiny.text.startswith("Acme, an American")
    assert sources["other-source"].text is None


def test_a_document_not_on_the_web_has_its_text_instead_of_a_url(tmp_path: Path) -> None:
    (tmp_path / "dossier.md").write_text("A dossier compiled for the project.\n", encoding="utf-8")
    record = RECORD.replace("    url: https://example.org/tiny\n", "").replace("    title: A tiny source\n",
                                                                             "    title: title not shown\n")
    [source] = load_sources(_write(tmp_path, record + "    text: dossier.md\n")).values()
    assert source.url is None and source.text is not None and source.text.startswith("A dossier")
    # A page that shows no title is named by its publisher.
    assert source.label == "Test Publisher (title not shown)"
    with pytest.raises(InputError, match=r"sources\.yaml:2: missing url in source record$"):
        load_sources(_write(tmp_path, record))


@pytest.mark.parametrize(("date", "datatype"), [
    ("2014", "gYear"), ('"2014-05"', "gYearMonth"), ("2014-05-28", "date"),
])
def test_load_sources_types_dates(tmp_path: Path, date: str, datatype: str) -> None:
    sources = load_sources(_write(tmp_path, RECORD + f"    date: {date}\n"))
    assert sources["tiny-source"].date == (date.strip('"'), "http://www.w3.org/2001/XMLSchema#" + datatype)


# (text of sources.yaml, line of the problem, what the message says)
BAD_RECORDS = [
    pytest.param(RECORD + "    colour: red\n", 8, "unknown key 'colour'; expected one of id, title, ",
                 id="unknown-key"),
    pytest.param(RECORD.replace("    publisher: Test Publisher\n", ""), 2,
                 "missing publisher in source record", id="missing-key"),
    pytest.param(RECORD + "  - id: other\n    note: nothing else\n", 8,
                 "missing title, publisher, url, kind, language", id="missing-keys"),
    pytest.param(RECORD + RECORD.split("\n", 1)[1], 8,
                 r"duplicate source id 'tiny-source' \(first at line 2\)", id="duplicate-id"),
    pytest.param(RECORD.replace("id: tiny-source", "id: Tiny_Source"), 2, "id 'Tiny_Source' is not a slug",
                 id="id-not-a-slug"),
    pytest.param(RECORD.replace("title: A tiny source", "title: [a, b]"), 3, "'title' must be a single text value",
                 id="list-value"),
    pytest.param(RECORD + "    date: 2014-13-01\n", 8, "'2014-13-01' is not a date such as 2014-05-28 or a month",
                 id="month-13"),
    pytest.param(RECORD + "    date: 2014-02-30\n", 8, "'2014-02-30' is not a date", id="february-30"),
    pytest.param(RECORD + "    date: May 2014\n", 8, "'May 2014' is not a date", id="date-in-words"),
    pytest.param(RECORD.replace("https://example.org/tiny", "example.org/tiny"), 5,
                 "'example.org/tiny' is not an http\\(s\\) URL", id="url-without-scheme"),
    pytest.param(RECORD.replace("https://example.org/tiny", "https://example.org/a b"), 5,
                 "'https://example.org/a b' is not an http\\(s\\) URL", id="url-with-space"),
    pytest.param(RECORD + "    licence: CC-BY\n", 8, "'CC-BY' is not an http\\(s\\) URL", id="bad-licence"),
    pytest.param(RECORD.replace("language: en", "language: English"), 7,
                 "'English' is not a language tag such as 'en' or 'da'", id="language-name"),
    pytest.param(RECORD.replace("language: en", "language: en_GB"), 7, "'en_GB' is not a language tag",
                 id="language-underscore"),
    pytest.param(RECORD.replace("kind: article", "kind: tweet"), 6,
                 "unknown kind 'tweet'; expected one of guide, study, article, ", id="unknown-kind"),
    pytest.param(RECORD + "    text: absent.txt\n", 8, "cannot read the source text .*absent.txt: file not found",
                 id="missing-text"),
    pytest.param(RECORD + "    text: latin1.txt\n", 8, "cannot read the source text .*latin1.txt: not UTF-8 text",
                 id="non-utf8-text"),
    pytest.param(RECORD + "    text: folder\n", 8, "cannot read the source text .*folder: not a regular file",
                 id="text-is-a-directory"),
    pytest.param(RECORD + "    text: pipe\n", 8, "cannot read the source text .*pipe: not a regular file",
                 id="text-is-a-pipe"),
    pytest.param(RECORD + "    text: /etc/hostname\n", 8,
                 "the source text '/etc/hostname' must be a file name relative to .*, without '..'$",
                 id="text-absolute"),
    pytest.param(RECORD + "    text: ../outside.txt\n", 8, "the source text '../outside.txt' must be a file name",
                 id="text-dot-dot"),
    pytest.param(RECORD + "    text: folder/../../outside.txt\n", 8, "the source text 'folder/../../outside.txt' must",
                 id="text-dot-dot-inside"),
    pytest.param(RECORD + "    text: link-out.txt\n", 8,
                 "the source text 'link-out.txt' leads out of .* \\(a symbolic link\\)$", id="text-symlink-out"),
    pytest.param(RECORD + "    text: link-null\n", 8, "the source text 'link-null' leads out of ", id="text-symlink-device"),
    pytest.param(RECORD + "    text: huge.txt\n", 8,
                 "cannot read the source text .*huge.txt: too large: 20,000,001 bytes; expected at most 20,000,000$",
                 id="text-too-large"),
    pytest.param(RECORD.replace("title: A tiny source", "title: " + "x" * 1001), 3,
                 "'title' is 1,001 characters long; expected at most 1,000$", id="title-too-long"),
    pytest.param(RECORD + "    note: " + "x" * 10_001 + "\n", 8,
                 "'note' is 10,001 characters long; expected at most 10,000$", id="note-too-long"),
    pytest.param(RECORD.replace("A tiny source", "A tiny\u202esource"), 3,
                 "the file holds the control or format character U\\+202E RIGHT-TO-LEFT OVERRIDE", id="bidi-in-title"),
    pytest.param(RECORD.replace("A tiny source", '"A tiny\\0source"'), 3,
                 "the value holds the control or format character U\\+0000", id="escaped-nul-in-title"),
    pytest.param("records:\n  - id: x\n", 1, "expected a mapping with the single key 'sources'",
                 id="wrong-top-key"),
    pytest.param("sources:\n  id: x\n", 2, "'sources' must be a list of records", id="not-a-list"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_RECORDS)
def test_load_sources_refuses(tmp_path: Path, text: str, line: int, message: str) -> None:
    (tmp_path / "latin1.txt").write_bytes("København".encode("latin-1"))
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    (tmp_path.parent / "outside.txt").write_text("a secret", encoding="utf-8")
    (tmp_path / "link-out.txt").symlink_to(tmp_path.parent / "outside.txt")
    (tmp_path / "link-null").symlink_to("/dev/null")
    with (tmp_path / "huge.txt").open("wb") as huge:
        huge.truncate(MAX_SOURCE_TEXT_BYTES + 1)
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match="^" + re.escape(f"{path}:{line}: ") + message):
        load_sources(path)


def test_load_sources_accepts_and_drops_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes("\ufeffAcme, an American".encode("utf-8"))
    path = tmp_path / "sources.yaml"
    path.write_bytes(("\ufeff" + RECORD + "    text: bom.txt\n").encode("utf-8"))
    assert load_sources(path)["tiny-source"].text == "Acme, an American"


def test_load_sources_accepts_a_text_in_a_sub_folder(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "tiny.txt").write_text("Acme", encoding="utf-8")
    assert load_sources(_write(tmp_path, RECORD + "    text: texts/tiny.txt\n"))["tiny-source"].text == "Acme"


def test_load_sources_reports_every_bad_record(tmp_path: Path) -> None:
    second = RECORD.split("\n", 1)[1].replace("tiny-source", "other") + "    date: May 2014\n"
    path = _write(tmp_path, RECORD + "    colour: red\n" + second)
    with pytest.raises(InputError) as info:
        load_sources(path)
    assert [(p.path, p.line) for p in info.value.problems] == [(path, 8), (path, 15)]


TEXT = "Copenhagen is “the capital” of Denmark.\nIt's aiming at being   carbon-neutral\nby 2025."


@pytest.mark.parametrize("quote", [
    "Copenhagen is “the capital” of Denmark.",
    'Copenhagen is "the capital" of Denmark.',
    "Copenhagen is „the capital“ of Denmark.",
    "It’s aiming at being carbon-neutral by 2025.",
    "  It's aiming at\tbeing\n carbon-neutral  ",
    "Copenhagen … carbon-neutral",
    "Copenhagen ... by 2025.",
    "Copenhagen is … of Denmark … being … 2025",
    "… of Denmark.",
])
def test_quote_in_text_finds(quote: str) -> None:
    assert quote_in_text(quote, TEXT)


@pytest.mark.parametrize("quote", [
    "Copenhagen is the capital of Denmark.",  # quotation marks dropped
    "copenhagen is “the capital” of Denmark.",  # case differs
    "Copenhagen is “the capital” of Denmark!",
    "It's aiming at beingcarbon-neutral",  # whitespace removed, not changed
    "carbon-neutral … Copenhagen",  # parts out of order
    "Denmark … Denmark",  # a part used twice
    "Copenhagen … Aarhus",
])
def test_quote_in_text_misses(quote: str) -> None:
    assert not quote_in_text(quote, TEXT)


@pytest.mark.parametrize("quote", ["…", "...", " … ", ""])
def test_quote_in_text_refuses_a_quote_without_words(quote: str) -> None:
    assert not quote_in_text(quote, TEXT)


def test_a_text_is_normalised_once_however_many_quotes_it_is_searched_for(monkeypatch: pytest.MonkeyPatch) -> None:
    import smartcity_kg.builder.sources as sources

    normalised: list[int] = []
    normalise = sources._normalise

    def counting(text: str) -> str:
        normalised.append(len(text))
        return normalise(text)

    monkeypatch.setattr(sources, "_normalise", counting)
    text = "Aarhus is a living lab. " * 40_000 + "once-only marker"  # ~1 MB; 20 MB took 0.2 s a quote
    assert all(quote_in_text("living lab … once-only marker", text) for _ in range(50))
    assert normalised.count(len(text)) == 1
