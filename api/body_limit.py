"""A bound on how many bytes one request may send: body and query string.

Neither uvicorn nor Starlette bounds a request body outside multipart forms, and a
GraphQL view reads the whole body before it parses anything. ``Content-Length`` is
checked first so an honest large request is refused before it is read, but the
bytes are counted as they arrive too: a chunked body has no length, and a declared
length may lie.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised from ``receive`` once more bytes arrived than allowed."""


class BodyLimit:
    """ASGI middleware: 413 for a body over ``max_bytes``, 414 for a query string
    over it; both with a JSON error shaped like a GraphQL one."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_bytes:
            await self.refuse(scope, receive, send, 414, "query string")
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.refuse(scope, receive, send, 413, "request body")
            return
        await self.counted(scope, receive, send)

    async def counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:  # too late for a status code; the server closes the connection
                raise
            await self.refuse(scope, receive, send, 413, "request body")

    async def refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, what: str
    ) -> None:
        message = (
            f"the {what} is larger than this server's limit of {self.max_bytes:,} bytes "
            "(MARSAD_API_MAX_BODY_BYTES)"
        )
        response = JSONResponse({"errors": [{"message": message}]}, status_code=status)
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None
