"""Revision 0002 (stage run notes) upgrades and downgrades a database holding data,
on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from marsad.core.db import make_engine
from marsad.core.schema import current_revision, downgrade, upgrade

ROWS_0001 = [
    "INSERT INTO raw_inputs (id, sha256, source, media_type, content, hints, ingested_at) "
    "VALUES (1, :sha, 'a.txt', 'text/plain', :content, '{}', :at)",
    "INSERT INTO articles (id, raw_input_id, title, text, extra, removed, created_at) "
    "VALUES (1, 1, 'عنوان', 'نص', '{}', '[]', :at)",
    "INSERT INTO stage_runs (id, article_id, stage, plugin, version, status, error, "
    "duration_ms, attempts, finished_at) "
    "VALUES (1, 1, 'parse', 'parse', '0.2.0', 'ok', NULL, 1.5, 1, :at)",
]


def test_0002_keeps_the_runs_and_adds_an_empty_note(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine, "0001")
    values = {"sha": "0" * 64, "content": "نص".encode(), "at": "2026-01-01 00:00:00+00:00"}
    with engine.begin() as connection:
        for statement in ROWS_0001:
            connection.execute(text(statement), values)

    upgrade(engine, "0002")
    assert current_revision(engine) == "0002"
    with engine.begin() as connection:
        row = connection.execute(text("SELECT stage, status, note FROM stage_runs")).one()
        assert tuple(row) == ("parse", "ok", None)
        connection.execute(text("UPDATE stage_runs SET note = 'read as utf-8'"))
        assert connection.scalar(text("SELECT title FROM articles")) == "عنوان"

    downgrade(engine, "0001")
    with engine.connect() as connection:
        assert tuple(connection.execute(text("SELECT stage, status FROM stage_runs")).one()) == (
            "parse",
            "ok",
        )
    engine.dispose()
