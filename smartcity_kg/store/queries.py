"""The named-query catalogue: ``.rq`` files with a ``#+`` header, run with bound parameters."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .._yaml import Mapping, Scalar, Sequence, parse_yaml
from ..exceptions import InputError, QueryError
from .lexer import LexError, tokenize

if TYPE_CHECKING:
    from .entities import EntityIndex

__all__ = ["NamedQuery", "Param", "Result", "bind_params", "is_reasoned", "joins_of", "load_catalogue", "load_query",
           "on_closed_types", "run_query", "sort_joined"]

_HEADER_KEYS = ("summary", "description", "params", "columns")
_PARAM_KEYS = ("name", "description", "kind", "default", "required")
_KINDS = ("entity", "literal", "date")
#: A date parameter's value: a year, a month or a day.
_DATE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: bound as an RDF term, never spliced into the text."""

    name: str
    description: str
    kind: str = "entity"  # an entity (IRI, id, notation or label), a literal, or a date (YYYY[-MM[-DD]])
    default: str | None = None
    required: bool = False


@dataclass(frozen=True)
class NamedQuery:
    """A named SPARQL question read from a ``.rq`` file."""

    name: str
    path: Path
    summary: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()  # the columns shown, where not every projected variable is
    extras: dict[str, str] = field(default_factory=dict)  # header keys a caller asked for


@dataclass
class Result:
    """The answer to a SELECT query: column names and rows of RDF terms (or ``None``)."""

    columns: list[str]
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]] = field(default_factory=list)

    def cells(self, labels: dict[str, str]) -> list[list[str]]:
        """The rows as text: entities by their label, literals by their value, unbound as ``""``."""
        return [[_cell(term, labels) for term in row] for row in self.rows]

    def to_csv(self, labels: dict[str, str]) -> str:
        """CSV with a header row of the column names; entities are shown by their label."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.cells(labels))
        return out.getvalue()

    def to_json(self, labels: dict[str, str]) -> str:
        """SPARQL 1.1 JSON results, with each entity's label added as ``label``."""
        bindings = []
        for row in self.rows:
            binding = {}
            for column, term in zip(self.columns, row):
                if term is not None:
                    binding[column] = _json_term(term, labels)
            bindings.append(binding)
        return json.dumps({"head": {"vars": self.columns}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=2) + "\n"


def _cell(term: object, labels: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value, term.value)
    return str(getattr(term, "value", term))


def _json_term(term: object, labels: dict[str, str]) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        out = {"type": "uri", "value": term.value}
        if term.value in labels:
            out["label"] = labels[term.value]
        return out
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Literal)
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def load_query(path: Path, extra_keys: tuple[str, ...] = ()) -> NamedQuery:
    """Read the named query in ``path`` and parse its ``#+`` header strictly.

    ``extra_keys`` are further header keys that the caller understands (text values,
    returned in ``extras``); any other unknown key is refused.

    Raises
    ------
    InputError
        If the header is missing, is not YAML, has unknown keys, lacks a summary, or
        declares a parameter that the query does not use.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(path, None, f"cannot read the query: {exc}") from None
    header_lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    if not header_lines:
        raise InputError.at(path, 1, "expected a '#+' header with at least 'summary:'")
    header = parse_yaml("\n".join(header_lines) + "\n", path)
    if not isinstance(header, Mapping):
        raise InputError.at(path, 1, "the '#+' header must be a mapping")
    allowed = _HEADER_KEYS + extra_keys
    extras: dict[str, str] = {}
    for key, key_line in header.keys.items():
        if key not in allowed:
            raise InputError.at(path, key_line, f"unknown header key {key!r}; expected one of {', '.join(allowed)}")
        if key in extra_keys:
            value = header.values[key]
            if not isinstance(value, Scalar):
                raise InputError.at(path, key_line, f"{key!r} must be text")
            extras[key] = value.value
    summary = header.values.get("summary")
    if not isinstance(summary, Scalar):
        raise InputError.at(path, 1, "the header needs 'summary:' with one line of text")
    description = header.values.get("description")
    params = _params(header.values.get("params"), path, _variables(path, text))
    columns = header.values.get("columns")
    shown: tuple[str, ...] = ()
    if columns is not None:
        if not isinstance(columns, Sequence) or not all(isinstance(c, Scalar) for c in columns.items):
            raise InputError.at(path, columns.line, "'columns' must be a list of variable names")
        shown = tuple(c.value for c in columns.items)  # type: ignore[union-attr]
    return NamedQuery(
        name=path.stem, path=path, summary=summary.value,
        description=description.value if isinstance(description, Scalar) else "",
        text=text, params=params, columns=shown, extras=extras,
    )


def _variables(path: Path, text: str) -> dict[str, int | None]:
    """Each variable of the query text, by name: the line where ``AS`` assigns it (BIND, a projection), else None."""
    try:
        tokens = tokenize(text)
    except LexError as exc:
        raise InputError.at(path, exc.line, f"cannot read the query: {exc}") from None
    found: dict[str, int | None] = {}
    for before, token in zip([None, *tokens], tokens):
        if token.kind == "var":
            name = token.text[1:]
            if before is not None and before.kind == "word" and before.text.upper() == "AS":
                found[name] = found.get(name) or text.count("\n", 0, token.offset) + 1
            else:
                found.setdefault(name, None)
    return found


def _params(node: object, path: Path, variables: dict[str, int | None]) -> tuple[Param, ...]:
    """The parameters a ``params`` header declares: each used by the query, none assigned in it."""
    if node is None:
        return ()
    if not isinstance(node, Sequence):
        raise InputError.at(path, getattr(node, "line", 1), "'params' must be a list")
    out = []
    for item in node.items:
        if not isinstance(item, Mapping):
            raise InputError.at(path, item.line, "each parameter must be a mapping with 'name' and 'description'")
        values: dict[str, str] = {}
        for key, value in item.values.items():
            if key not in _PARAM_KEYS:
                raise InputError.at(path, item.keys[key], f"unknown parameter key {key!r}; expected one of {', '.join(_PARAM_KEYS)}")
            if not isinstance(value, Scalar):
                raise InputError.at(path, item.keys[key], f"{key!r} must be text")
            values[key] = value.value
        if "name" not in values or "description" not in values:
            raise InputError.at(path, item.line, "a parameter needs 'name' and 'description'")
        kind = values.get("kind", "entity")
        if kind not in _KINDS:
            raise InputError.at(path, item.keys["kind"], f"unknown kind {kind!r}; expected one of {', '.join(_KINDS)}")
        if values["name"] not in variables:
            raise InputError.at(path, item.line, f"parameter {values['name']!r} is not used by the query")
        assigned = variables[values["name"]]
        if assigned is not None:  # a bound parameter cannot be assigned again: no rows in one store, an error in another
            raise InputError.at(path, assigned, f"parameter {values['name']!r} is given by the caller; "
                                                "the query may not assign it with AS (BIND or a projection)")
        required = values.get("required", "false")
        if required not in ("true", "false"):
            raise InputError.at(path, item.keys["required"], f"'required' must be true or false, not {required!r}")
        out.append(Param(values["name"], values["description"], kind, values.get("default"), required == "true"))
    return tuple(out)


def load_catalogue(directory: Path) -> dict[str, NamedQuery]:
    """Read every ``*.rq`` file of ``directory`` (not its subfolders), keyed by name."""
    queries = {}
    for path in sorted(directory.glob("*.rq")):
        query = load_query(path)
        queries[query.name] = query
    if not queries:
        raise InputError.at(directory, None, "no named queries (*.rq) in this directory")
    return queries


def run_query(store: ox.Store, query: NamedQuery,
              bindings: dict[str, ox.NamedNode | ox.Literal] | None = None, *, reasoned: bool | None = None) -> Result:
    """Run ``query`` over ``store`` (whose default graph is the merge of all graphs) with ``bindings``.

    Parameters not given take their default; a parameter without either stays unbound.
    Where the build is reasoned (``reasoned``; by default, whether ``store`` holds the inferred
    graph), types are read as the reasoner materialised them: see :func:`on_closed_types`.
    Values are bound as RDF terms (SEP-0007 substitution), never spliced into the text. The parts
    of a column made by ``GROUP_CONCAT`` with a separator are sorted (see :func:`joins_of`).
    The query runs in the calling process, with whatever network it has: a program that runs
    queries it did not write calls :func:`smartcity_kg.sandbox.isolate_network` first.

    Raises
    ------
    QueryError
        If a binding names no parameter of the query, or the query is not a SELECT.
    """
    bindings = dict(bindings or {})
    known = {p.name for p in query.params}
    unknown = sorted(set(bindings) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {allowed}")
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): term for name, term in bindings.items()}
    if reasoned is None:
        reasoned = is_reasoned(store)
    text = on_closed_types(query.text) if reasoned else query.text
    try:
        solutions = store.query(text, substitutions=substitutions)
    except SyntaxError as exc:
        raise QueryError(f"{query.path}: invalid SPARQL: {exc.msg}") from None
    except RuntimeError as exc:  # pyoxigraph: a parameter that the query does not project
        raise QueryError(f"{query.path}: {exc}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(f"{query.path}: a named query must be a SELECT query")
    projected = [v.value for v in solutions.variables]
    missing = [c for c in query.columns if c not in projected]
    if missing:
        raise QueryError(f"{query.path}: 'columns' names {', '.join(missing)}, which the query does not project")
    columns = list(query.columns) or projected
    result = Result(columns)
    joins = joins_of(query.text)
    try:
        for solution in solutions:
            result.rows.append(sort_joined(columns, [solution[c] for c in columns], joins))
    except OSError as exc:  # SERVICE of a federated query: the remote endpoint is out of reach
        raise QueryError(f"{query.path}: a remote endpoint could not be reached: {exc}") from None
    return result


_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\s*\((?:\s*DISTINCT\b)?[^;()]*(?:\([^()]*\)[^;()]*)*;\s*separator\s*=\s*"([^"\\]*)"\s*\)'
                           r"\s+AS\s+[?$](\w+)", re.IGNORECASE)


def joins_of(text: str) -> dict[str, str]:
    """The columns that ``text`` makes with ``GROUP_CONCAT(…; separator="…")``, and their separators.

    Examples
    --------
    >>> joins_of('SELECT (GROUP_CONCAT(DISTINCT STR(?d); separator=" or ") AS ?from) WHERE {}')
    {'from': ' or '}
    """
    return {name: separator for separator, name in _GROUP_CONCAT.findall(text)}


def sort_joined(columns: list[str], row: list[Any], joins: dict[str, str]) -> list[Any]:
    """``row`` (over ``columns``) with the parts of each column of ``joins`` (:func:`joins_of`) sorted:
    SPARQL leaves the order of GROUP_CONCAT to the store, and every store (the embedded one, a remote
    endpoint, the server's workers) should give the same answer."""
    if not joins:
        return row
    return [_sorted_parts(term, joins[column]) if column in joins else term for column, term in zip(columns, row)]


_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None


def _sorted_parts(term: _Term, separator: str) -> _Term:
    """A joined literal with its parts sorted."""
    if not isinstance(term, ox.Literal) or separator not in term.value:
        return term
    text = separator.join(sorted(term.value.split(separator)))
    return ox.Literal(text, language=term.language) if term.language else ox.Literal(text, datatype=term.datatype)


#: ``a/rdfs:subClassOf*`` in a query that binds ``rdfs:`` to RDF Schema.
_SUBCLASS_PATH = re.compile(r"(?<![\w:/<])a/rdfs:subClassOf\*(?=\s)")
_RDFS_PREFIX = re.compile(r"PREFIX\s+rdfs:\s*<http://www\.w3\.org/2000/01/rdf-schema#>", re.IGNORECASE)


def on_closed_types(text: str) -> str:
    """``text`` with each ``?x a/rdfs:subClassOf* C`` read as ``?x a C``: the same answers on a reasoned build.

    The reasoners close every node's types under ``rdfs:subClassOf`` (each superclass is
    inferred), so the path walks nothing that the type index does not hold already; reading
    the index is what keeps ``initiatives`` fast at a million triples. A query that does not
    bind ``rdfs:`` to RDF Schema is left as it is.

    Examples
    --------
    >>> on_closed_types("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n"
    ...                 "SELECT ?x WHERE { ?x a/rdfs:subClassOf* <C> }").splitlines()[1]
    'SELECT ?x WHERE { ?x a <C> }'
    """
    if not _RDFS_PREFIX.search(text):
        return text
    return _SUBCLASS_PATH.sub("a", text)


def is_reasoned(store: ox.Store) -> bool:
    """Whether ``store`` holds a build's inferred graph (``<base>graph/inferred``), non-empty."""
    return any(isinstance(g, ox.NamedNode) and g.value.endswith("/graph/inferred") for g in store.named_graphs())


def bind_params(query: NamedQuery, given: dict[str, str], index: "EntityIndex") -> dict[str, ox.NamedNode | ox.Literal]:
    """Turn the text values ``given`` (and the defaults) into RDF terms for ``query``.

    Entity parameters are looked up by IRI, id, notation or label; literal parameters
    become plain literals, and so do date parameters once they are a year, a month or a day.

    Raises
    ------
    QueryError
        If ``given`` names a parameter that the query does not have, or a date parameter is not a date.
    EntityNotFoundError
        If an entity parameter names no entity, or several.
    """
    params = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(params))
    if unknown:
        allowed = ", ".join(sorted(params)) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {allowed}")
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, param in params.items():
        value = given.get(name, param.default)
        if value is None:
            if param.required:
                raise QueryError(f"query {query.name!r} needs the parameter {name!r}: {param.description}")
            continue
        if param.kind == "date" and not _DATE.match(value):
            raise QueryError(f"query {query.name!r}: the parameter {name!r} is {value!r}, not a date; "
                             "expected YYYY, YYYY-MM or YYYY-MM-DD (such as 2015, 2015-06 or 2015-06-30)")
        out[name] = index.resolve(value) if param.kind == "entity" else ox.Literal(value)
    return out
