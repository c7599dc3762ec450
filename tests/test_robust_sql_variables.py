"""The longest article parse accepts is deduplicated on an old SQLite build.

A 50 MB file failed dedupe with "too many SQL variables": the index lookup was one
``IN (...)`` list with a value per key of the article (4,500 for 100,000 characters).
SQLite allows 32,766 bound variables since 3.32 and 999 before. Here the connection
is limited to 999 and two articles just under parse's body limit, sharing most of
their sentences, are deduplicated twice (the second run replaces what the first
stored): the lookup goes in chunks.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

from conftest import SEEDS
from sqlalchemy import event

from marsad.core.application import Marsad
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.plugins.parse import MAX_BODY_CHARS

OLD_SQLITE_VARIABLES = 999
STAGES = ("parse", "normalize", "dedupe")
CLAIMS = (
    "وقال المتحدث باسم الجيش إن {n} صواريخ سقطت على المنطقة الخضراء.",
    "وأكد الوزير أن {n} أشخاص أصيبوا في الهجوم.",
)


def long_body(limit: int) -> str:
    """Distinct sentences of the seeds' words, each with a distinct claim, under ``limit``."""
    words = " ".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    vocabulary = sorted({word for word in words.split() if word.isalpha()})
    chooser = random.Random(9)
    lines: list[str] = []
    size = 0
    while True:
        sentence = " ".join(chooser.choice(vocabulary) for _ in range(12)) + "."
        sentence += " " + CLAIMS[len(lines) % 2].format(n=len(lines) + 3)  # all distinct
        if size + len(sentence) + 1 > limit:
            return "\n".join(lines)
        lines.append(sentence)
        size += len(sentence) + 1


def _limit_variables(connection: Any, _record: Any) -> None:
    connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_SQLITE_VARIABLES)


def test_the_longest_articles_are_deduplicated_with_999_sql_variables(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'old.db'}")
    app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    try:
        upgrade(app.engine)
        app.engine.dispose()
        event.listen(app.engine, "connect", _limit_variables)
        records = [
            {"title": f"مقال طويل {n}", "text": long_body(MAX_BODY_CHARS - 1_000 * n)}
            for n in (1, 2)
        ]
        path = tmp_path / "long.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
        report = app.ingest([path])
        assert report.stored == 2, report.errors
        first = app.pipeline().run(report.article_ids, only=STAGES)
        assert not first.failures, first.failures
        again = app.pipeline().run(report.article_ids, only=STAGES, force=True)
        assert not again.failures, again.failures
    finally:
        app.close()
