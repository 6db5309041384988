"""Strict YAML reading: every scalar is text, with the line it came from.

Anchors, aliases, merge keys, tags and duplicate keys are refused, and no scalar is
converted (``NO`` stays ``"NO"``, ``1.10`` stays ``"1.10"``): the caller types values
against the ontology. Values come back as :class:`Node` trees that keep line numbers.

Limits (see :mod:`smartcity_kg.limits`): a file of at most ``MAX_YAML_BYTES``, nesting of at
most ``MAX_YAML_DEPTH`` levels, and no control or format character anywhere, written or
escaped. A UTF-8 byte-order mark at the start is accepted and dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from .exceptions import InputError
from .limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, check_characters, forbidden_character, line_of, read_capped, strip_bom

__all__ = ["Mapping", "Scalar", "Sequence", "Node", "decode_yaml", "parse_yaml", "read_yaml"]


@dataclass(frozen=True)
class Scalar:
    """A scalar value, always text, with its 1-based line."""

    value: str
    line: int


@dataclass(frozen=True)
class Sequence:
    """A YAML sequence with its 1-based line."""

    items: list["Node"]
    line: int


@dataclass(frozen=True)
class Mapping:
    """A YAML mapping with its 1-based line; ``keys`` maps each key to its line."""

    values: dict[str, "Node"]
    line: int
    keys: dict[str, int] = field(default_factory=dict)


Node = Union[Scalar, Sequence, Mapping]

def read_yaml(path: Path) -> Node:
    """Read ``path`` strictly and return its root node.

    Raises
    ------
    InputError
        If the file is missing, unreadable, not a regular file, too large, not UTF-8, not
        YAML, or uses a feature that this reader refuses; the message names the file and line.
    """
    return decode_yaml(read_capped(path, MAX_YAML_BYTES), path)


def decode_yaml(data: bytes, path: Path) -> Node:
    """Parse ``data``, the bytes of ``path`` (read with the cap of :func:`read_yaml`), strictly.

    Raises
    ------
    InputError
        If the bytes are not UTF-8, not YAML, or use a feature that this reader refuses.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.at(path, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path, first_line: int = 1) -> Node:
    """Parse ``text`` strictly, as if it started at line ``first_line`` of ``path``.

    libyaml (through PyYAML's C parser) reads the text; where it finds anything this reader
    refuses or cannot read (an anchor, a tag, a duplicate key, deep nesting, malformed YAML,
    ...), ruamel's YAML 1.2 reader reads it again and gives the refusal, so every message
    and line is ruamel's, and the two readers agree on every text that both accept.

    Raises
    ------
    InputError
        If the text is not YAML or uses a feature that this reader refuses.
    """
    text = strip_bom(text)
    found = forbidden_character(text)
    if found is not None:
        check_characters(text, path, line_of(text, found[0], first_line), "the file")
    try:
        return _compose_libyaml(text, first_line - 1)
    except _Refused:
        return _parse_ruamel(text, path, first_line)


class _Refused(Exception):
    """The libyaml reader found something for ruamel's reader to name (or to read)."""


def _compose_libyaml(text: str, offset: int) -> Node:
    """The tree of ``text`` read by libyaml, or :class:`_Refused` where it must be read again."""
    try:
        import yaml
        from yaml import CSafeLoader
    except ImportError:  # PyYAML without libyaml: ruamel reads everything
        raise _Refused from None
    if "\t" in text:  # libyaml (YAML 1.1) takes tabs where YAML 1.2 refuses them
        raise _Refused
    events = yaml.parse(text, Loader=CSafeLoader)
    try:
        kinds = [type(next(events)).__name__ for _ in range(2)]
        if kinds != ["StreamStartEvent", "DocumentStartEvent"]:
            raise _Refused  # an empty stream
        root = _Composer(text, events, offset).node(next(events), 1)
        if type(next(events)).__name__ != "DocumentEndEvent" or type(next(events)).__name__ != "StreamEndEvent":
            raise _Refused  # several documents
    except (yaml.YAMLError, StopIteration):
        raise _Refused from None
    return root


class _Composer:
    """Turns libyaml's events into nodes, refusing (for ruamel to name) whatever ruamel would."""

    def __init__(self, text: str, events: Iterator[Any], offset: int) -> None:
        self.text, self.events, self.offset = text, events, offset

    def node(self, event: Any, depth: int) -> Node:
        """The node that ``event`` starts, reading the rest of it from the events."""
        kind = type(event).__name__
        line = event.start_mark.line + 1 + self.offset
        if kind == "AliasEvent" or event.anchor is not None or event.tag is not None:
            raise _Refused
        if kind == "ScalarEvent":
            return self.scalar(event, line)
        if depth > MAX_YAML_DEPTH:
            raise _Refused
        if kind == "SequenceStartEvent":
            items: list[Node] = []
            for item in self.events:
                if type(item).__name__ == "SequenceEndEvent":
                    return Sequence(items, line)
                items.append(self.node(item, depth + 1))
        elif kind == "MappingStartEvent":
            return self.mapping(line, depth)
        raise _Refused  # pragma: no cover (libyaml ends what it starts)

    def scalar(self, event: Any, line: int) -> Scalar:
        value: str = event.value
        style = event.style
        if not style and value in _NULLS:
            raise _Refused
        if style == '"' and forbidden_character(value) is not None:  # an escape such as "\0"
            raise _Refused
        if style in ("|", ">") and not _block_scalar_ok(self.text[event.start_mark.index:event.end_mark.index]):
            raise _Refused
        return Scalar(value, line)

    def mapping(self, line: int, depth: int) -> Mapping:
        values: dict[str, Node] = {}
        keys: dict[str, int] = {}
        for key in self.events:
            if type(key).__name__ == "MappingEndEvent":
                return Mapping(values, line, keys)
            name = self.node(key, depth + 1)
            if not isinstance(name, Scalar) or name.value in values or name.value == "<<":
                raise _Refused
            if key.style == '"' and forbidden_character(name.value) is not None:
                raise _Refused
            value = next(self.events)
            if type(value).__name__ == "ScalarEvent" and not value.style and value.value == "":
                raise _Refused
            values[name.value] = self.node(value, depth + 1)
            keys[name.value] = name.line
        raise _Refused  # pragma: no cover


def _block_scalar_ok(written: str) -> bool:
    """Whether the block scalar ``written`` has a header as YAML 1.2 writes it and no leading
    empty line more indented than its first line; libyaml takes both where YAML 1.2 does not.
    """
    lines = re.split(r"\r\n|\r|\n", written)
    if not _BLOCK_HEADER.match(lines[0]):
        return False
    blank = 0
    for line in lines[1:]:
        if line.strip(" "):
            return blank <= len(line) - len(line.lstrip(" "))
        blank = max(blank, len(line))
    return True


_BLOCK_HEADER = re.compile(r"^[|>]([1-9][+-]?|[+-][1-9]?)?( +(#.*)?)?$")
_NULLS = ("", "~", "null", "Null", "NULL")


def _parse_ruamel(text: str, path: Path, first_line: int) -> Node:
    """Parse ``text`` with ruamel's pure-Python YAML 1.2 reader, naming the first refusal."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.tokens import AliasToken, AnchorToken, TagToken

    offset = first_line - 1
    yaml = YAML(typ="rt", pure=True)
    yaml.version = (1, 2)
    depth = 0
    try:
        for token in yaml.scan(text):
            depth += _DEPTH.get(type(token).__name__, 0)
            if depth > MAX_YAML_DEPTH:
                raise InputError.at(path, token.start_mark.line + 1 + offset,
                                    f"nesting deeper than {MAX_YAML_DEPTH} levels; expected a flatter structure")
            if isinstance(token, (AnchorToken, AliasToken)):
                raise InputError.at(path, token.start_mark.line + 1 + offset, "anchors and aliases are not allowed")
            if isinstance(token, TagToken):
                written = text[token.start_mark.index:token.end_mark.index]
                raise InputError.at(path, token.start_mark.line + 1 + offset, f"tags are not allowed (found {written!r})")
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark is not None else None
        raise InputError.at(path, line, f"malformed YAML: {exc.problem or exc.context}") from None
    except YAMLError as exc:
        raise InputError.at(path, None, f"malformed YAML: {exc}") from None
    if root is None:
        raise InputError.at(path, first_line, "the file is empty; expected a mapping")
    return _convert(root, path, offset)


# How each token of ruamel's scanner changes the depth of nesting.
_DEPTH = {
    "BlockMappingStartToken": 1, "BlockSequenceStartToken": 1, "FlowMappingStartToken": 1,
    "FlowSequenceStartToken": 1, "BlockEndToken": -1, "FlowMappingEndToken": -1, "FlowSequenceEndToken": -1,
}


def _convert(node: object, path: Path, offset: int = 0) -> Node:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    line = node.start_mark.line + 1 + offset  # type: ignore[attr-defined]
    if isinstance(node, ScalarNode):
        tag = getattr(node.tag, "value", node.tag)
        if tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null", "NULL"):
            raise InputError.at(path, line, "an empty value; expected a value")
        # ruamel's round-trip scanner marks the points where a folded scalar (>) was folded
        # with BEL characters, for its own dumper; they are not part of the value.
        value = str(node.value).replace("\a", "") if node.style == ">" else str(node.value)
        check_characters(value, path, line, "the value")  # escapes such as "\0" or "\u202e"
        return Scalar(value, line)
    if isinstance(node, SequenceNode):
        return Sequence([_convert(item, path, offset) for item in node.value], line)
    if isinstance(node, MappingNode):
        values: dict[str, Node] = {}
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, ScalarNode):
                raise InputError.at(path, key_line, "a key must be plain text")
            key = str(key_node.value)
            check_characters(key, path, key_line, "the key")
            if key == "<<":
                raise InputError.at(path, key_line, "merge keys (<<) are not allowed")
            if key in values:
                raise InputError.at(
                    path, key_line, f"duplicate key {key!r} (first at line {keys[key]})"
                )
            if isinstance(value_node, ScalarNode) and value_node.value == "" and not value_node.style:
                raise InputError.at(path, key_line, f"an empty value for {key!r}; expected a value")
            values[key] = _convert(value_node, path, offset)
            keys[key] = key_line
        return Mapping(values, line, keys)
    raise InputError.at(path, line, "unexpected YAML node")  # pragma: no cover
