"""Keyset pagination: pages ordered by id, cursors that encode the last id seen.

Keyset (``WHERE id > :after ORDER BY id LIMIT n``) rather than offsets, so a page
deep into a large table costs the same as the first one and rows inserted while a
client pages do not shift what it sees.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from marsad.api.errors import UserError
from marsad.api.fields import field
from marsad.api.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

_PREFIX = "keyset:"

NodeT = TypeVar("NodeT")


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{key}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(_PREFIX) or not text[len(_PREFIX) :].isdigit():
        raise UserError(f"invalid cursor {cursor!r}: pass an endCursor from a previous page")
    return int(text[len(_PREFIX) :])


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise UserError("`first` must not be negative")
    if first > MAX_PAGE_SIZE:
        raise UserError(f"`first` is {first}, but at most {MAX_PAGE_SIZE} items fit on a page")
    return first


@dataclass(frozen=True)
class PageRequest:
    size: int
    after: int | None

    @classmethod
    def parse(cls, first: int | None, after: str | None) -> PageRequest:
        return cls(page_size(first), None if after is None else decode_cursor(after))


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    node: NodeT
    cursor: str


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    # Counting is a query of its own, run only when the client asks for it.
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @field("How many items match, on all pages together.")
    async def total_count(self) -> int:
        return await self.count()


def make_connection(
    rows: Sequence[tuple[int, NodeT]],
    request: PageRequest,
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """``rows`` is what the page query returned: up to ``size + 1`` (key, node) pairs;
    the extra one only says that another page exists."""
    page = rows[: request.size]
    edges = [Edge(node=node, cursor=encode_cursor(key)) for key, node in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > request.size,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )
