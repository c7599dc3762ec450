"""Revision 0006 (translation cache) upgrades and downgrades a database holding
translations, on SQLite and PostgreSQL: the translations stay (with no engine version
until the stage runs again), the cache starts empty and takes rows."""

from __future__ import annotations

from sqlalchemy import inspect, text

from marsad.core.db import make_engine
from marsad.core.schema import current_revision, downgrade, upgrade

AT = "2026-01-01 00:00:00+00:00"
ROWS_0005 = [
    "INSERT INTO raw_inputs (id, sha256, source, media_type, content, hints, ingested_at) "
    "VALUES (1, :sha, 'a.txt', 'text/plain', :content, '{}', :at)",
    "INSERT INTO articles (id, raw_input_id, title, text, extra, removed, created_at) "
    "VALUES (1, 1, 'عنوان', 'سقطت 3 صواريخ', '{}', '[]', :at)",
    "INSERT INTO translations (article_id, field, position, language, engine, text) "
    "VALUES (1, 'title', 0, 'en', 'offline-transliteration', 'eanwan')",
]


def test_0006_adds_the_cache_and_keeps_translations(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine, "0005")
    values = {"sha": "0" * 64, "content": "نص".encode(), "at": AT}
    with engine.begin() as connection:
        for statement in ROWS_0005:
            connection.execute(text(statement), values)

    upgrade(engine, "0006")
    assert current_revision(engine) == "0006"
    with engine.begin() as connection:
        kept = connection.execute(
            text("SELECT engine, engine_version, text FROM translations")
        ).all()
        assert [tuple(row) for row in kept] == [("offline-transliteration", None, "eanwan")]
        connection.execute(
            text(
                "INSERT INTO translation_cache (text_hash, engine, engine_version, source, "
                "target, text, created_at) VALUES ('h', 'e', '1', 'ar', 'en', 't', :at)"
            ),
            {"at": AT},
        )

    downgrade(engine, "0005")
    assert "translation_cache" not in inspect(engine).get_table_names()
    columns = {column["name"] for column in inspect(engine).get_columns("translations")}
    assert "engine_version" not in columns
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM translations")).scalar_one() == 1
    upgrade(engine)
    engine.dispose()
