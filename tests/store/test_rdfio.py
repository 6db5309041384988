"""Tests of smartcity_kg.store.rdfio: strict RDF reading, errors with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from smartcity_kg.exceptions import InputError
from smartcity_kg.store.rdfio import read_rdf

DATA = Path(__file__).resolve().parents[1] / "data" / "rdfio"


def _at(path: Path, line: int | None) -> str:
    return "^" + re.escape(f"{path}:{line}: " if line is not None else f"{path}: ")


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any call of the RDF parser fail the test."""

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was handed to the parser")

    monkeypatch.setattr("smartcity_kg.store.rdfio.ox.parse", parse)


@pytest.mark.parametrize("name", ["good.ttl", "good.rdf"])
def test_read_rdf_reads_valid_files(name: str) -> None:
    triples = read_rdf(DATA / name)
    ex = "http://example.org/"
    assert ox.Triple(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "b"), ox.NamedNode(ex + "c")) in triples


@pytest.mark.parametrize(("name", "line", "marker"), [
    pytest.param("billion-laughs.rdf", 3, "<!DOCTYPE", id="billion-laughs"),
    pytest.param("doctype.owl", 3, "<!DOCTYPE", id="lowercase-doctype"),
    pytest.param("entity-without-doctype.rdf", 3, "<!ENTITY", id="entity"),
])
def test_read_rdf_refuses_dtds_before_parsing(no_parsing: None, name: str, line: int, marker: str) -> None:
    path = DATA / name
    with pytest.raises(InputError, match=_at(path, line) + f"RDF/XML with {marker} is refused"):
        read_rdf(path)


@pytest.mark.parametrize(("name", "line", "message"), [
    pytest.param("bad-missing-dot.ttl", 3, "A dot is expected at the end of statements", id="missing-dot"),
    pytest.param("bad-iri-space.ttl", 4, "Invalid IRI code point ' '", id="iri-with-space"),
    pytest.param("bad-undefined-prefix.ttl", 3, "The prefix foo: has not been declared", id="undefined-prefix"),
    pytest.param("bad-unterminated-literal.ttl", 3, "Unexpected end of file", id="unterminated-literal"),
    pytest.param("bad-literal-line-break.ttl", 4, "Line jumps are not allowed in string literals",
                 id="line-break-in-literal"),
])
def test_read_rdf_refuses_invalid_turtle(name: str, line: int, message: str) -> None:
    path = DATA / name
    with pytest.raises(InputError, match=_at(path, line) + "invalid Turtle: .*" + re.escape(message)) as info:
        read_rdf(path)
    assert [(p.path, p.line) for p in info.value.problems] == [(path, line)]


def test_read_rdf_refuses_invalid_n_triples(tmp_path: Path) -> None:
    path = tmp_path / "data.nt"
    path.write_text("<http://a> <http://b> <http://c> .\n<http://a> <http://b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=_at(path, 2) + "invalid N-Triples: "):
        read_rdf(path)


@pytest.mark.parametrize("name", ["data.json", "data.csv", "data.ttl.txt", "data"])
def test_read_rdf_refuses_an_unknown_extension(no_parsing: None, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=_at(path, None) + r"unknown RDF file extension; expected one of \.nq, "):
        read_rdf(path)


@pytest.mark.parametrize("name", ["absent.ttl", "absent.rdf"])
def test_read_rdf_refuses_a_missing_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(InputError, match=_at(path, None) + "file not found$"):
        read_rdf(path)
