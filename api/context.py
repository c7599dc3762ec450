"""What every resolver of one request can reach: the application, loaders, the caller."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from marsad.api.db import Reads
from marsad.api.errors import UserError
from marsad.api.loaders import Loaders
from marsad.core.application import Marsad

BEARER = "bearer "
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class Context:
    marsad: Marsad
    request: Request | WebSocket
    response: Response | WebSocket | None
    reads: Reads = field(init=False)
    loaders: Loaders = field(init=False)
    _named_loaders: dict[str, DataLoader[Any, Any]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.reads = Reads(self.marsad.session_factory)
        self.loaders = Loaders(self.reads)

    async def load(
        self, name: str, batch: Callable[[Session, list[K]], Mapping[K, V]], key: K
    ) -> V | None:
        """The value ``batch`` gives for ``key``, batched with every other ``load`` of
        the same ``name`` in this request: ``batch(session, keys)`` runs once per batch
        of keys and returns a dict (keys it leaves out give None). For plugins' fields.
        """
        loader = self._named_loaders.get(name)
        if loader is None:
            loader = self.loaders.keyed(batch)
            self._named_loaders[name] = loader
        value: V | None = await loader.load(key)
        return value

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
                "(set MARSAD_API_TOKEN to enable them)",
                code="MUTATIONS_DISABLED",
            )
        if not self.has_token:
            raise UserError(
                "mutations need the header `Authorization: Bearer <MARSAD_API_TOKEN>`",
                code="UNAUTHENTICATED",
            )


Info = StrawberryInfo[Context, None]
