"""Storing articles that arrive through the API, exactly as files are ingested.

A submitted article becomes a JSON record like one line of a JSON Lines file, so the
parse stage treats it the same way and the same fingerprint identifies a
resubmission, which gets the article stored the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from marsad.core.ingest import record_fingerprint
from marsad.core.ingest import store_records as core_store_records
from marsad.core.models import Article, RawInput
from marsad.core.readers import RawRecord, article_record

SOURCE = "graphql:ingestArticle"


def json_record(fields: dict[str, Any], source: str = SOURCE) -> RawRecord:
    """The article record every reader makes (:func:`marsad.core.readers.article_record`);
    raises :class:`marsad.core.InputError` for one that cannot be an article."""
    present = {key: value for key, value in fields.items() if value is not None}
    return article_record(present, source)


@dataclass(frozen=True)
class StoredArticle:
    id: int
    created: bool  # False: an earlier request (or file) stored the same input


def store_article(factory: sessionmaker[Session], record: RawRecord) -> StoredArticle:
    """Store ``record`` unless it is stored already; either way, its article's id.

    The insert ignores an input that is already there (even one another process is
    storing right now), so submitting the same input twice never fails.
    """
    with factory() as session, session.begin():
        (created,) = core_store_records(session, [record])
        if created is not None:
            return StoredArticle(created.id, created=True)
        existing = session.scalar(
            select(Article.id)
            .join(RawInput, Article.raw_input_id == RawInput.id)
            .where(RawInput.sha256 == record_fingerprint(record))
        )
    if existing is None:
        raise LookupError(f"input {record_fingerprint(record)} is stored without an article")
    return StoredArticle(existing, created=False)


def is_transient(error: DBAPIError) -> bool:
    """Whether the same work may succeed later: the database was locked or busy, a
    serialization failure or deadlock, or the connection dropped."""
    return isinstance(error, OperationalError) or error.connection_invalidated


def first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__
