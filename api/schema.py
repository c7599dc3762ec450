"""The GraphQL schema: queries over articles, claims and stories; mutations to ingest,
reprocess and delete articles."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from graphql import GraphQLError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstrumentedAttribute, Session
from starlette.concurrency import run_in_threadpool
from strawberry import relay
from strawberry.types import ExecutionContext

from marsad.api import maintenance
from marsad.api.context import Info
from marsad.api.errors import should_mask_error
from marsad.api.execution import call_resolvers_directly
from marsad.api.fields import field, mutation
from marsad.api.filters import ArticleFilter, ClaimFilter, search_terms
from marsad.api.ids import database_id, parse_global_id
from marsad.api.ingest import first_line, is_transient, json_record, store_article
from marsad.api.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, schema_extensions
from marsad.api.loaders import rows_as, served
from marsad.api.maintenance import DeleteArticlePayload, ReprocessPayload
from marsad.api.pagination import OFFSET, Connection, PageRequest, make_connection
from marsad.api.plugin_fields import plugin_fields
from marsad.api.prefetch import Ahead, read_ahead
from marsad.api.types import Article, Claim, Plugin, Story
from marsad.core import InputError
from marsad.core import models as db
from marsad.core.extending import ApiField
from marsad.core.pipeline import Failure
from marsad.core.search import article_search, claim_search
from marsad.text.dates import published_text

RowT = TypeVar("RowT", db.Article, db.Claim, db.Story)
NodeT = TypeVar("NodeT")

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many items, at most {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
    ),
]
After = Annotated[str | None, strawberry.argument(description="A previous page's `endCursor`.")]


# Reads, in the page's session, what the query selects below its items (api.prefetch).
ReadAhead = Callable[[Info, Session, Sequence[Any]], Ahead]


def articles_page_ahead(info: Info, session: Session, rows: Sequence[Any]) -> Ahead:
    return read_ahead(info, session, rows, "edges.node.")


async def paginate(
    info: Info,
    model: type[RowT],
    key: InstrumentedAttribute[int],
    conditions: list[ColumnElement[bool]],
    request: PageRequest,
    node: Callable[[RowT], NodeT],
    ahead: ReadAhead | None = None,
) -> Connection[NodeT]:
    page = served(model).where(*conditions).order_by(key)
    if request.after is not None:
        page = page.where(key > request.after)
    page = page.limit(request.size + 1)

    def read(session: Session) -> Sequence[RowT]:
        rows = rows_as(model, session.execute(page))
        if ahead is not None:
            prefetched.append(ahead(info, session, rows[: request.size]))
        return rows

    prefetched: list[Ahead] = []
    rows = await info.context.reads.run(read)
    for found in prefetched:
        found.prime()

    def count(session: Session) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0

    def total() -> Awaitable[int]:
        return info.context.reads.run(count)

    return make_connection([(row.id, node(row)) for row in rows], request, total)


Search = Callable[[Session, list[str]], tuple[ColumnElement[bool], ColumnElement[float]]]


Order = Callable[[Session], tuple[list[ColumnElement[bool]], list[ColumnElement[Any]]]]


async def paginate_ordered(
    info: Info,
    model: type[RowT],
    conditions: list[ColumnElement[bool]],
    order: Order,
    request: PageRequest,
    node: Callable[[RowT], NodeT],
    terms: list[str] | None = None,
    ahead: ReadAhead | None = None,
) -> Connection[NodeT]:
    """Like :func:`paginate`, in another order than by id: ``order(session)`` gives
    more conditions and the ORDER BY. Cursors count the rows seen (offsets)."""
    offset = request.after or 0

    def page(session: Session) -> Sequence[RowT]:
        more, order_by = order(session)
        query = served(model).where(*more, *conditions).order_by(*order_by)
        rows = rows_as(model, session.execute(query.offset(offset).limit(request.size + 1)))
        if ahead is not None:
            prefetched.append(ahead(info, session, rows[: request.size]))
        return rows

    def count(session: Session) -> int:
        more, _ = order(session)
        found = select(func.count()).select_from(model).where(*more, *conditions)
        return session.scalar(found) or 0

    prefetched: list[Ahead] = []
    rows = await info.context.reads.run(page)
    for found in prefetched:
        found.prime()
    placed = [(offset + place, node(row)) for place, row in enumerate(rows, start=1)]
    return make_connection(placed, request, lambda: info.context.reads.run(count), terms=terms)


async def filtered(
    info: Info,
    model: type[RowT],
    key: InstrumentedAttribute[int],
    filter: ArticleFilter | ClaimFilter | None,
    first: int | None,
    after: str | None,
    search: Search,
    node: Callable[[RowT], NodeT],
    ahead: ReadAhead | None = None,
) -> Connection[NodeT]:
    """A page of ``model`` under ``filter``: by id, or ranked when it has a search."""
    conditions = filter.conditions() if filter else []
    terms = search_terms(filter.search if filter else None)
    if terms is None:
        request = PageRequest.parse(first, after)
        return await paginate(info, model, key, conditions, request, node, ahead)

    def best_first(session: Session) -> tuple[list[ColumnElement[bool]], list[ColumnElement[Any]]]:
        held, rank = search(session, terms)
        return [held], [rank.desc(), key.desc()]

    request = PageRequest.parse(first, after, OFFSET)
    return await paginate_ordered(info, model, conditions, best_first, request, node, terms, ahead)


@strawberry.enum(description="The order of `stories`.")
class StoryOrder(Enum):
    ID = "id"  # as they were made: stable pages, keyset cursors
    NEWEST = "newest"  # latest publication time of an article first; none known last


def newest_first(_session: Session) -> tuple[list[ColumnElement[bool]], list[ColumnElement[Any]]]:
    latest = (
        select(func.max(db.Article.published_at))
        .where(db.Article.story_id == db.Story.id)
        .correlate(db.Story)
        .scalar_subquery()
    )
    return [], [latest.desc().nulls_last(), db.Story.id.desc()]


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
        return await filtered(
            info,
            db.Article,
            db.Article.id,
            filter,
            first,
            after,
            article_search,
            Article.from_row,
            articles_page_ahead,
        )

    @field("Claims by id, filtered, a page at a time.")
    async def claims(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        filter: ClaimFilter | None = None,
    ) -> Connection[Claim]:
        return await filtered(
            info, db.Claim, db.Claim.id, filter, first, after, claim_search, Claim.from_row
        )

    @field("Stories a page at a time: by id, or the newest first (`order: NEWEST`).")
    async def stories(
        self,
        info: Info,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
        order: StoryOrder = StoryOrder.ID,
    ) -> Connection[Story]:
        if order is StoryOrder.ID:
            request = PageRequest.parse(first, after)
            return await paginate(info, db.Story, db.Story.id, [], request, Story.from_row)
        request = PageRequest.parse(first, after, OFFSET)
        return await paginate_ordered(info, db.Story, [], newest_first, request, Story.from_row)

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
    published: datetime | None = strawberry.field(
        default=None,
        description="When it was published. A date alone (`2021-02-24`) records the day "
        "only (`publishedTimeKnown: false`); a time without an offset is taken as UTC.",
    )


@strawberry.enum(description="Why `ingestArticle` could not store or process an article.")
class IngestErrorCode(Enum):
    INVALID_INPUT = "invalid_input"
    DATABASE_BUSY = "database_busy"
    PROCESSING_FAILED = "processing_failed"


@strawberry.type(description="What went wrong with an `ingestArticle` request.")
class IngestError:
    code: IngestErrorCode
    retryable: bool = strawberry.field(
        description="True when sending the same input again may succeed (the database "
        "was busy): retrying is always safe, as an input is stored only once."
    )
    message: str


@strawberry.type
class IngestArticlePayload:
    article: Article | None = strawberry.field(
        description="The article for this input, after the pipeline ran its pending "
        "stages on it, whether this request stored it or an earlier one did. Null when "
        "`error` says it could not be stored or read."
    )
    created: bool = strawberry.field(
        description="True when this request stored the input; false when it was stored "
        "before (or could not be stored)."
    )
    error: IngestError | None = strawberry.field(
        description="Set when the input could not be stored or processed."
    )

    @classmethod
    def failed(
        cls, code: IngestErrorCode, message: str, *, retryable: bool = False
    ) -> IngestArticlePayload:
        error = IngestError(code=code, retryable=retryable, message=message)
        return cls(article=None, created=False, error=error)


def _processing_error(failures: list[Failure]) -> IngestError | None:
    if not failures:
        return None
    stages = "; ".join(f"{failure.stage}: {failure.error}" for failure in failures)
    return IngestError(
        code=IngestErrorCode.PROCESSING_FAILED,
        retryable=False,
        message=f"stored, but stages failed ({stages}); `article.runs` has the details",
    )


@strawberry.type
class Mutation:
    @mutation(
        description="Store an article and run the pipeline on it. Needs the API token. "
        "Sending an input that is already stored returns its article (running any "
        "stage still pending on it); a retryable `error` means the same request may "
        "simply be sent again."
    )
    async def ingest_article(self, info: Info, input: IngestArticleInput) -> IngestArticlePayload:
        info.context.require_token()
        if not input.text.strip():
            return IngestArticlePayload.failed(
                IngestErrorCode.INVALID_INPUT, "`text` must not be empty"
            )
        marsad = info.context.marsad
        try:
            record = json_record(
                {
                    "title": input.title,
                    "subtitle": input.subtitle,
                    "text": input.text,
                    "url": input.url,
                    "outlet": input.outlet,
                    "published": published_text(input.published) if input.published else None,
                }
            )
        except InputError as error:
            return IngestArticlePayload.failed(IngestErrorCode.INVALID_INPUT, error.problem)
        try:
            stored = await run_in_threadpool(store_article, marsad.write_session_factory, record)
            report = await run_in_threadpool(marsad.pipeline().run, [stored.id])
        except DBAPIError as error:
            if not is_transient(error):
                raise
            return IngestArticlePayload.failed(
                IngestErrorCode.DATABASE_BUSY,
                f"the database could not store or process the article now "
                f"({first_line(error)}); send the same request again",
                retryable=True,
            )
        row = await info.context.loaders.article.load(stored.id)
        failures = [failure for failure in report.failures if failure.article_id == stored.id]
        return IngestArticlePayload(
            article=Article.from_row(row) if row is not None else None,
            created=stored.created,
            error=_processing_error(failures),
        )

    @mutation(
        description="Run stages again on stored articles (1 to 100 ids), then the stages "
        "that read their results. `stages` names some (see `plugins`); without it, all "
        "run. Needs the API token; safe to repeat."
    )
    async def reprocess(
        self, info: Info, ids: list[strawberry.ID], stages: list[str] | None = None
    ) -> ReprocessPayload:
        return await maintenance.reprocess(info, ids, stages)

    @mutation(
        description="Delete an article with everything computed from it (claims, links, "
        "runs) and its raw input, so the same input can be ingested again; the articles "
        "it was linked to, or shared a story with, are linked and placed in stories again "
        "without it. Needs the API token."
    )
    async def delete_article(self, info: Info, id: strawberry.ID) -> DeleteArticlePayload:
        return await maintenance.delete_article(info, id)


class MarsadSchema(strawberry.Schema):
    """Logs only what went wrong in the server, never what the client asked wrongly:
    an anonymous client must not be able to fill the log with tracebacks."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        server_errors = [error for error in errors if should_mask_error(error)]
        super().process_errors(server_errors, execution_context)


def build_schema(fields: Sequence[tuple[str, ApiField]] = ()) -> strawberry.Schema:
    """The core's schema, with ``fields`` (plugin name, field) added to its types."""
    with plugin_fields(fields):
        built = MarsadSchema(
            query=Query,
            mutation=Mutation,
            types=[Article, Claim, Story],
            extensions=schema_extensions(),
        )
    call_resolvers_directly(built)
    return built


schema = build_schema()
