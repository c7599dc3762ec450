"""Stages that crashed on real text: each case is a regression test of a crash found.

Issue 9, "Stages that crash or never finish": a claim with no clause of its own, a
publication date at the calendar's ends, and an article long enough for the index
lookup to pass SQLite's limit on bound variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MakeApp

from marsad.core import ClaimKind
from marsad.core.application import Marsad
from marsad.text.claims.compare import ClaimView, compare
from marsad.text.claims.relate import relate

LONG = (
    "قال المتحدث إن القوات الأمنية عثرت على منصة الإطلاق في منطقة البياع جنوبي العاصمة "
    "وباشرت التحقيق"
)
SHORT = "قال المتحدث إن الوضع هادئ"
EVENT = "وقال المتحدث باسم الجيش إن ثلاثة صواريخ سقطت على المنطقة الخضراء دون وقوع إصابات."


def statement(claim_id: int, text: str) -> ClaimView:
    return ClaimView(
        id=claim_id,
        article_id=claim_id,
        kind=ClaimKind.STATEMENT,
        text=text,
        start=0,
        end=len(text),
        sentence=text,
        speaker_id=7,
    )


@pytest.mark.parametrize(("a", "b"), [(LONG, SHORT), (SHORT, LONG), (SHORT, SHORT)])
def test_statements_without_clauses_compare_without_crashing(a: str, b: str) -> None:
    # The shorter statement has no clause of MIN_CLAUSE content words: max() of one
    # float and an empty generator raised "TypeError: 'float' object is not iterable".
    relation = compare(statement(1, a), statement(2, b))
    assert relation is None or relation.score >= 0.0


def test_the_relate_command_of_the_issue_prints_a_relation(tmp_path: Path) -> None:
    found = relate(LONG, SHORT)
    assert found["relation"] in ("corroborates", "contradicts", "unrelated")
    result = subprocess.run(  # as a user runs it
        [str(Path(sys.executable).parent / "marsad"), "relate", LONG, SHORT],
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == found


def _ingest(app: Marsad, tmp_path: Path, records: list[dict[str, str]]) -> list[int]:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "\n".join(json.dumps(record, ensure_ascii=False) for record in records), encoding="utf-8"
    )
    report = app.ingest([path])
    assert not report.errors, report.errors
    return report.article_ids


@pytest.mark.parametrize("published", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
def test_a_date_at_the_calendars_end_links_without_overflow(
    make_app: MakeApp, tmp_path: Path, published: str
) -> None:
    # link's window (± 3 days) around 9999-12-31 raised OverflowError.
    app = make_app()
    records = [
        {"title": "صواريخ", "text": EVENT, "url": f"https://a.example/{n}", "published": published}
        for n in range(2)
    ]
    ids = _ingest(app, tmp_path, records)
    result = app.pipeline().run(ids)
    assert not result.failures, result.failures


def test_a_number_too_large_for_a_float_is_no_count(make_app: MakeApp, tmp_path: Path) -> None:
    # float("9" * 400) is inf: stored as a claim value it became "Infinity" in the
    # link evidence, which is not JSON (PostgreSQL refuses it).
    huge = "9" * 400
    records = [
        {"title": "صواريخ", "text": f"سقطت {huge} صاروخا على المنطقة الخضراء.", "url": f"u{n}"}
        for n in range(2)
    ]
    app = make_app()
    ids = _ingest(app, tmp_path, records)
    result = app.pipeline().run(ids)
    assert not result.failures, result.failures
    found = relate(records[0]["text"], f"سقطت {huge}9 صاروخا على المنطقة الخضراء.")
    json.dumps(found, allow_nan=False)
