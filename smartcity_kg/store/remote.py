"""A remote SPARQL 1.1 query endpoint read like the embedded store: the same named queries, the same answers.

:class:`RemoteStore` answers ``query`` as a pyoxigraph ``Store`` does (SELECT and ASK as
pyoxigraph results, CONSTRUCT and DESCRIBE as triples), so the named queries, the entity index,
the projection of the network and the pages run over it unchanged. The endpoint's default graph
must hold every statement once: ``smartcity-kg push`` writes the merge of the named graphs there.
Parameters are bound by a ``VALUES`` block at the start of every group of the query's ``WHERE``
clause (:func:`~smartcity_kg.store.binding.bind_values`), so each ``UNION`` branch, filter and
``OPTIONAL`` sees them bound, as pyoxigraph's substitutions do; the terms are written by
pyoxigraph as N-Triples, never spliced as text.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from ..exceptions import EndpointError
from ..resources import shipped
from .binding import bind_values

__all__ = ["RemoteStore", "bind_values"]

_JSON = "application/sparql-results+json"
_TRIPLES = "application/n-triples"
#: SELECT and ASK in SPARQL JSON, CONSTRUCT and DESCRIBE in N-Triples: the endpoint picks what its query gives.
_ACCEPT = f"{_JSON}, {_TRIPLES};q=0.9"


class RemoteStore:
    """A SPARQL 1.1 query endpoint at ``url`` that answers like a pyoxigraph store.

    ``uds`` is a Unix socket to reach it through (the relay of :func:`smartcity_kg.sandbox.isolate_network`
    when the command runs without a network); the requests still name ``url``.
    Every failure is an :class:`EndpointError` naming the URL: out of reach, an HTTP status
    other than 200, or an answer that is not SPARQL results.
    """

    def __init__(self, url: str, *, timeout: float = 60.0, uds: str | None = None) -> None:
        import httpx

        self.url, self.timeout = url, timeout
        transport = httpx.HTTPTransport(uds=uds) if uds else None
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def query(self, text: str, *, substitutions: dict[Any, Any] | None = None, **_: object) -> Any:
        """Run ``text`` at the endpoint, each of ``substitutions`` (variable → term) bound first.

        Returns pyoxigraph ``QuerySolutions`` or ``QueryBoolean``, or a list of triples for
        CONSTRUCT and DESCRIBE.

        Raises
        ------
        EndpointError
            If the endpoint cannot be reached, answers with an error status, or not with SPARQL results.
        SyntaxError
            If the endpoint refuses the query as malformed (status 400), with its message.
        """
        if substitutions:
            text = bind_values(text, {str(getattr(k, "value", k)): str(v) for k, v in substitutions.items()})
        response = self._post(text)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if media == _TRIPLES:
                return [q.triple for q in ox.parse(input=response.content, format=ox.RdfFormat.N_TRIPLES)]
            if media in (_JSON, "application/json"):
                return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(self.url, f"answered with {media} that could not be read ({exc})") from None
        raise EndpointError(self.url, f"answered with {media or 'no media type'}, not SPARQL results: "
                                      "is it a SPARQL query endpoint (such as Oxigraph's /query)?")

    def _post(self, text: str) -> Any:
        import httpx

        try:
            response = self._client.post(self.url, content=text.encode("utf-8"), headers={
                "Content-Type": "application/sparql-query; charset=utf-8", "Accept": _ACCEPT})
        except httpx.TimeoutException:
            raise EndpointError(self.url, f"did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise EndpointError(self.url, f"could not be reached ({type(exc).__name__}: {exc})") from None
        if response.status_code == 400:
            raise SyntaxError(f"the endpoint {self.url} refused the query (status 400): {response.text[:300]}")
        if response.status_code != 200:
            raise EndpointError(self.url, f"answered with HTTP status {response.status_code}, expected 200")
        return response

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The named graphs of the endpoint's dataset, as ``Store.named_graphs`` gives them."""
        for row in self.query(_named_graphs_query()):
            if isinstance(row["g"], ox.NamedNode):
                yield row["g"]

    def close(self) -> None:
        """Close the connections."""
        self._client.close()


@functools.cache
def _named_graphs_query() -> str:
    from .queries import load_query

    return load_query(shipped("queries") / "store" / "named-graphs.rq").text
