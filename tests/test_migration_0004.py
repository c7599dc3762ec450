"""Revision 0004 (term counts) upgrades and downgrades a database holding articles, on
SQLite and PostgreSQL: the new table starts empty (the cluster stage counts the terms
of articles it clustered before), takes rows, and goes with the downgrade."""

from __future__ import annotations

from sqlalchemy import inspect, text

from marsad.core.db import make_engine
from marsad.core.schema import current_revision, downgrade, upgrade

AT = "2026-01-01 00:00:00+00:00"
ROWS_0003 = [
    "INSERT INTO raw_inputs (id, sha256, source, media_type, content, hints, ingested_at) "
    "VALUES (1, :sha, 'a.txt', 'text/plain', :content, '{}', :at)",
    "INSERT INTO articles (id, raw_input_id, title, text, extra, removed, created_at) "
    "VALUES (1, 1, 'عنوان', 'سقطت 3 صواريخ على القاعدة', '{}', '[]', :at)",
]


def test_0004_adds_term_counts_beside_stored_articles(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine, "0003")
    values = {"sha": "0" * 64, "content": "نص".encode(), "at": AT}
    with engine.begin() as connection:
        for statement in ROWS_0003:
            connection.execute(text(statement), values)

    upgrade(engine, "0004")
    assert current_revision(engine) == "0004"
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM term_counts")).scalar() == 0
        connection.execute(text("INSERT INTO term_counts (article_id, terms) VALUES (1, 5)"))
        connection.execute(text("DELETE FROM articles WHERE id = 1"))  # cascades
        assert connection.execute(text("SELECT count(*) FROM term_counts")).scalar() == 0
        connection.execute(text(ROWS_0003[1]), values)
        connection.execute(text("INSERT INTO term_counts (article_id, terms) VALUES (1, 5)"))

    downgrade(engine, "0003")
    assert "term_counts" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, title FROM articles"))
        assert [tuple(row) for row in rows] == [(1, "عنوان")]
    engine.dispose()
