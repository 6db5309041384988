"""Tests of smartcity_kg._yaml: strict YAML, every scalar text, errors with file and line."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from smartcity_kg._yaml import Mapping, Scalar, Sequence, parse_yaml, read_yaml
from smartcity_kg.exceptions import InputError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _at(path: Path, line: int | None) -> str:
    """The start of a message about ``path``:``line``, as a regex."""
    return "^" + re.escape(f"{path}:{line}: " if line is not None else f"{path}: ")


# (YAML text, line of the problem, what the message says)
REFUSALS = [
    pytest.param("a: x\nb: &here y\n", 2, "anchors and aliases are not allowed", id="anchor"),
    pytest.param("a: x\nb:\n  - &here y\n  - z\n", 3, "anchors and aliases are not allowed", id="anchor-in-list"),
    pytest.param("a: x\nb: &b y\nc: *b\n", 2, "anchors and aliases are not allowed", id="alias"),
    pytest.param("a: x\nb:\n  <<: {c: d}\n", 3, r"merge keys \(<<\) are not allowed", id="merge-key"),
    pytest.param("a: x\nb: !!python/object:os.system echo\n", 2,
                 r"tags are not allowed \(found '!!python/object:os.system'\)", id="python-tag"),
    pytest.param("a: x\nb: !!binary aGVsbG8=\n", 2, "tags are not allowed", id="binary-tag"),
    pytest.param("a: x\nb:\n  - !local y\n", 3, r"tags are not allowed \(found '!local'\)", id="local-tag"),
    pytest.param("a: x\nb: y\na: z\n", 3, r"duplicate key 'a' \(first at line 1\)", id="duplicate-key"),
    pytest.param("a: x\nb:\n  c: y\n  c: z\n", 4, r"duplicate key 'c' \(first at line 3\)", id="duplicate-nested-key"),
    pytest.param("a: x\nb: [y, z\nc: w\n", 3, "malformed YAML: expected ',' or ']'", id="unclosed-flow"),
    pytest.param("a: x\n  b: y\n", 2, "malformed YAML: mapping values are not allowed here", id="bad-indent"),
    pytest.param("a: x\nb:\n\t- y\n", 3, "malformed YAML: found character '\\\\t'", id="tab"),
    pytest.param("a: x\n? [b, c]\n: d\n", 2, "a key must be plain text", id="complex-key"),
    pytest.param("a: x\nb: ~\n", 2, "an empty value; expected a value", id="empty-tilde"),
    pytest.param("a: x\nb: null\n", 2, "an empty value; expected a value", id="empty-null"),
    pytest.param("", 1, "the file is empty; expected a mapping", id="empty-file"),
    pytest.param("# only a comment\n", 1, "the file is empty; expected a mapping", id="only-comment"),
]


@pytest.mark.parametrize(("text", "line", "message"), REFUSALS)
def test_read_yaml_refuses(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=_at(path, line) + message):
        read_yaml(path)


@pytest.mark.parametrize(("text", "line"), [
    pytest.param("a: x\nb:\nc: y\n", 2, id="before-a-key"),
    pytest.param("a: x\nb:\n\n\n# gap\nc: y\n", 2, id="before-blank-lines"),
    pytest.param("items:\n  - id: x\n    label:\n    type: City\n", 3, id="in-an-item"),
])
def test_read_yaml_names_the_line_of_an_empty_value(tmp_path: Path, text: str, line: int) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError, match=_at(path, line) + "an empty value"):
        read_yaml(path)


@pytest.mark.parametrize("tag", ["!!str", "!!int", "!!float", "!!bool"])
def test_read_yaml_refuses_core_schema_tags(tmp_path: Path, tag: str) -> None:
    path = _write(tmp_path, f"a: x\nb: {tag} 010\n")
    with pytest.raises(InputError, match=_at(path, 2) + "tags are not allowed"):
        read_yaml(path)


def test_read_yaml_refuses_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(InputError, match=_at(path, None) + "file not found$"):
        read_yaml(path)


def test_read_yaml_refuses_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "folder.yaml"
    path.mkdir()
    with pytest.raises(InputError, match=_at(path, None) + r"not a regular file \(a directory, pipe or device\)$"):
        read_yaml(path)


def test_read_yaml_names_the_line_of_a_non_utf8_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: x\nb: Købenavn\n".encode("latin-1"))
    with pytest.raises(InputError, match=_at(path, 2) + "not UTF-8"):
        read_yaml(path)


def test_parse_yaml_counts_lines_from_first_line() -> None:
    with pytest.raises(InputError, match=r"^embedded\.md:12: duplicate key 'a' \(first at line 11\)"):
        parse_yaml("a: x\na: y\n", Path("embedded.md"), first_line=11)


@pytest.mark.parametrize("text", ["NO", "no", "yes", "on", "Off", "true", "1.10", "010", "0o17", "0x1F",
                                  "1e3", ".inf", ".NaN", "12:30", "2014-05-28", "2014-05-28T10:00:00Z",
                                  "+1", "1_000", "'007'", '"1.0"'])
def test_scalars_come_back_as_their_exact_text(text: str) -> None:
    root = parse_yaml(f"value: {text}\n", Path("x.yaml"))
    assert isinstance(root, Mapping)
    assert root.values["value"] == Scalar(text.strip("'\""), 1)


def test_keys_and_list_items_stay_text() -> None:
    root = parse_yaml("NO: 010\nlist:\n  - yes\n  - 1.10\n", Path("x.yaml"))
    assert isinstance(root, Mapping)
    assert root.keys == {"NO": 1, "list": 2}
    assert root.values["NO"] == Scalar("010", 1)
    assert root.values["list"] == Sequence([Scalar("yes", 3), Scalar("1.10", 4)], 3)


def test_folded_scalars_carry_no_fold_markers(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: >-\n  one line\n  folded into one\nb: |\n  kept\n  lines\n")
    root = read_yaml(path)
    assert root.values["a"].value == "one line folded into one"
    assert root.values["b"].value == "kept\nlines\n"


def _outcome(read: Callable[[], object]) -> object:
    try:
        return read()
    except InputError as exc:
        return str(exc)


def _ruamel_alone(text: str, path: Path) -> object:
    """What the reader gave before libyaml: ruamel's YAML 1.2 reader, after the same character checks."""
    from smartcity_kg._yaml import _parse_ruamel
    from smartcity_kg.limits import check_characters, forbidden_character, line_of, strip_bom

    text = strip_bom(text)
    found = forbidden_character(text)
    if found is not None:
        check_characters(text, path, line_of(text, found[0]), "the file")
    return _parse_ruamel(text, path, 1)


SHIPPED_YAML = sorted((Path(__file__).resolve().parent.parent / "graph").rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED_YAML, ids=lambda p: p.name)
def test_libyaml_reads_every_shipped_sheet_as_ruamel_does(path: Path) -> None:
    from smartcity_kg._yaml import _compose_libyaml

    text = path.read_text(encoding="utf-8")
    assert _compose_libyaml(text, 0) == _ruamel_alone(text, path)  # the fast reader took it, and agrees


# Pieces of YAML syntax that mutate a sheet: where libyaml and YAML 1.2 differ, ruamel decides.
_PIECES = [":", " ", "\n", "-", '"', "'", "[", "]", "{", "}", "#", "&", "*", "!", "\t", "? ", "|", ">", "  ", "\\",
           "%", "@", "`", ",", "---\n", "...\n", "\r", ": ", "- ", '"\\', "\\/", "\\x41", "\\U0001F600", "\\N",
           "\\_", "\n\n      ", "|\n", ">-\n", "   \n", "\r\n", "%YAML 1.2\n---\n", "%TAG ! x\n", "\\\n", "|2", ">+",
           " #", "\u00a0", "\ufeff", "é", "\\0", "\\u202e", "<<: ", "~", "null", "&a ", "*a"]


@pytest.mark.parametrize("seed", range(4))
def test_mutated_sheets_read_as_ruamel_reads_them(seed: int) -> None:
    """Each mutation gives the same tree, or the same message with its line, as ruamel alone."""
    rng = random.Random(seed)
    sheets = [p for p in SHIPPED_YAML if p.stat().st_size < 4000]
    for _ in range(150):
        path = rng.choice(sheets)
        text = path.read_text(encoding="utf-8")
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(_PIECES) + text[at:]
        assert _outcome(lambda: parse_yaml(text, path)) == _outcome(lambda: _ruamel_alone(text, path)), text
