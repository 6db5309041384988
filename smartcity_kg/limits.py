"""Limits on curated input: sizes, nesting, and the characters that text may hold.

Every cap is a named constant, generous for hand-written input and small enough that no
stage of the build slows down without bound (SHACL is quadratic in the length of a literal;
canonicalising blank nodes is about cubic in how deeply they nest).

Examples
--------
>>> forbidden_character("Aarhus\\u202e")
(6, 'U+202E RIGHT-TO-LEFT OVERRIDE')
>>> forbidden_character("line one\\n\\tline two") is None
True
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from .exceptions import InputError

__all__ = [
    "MAX_BLANK_NODE_DEPTH", "MAX_BLANK_NODE_WORK", "MAX_LABEL_CHARS", "MAX_MODULE_BYTES", "MAX_QUOTE_CHARS",
    "MAX_SOURCE_TEXT_BYTES", "MAX_TEXT_CHARS", "MAX_YAML_BYTES", "MAX_YAML_DEPTH",
    "check_characters", "check_length", "forbidden_character", "line_of", "read_capped", "strip_bom",
]

#: A YAML file (a fact sheet, the source records): 10 MB.
MAX_YAML_BYTES = 10_000_000
#: An ontology module or shapes file: 10 MB.
MAX_MODULE_BYTES = 10_000_000
#: A source's text, against which quotes are checked: 20 MB.
MAX_SOURCE_TEXT_BYTES = 20_000_000
#: A label (``label``, ``altLabel``): 1,000 characters.
MAX_LABEL_CHARS = 1_000
#: A quote: 10,000 characters.
MAX_QUOTE_CHARS = 10_000
#: Any other text value of a fact sheet (notes, reasons, text-valued properties), and any literal
#: of an ontology module or shapes file: 10,000 characters (the shipped modules' longest is 270).
MAX_TEXT_CHARS = 10_000
#: Mappings and lists nested in YAML: 100 levels (fact sheets use 4).
MAX_YAML_DEPTH = 100
#: Blank nodes nested in an ontology module, lists included: 100 levels (the shipped modules use 20).
MAX_BLANK_NODE_DEPTH = 100
#: The depths of all blank nodes of the ontology added up: 200,000 (about a second of
#: canonicalising; the shipped modules add up to 405).
MAX_BLANK_NODE_WORK = 200_000

# C0 controls but tab, LF and CR; DEL and C1; the bidi embeddings, overrides and isolates;
# the line and paragraph separators; a byte-order mark anywhere but at the start.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
_BOM = "\ufeff"


def forbidden_character(text: str) -> tuple[int, str] | None:
    """The index and name of the first character that no input may hold, or None."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "(a control character)")
    return found.start(), f"U+{ord(char):04X} {name}"


def line_of(text: str, index: int, first_line: int = 1) -> int:
    """The line of ``text`` (counted from ``first_line``) that holds ``index``."""
    return first_line + text.count("\n", 0, index)


def check_characters(value: str, path: Path, line: int | None, what: str = "text") -> None:
    """Refuse ``value`` if it holds a control or format character.

    Raises
    ------
    InputError
        Naming the character, the file and the line.
    """
    found = forbidden_character(value)
    if found is not None:
        raise InputError.at(path, line, f"{what} holds the control or format character {found[1]}; "
                                        "expected printable text (tab, LF and CR aside)")


def check_length(value: str, limit: int, path: Path, line: int | None, what: str) -> None:
    """Refuse ``value`` if it is longer than ``limit`` characters."""
    if len(value) > limit:
        raise InputError.at(path, line, f"{what} is {len(value):,} characters long; expected at most {limit:,}")


def strip_bom(text: str) -> str:
    """``text`` without the UTF-8 byte-order mark it may start with (accepted and dropped)."""
    return text[1:] if text.startswith(_BOM) else text


def read_capped(path: Path, limit: int) -> bytes:
    """Read the regular file ``path``, refusing it if it is larger than ``limit`` bytes.

    Pipes, devices and directories are refused before they are opened (a pipe would block).

    Raises
    ------
    InputError
        If the file is missing, unreadable, not a regular file, or too large.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError.at(path, None, "not a regular file (a directory, pipe or device)")
        if info.st_size > limit:
            raise InputError.at(path, None, f"too large: {info.st_size:,} bytes; expected at most {limit:,}")
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError.at(path, None, "file not found") from None
    except OSError as exc:
        raise InputError.at(path, None, f"cannot read the file: {exc.strerror}") from None
    if len(data) > limit:
        raise InputError.at(path, None, f"too large: more than {limit:,} bytes")
    return data
