"""Storing articles that arrive through the API, exactly as files are ingested.

A submitted article becomes a JSON record like one line of a JSON Lines file, so the
parse stage treats it the same way and the same fingerprint makes a resubmission a
no-op.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from marsad.core.ingest import store_records as core_store_records
from marsad.core.readers import RawRecord

RECORD_MEDIA_TYPE = "application/json"
SOURCE = "graphql:ingestArticle"


def json_record(fields: dict[str, Any], source: str = SOURCE) -> RawRecord:
    """A record as :class:`marsad.plugins.readers.JsonLinesReader` would have read it."""
    present = {key: value for key, value in fields.items() if value is not None}
    payload = json.dumps(present, ensure_ascii=False, sort_keys=True).encode()
    return RawRecord(content=payload, media_type=RECORD_MEDIA_TYPE, source=source, hints={})


def store_records(factory: sessionmaker[Session], records: Sequence[RawRecord]) -> list[int | None]:
    """Store each record not yet stored; its new article id, or None when it was already.

    One transaction for all of them, so either every new record is stored or none.
    """
    with factory() as session, session.begin():
        created = core_store_records(session, records)
        return [article.id if article is not None else None for article in created]
