"""The longest articles parse accepts go through every stage on an old SQLite build.

A 50 MB file failed dedupe with "too many SQL variables": the index lookup was one
``IN (...)`` list with a value per key of the article (4,500 for 100,000 characters);
link read the article's claim links with two lists of its claim ids (1,100 each
here). SQLite allows 32,766 bound variables since 3.32 and 999 before. Here the
connection is limited to 999 and two articles just under parse's body limit, sharing
most of their sentences, each with a thousand claims, go through every stage
twice (the second run replaces what the first stored): such lists go in chunks.
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
# A statement per line, each by another speaker: a thousand claims an article, every
# one on its own slot (claims that all disagree would make links by the hundred thousand).
CLAIM = "وقال المتحدث باسم {speaker} إن {said}."


def long_body(limit: int) -> str:
    """Distinct sentences of the seeds' words, each with a statement, under ``limit``."""
    words = " ".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    vocabulary = sorted({word for word in words.split() if word.isalpha()})
    chooser = random.Random(9)
    lines: list[str] = []
    size = 0
    while True:
        sentence = " ".join(chooser.choice(vocabulary) for _ in range(12)) + "."
        speaker = " ".join(chooser.choice(vocabulary) for _ in range(2))
        said = " ".join(chooser.choice(vocabulary) for _ in range(5))
        sentence += " " + CLAIM.format(speaker=speaker, said=said)
        if size + len(sentence) + 1 > limit:
            return "\n".join(lines)
        lines.append(sentence)
        size += len(sentence) + 1


def _limit_variables(connection: Any, _record: Any) -> None:
    connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, OLD_SQLITE_VARIABLES)


def test_the_longest_articles_run_every_stage_with_999_sql_variables(tmp_path: Path) -> None:
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
        first = app.pipeline().run(report.article_ids)
        assert not first.failures, first.failures
        again = app.pipeline().run(report.article_ids, force=True)
        assert not again.failures, again.failures
    finally:
        app.close()
