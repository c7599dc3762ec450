"""The GraphQL schema: queries over articles, claims and stories, and one mutation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session
from starlette.concurrency import run_in_threadpool
from strawberry import relay

from marsad.api.context import Info
from marsad.api.db import in_session
from marsad.api.errors import UserError
from marsad.api.fields import field, mutation
from marsad.api.filters import ArticleFilter, ClaimFilter
from marsad.api.ids import database_id, parse_global_id
from marsad.api.ingest import json_record, store_records
from marsad.api.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, schema_extensions
from marsad.api.pagination import Connection, PageRequest, make_connection
from marsad.api.types import Article, Claim, Plugin, Story
from marsad.core import models as db

RowT = TypeVar("RowT", db.Article, db.Claim, db.Story)
NodeT = TypeVar("NodeT")

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items, at most {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
    ),
]
After = Annotated[str | None, strawberry.argument(description="A previous page's `endCursor`.")]


async def paginate(
    info: Info,
    model: type[RowT],
    key: InstrumentedAttribute[int],
    conditions: list[ColumnElement[bool]],
    request: PageRequest,
    node: Callable[[RowT], NodeT],
) -> Connection[NodeT]:
    page = select(model).where(*conditions).order_by(key)
    if request.after is not None:
        page = page.where(key > request.after)
    page = page.limit(request.size + 1)
    rows = await in_session(info.context.marsad.session_factory, lambda s: s.scalars(page).all())

    def count(session: Session) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0

    def total() -> Awaitable[int]:
        return in_session(info.context.marsad.session_factory, count)

    return make_connection([(row.id, node(row)) for row in rows], request, total)


@strawberry.type
class Query:
    @field("Articles by id, filtered, a page at a time.")
    async def articles(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: ArticleFilter | None = None,
    ) -> Connection[Article]:
        request = PageRequest.parse(first, after)
        conditions = filter.conditions() if filter else []
        return await paginate(
            info, db.Article, db.Article.id, conditions, request, Article.from_row
        )

    @field("Claims by id, filtered, a page at a time.")
    async def claims(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: ClaimFilter | None = None,
    ) -> Connection[Claim]:
        request = PageRequest.parse(first, after)
        conditions = filter.conditions() if filter else []
        return await paginate(info, db.Claim, db.Claim.id, conditions, request, Claim.from_row)

    @field("Story clusters by id, a page at a time.")
    async def stories(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Story]:
        request = PageRequest.parse(first, after)
        return await paginate(info, db.Story, db.Story.id, [], request, Story.from_row)

    @field("One article, by its global id or its database id.")
    async def article(self, info: Info, id: strawberry.ID) -> Article | None:
        row = await info.context.loaders.article.load(database_id(id, "Article"))
        return Article.from_row(row) if row is not None else None

    @field("One claim, by its global id or its database id.")
    async def claim(self, info: Info, id: strawberry.ID) -> Claim | None:
        row = await info.context.loaders.claim.load(database_id(id, "Claim"))
        return Claim.from_row(row) if row is not None else None

    @field("One story, by its global id or its database id.")
    async def story(self, info: Info, id: strawberry.ID) -> Story | None:
        row = await info.context.loaders.story.load(database_id(id, "Story"))
        return Story.from_row(row) if row is not None else None

    @field("Any object by its global id (Relay).")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        global_id = parse_global_id(id)
        node_types: dict[str, type[Article] | type[Claim] | type[Story]] = {
            "Article": Article,
            "Claim": Claim,
            "Story": Story,
        }
        node_type = node_types.get(global_id.type_name)
        if node_type is None or not global_id.node_id.isdigit():
            return None
        (found,) = await node_type.resolve_nodes(info=info, node_ids=[global_id.node_id])
        return found

    @field("Every loaded plugin with its version, hooks and stages.")
    def plugins(self, info: Info) -> list[Plugin]:
        return [Plugin.from_info(plugin) for plugin in info.context.marsad.plugins.describe()]


@strawberry.input(description="An article as it was published.")
class IngestArticleInput:
    text: str
    title: str | None = None
    subtitle: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None


@strawberry.type
class IngestArticlePayload:
    article: Article | None = strawberry.field(
        description="The new article, processed; null when it was already stored."
    )
    message: str | None = strawberry.field(description="Why no article was created.")


@strawberry.type
class Mutation:
    @mutation(description="Store an article and run the pipeline on it. Needs the API token.")
    async def ingest_article(self, info: Info, input: IngestArticleInput) -> IngestArticlePayload:
        info.context.require_token()
        if not input.text.strip():
            raise UserError("`text` must not be empty")
        marsad = info.context.marsad
        record = json_record(
            {
                "title": input.title,
                "subtitle": input.subtitle,
                "text": input.text,
                "url": input.url,
                "outlet": input.outlet,
                "published": input.published.isoformat() if input.published else None,
            }
        )
        try:
            (article_id,) = await run_in_threadpool(store_records, marsad.session_factory, [record])
        except IntegrityError:  # stored concurrently by another request
            article_id = None
        if article_id is None:
            return IngestArticlePayload(article=None, message="this article is already stored")
        await run_in_threadpool(marsad.pipeline().run, [article_id])
        row = await info.context.loaders.article.load(article_id)
        return IngestArticlePayload(
            article=Article.from_row(row) if row is not None else None, message=None
        )


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Article, Claim, Story],
        extensions=schema_extensions(),
    )


schema = build_schema()
