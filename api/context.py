"""What every resolver of one request can reach: the application, loaders, the caller."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from marsad.api.errors import UserError
from marsad.api.loaders import Loaders
from marsad.core.application import Marsad

BEARER = "bearer "


@dataclass
class Context:
    marsad: Marsad
    request: Request | WebSocket
    response: Response | WebSocket | None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.marsad.session_factory)

    def require_token(self) -> None:
        """Raise unless the request carries the configured API token."""
        expected = self.marsad.settings.api_token
        if not expected:
            raise UserError(
                "mutations are disabled: this server has no API token "
                "(set MARSAD_API_TOKEN to enable them)"
            )
        header = self.request.headers.get("authorization", "")
        given = header[len(BEARER) :].strip() if header.lower().startswith(BEARER) else ""
        # compare_digest: the time taken must not reveal how much of a guess was right.
        if not given or not hmac.compare_digest(given.encode(), expected.encode()):
            raise UserError("mutations need the header `Authorization: Bearer <MARSAD_API_TOKEN>`")


Info = StrawberryInfo[Context, None]
