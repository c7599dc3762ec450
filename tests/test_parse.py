"""Parse: structure of news texts, dates, HTML and JSON inputs, and the gold report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from api_client import ApiClient
from conftest import GOLD, SEEDS, MakeApp, corpus_path
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    InputError,
    Outcome,
    Outlet,
    Paragraph,
    ReadOptions,
    RunStatus,
    Sentence,
    StageContext,
    StageRun,
    Translation,
)
from marsad.core.application import Marsad
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.eval.parse import evaluate_parse
from marsad.plugins.parse import Parse, parse_input
from marsad.plugins.saudinewsnet import SaudiNewsNetReader
from marsad.plugins.translate.offline import OfflineTranslator
from marsad.text.dates import FoundDate, find_date, is_date_line
from marsad.text.plain import parse_text


def test_gold_report_is_perfect() -> None:
    report = evaluate_parse(GOLD, SEEDS)
    assert report.titles.total == 5 and report.subtitles.total == 2
    assert report.dates.total == 5 and report.body_clean.total == 9
    assert report.perfect(), [score.misses for _, score in report.rows()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الأربعاء 24 فبراير 2021 03:34 ص", datetime(2021, 2, 24, 3, 34)),
        ("الأربعاء 24 فبراير 2021 03:34 م", datetime(2021, 2, 24, 15, 34)),
        ("الأربعاء 2021/02/24", datetime(2021, 2, 24)),
        ("الثلاثاء ٢٣ شباط ٢٠٢١", datetime(2021, 2, 23)),
        ("3 كانون الثاني 2020", datetime(2020, 1, 3)),
        ("23 تشرين الأول 2020", datetime(2020, 10, 23)),
        ("الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس", datetime(2015, 8, 10)),
        ("24-02-2021", datetime(2021, 2, 24)),
        ("الأربعاء 24 فبراير 2021 - 10:05", datetime(2021, 2, 24, 10, 5)),
        ("الأربعاء 2021/02/24 الساعة 10:05", datetime(2021, 2, 24, 10, 5)),
        ("24 فبراير 2021، 10:05 مساءً", datetime(2021, 2, 24, 22, 5)),
        ("31 فبراير 2020", None),
        ("سقطت 3 صواريخ", None),
    ],
)
def test_find_date(text: str, expected: datetime | None) -> None:
    found = find_date(text)
    assert (found.value if found else None) == expected
    if found is not None:  # every time written here is something other than 00:00
        assert found.has_time == (expected is not None and expected.hour > 0)


def test_date_lines_are_whole_lines() -> None:
    assert is_date_line("الأربعاء 24 فبراير 2021 03:34 ص")
    assert not is_date_line("وقع الهجوم في 3 يناير 2020 على القاعدة الجوية")


def test_wire_dateline_and_markers() -> None:
    parsed = parse_text(
        "الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\n"
        "أعلنت الوزارة اليوم عن مشروع جديد في المنطقة.\n"
        "// انتهى //\n11:01 ت م\n",
        title="مشروع جديد",
    )
    assert parsed.dateline == "الرياض"
    assert parsed.published == FoundDate(datetime(2015, 8, 10), has_time=False)
    assert parsed.paragraphs == ["أعلنت الوزارة اليوم عن مشروع جديد في المنطقة."]
    assert {r.reason for r in parsed.removed} == {"dateline", "wire_marker", "wire_time"}


BODY = "قال المدير إن العمل مستمر في المركز وإن الفرق تعمل ليلا ونهارا."


@pytest.mark.parametrize(
    ("media_type", "content", "published_at", "time_known"),
    [
        ("application/json", {"published": "2021-02-24"}, datetime(2021, 2, 24), False),
        ("application/json", {"published": "20210224"}, datetime(2021, 2, 24), False),
        ("application/json", {"published": "2021-02-24T00:00:00Z"}, datetime(2021, 2, 24), True),
        (
            "application/json",
            {"published": "Wed, 24 Feb 2021 10:05:00 +0000"},
            datetime(2021, 2, 24, 10, 5),
            True,
        ),
        ("text/plain", "الأربعاء 24 فبراير 2021 03:34 ص", datetime(2021, 2, 24, 3, 34), True),
        ("text/plain", "الأربعاء 2021/02/24", datetime(2021, 2, 24), False),
        ("text/plain", None, None, None),
        # A page whose metadata gives the day alone; trafilatura gives its midnight.
        (
            "text/html",
            '<meta property="article:published_time" content="2021-02-24">',
            datetime(2021, 2, 24),
            False,
        ),
        (
            "text/html",
            '<meta property="article:published_time" content="2021-02-24T10:05:00Z">',
            datetime(2021, 2, 24, 10, 5),
            True,
        ),
        # The source's day with the time of day the text's date line gives.
        (
            "application/json",
            {"published": "2021-02-24", "text": f"24 فبراير 2021 03:34 ص\n{BODY}"},
            datetime(2021, 2, 24, 3, 34),
            True,
        ),
        (
            "application/json",
            {"published": "2021-02-25", "text": f"24 فبراير 2021 03:34 ص\n{BODY}"},
            datetime(2021, 2, 25),
            False,
        ),
    ],
)
def test_parse_records_whether_the_time_of_day_is_known(
    media_type: str,
    content: dict[str, str] | str | None,
    published_at: datetime | None,
    time_known: bool | None,
) -> None:
    if isinstance(content, dict):
        raw = json.dumps({"title": "عنوان", "text": BODY, **content}).encode()
    elif media_type == "text/html":
        raw = f"<html><head>{content}</head><body><article><h1>عنوان الخبر</h1><p>{BODY}</p>"
        raw = (raw + f"<p>{BODY}</p></article></body></html>").encode()
    else:
        raw = "\n".join(["عنوان الخبر", *([content] if content else []), BODY]).encode()
    columns = parse_input(media_type, raw, {}).columns
    expected = published_at.replace(tzinfo=UTC) if published_at else None
    assert (columns["published_at"], columns["published_time_known"]) == (expected, time_known)


def test_a_record_without_title_keeps_its_only_paragraph() -> None:
    parsed = parse_text("قال المدير إن العمل مستمر في المركز.", title="")
    assert parsed.title is None and parsed.paragraphs == ["قال المدير إن العمل مستمر في المركز."]


@pytest.mark.parametrize(
    ("body", "dateline", "first"),
    [
        ("عين اليوم – جدة\nألقي القبض على رجل.", "عين اليوم – جدة", "ألقي القبض على رجل."),
        (
            "عبدالله الراجحي- سبق- جدة: ذكرت مصادر أن الفرق بدأت.",
            "عبدالله الراجحي- سبق- جدة",
            "ذكرت مصادر أن الفرق بدأت.",
        ),
        ("واشنطن – اتفق الرئيسان على الحوار.", "واشنطن", "اتفق الرئيسان على الحوار."),
    ],
)
def test_datelines(body: str, dateline: str, first: str) -> None:
    parsed = parse_text(body, title="عنوان")
    assert (parsed.dateline, parsed.paragraphs[0]) == (dateline, first)


def test_page_furniture_is_removed_with_reasons() -> None:
    parsed = parse_text(
        "عنوان الخبر\n0\nصورة الرئيس\nقال الرئيس إن الحوار مستمر بين البلدين منذ سنوات طويلة.\n"
        "هجمات\nهجمات\nوأضاف أن الاتفاق قريب. سمات الحوار الرئيس الاتفاق\n"
        "رابط الخبر بصحيفة الوئام: الحوار مستمر\nاترك رد\nلن يتم نشر عنوان بريدك الإلكتروني.\n",
        title_first=True,
    )
    assert parsed.title == "عنوان الخبر"
    reasons = {(r.reason, r.text) for r in parsed.removed}
    assert ("counter", "0") in reasons and ("caption", "صورة الرئيس") in reasons
    assert ("repeated_heading", "هجمات") in reasons
    assert ("keywords", "الحوار الرئيس الاتفاق") in reasons
    assert ("source_link", "رابط الخبر بصحيفة الوئام: الحوار مستمر") in reasons
    assert ("comment_form", "اترك رد") in reasons
    assert parsed.paragraphs == [
        "قال الرئيس إن الحوار مستمر بين البلدين منذ سنوات طويلة.",
        "هجمات",
        "وأضاف أن الاتفاق قريب.",
    ]


def test_seed_article_parts(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        article = session.scalars(
            select(Article).where(Article.title.like("توافق بين بايدن%"))
        ).one()
        assert article.dateline == "واشنطن" and article.language == "ar"
        assert article.text is not None and article.text.startswith("اتفق الرئيس الأميركي")
        assert {"reason": "caption", "text": "صواريخ الكاتيوشا تقلق بايدن"} in article.removed
        rows = session.scalars(
            select(Sentence).where(Sentence.article_id == article.id).order_by(Sentence.position)
        ).all()
        assert len(rows) > 20
        texts = [article.text[row.start : row.end] for row in rows]
        assert texts[0].startswith("اتفق") and texts[0].endswith("والمنطقة.")
        assert all(text.strip() == text and text for text in texts)


def test_html_page(app: Marsad, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>بايدن والكاظمي | العرب</title>"
        '<meta property="og:site_name" content="العرب">'
        '<meta property="article:published_time" content="2021-02-24T10:05:00+00:00">'
        "</head><body><nav>الرئيسية | سياسة</nav><article>"
        "<h1>بايدن والكاظمي يتعهدان بمحاسبة المسؤولين</h1>"
        "<h2>الرئيس الأميركي أكد دعم بلاده لسيادة العراق واستقلاله.</h2>"
        "<p>واشنطن - أعلن البيت الأبيض في بيان الثلاثاء أن الرئيسين بحثا الهجمات الصاروخية.</p>"
        "<h3>هجمات متكررة</h3>"
        "<p>وقال برايس للصحافيين إن الولايات المتحدة لن تشن هجوما على أحد.</p>"
        "</article><footer>جميع الحقوق محفوظة</footer></body></html>",
        encoding="utf-8",
    )
    report = app.ingest([page])
    assert report.stored == 1
    assert not app.pipeline().run(report.article_ids).failures
    with app.session_factory() as session:
        article = session.scalars(select(Article)).one()
        assert article.title == "بايدن والكاظمي يتعهدان بمحاسبة المسؤولين"
        assert article.subtitle == "الرئيس الأميركي أكد دعم بلاده لسيادة العراق واستقلاله."
        assert article.dateline == "واشنطن"
        assert article.outlet is not None and article.outlet.name == "العرب"
        assert article.published_at == datetime(2021, 2, 24, 10, 5, tzinfo=UTC)
        assert article.text is not None and "هجمات متكررة" in article.text  # headings survive
        assert "الحقوق" not in article.text and "الرئيسية" not in article.text


def test_json_array_with_renamed_fields(app: Marsad, tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(
        json.dumps(
            [
                {"headline": "خبر أول", "body": "قال المتحدث إن الاجتماع انتهى.", "site": "واع"},
                {"headline": "بلا نص", "body": ""},
                {"headline": "English", "body": "The minister said the talks went well today."},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    options = ReadOptions(fields={"title": "headline", "text": "body", "outlet": "site"})
    report = app.ingest([path], options=options)
    assert report.stored == 2
    assert [str(e) for e in report.errors] == [f'{path}#1: record has no "text" (field "body")']
    assert not app.pipeline().run(report.article_ids).failures
    with app.session_factory() as session:
        articles = session.scalars(select(Article).order_by(Article.id)).all()
        assert [(a.title, a.language) for a in articles] == [("خبر أول", "ar"), ("English", "en")]
        assert articles[0].outlet is not None and articles[0].outlet.name == "واع"


def test_cli_field_option_is_checked(tmp_path: Path) -> None:
    env = {**os.environ, "MARSAD_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    marsad = [sys.executable, "-m", "marsad.core.cli"]
    command = [*marsad, "ingest", "--field", "headline", str(SEEDS)]
    subprocess.run([*marsad, "db", "upgrade"], env=env, check=True, capture_output=True)
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "expected NAME=KEY" in result.stderr


def test_a_record_with_only_furniture_is_a_clear_parse_failure(app: Marsad, tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(
        json.dumps(
            {"title": "بالصور", "text": "رابط الخبر بصحيفة الوئام: بالصور"}, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )
    report = app.ingest([path])
    result = app.pipeline().run(report.article_ids)
    assert [(f.stage, f.error) for f in result.failures] == [
        ("parse", "refused: no body text (only source_link)")
    ]


@pytest.mark.corpus
def test_every_saudinewsnet_record_parses() -> None:
    reader = SaudiNewsNetReader()
    empty_records = empty_bodies = parsed = 0
    for path in sorted(corpus_path("saudinewsnet").glob("*.zip")):
        for item in reader.read(path, ReadOptions()):
            if isinstance(item, InputError):
                assert item.problem == "empty article (no content)", str(item)
                empty_records += 1
                continue
            record = json.loads(item.content)
            result = parse_text(record["text"], title=record.get("title"))
            parsed += 1
            if not result.paragraphs:
                # Only pages with no article text at all: gallery stubs, a scraper's
                # "Array", a byline alone.
                assert len(record["text"].strip()) < 200, record["text"]
                empty_bodies += 1
    assert parsed == 17797 and empty_bodies < 30
    assert empty_records > 0


@pytest.mark.corpus
def test_a_saudinewsnet_day_ingests_with_one_command(tmp_path: Path) -> None:
    # SQLite only: a whole day takes a while, and the other ingest tests run on both.
    app = Marsad(Settings(database_url=f"sqlite:///{tmp_path / 'day.db'}"))
    upgrade(app.engine)
    report = app.ingest([corpus_path("saudinewsnet", "2015-08-10.zip")])
    assert report.stored == 1686 and len(report.errors) == 14
    result = app.pipeline().run(report.article_ids, only={"parse"})
    assert not result.failures
    with app.session_factory() as session:
        wire = (
            select(func.count(Article.id))
            .join(Outlet)
            .where(Outlet.name == "was", Article.dateline.is_not(None))
        )
        # The wire's "الرياض 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس" lines.
        assert session.scalar(wire) > 150
        ok = select(func.count(StageRun.id)).where(StageRun.status == RunStatus.OK)
        assert session.scalar(ok) == report.stored


def test_graphql_shows_sentences_removed_text_and_captions(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)
    data = api.data(
        "{ articles(first: 5) { edges { node { title text captions"
        " removed { text reason } sentences { text start end } } } } }"
    )
    nodes = [edge["node"] for edge in data["articles"]["edges"]]
    article = next(node for node in nodes if node["title"].startswith("توافق بين بايدن"))
    assert article["captions"] == ["صواريخ الكاتيوشا تقلق بايدن"]
    assert {"text": "الأربعاء 2021/02/24", "reason": "date"} in article["removed"]
    for sentence in article["sentences"]:
        assert article["text"][sentence["start"] : sentence["end"]] == sentence["text"]


def test_a_refused_record_fails_alone_and_the_batch_is_not_redone(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(
        disabled_plugins=frozenset({"dedupe", "extract", "link", "cluster", "translate", "search"})
    )
    with app.session_factory() as session:
        session.add(Outlet(name="سبق"))
        session.commit()
    records = [
        {"title": "خبر أول", "text": "قال المتحدث إن الاجتماع انتهى مساء أمس.", "outlet": "واع"},
        {"title": "بالصور", "text": "رابط الخبر بصحيفة الوئام: بالصور", "outlet": "الوئام"},
        {"title": "خبر ثان", "text": "أعلنت الوزارة نتائج الامتحانات اليوم.", "outlet": "واع"},
        {"title": "خبر ثالث", "text": "افتتح الأمير المعرض الدولي للكتاب.", "outlet": " سبق "},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    batches: list[int] = []
    process_batch = Parse.process_batch

    def counted(self: Parse, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        batches.append(len(articles))
        return process_batch(self, ctx, articles)

    monkeypatch.setattr(Parse, "process_batch", counted)
    ids = app.ingest([path]).article_ids

    report = app.pipeline().run(ids)

    assert batches == [4]  # the refusal is an outcome, not a reason to redo the batch
    assert [(f.article_id, f.stage, f.error) for f in report.failures] == [
        (ids[1], "parse", "refused: no body text (only source_link)")
    ]
    with app.session_factory() as session:
        articles = session.scalars(select(Article).order_by(Article.id)).all()
        assert [a.outlet.name if a.outlet else None for a in articles] == [
            "واع",
            None,
            "واع",
            "سبق",
        ]
        assert articles[1].text is None and articles[1].title is None
        assert sorted(session.scalars(select(Outlet.name))) == sorted(["سبق", "واع"])
        assert (
            session.scalar(select(func.count(Paragraph.id)).where(Paragraph.article_id == ids[1]))
            == 0
        )
        assert articles[2].text == "أعلنت الوزارة نتائج الامتحانات اليوم."


def _body_rows(session: Session) -> dict[str, list[tuple[object, ...]]]:
    """What parse, normalize and translate stored, without row ids."""
    return {
        "articles": [
            tuple(row)
            for row in session.execute(
                select(
                    Article.id, Article.title, Article.text, Article.match_key, Article.outlet_id
                ).order_by(Article.id)
            )
        ],
        "outlets": [tuple(row) for row in session.execute(select(Outlet.id, Outlet.name))],
        "paragraphs": sorted(
            tuple(row)
            for row in session.execute(
                select(Paragraph.article_id, Paragraph.position, Paragraph.start, Paragraph.text)
            )
        ),
        "sentences": sorted(
            tuple(row)
            for row in session.execute(
                select(Sentence.article_id, Sentence.position, Sentence.start, Sentence.end)
            )
        ),
        "translations": sorted(
            tuple(row)
            for row in session.execute(
                select(
                    Translation.article_id,
                    Translation.field,
                    Translation.position,
                    Translation.text,
                )
            )
        ),
    }


def test_a_rerun_replaces_what_parse_normalize_and_translate_stored(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        before = _body_rows(session)
        ids = list(session.scalars(select(Article.id)))
    assert before["translations"] and before["sentences"]

    report = seeded_app.pipeline().run(ids, only=["parse", "normalize", "translate"], force=True)

    assert not report.failures
    with seeded_app.session_factory() as session:
        assert _body_rows(session) == before


def test_a_translator_failing_on_one_article_fails_it_alone(
    seeded_app: Marsad, monkeypatch: pytest.MonkeyPatch
) -> None:
    with seeded_app.session_factory() as session:
        before = _body_rows(session)["translations"]
        rows = session.execute(select(Article.id, Article.title).order_by(Article.id))
        titles = {article_id: title for article_id, title in rows}
    bad = next(iter(titles))
    translate = OfflineTranslator.translate

    def failing(
        self: OfflineTranslator, texts: Sequence[str], source: str | None, target: str
    ) -> list[str]:
        if titles[bad] in texts:
            raise ConnectionError("engine unreachable")
        return translate(self, texts, source, target)

    monkeypatch.setattr(OfflineTranslator, "translate", failing)
    # A version of the engine that has translated nothing yet: nothing is cached.
    monkeypatch.setattr(OfflineTranslator, "version", "untried")

    report = seeded_app.pipeline().run(list(titles), only=["translate"], force=True)

    assert [(f.article_id, f.error) for f in report.failures] == [
        (bad, "ConnectionError: engine unreachable")
    ]
    with seeded_app.session_factory() as session:
        assert _body_rows(session)["translations"] == before  # the failed one kept its own
