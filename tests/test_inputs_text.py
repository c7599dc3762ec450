"""Texts parse stores: control characters out on every database, datelines short.

NUL passed on SQLite and failed on PostgreSQL; a long first clause became a "dateline".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import select

from marsad.core import Article, Outlet, Paragraph
from marsad.core.application import Marsad
from marsad.text.plain import MAX_DATELINE_CHARS, clean_controls, parse_text

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
BODY = "قال المتحدث إن القوات الأمنية عثرت على منصة الإطلاق جنوبي العاصمة."


def test_clean_controls_keeps_tab_newline_and_line_breaks() -> None:
    assert clean_controls("a\0b\x1ac\td\r\ne\x0cf\x1eg\x7f") == "abc\td\r\ne\nf\ng\x7f"


def test_control_characters_are_stored_nowhere(app: Marsad, tmp_path: Path) -> None:
    record = {
        "title": "عنوان\u0000 الخبر\x1a",
        "subtitle": "عنوان فرعي\x01 للخبر",
        "outlet": "وكالة\x00 الأنباء",
        "url": "https://example.test/\x00a",
        "text": f"بغداد\x00 - {BODY}\x1a\nكلمات مفتاحية\nعاجل\x00\n",
        "section": "سياسة\x00",
    }
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = app.ingest([path])
    assert report.stored == 1 and not report.errors
    assert not app.pipeline().run(report.article_ids).failures
    with app.session_factory() as session:
        article = session.scalars(select(Article)).one()
        paragraphs = session.scalars(select(Paragraph.text)).all()
        outlet = session.scalars(select(Outlet.name)).one()
        assert article.title == "عنوان الخبر"
        assert article.subtitle == "عنوان فرعي للخبر"
        assert article.dateline == "بغداد"
        assert article.text == BODY and paragraphs == [BODY]
        assert outlet == "وكالة الأنباء"
        assert article.url == "https://example.test/a"
        assert article.extra["section"] == "سياسة"
        removed = [item["text"] for item in article.removed]
        assert "عاجل" in removed and not any(CONTROL.search(text) for text in removed)


def test_a_dateline_is_never_longer_than_200_characters() -> None:
    place = " ".join(["كلمةطويلةجدا" * 6] * 3)  # three "words" of 72 letters
    assert len(place) > MAX_DATELINE_CHARS
    parsed = parse_text(f"{place} - {BODY}\n{BODY}")
    assert parsed.dateline is None
    assert parsed.paragraphs[0].startswith(place)
    short = parse_text(f"الرياض - {BODY}")
    assert (short.dateline, short.paragraphs) == ("الرياض", [BODY])
