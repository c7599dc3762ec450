"""Keyset pagination: pages ordered by id, cursors that encode the last id seen.

Keyset (``WHERE id > :after ORDER BY id LIMIT n``) rather than offsets, so a page
deep into a large table costs the same as the first one and rows inserted while a
client pages do not shift what it sees. Search results are ordered by rank instead,
and their cursors count the results already seen (a cursor says which it is).
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
from marsad.text.search import snippet

KEYSET, OFFSET = "keyset:", "offset:"

NodeT = TypeVar("NodeT")


def encode_cursor(key: int, kind: str = KEYSET) -> str:
    return base64.urlsafe_b64encode(f"{kind}{key}".encode()).decode()


def decode_cursor(cursor: str, kind: str = KEYSET) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(kind) or not text[len(kind) :].isdigit():
        other = "a search's" if kind == KEYSET else "a page without search's"
        if text.startswith(KEYSET) or text.startswith(OFFSET):
            raise UserError(f"the cursor {cursor!r} is {other}: pass this query's endCursor")
        raise UserError(f"invalid cursor {cursor!r}: pass an endCursor from a previous page")
    return int(text[len(kind) :])


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
    def parse(cls, first: int | None, after: str | None, kind: str = KEYSET) -> PageRequest:
        return cls(page_size(first), None if after is None else decode_cursor(after, kind))


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A span of a text: `text[start:end]`.")
class TextRange:
    start: int
    end: int


@strawberry.type(description="Where a search matched: a stretch of one field with the matches.")
class Snippet:
    field: str = strawberry.field(
        description="`title` or `text`; on a claim also `speaker`, `citedSource`, `channel`."
    )
    text: str = strawberry.field(description="The stretch, as written (a title is whole).")
    start: int = strawberry.field(description="Where `text` begins in the field.")
    end: int
    highlights: list[TextRange] = strawberry.field(
        description="The matches, as offsets into `text`."
    )


# The fields a search looks in, as the API names them and as the node holds them: an
# article's title and text, a claim's text, speaker, source and channel.
SEARCHED_FIELDS = (
    ("title", "title"),
    ("text", "text"),
    ("speaker", "speaker_text"),
    ("citedSource", "cited_source"),
    ("channel", "channel"),
)
SNIPPET_WIDTH = 240  # characters of a text around its first match; other fields whole


def snippets_of(node: object, terms: list[str]) -> list[Snippet]:
    """Where ``terms`` occur in the node's searched fields."""
    found: list[Snippet] = []
    for name, attribute in SEARCHED_FIELDS:
        value = getattr(node, attribute, None)
        if not isinstance(value, str) or not value:
            continue
        shown = snippet(value, terms, SNIPPET_WIDTH if name == "text" else len(value))
        if shown is not None:
            ranges = [TextRange(start=s, end=e) for s, e in shown.highlights]
            found.append(
                Snippet(
                    field=name, text=shown.text, start=shown.start, end=shown.end, highlights=ranges
                )
            )
    return found


@strawberry.type
class Edge(Generic[NodeT]):
    node: NodeT
    cursor: str
    terms: strawberry.Private[list[str]]

    @field(
        "Where the page's `search` matched this item: a stretch of its text, and its "
        "title (or a claim's speaker, source, channel) whole, with the matches; empty "
        "without a search."
    )
    def snippets(self) -> list[Snippet]:
        return snippets_of(self.node, self.terms) if self.terms else []


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
    terms: list[str] | None = None,
) -> Connection[NodeT]:
    """``rows`` is what the page query returned: up to ``size + 1`` (key, node) pairs;
    the extra one only says that another page exists. With search ``terms`` the rows
    are ranked and a key is the row's position among all results."""
    page = rows[: request.size]
    kind = KEYSET if terms is None else OFFSET
    edges = [
        Edge(node=node, cursor=encode_cursor(key, kind), terms=terms or []) for key, node in page
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > request.size,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )
