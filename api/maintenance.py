"""The operators' mutations: run stages again on stored articles, delete an article.

Both need the API token and answer with a typed error rather than a GraphQL error
for what the caller can act on: an id that is not stored, a stage that does not
exist, a busy database (retryable: the same request may simply be sent again).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

import strawberry
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from strawberry.relay import to_base64

from marsad.api.context import Info
from marsad.api.errors import UserError
from marsad.api.ids import database_id
from marsad.api.ingest import first_line, is_transient
from marsad.api.limits import MAX_PAGE_SIZE
from marsad.api.types import Article
from marsad.core import models as db
from marsad.core.db import chunked
from marsad.core.links import ID_CHUNK
from marsad.core.pipeline import Failure
from marsad.core.removal import (
    Deletion,
    delete_articles,
    refresh_neighbours,
    stages_to_refresh,
)
from marsad.core.stages import downstream_of


@strawberry.enum(description="Why `reprocess` or `deleteArticle` did not do all it was asked.")
class MaintenanceErrorCode(Enum):
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    DATABASE_BUSY = "database_busy"
    PROCESSING_FAILED = "processing_failed"


@strawberry.type(description="What went wrong with a `reprocess` or `deleteArticle` request.")
class MaintenanceError:
    code: MaintenanceErrorCode
    retryable: bool = strawberry.field(
        description="True when sending the same request again may succeed (the "
        "database was busy). Both mutations are safe to repeat."
    )
    message: str


@strawberry.type
class ReprocessPayload:
    articles: list[Article] = strawberry.field(
        description="The articles asked for, in the order asked, after their stages ran "
        "again (`runs` has each stage's new record). Empty when `error` says nothing ran."
    )
    error: MaintenanceError | None = strawberry.field(
        description="Set when nothing ran (a bad id or stage, a busy database) or when "
        "some stage runs failed (the articles are returned all the same)."
    )


@strawberry.type
class DeleteArticlePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The global id of the deleted article; null when nothing was deleted."
    )
    updated_articles: int = strawberry.field(
        description="How many other articles (those linked to it or in its story) had "
        "their links and stories computed again without it."
    )
    error: MaintenanceError | None = strawberry.field(
        description="Set when nothing was deleted, or when it was deleted but computing "
        "the other articles again failed (the next `marsad process` finishes it)."
    )


def _error(code: MaintenanceErrorCode, message: str, retryable: bool = False) -> MaintenanceError:
    return MaintenanceError(code=code, retryable=retryable, message=message)


def _busy(error: DBAPIError, doing: str) -> MaintenanceError:
    if not is_transient(error):
        raise error
    return _error(
        MaintenanceErrorCode.DATABASE_BUSY,
        f"the database could not {doing} now ({first_line(error)}); send the same request again",
        retryable=True,
    )


def _failed(failures: Sequence[Failure], what: str) -> MaintenanceError | None:
    if not failures:
        return None
    runs = "; ".join(f"article {f.article_id}, {f.stage}: {f.error}" for f in failures[:5])
    more = f" and {len(failures) - 5} more" if len(failures) > 5 else ""
    return _error(MaintenanceErrorCode.PROCESSING_FAILED, f"{what} ({runs}{more})")


def _stored_ids(session: Session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunked(ids, ID_CHUNK):
        found.update(session.scalars(select(db.Article.id).where(db.Article.id.in_(chunk))))
    return found


async def reprocess(
    info: Info, ids: list[strawberry.ID], stages: list[str] | None
) -> ReprocessPayload:
    info.context.require_token()
    invalid = MaintenanceErrorCode.INVALID_INPUT
    if not 1 <= len(ids) <= MAX_PAGE_SIZE:
        message = f"`ids` must name 1 to {MAX_PAGE_SIZE} articles, not {len(ids)}"
        return ReprocessPayload(articles=[], error=_error(invalid, message))
    try:
        wanted = list(dict.fromkeys(database_id(value, "Article") for value in ids))
    except UserError as error:
        return ReprocessPayload(articles=[], error=_error(invalid, str(error)))
    pipeline = info.context.marsad.pipeline()
    known = [registered.name for registered in pipeline.stages]
    unknown = [name for name in stages or [] if name not in known]
    if unknown or stages == []:
        what = f"no stage is named {', '.join(map(repr, unknown))}" if unknown else "no stage"
        message = f"{what}; the stages are {', '.join(known)}"
        return ReprocessPayload(articles=[], error=_error(invalid, message))
    stored = await info.context.reads.run(lambda session: _stored_ids(session, wanted))
    missing = [article_id for article_id in wanted if article_id not in stored]
    if missing:
        message = f"no article has the id {', '.join(map(str, missing))}; nothing was run"
        return ReprocessPayload(articles=[], error=_error(MaintenanceErrorCode.NOT_FOUND, message))
    try:
        # The stages named and those that read their results, as `marsad reprocess`.
        only = None if stages is None else downstream_of(stages, pipeline.stages)
        report = await run_in_threadpool(pipeline.run, wanted, only=only, force=True)
    except DBAPIError as error:
        return ReprocessPayload(articles=[], error=_busy(error, "run the stages"))
    rows = await info.context.loaders.article.load_many(wanted)
    return ReprocessPayload(
        articles=[Article.from_row(row) for row in rows if row is not None],
        error=_failed(report.failures, "some stage runs failed; `article.runs` has the details"),
    )


async def delete_article(info: Info, id: strawberry.ID) -> DeleteArticlePayload:
    info.context.require_token()
    try:
        article_id = database_id(id, "Article")
    except UserError as error:
        failed = _error(MaintenanceErrorCode.INVALID_INPUT, str(error))
        return DeleteArticlePayload(deleted_id=None, updated_articles=0, error=failed)
    marsad = info.context.marsad
    pipeline = marsad.pipeline()

    def delete() -> Deletion:
        with marsad.write_session_factory() as session, session.begin():
            return delete_articles(session, [article_id], stages_to_refresh(pipeline))

    try:
        deletion = await run_in_threadpool(delete)
    except DBAPIError as error:
        busy = _busy(error, "delete the article")
        return DeleteArticlePayload(deleted_id=None, updated_articles=0, error=busy)
    if not deletion.deleted:
        message = f"no article has the id {article_id}; nothing was deleted"
        missing = _error(MaintenanceErrorCode.NOT_FOUND, message)
        return DeleteArticlePayload(deleted_id=None, updated_articles=0, error=missing)
    deleted_id = strawberry.ID(to_base64("Article", article_id))
    done = len(deletion.neighbours)
    try:
        report = await run_in_threadpool(refresh_neighbours, pipeline, deletion)
    except DBAPIError as error:
        if not is_transient(error):
            raise
        message = (
            f"deleted, but the database was busy computing the other articles again "
            f"({first_line(error)}); the next `marsad process` finishes it"
        )
        busy = _error(MaintenanceErrorCode.DATABASE_BUSY, message)
        return DeleteArticlePayload(deleted_id=deleted_id, updated_articles=0, error=busy)
    outcome = _failed(report.failures, "deleted, but some stage runs on other articles failed")
    return DeleteArticlePayload(deleted_id=deleted_id, updated_articles=done, error=outcome)
