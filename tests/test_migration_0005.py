"""Revision 0005 (event stories) upgrades and downgrades a database holding articles,
on SQLite and PostgreSQL: ``story_changes`` starts empty and takes rows, the term
counts and the retired term rows of ``text_keys`` go, the other index rows and the
articles stay, stories gain a summary; the downgrade brings back an empty
``term_counts``."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from marsad.core.db import make_engine
from marsad.core.schema import current_revision, downgrade, upgrade

AT = "2026-01-01 00:00:00+00:00"
ROWS_0004 = [
    "INSERT INTO raw_inputs (id, sha256, source, media_type, content, hints, ingested_at) "
    "VALUES (1, :sha, 'a.txt', 'text/plain', :content, '{}', :at)",
    "INSERT INTO stories (id, title, created_at) VALUES (1, 'قصة', :at)",
    "INSERT INTO stories (id, title, created_at) VALUES (2, 'قصة بلا مقالات', :at)",
    "INSERT INTO articles (id, raw_input_id, story_id, title, text, extra, removed, created_at) "
    "VALUES (1, 1, 1, 'عنوان', 'سقطت 3 صواريخ على القاعدة', '{}', '[]', :at)",
    "INSERT INTO term_counts (article_id, terms) VALUES (1, 5)",
    "INSERT INTO stage_runs (id, article_id, stage, plugin, version, status, error, "
    "duration_ms, attempts, finished_at) VALUES (1, 1, 'cluster', 'cluster', '0.4.0', 'ok', "
    "NULL, 1.5, 1, :at), (2, 1, 'parse', 'parse', '0.2.0', 'ok', NULL, 1.5, 1, :at)",
    # A rare term of cluster 0.4.0 (kind 4) and a MinHash band of dedupe (kind 1).
    "INSERT INTO text_keys (value, article_id, kind) VALUES (41, 1, 4)",
    "INSERT INTO text_keys (value, article_id, kind) VALUES (11, 1, 1)",
]


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def test_0005_replaces_term_counts_with_story_changes(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine, "0004")
    values = {"sha": "0" * 64, "content": "نص".encode(), "at": AT}
    with engine.begin() as connection:
        for statement in ROWS_0004:
            connection.execute(text(statement), values)

    upgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    tables = inspect(engine).get_table_names()
    assert "term_counts" not in tables and "story_changes" in tables
    assert "summary" in {column["name"] for column in inspect(engine).get_columns("stories")}
    assert count(engine, "SELECT count(*) FROM story_changes") == 0
    assert count(engine, "SELECT count(*) FROM text_keys WHERE kind = 4") == 0
    assert count(engine, "SELECT count(*) FROM text_keys WHERE kind = 1") == 1
    # Cluster runs again on every article; the story no article holds goes.
    assert count(engine, "SELECT count(*) FROM stage_runs WHERE stage = 'cluster'") == 0
    assert count(engine, "SELECT count(*) FROM stage_runs") == 1
    assert count(engine, "SELECT count(*) FROM stories") == 1
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO story_changes (article_id) VALUES (1)"))
        connection.execute(text("DELETE FROM articles WHERE id = 1"))  # cascades
    assert count(engine, "SELECT count(*) FROM story_changes") == 0
    with engine.begin() as connection:
        connection.execute(text(ROWS_0004[3]), values)
        connection.execute(text("INSERT INTO story_changes (article_id) VALUES (1)"))
        connection.execute(text("UPDATE stories SET summary = 'ملخص'"))

    downgrade(engine, "0004")
    tables = inspect(engine).get_table_names()
    assert "story_changes" not in tables and "term_counts" in tables
    assert "summary" not in {column["name"] for column in inspect(engine).get_columns("stories")}
    assert count(engine, "SELECT count(*) FROM term_counts") == 0
    # Dropping the summary rebuilds the stories table on SQLite: the articles keep
    # their story all the same (the ON DELETE of their foreign key does not fire).
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, title, story_id FROM articles"))
        assert [tuple(row) for row in rows] == [(1, "عنوان", 1)]
    engine.dispose()
