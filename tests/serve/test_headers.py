"""Tests of the hardening headers and links of the served pages, over real HTTP to ``smartcity-kg serve``."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from smartcity_kg.serve.headers import script_hashes
from smartcity_kg.serve.pages import _link

Serve = Callable[..., contextlib.AbstractContextManager[str]]
PAGES = ["/", "/id/cisco", "/ontology", "/paths?from=Cisco", "/view/ego?entity=Cisco"]
OTHERS = ["/sparql?query=ASK%20%7B%7D", "/queries", "/openapi.json", "/id/cisco?format=turtle"]


@pytest.fixture(scope="module")
def client(built: Path, serve: Serve) -> Iterator[httpx.Client]:
    with serve(built, "--workers", "1") as url, httpx.Client(base_url=url, timeout=60) as session:
        yield session


def _policy(response: httpx.Response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    return {name: value for name, value in directives}


@pytest.mark.parametrize("path", PAGES + OTHERS)
def test_every_response_is_hardened(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy.get("script-src", "")
    assert policy["frame-ancestors"] == ("'self'" if path.startswith("/view/") else "'none'")


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_their_policy_as_a_header_not_a_meta(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    if not path.startswith("/view/"):  # a view keeps its <meta> for the offline file it also is
        assert "Content-Security-Policy" not in response.text.split("<body>")[0]


def test_the_landing_script_runs_by_its_nonce_only(client: httpx.Client) -> None:
    first, second = client.get("/"), client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", _policy(first)["script-src"])
    assert nonce is not None and nonce.group(1) not in second.text
    scripts: list[dict[str, str | None]] = []

    class Scripts(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "script":
                scripts.append(dict(attrs))

    Scripts().feed(first.text)
    # the editor's data; vis-network (to draw results as a network) and the editor, both by the nonce
    assert scripts == [{"id": "editor-data", "type": "application/json"}, {"nonce": nonce.group(1)},
                       {"nonce": nonce.group(1)}]


@pytest.mark.parametrize("path", ["/paths?from=Cisco", "/view/ego?entity=Cisco", "/brief?from=Cisco"])
def test_a_view_runs_its_own_scripts_by_their_hashes(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    allowed = set(_policy(response)["script-src"].split())
    assert allowed and all(source.startswith("'sha256-") for source in allowed)
    if path.startswith("/view/"):
        assert allowed == set(script_hashes(response.text))


@pytest.mark.parametrize(("path", "accept"), [
    ("/id/cisco", "text/html"), ("/id/cisco", "text/turtle"), ("/ontology", "text/html"),
    ("/sparql?query=ASK%20%7B%7D", "application/sparql-results+json"), ("/queries/decision-makers", "text/csv"),
    ("/id/cisco", "image/png"),
])
def test_negotiated_responses_vary_by_accept(client: httpx.Client, path: str, accept: str) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize(("iri", "href"), [
    ("https://w3id.org/smartcity-kg/id/cisco", "/id/cisco"),
    ("https://www.cisco.com/", "https://www.cisco.com/"),
    ("http://example.org/a", "http://example.org/a"),
    ("HTTPS://example.org/a", "HTTPS://example.org/a"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("file:///etc/passwd", None),
    ("urn:isbn:0451450523", None),
    ("mailto:someone@example.org", None),
])
def test_only_http_iris_and_own_paths_are_links(iri: str, href: str | None) -> None:
    state = SimpleNamespace(config=SimpleNamespace(base="https://w3id.org/smartcity-kg/"))
    assert _link(state, iri) == href
