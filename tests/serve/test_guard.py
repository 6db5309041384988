"""Tests of the query guard: what a query may reach, how deep and how long it may be, and its form."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from smartcity_kg.serve.guard import Limits, QueryRefused, check_query, query_form

GRAPH = "https://w3id.org/smartcity-kg/graph/"
GRAPHS = {GRAPH + "sources", GRAPH + "wikidata", "https://w3id.org/smartcity-kg/ontology"}


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p ?o }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/sparql> { ?s ?p ?o }" }',
    "SELECT * WHERE { ?s ?p 'INSERT DATA { <a:a> <a:b> <a:c> }' }",
    'SELECT * WHERE { ?s ?p """FROM <http://example.org/g>\nLOAD <file:///etc/passwd>""" }',
    "SELECT * WHERE { ?s ?p '''a \\' SERVICE ''' }",
    'SELECT * WHERE { ?s ?p "an escaped \\" SERVICE <http://example.org/> {}" }',
    "# SERVICE <http://example.org/sparql> and FROM <http://example.org/g>\nSELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } # then DELETE WHERE { ?s ?p ?o }",
    "SELECT ?service ?from ?insert ?load $named ?drop WHERE { ?service ?from ?insert . ?load ?named ?drop }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o ; ex:from ?f ; ex:insert ?i ; ex:load ?l }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> <http://example.org/FROM> }",
    "SELECT * WHERE { <http://example.org/#SERVICE> ?p ?o }",
    # After a bracketed path or a group closes, < is again less-than where an operand comes before it.
    'SELECT * WHERE { ?a <http://x/p>/(<http://x/q>|<http://x/r>) ?d . FILTER(STR(?d) <= "x") }',
    "SELECT * WHERE { ?a (<http://x/q>|<http://x/r>) ?d . FILTER(?d < 3) }",
    "SELECT * WHERE { { ?a ?b ?d } UNION { ?a ?c ?d } FILTER(?d<3 && ?d>1) }",
    "SELECT * WHERE { ?a ?b [ ?c ?d ] . FILTER(?d < <http://x/bound>) }",
])
def test_harmless_text_is_accepted(text: str) -> None:
    check_query(text, GRAPHS)


@pytest.mark.parametrize("text", [
    f"SELECT * FROM <{GRAPH}sources> WHERE {{ ?s ?p ?o }}",
    f"SELECT * FROM NAMED <{GRAPH}sources> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    f"PREFIX g: <{GRAPH}> SELECT * FROM g:sources FROM NAMED g:wikidata WHERE {{ ?s ?p ?o }}",
    f"prefix g: <{GRAPH}>\nselect * from g:sources where {{ ?s ?p ?o }}",
    "SELECT * FROM <https://w3id.org/smartcity-kg/ontology> WHERE { ?s ?p ?o }",
])
def test_from_a_graph_of_the_dataset_is_accepted(text: str) -> None:
    check_query(text, GRAPHS)


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
    ("select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } } VALUES ?endpoint { <http://example.org/> }",
     "SERVICE is not allowed"),
    ("PREFIX ex: <http://example.org/> SELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }", "SERVICE is not allowed"),
    ("LOAD <http://example.org/data.ttl>", "LOAD is an update"),
    ("INSERT DATA { <a:a> <a:b> <a:c> }", "INSERT is an update"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE is an update"),
    ("CLEAR ALL", "CLEAR is an update"),
    ("DROP GRAPH <http://example.org/g>", "DROP is an update"),
    ("CREATE GRAPH <http://example.org/g>", "CREATE is an update"),
    ("ADD DEFAULT TO <http://example.org/g>", "ADD is an update"),
    ("MOVE DEFAULT TO <http://example.org/g>", "MOVE is an update"),
    ("COPY DEFAULT TO <http://example.org/g>", "COPY is an update"),
    ("WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH is an update"),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM <http://example.org/g> names no graph"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd> names no graph"),
    ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
     "FROM <http://example.org/g> names no graph"),
    (f"PREFIX g: <{GRAPH}> SELECT * FROM g:elsewhere WHERE {{ ?s ?p ?o }}", f"FROM <{GRAPH}elsewhere> names no graph"),
    ("SELECT * FROM undeclared:sources WHERE { ?s ?p ?o }", "FROM <undeclared:sources> names no graph"),
    (f"SELECT * FROM <{GRAPH}sources/> WHERE {{ ?s ?p ?o }}", "names no graph"),
    ("SELECT * FROM", "FROM <nothing> names no graph"),
])
def test_reaching_outside_the_dataset_or_updating_is_refused(text: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=message) as refused:
        check_query(text, GRAPHS)
    assert refused.value.status == 400


@pytest.mark.parametrize("text", [
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }",
    "PREFIX : <file:///etc/> SELECT * FROM:passwd WHERE { ?s ?p ?o }",
])
def test_keyword_glued_to_a_prefixed_name_is_refused(text: str) -> None:
    with pytest.raises(QueryRefused):
        check_query(text, GRAPHS)


@pytest.mark.parametrize("brackets", ["{}", "()", "[]"])
def test_nesting_up_to_the_limit_is_accepted_and_one_more_refused(brackets: str) -> None:
    opening, closing = brackets[0], brackets[1]
    limits = Limits(max_depth=10)
    check_query(opening * 10 + closing * 10, [], limits)
    with pytest.raises(QueryRefused, match="nested more than 10 levels deep") as refused:
        check_query(opening * 11 + closing * 11, [], limits)
    assert refused.value.status == 400


@pytest.mark.parametrize("text", [
    pytest.param("ASK { FILTER(" + "!" * 200 + "true) }", id="not"),
    pytest.param("ASK { FILTER(" + "- " * 200 + "1 < 0) }", id="minus"),
    pytest.param("ASK { FILTER(1" + "+1" * 8_000 + " > 0) }", id="sum"),
])
def test_operator_chains_count_as_nesting(text: str) -> None:
    with pytest.raises(QueryRefused, match="nested more than 64 levels"):
        check_query(text, [])


def test_deep_nesting_is_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(QueryRefused, match="nested more than 64 levels"):
        check_query("SELECT * WHERE " + "{" * 2500 + "}" * 2500, [])
    assert time.perf_counter() - started < 1.0


def test_depth_counts_brackets_of_the_query_not_of_strings_or_comments() -> None:
    text = 'SELECT * WHERE { ?s ?p "((((((((((((" } # {{{{{{{{{{{{\n'
    check_query(text, [], Limits(max_depth=1))


def test_depth_is_the_deepest_point_not_the_count() -> None:
    check_query("SELECT * WHERE { " + "{ ?s ?p ?o } " * 200 + "}", [], Limits(max_depth=2))


def test_length_up_to_the_limit_is_accepted_and_longer_refused_with_413() -> None:
    text = "SELECT * WHERE { ?s ?p ?o } #"
    limits = Limits(max_length=100)
    check_query(text.ljust(100, "x"), [], limits)
    with pytest.raises(QueryRefused, match="the query has 101 characters; the limit is 100") as refused:
        check_query(text.ljust(101, "x"), [], limits)
    assert refused.value.status == 413


def test_length_is_checked_before_anything_else() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SERVICE " + "{" * 200, [], Limits(max_length=50))
    assert refused.value.status == 413


def test_refusal_is_a_value_error() -> None:
    assert issubclass(QueryRefused, ValueError)


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("select * where { ?s ?p ?o }", "SELECT"),
    ("ASK { ?s ?p ?o }", "ASK"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/x>", "DESCRIBE"),
    ("BASE <http://example.org/>\nPREFIX ask: <http://example.org/ask#>\nPREFIX select: <x:>\nDESCRIBE <x>", "DESCRIBE"),
    ("# SELECT in a comment\nASK {}", "ASK"),
    ("PREFIX ex: <http://example.org/CONSTRUCT> SELECT * {}", "SELECT"),
    ("INSERT DATA { <a:a> <a:b> <a:c> }", None),
    ("", None),
    ("not a query", None),
])
def test_query_form(text: str, form: str | None) -> None:
    assert query_form(text) == form


# --- Differentials: the guard reads the text as the grammar (and pyoxigraph) does ---

@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[int, list[int]]]:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    contacts: list[int] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            contacts.append(1)
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], contacts
    server.close()


def _engine_reaches_out(text: str, contacts: list[int]) -> bool:
    """Whether pyoxigraph, evaluating ``text`` over an empty store, connects to the listener."""
    before = len(contacts)
    with contextlib.suppress(Exception):
        result = ox.Store().query(text)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    time.sleep(0.05)
    return len(contacts) > before


_SERVICE = "SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }}"
_DIFFERENTIALS = [
    pytest.param("SELECT * WHERE {{ #\r" + _SERVICE + " }}", True, id="comment-ended-by-cr"),
    pytest.param("select * where {{ sErViCe <http://127.0.0.1:{port}/> {{}} }}", True, id="mixed-case"),
    pytest.param("SELECT * WHERE {{ SERVICESILENT <http://127.0.0.1:{port}/> {{}} }}", True, id="glued-silent"),
    pytest.param("SELECT * WHERE {{ ?s ?p trueSERVICE <http://127.0.0.1:{port}/> {{}} }}", True, id="glued-after-true"),
    pytest.param("SELECT * WHERE {{ ?s ?p ?o .SERVICE <http://127.0.0.1:{port}/> {{}} }}", True, id="after-dot"),
    pytest.param("SELECT * WHERE {{ OPTIONAL {{ ?s ?p ?o }}" + _SERVICE + " }}", True, id="after-brace"),
    pytest.param("SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<#>\"\"\"\n2) " + _SERVICE + " #\"\"\"\n}}", True,
                 id="less-than-then-comment"),
    pytest.param("SELECT * WHERE {{ ?s ?p ?o }} ORDER BY ?s <urn:f>(?o<#>\"\"\"\n1) #\"\"\"", False,
                 id="less-than-in-order-by"),
    pytest.param("SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{}} }}", False, id="u-escape"),
    pytest.param("SELECT * WHERE {{ \\U00000053ERVICE <http://127.0.0.1:{port}/> {{}} }}", False, id="U-escape"),
    pytest.param('SELECT * WHERE {{ ?s ?p "SERVICE <http://127.0.0.1:{port}/> {{}}" }}', False, id="in-a-string"),
    pytest.param("SELECT * WHERE {{ ?s ?p '''it's a\nSERVICE <http://127.0.0.1:{port}/> {{}}''' }}", False,
                 id="in-a-long-string"),
    pytest.param("SELECT * WHERE {{ ?s ?p <http://127.0.0.1:{port}/SERVICE> }}", False, id="in-an-iri"),
    pytest.param("SELECT * WHERE {{ {{ ?s ?p <http://127.0.0.1:{port}/#> }} UNION {{ " + _SERVICE + " }} }}", True,
                 id="hash-in-an-iri"),
    pytest.param("SELECT * WHERE {{ BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b&&?b>?a) }}", False,
                 id="less-than-not-an-iri"),
    pytest.param("PREFIX ex: <http://e/> SELECT * WHERE {{ ?s ex:a\\#b ?o }} ", False, id="escaped-hash-in-a-name"),
    pytest.param("SELECT * WHERE {{ {{ ?s ?p (<x:a> <x:b#c>) }} UNION {{ " + _SERVICE + " }} }}", True,
                 id="hash-in-a-collection"),
    pytest.param("SELECT * WHERE {{ {{ ?s <x:p>+ (<x:a> <x:b#c>) }} UNION {{ " + _SERVICE + " }} }}", True,
                 id="hash-in-a-collection-after-a-path"),
]


@pytest.mark.parametrize(("template", "reaches"), _DIFFERENTIALS)
def test_the_guard_refuses_whatever_the_engine_would_send_out(listener: tuple[int, list[int]], template: str,
                                                             reaches: bool) -> None:
    port, contacts = listener
    text = template.format(port=port)
    assert _engine_reaches_out(text, contacts) is reaches
    if reaches:
        with pytest.raises(QueryRefused):
            check_query(text, [])


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "SERVICE" }',
    "SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }",
    "SELECT * WHERE { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b&&?b>?a) }",
    "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<#>\n2) }",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:a\\#b ?o }",
    "SELECT * WHERE { ?s ?p (<x:a> <x:b#c>) }",
    "SELECT * WHERE { VALUES (?p ?q) { (<x:a> <x:b#c>) } }",
    "SELECT (<x:f>(?o) AS ?x) WHERE { ?s ?p ?o FILTER <x:g>(?o) } GROUP BY ?o ORDER BY DESC(?o)",
    'SELECT * WHERE { ?s ?p "a\\u0041" , "b\\"c" , \'\'\'d\'\'e\'\'\' , "x"@en-GB , 1.5e3 , .5 , _:b1 }',
])
def test_what_the_engine_reads_as_data_is_accepted(text: str) -> None:
    check_query(text, [])


@pytest.mark.parametrize(("text", "message"), [
    ('SELECT * WHERE { ?s ?p "unterminated }', "a string that is not closed (or holds a bad escape) at line 1, column 24"),
    ("SELECT * WHERE {\n ?s ?p <http://e/ x> }", "an IRI that is not closed (or holds a character IRIs may not hold) at line 2, column 8"),
    ('SELECT * WHERE { ?s ?p "bad \\q escape" }', "a string that is not closed"),
    ("SELECT * WHERE { ?s ?p ?o } \\", "an escape outside a string or IRI"),
    ("SELECT * WHERE { \\u0053ERVICE <http://e/> {} }", "an escape outside a string or IRI"),
    ("SELECT * WHERE { \\U00000053ERVICE <http://e/> {} }", "an escape outside a string or IRI"),
    ("SELECT * WHERE { ?s ?p ?o }\f", "the character '\\x0c'"),
    ("SELECT * WHERE { ?s ?p ?o }\u00a0", "starts nothing in SPARQL"),
    ('SELECT * WHERE { ?s ?p "\\uD800" }', "names no character"),
])
def test_text_that_cannot_be_read_is_refused(text: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=re.escape(message)) as refused:
        check_query(text, [])
    assert refused.value.status == 400


@pytest.mark.parametrize("text", [
    pytest.param("SELECT * WHERE { #\r" + "{" * 3000 + "}" * 3000 + " }", id="behind-cr-comment"),
    pytest.param("SELECT * WHERE { " + "\\u007B" * 3000 + "\\u007D" * 3000 + " }", id="behind-escapes"),
    pytest.param("ASK { FILTER(1<" + "(" * 3000 + "1" + ")" * 3000 + ">1) }", id="behind-less-than"),
    pytest.param("ASK { ?s ?p <x:" + "(" * 3000 + ")" * 3000 + "> }", id="inside-an-iri"),
])
def test_deep_nesting_behind_a_trick_is_refused_before_parsing(text: str) -> None:
    with pytest.raises(QueryRefused):
        check_query(text, [])
