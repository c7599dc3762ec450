"""Revision 0003 (quantity kind) upgrades and downgrades a database holding claims,
on SQLite and PostgreSQL: stored quantities become counts, statements stay unkinded."""

from __future__ import annotations

from sqlalchemy import text

from marsad.core.db import make_engine
from marsad.core.schema import current_revision, downgrade, upgrade

AT = "2026-01-01 00:00:00+00:00"
ROWS_0002 = [
    "INSERT INTO raw_inputs (id, sha256, source, media_type, content, hints, ingested_at) "
    "VALUES (1, :sha, 'a.txt', 'text/plain', :content, '{}', :at)",
    "INSERT INTO articles (id, raw_input_id, title, text, extra, removed, created_at) "
    "VALUES (1, 1, 'عنوان', 'سقطت 3 صواريخ. وقال الوزير إن الوضع هادئ', '{}', '[]', :at)",
    'INSERT INTO claims (id, article_id, kind, text, start, "end", quantity_value, '
    "quantity_unit, qualifier, negated, slot_key, extra) "
    "VALUES (1, 1, 'quantity', '3 صواريخ', 5, 13, 3.0, 'صاروخ', 'exact', false, "
    "'unit:صاروخ', '{}')",
    'INSERT INTO claims (id, article_id, kind, text, start, "end", speaker_text, verb, '
    "direct, negated, slot_key, extra) "
    "VALUES (2, 1, 'statement', 'الوضع هادئ', 30, 40, 'الوزير', 'قال', false, false, "
    "'speaker:الوزير', '{}')",
]


def test_0003_marks_stored_quantities_as_counts(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine, "0002")
    values = {"sha": "0" * 64, "content": "نص".encode(), "at": AT}
    with engine.begin() as connection:
        for statement in ROWS_0002:
            connection.execute(text(statement), values)

    upgrade(engine, "0003")
    assert current_revision(engine) == "0003"
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT id, kind, quantity_kind FROM claims ORDER BY id"))
        assert [tuple(row) for row in rows] == [(1, "quantity", "count"), (2, "statement", None)]
        connection.execute(text("UPDATE claims SET quantity_kind = 'money' WHERE id = 1"))

    downgrade(engine, "0002")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, quantity_value, text FROM claims ORDER BY id"))
        assert [tuple(row) for row in rows] == [(1, 3.0, "3 صواريخ"), (2, None, "الوضع هادئ")]
    engine.dispose()
