"""What every resolver of one request can reach: the application, loaders, the caller."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from functools import cached_property

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from marsad.api.db import Reads
from marsad.api.errors import UserError
from marsad.api.loaders import Loaders
from marsad.core.application import Marsad

BEARER = "bearer "


@dataclass
class Context:
    marsad: Marsad
    request: Request | WebSocket
    response: Response | WebSocket | None
    reads: Reads = field(init=False)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.reads = Reads(self.marsad.session_factory)
        self.loaders = Loaders(self.reads)

    @cached_property
    def has_token(self) -> bool:
        """Whether the request carries the configured API token: such a caller may
        change data and see the server's own error texts."""
        expected = self.marsad.settings.api_token
        if not expected:
            return False
        header = self.request.headers.get("authorization", "")
        given = header[len(BEARER) :].strip() if header.lower().startswith(BEARER) else ""
        # compare_digest: the time taken must not reveal how much of a guess was right.
        return bool(given) and hmac.compare_digest(given.encode(), expected.encode())

    def require_token(self) -> None:
        """Raise unless the request carries the configured API token."""
        if not self.marsad.settings.api_token:
            raise UserError(
                "mutations are disabled: this server has no API token "
                "(set MARSAD_API_TOKEN to enable them)"
            )
        if not self.has_token:
            raise UserError("mutations need the header `Authorization: Bearer <MARSAD_API_TOKEN>`")


Info = StrawberryInfo[Context, None]
