"""Reading a SPARQL 1.1 Protocol request: the query, and the dataset it names, the same way for every method.

GET takes every parameter from the query string; a POST takes the query from its body
(``application/sparql-query``, or a form) and ``default-graph-uri``/``named-graph-uri`` from
the query string or the form. A dataset may name only the build's own graphs.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Collection

from starlette.requests import Request
from starlette.responses import JSONResponse

from .endpoint import Dataset

__all__ = ["error", "read_query"]

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error response every route gives: its message and status."""
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def _parse_form(text: str) -> dict[str, list[str]]:
    """Parse percent-encoded ``name=value`` pairs strictly: a bad escape or bad UTF-8 is an error."""
    if _BAD_ESCAPE.search(text):
        raise ValueError("a bad percent-escape")
    return urllib.parse.parse_qs(text, errors="strict", keep_blank_values=True)


async def _read_params(request: Request, max_body: int) -> dict[str, list[str]] | JSONResponse:
    """The protocol's parameters: from the query string, and for a POST from its body too."""
    raw = request.scope.get("query_string", b"")
    if len(raw) > max_body * 3:
        return error(413, f"the request is larger than {max_body} bytes")
    try:
        params = _parse_form(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return error(400, "the query string is not valid percent-encoded UTF-8")
    if request.method in ("GET", "HEAD"):
        return params
    if "query" in params or "update" in params:
        return error(400, "a POST carries its query in the body, not in the URL")
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > max_body:
        return error(413, f"the request body is larger than {max_body} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_body:
            return error(413, f"the request body is larger than {max_body} bytes")
    media, _, options = request.headers.get("content-type", "").partition(";")
    media = media.strip().lower()
    charset = options.replace(" ", "").lower().partition("charset=")[2].split(";")[0].strip('"')
    if charset not in ("", "utf-8"):
        return error(415, f"the request body is in {charset}; send UTF-8")
    try:
        text = bytes(body).decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return error(400, "the request body is not UTF-8")
    if media == "application/sparql-query":
        return {**params, "query": [text]}
    if media == "application/x-www-form-urlencoded":
        try:
            form = _parse_form(text)
        except (UnicodeDecodeError, ValueError):
            return error(400, "the form is not valid percent-encoded UTF-8")
        return {key: params.get(key, []) + form.get(key, []) for key in {*params, *form}}
    return error(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded; "
                       "this endpoint takes no updates")


async def read_query(request: Request, max_body: int, graphs: Collection[str]) -> tuple[str, Dataset | None] | JSONResponse:
    """The query text of a SPARQL Protocol request and the dataset it names, or the error response to give."""
    params = await _read_params(request, max_body)
    if isinstance(params, JSONResponse):
        return params
    if "update" in params:
        return error(400, "this endpoint is read-only: it takes no updates")
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return error(400, "give exactly one query (the 'query' parameter)")
    default, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    for name, iri in [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]:
        if iri not in graphs:
            return error(400, f"{name} <{iri}> names no graph of this dataset; its graphs are listed by "
                               "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
    dataset = (tuple(default), tuple(named)) if default or named else None
    return queries[0], dataset
