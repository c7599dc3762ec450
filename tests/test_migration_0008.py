"""Revision 0008 (publication times known to the day only) upgrades and downgrades a
database holding articles, on SQLite and PostgreSQL: a stored midnight UTC, which is
how parse stored a date without a time, reads as day-only, any other time as given, an
unknown time stays unknown; the search triggers of 0007 keep working after both."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, text

from marsad.core.db import make_engine
from marsad.core.schema import current_revision, downgrade, upgrade

AT = "2026-01-01 00:00:00+00:00"
INSERT = (
    "INSERT INTO articles (id, raw_input_id, title, text, match_key, published_at, extra, "
    "removed, created_at) VALUES (:id, :id, 'عنوان', 'نص', :key, :published, '{}', '[]', :at)"
)
RAW = (
    "INSERT INTO raw_inputs (id, sha256, source, media_type, content, hints, ingested_at) "
    "VALUES (:id, :sha, :source, 'text/plain', :content, '{}', :at)"
)
PUBLISHED = {
    1: datetime(2021, 2, 24, tzinfo=UTC),  # a dateline with no time
    2: datetime(2021, 2, 24, 3, 34, tzinfo=UTC),
    3: None,
    4: datetime(2021, 2, 24, 0, 0, 1, tzinfo=UTC),
}


def store(engine: Engine, article_id: int, published: datetime | None, key: str) -> None:
    with engine.begin() as connection:
        raw = {"id": article_id, "sha": f"{article_id:064d}", "source": f"{article_id}.txt"}
        connection.execute(text(RAW), {**raw, "content": b"x", "at": AT})
        values = {"id": article_id, "key": key, "published": published, "at": AT}
        connection.execute(text(INSERT), values)


def searchable(engine: Engine, word: str) -> int:
    # On SQLite the 0007 triggers fill articles_fts; without them a new row is not found.
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            query = "SELECT count(*) FROM articles WHERE match_key LIKE :pattern"
            return int(connection.execute(text(query), {"pattern": f"%{word}%"}).scalar_one())
        query = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH :word"
        return int(connection.execute(text(query), {"word": word}).scalar_one())


def test_0008_tells_day_only_dates_from_times(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine, "0007")
    for article_id, published in PUBLISHED.items():
        store(engine, article_id, published, "صواريخ المنطقه الخضراء")

    upgrade(engine, "0008")
    assert current_revision(engine) == "0008"
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, published_time_known FROM articles ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [(1, False), (2, True), (3, None), (4, True)]
    store(engine, 5, None, "بيان السفاره الامريكيه")
    assert searchable(engine, "السفاره") == 1

    downgrade(engine, "0007")
    columns = {column["name"] for column in inspect(engine).get_columns("articles")}
    assert "published_time_known" not in columns
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar_one() == 5
        kept = connection.execute(text("SELECT published_at FROM articles WHERE id = 2"))
        assert kept.scalar_one() is not None
    store(engine, 6, None, "هجوم على قاعده بلد")
    assert searchable(engine, "قاعده") == 1
    upgrade(engine)
    engine.dispose()
