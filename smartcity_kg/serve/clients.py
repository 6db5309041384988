"""Bounds on slow and vanishing clients: a deadline on a request's headers and on its body.

uvicorn's keep-alive timeout does not cover a client that drips a request a byte at a time:
:func:`bounded_protocol` gives the HTTP protocol a deadline for the headers of each request,
and :class:`ReadDeadline` one for its body (answered 408, the connection closed). A client
that goes away before its request is read is one line in the log, not a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from starlette.requests import ClientDisconnect

__all__ = ["ReadDeadline", "bounded_protocol"]

LOG = logging.getLogger("smartcity_kg.serve")


class ReadDeadline:
    """ASGI middleware: the body of a request must arrive within ``seconds`` of its headers.

    A body that comes too slowly is answered 408 and the connection closed; a client that
    disconnects while sending is logged in one line.
    """

    def __init__(self, app: Any, seconds: float = 10.0) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.seconds
        state = {"body_done": False, "late": False, "started": False}

        async def bounded() -> Any:
            if state["body_done"]:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                state["late"] = True
                raise ClientDisconnect() from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                state["body_done"] = True
            return message

        async def watch(message: Any) -> None:
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded, watch)
        except ClientDisconnect:
            client = (scope.get("client") or ("?", 0))[0]
            if state["late"]:
                LOG.warning("client %s sent its request too slowly (over %g s); cut off", client, self.seconds)
                if not state["started"]:
                    await _send_408(send, self.seconds)
            else:
                LOG.info("client %s went away before its request was read", client)


async def _send_408(send: Any, seconds: float) -> None:
    body = json.dumps({"error": f"the request was not sent within {seconds:g} s", "status": 408}).encode("utf-8")
    await send({"type": "http.response.start", "status": 408,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                            (b"content-length", str(len(body)).encode("ascii"))]})
    await send({"type": "http.response.body", "body": body})


def bounded_protocol(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with a deadline: each request's headers must arrive within ``seconds``
    of the connection (or of the previous answer), else the connection is closed."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class BoundedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _waiting_after: object = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._deadline is not None and self.cycle is not self._waiting_after:
                self._deadline.cancel()  # the headers of a request have arrived
                self._deadline = None

        def connection_lost(self, exc: Exception | None) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
            self._waiting_after = self.cycle
            self._deadline = self.loop.call_later(seconds, self._too_slow)

        def _too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                LOG.warning("client %s did not send a request's headers within %g s; cut off",
                            (self.client or ("?",))[0], seconds)
                self.transport.close()

    return BoundedH11Protocol
