"""Strict YAML reading: every scalar is text, with the line it came from.

Anchors, aliases, merge keys, tags and duplicate keys are refused, and no scalar is
converted (``NO`` stays ``"NO"``, ``1.10`` stays ``"1.10"``): the caller types values
against the ontology. Values come back as :class:`Node` trees that keep line numbers.

Limits (see :mod:`smartcity_kg.limits`): a file of at most ``MAX_YAML_BYTES``, nesting of at
most ``MAX_YAML_DEPTH`` levels, and no control or format character anywhere, written or
escaped. A UTF-8 byte-order mark at the start is accepted and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from .exceptions import InputError
from .limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, check_characters, forbidden_character, line_of, read_capped, strip_bom

__all__ = ["Mapping", "Scalar", "Sequence", "Node", "parse_yaml", "read_yaml"]


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
    data = read_capped(path, MAX_YAML_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError.at(path, line, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path, first_line: int = 1) -> Node:
    """Parse ``text`` strictly, as if it started at line ``first_line`` of ``path``.

    Raises
    ------
    InputError
        If the text is not YAML or uses a feature that this reader refuses.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.tokens import AliasToken, AnchorToken, TagToken

    text = strip_bom(text)
    found = forbidden_character(text)
    if found is not None:
        check_characters(text, path, line_of(text, found[0], first_line), "the file")
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
