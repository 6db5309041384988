"""The hardening headers every response carries, and the Content-Security-Policy of each page.

Pages run no inline script the server did not vouch for: the landing page's script carries
a per-response nonce, and a view's scripts (vis-network and its data, made by
:mod:`smartcity_kg.network.views`) are allowed by their SHA-256 hashes, so that neither
``'unsafe-inline'`` nor any injected ``<script>`` can run. The policy is a header, not a
``<meta>``, so that it also holds ``frame-ancestors``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["SecurityHeaders", "page_policy", "script_hashes"]

_INLINE_SCRIPT = re.compile(r"<script(?:\s[^>]*)?>(.*?)</script>", re.DOTALL | re.IGNORECASE)
#: What a response that is not a page may do: nothing.
NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def page_policy(*, scripts: Iterable[str] = (), ancestors: str = "'none'") -> str:
    """The Content-Security-Policy of an HTML page that may run ``scripts`` (nonces or hashes).

    Examples
    --------
    >>> page_policy(scripts=["'nonce-abc'"]).split("; ")[1]
    "script-src 'nonce-abc'"
    >>> "frame-ancestors 'none'" in page_policy()
    True
    """
    allowed = " ".join(scripts) or "'none'"
    return (f"default-src 'self'; script-src {allowed}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}")


def script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-…'``) for each inline ``<script>`` of ``html``, a page the server made.

    Examples
    --------
    >>> script_hashes("<p>x</p><script>var a = 1;</script>")
    ["'sha256-+dZ6udsWxNVoGfScAq7t5IIF5UJb4F6RhjbN6oe1p4w='"]
    """
    digests = (hashlib.sha256(match.group(1).encode("utf-8")).digest() for match in _INLINE_SCRIPT.finditer(html))
    return sorted({f"'sha256-{base64.b64encode(digest).decode('ascii')}'" for digest in digests})


class SecurityHeaders:
    """ASGI middleware: ``nosniff``, a referrer policy, and a CSP on every response that sets none.

    A page (``text/html``) that sets no policy of its own may run no script at all.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def harden(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if b"content-security-policy" not in names:
                    media = dict(headers).get(b"content-type", b"").split(b";")[0].strip()
                    policy = page_policy() if media == b"text/html" else NOT_A_PAGE
                    headers.append((b"content-security-policy", policy.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, harden)
