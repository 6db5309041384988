"""The compact form of a trade table in a fact sheet (``table:``), compiled to RDF Data Cube observations.

A ``TradeTable`` item carries its market, sector, industry code, unit and unit multiplier as
ordinary properties, and its cells under ``table:``, one row per measure of the trade-measure
scheme (``ontology/trade.ttl``), each with one value a year::

    table:
      years: [1993, 1994, 1995]
      status: [actual, actual, estimated]   # optional; every year actual if left out
      partner: US                           # the country of 'imports-from-partner'
      total-market-size: [4722, 4492, 4561]
      imports-from-partner: [2809, 2744, 2864]
      exchange-rate: [0.7753, 0.7305, 0.7342]
      exchange-rate-unit: C$1=US$X

A value may be written with thousands separators (``4,722``); ``-`` marks a year the guide
leaves empty. A row whose length is not the number of years is refused, naming the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .._yaml import Mapping, Node, Scalar, Sequence
from ..exceptions import InputError, Problem
from ..namespaces import MEASURE, QB, RDF, RDFS, XSD
from ..namespaces import SCK as ONTOLOGY
from ..terms import SCK

__all__ = ["table_triples"]

_STATUS = ("actual", "estimated")
_OPTIONS = ("years", "status", "partner", "exchange-rate-unit")
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_MISSING = ("-", "", "n/a", "NA")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _row(node: Node, key: str, path: Path, line: int) -> list[Scalar]:
    if not isinstance(node, Sequence) or not all(isinstance(v, Scalar) for v in node.items):
        raise InputError.at(path, line, f"table row {key!r} must be a list of values, one a year")
    return list(node.items)  # type: ignore[arg-type]


def _measures(references: dict[str, ox.NamedNode]) -> dict[str, ox.NamedNode]:
    return {name: iri for name, iri in references.items() if iri.value.startswith(MEASURE)}


def table_triples(table: ox.NamedNode, node: Node, path: Path, line: int, *,
                  references: dict[str, ox.NamedNode],
                  resolve: Callable[[str, Path, int], ox.NamedNode],
                  evidence: ox.NamedNode, label: str, labels: dict[str, str]) -> list[ox.Triple]:
    """The observations of the ``table:`` mapping ``node`` of the trade table ``table``.

    Each observation is ``<table>/<measure>/<year>``, typed ``sck:TradeObservation``, labelled
    "<table's label>: <measure's label>, <year>" (``labels``: the ontology's), in the
    table (``sck:tradeTable``), with the measure, the year, its status, its value
    (``sck:tradeValue``, or ``sck:exchangeRate`` for the exchange rate) and the table's
    evidence; the table gets the data structure ``sck:tradeDataStructure``.

    Raises
    ------
    InputError
        With the line of each problem: a key that is neither an option nor a measure, a row
        whose length is not the number of years (naming the row), a value that is not a
        number, a status other than actual or estimated, a partner that is not a country.
    """
    if not isinstance(node, Mapping):
        raise InputError.at(path, line, "'table' must be a mapping: years, then one row per measure")
    measures = _measures(references)
    if "years" not in node.values:
        raise InputError.at(path, line, "a table needs 'years: [<year>, …]', the years of its columns")
    years = _row(node.values["years"], "years", path, node.keys["years"])
    problems: list[Problem] = []
    for year in years:
        if not re.fullmatch(r"(19|20)\d\d", year.value):
            problems.append(Problem(path, year.line, f"{year.value!r} is not a year such as 1995"))
    statuses = ["actual"] * len(years)
    if "status" in node.values:
        given = _row(node.values["status"], "status", path, node.keys["status"])
        if len(given) != len(years):
            problems.append(Problem(path, node.keys["status"], f"table row 'status' has {len(given)} values; "
                                                               f"'years' has {len(years)}"))
        statuses = [s.value for s in given]
        problems += [Problem(path, s.line, f"status {s.value!r}: expected actual or estimated")
                     for s in given if s.value not in _STATUS]
    partner = None
    if "partner" in node.values:
        value = node.values["partner"]
        if not isinstance(value, Scalar):
            raise InputError.at(path, node.keys["partner"], "partner must be one country code, such as US")
        partner = resolve(value.value, path, value.line)
    rate_unit = node.values.get("exchange-rate-unit")
    structure = _n(ONTOLOGY + "tradeDataStructure")  # a structure, not a term of the closed namespace
    out: list[ox.Triple] = [ox.Triple(table, _n(QB + "structure"), structure)]
    for key, row_node in node.values.items():
        if key in _OPTIONS:
            continue
        row_line = node.keys[key]
        if key not in measures:
            problems.append(Problem(path, row_line, f"unknown table row {key!r}; expected years, status, partner, "
                                                    f"exchange-rate-unit or a measure: {', '.join(sorted(measures))}"))
            continue
        row = _row(row_node, key, path, row_line)
        if len(row) != len(years):
            problems.append(Problem(path, row_line, f"table row {key!r} has {len(row)} values; 'years' has "
                                                    f"{len(years)}: write one value a year ('-' for none)"))
            continue
        if key == "imports-from-partner" and partner is None:
            problems.append(Problem(path, row_line, "row 'imports-from-partner' needs 'partner: <country code>'"))
            continue
        for year, status, cell in zip(years, statuses, row):
            if cell.value.strip() in _MISSING:
                continue
            if not _NUMBER.match(cell.value.strip()):
                problems.append(Problem(path, cell.line, f"table row {key!r}: {cell.value!r} is not a number"))
                continue
            obs = _n(f"{table.value}/{key}/{year.value}")
            number = ox.Literal(cell.value.strip().replace(",", ""), datatype=_n(XSD + "decimal"))
            name = f"{label}: {labels.get(measures[key].value, key)}, {year.value}"
            out += [ox.Triple(obs, _n(RDF + "type"), _n(SCK.TradeObservation)),
                    ox.Triple(obs, _n(RDFS + "label"), ox.Literal(name)),
                    ox.Triple(obs, _n(SCK.tradeTable), table),
                    ox.Triple(obs, _n(SCK.measure), measures[key]),
                    ox.Triple(obs, _n(SCK.year), ox.Literal(year.value, datatype=_n(XSD + "gYear"))),
                    ox.Triple(obs, _n(SCK.observationStatus), ox.Literal(status)),
                    ox.Triple(obs, _n(SCK.exchangeRate if key == "exchange-rate" else SCK.tradeValue), number),
                    ox.Triple(obs, _n(SCK.evidence), evidence)]
            if key == "imports-from-partner" and partner is not None:
                out.append(ox.Triple(obs, _n(SCK.partnerCountry), partner))
            if key == "exchange-rate" and isinstance(rate_unit, Scalar):
                out.append(ox.Triple(obs, _n(SCK.unit), ox.Literal(rate_unit.value)))
    if problems:
        raise InputError(problems)
    return out
