"""Display text, match keys and sentences: gold variants, offsets and properties."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import GOLD, MakeApp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marsad.core import Article, Outcome, Sentence, StageContext
from marsad.core.paragraphs import paragraph_rows
from marsad.plugins import normalize
from marsad.plugins.normalize import Normalize
from marsad.text import arabic
from marsad.text.arabic import (
    SPACES,
    display_map,
    display_text,
    fold,
    key_span_to_text,
    match_key,
    sentences,
)

# What Arabic news text is made of, edge cases included: letters, every hamza and
# alef form, harakat, tatweel, both digit sets, quotes, bidi controls, odd spaces.
NEWS_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئىةٱ"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0654\u0670\u0640"
    "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳"
    "\"“”«»'‘’،؛؟.,:!-–()"
    "\u200f\u200e\u200b\ufeff\u00a0\u2009 \n\r\t"
    "abcXYZİ"
)
news_text = st.text(alphabet=NEWS_ALPHABET, max_size=80)


def test_gold_spelling_variants_have_equal_keys() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["normalization"]
    for variants in gold["variants"]:
        assert len({match_key(variant) for variant in variants}) == 1, variants
    assert len({match_key(mark) for mark in gold["quote_marks"]}) == 1


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("ينس\u00a0ستولتنبرغ", "ينس ستولتنبرغ"),
        ("الــــصواريخ", "الصواريخ"),
        ("\u200fبايدن\u200e  و  الكاظمي ", "بايدن و الكاظمي"),
        ("ا\u0654كد", "أكد"),  # decomposed hamza composes (NFC)
        ("سطر\r\n\r\n  ثان ", "سطر\nثان"),
    ],
)
def test_display_text(raw: str, shown: str) -> None:
    assert display_text(raw) == shown


def test_match_key_folds_what_the_issue_lists() -> None:
    assert match_key("أَكَّدَ إِنَّ آمِنٌ") == "اكد ان امن"
    assert match_key("مستشفى مدينة") == "مستشفي مدينه"
    assert match_key("٣ صواريخ و۴ و12") == "3 صواريخ و4 و12"
    assert match_key('«قال» “نعم” "لا"') == '"قال" "نعم" "لا"'
    assert match_key("لماذا؟ نعم، لا؛") == "لماذا? نعم, لا;"


@settings(max_examples=500)
@given(st.one_of(news_text, st.text(max_size=60)))
@example("İstanbul ΣΑΣ straße")
@example("a\u0301\u200b\u0327 b\r\r\n  c")
def test_fast_paths_agree_with_the_offset_maps(text: str) -> None:
    assert match_key(text) == fold(text)[0]
    assert display_text(text) == display_map(text)[0]


@given(news_text)
@example("İstanbul")
def test_normalization_is_idempotent(text: str) -> None:
    shown = display_text(text)
    assert display_text(shown) == shown
    key = match_key(text)
    assert match_key(key) == key


def _spans(length: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(0, length), st.integers(0, length)).map(sorted)  # type: ignore[arg-type]


@settings(max_examples=300)
@given(news_text, st.data())
def test_key_spans_map_back_to_the_text(text: str, data: st.DataObject) -> None:
    key, offsets = fold(text)
    assert len(offsets) == len(key) + 1
    start, end = data.draw(_spans(len(key)))
    if start == end or " " in (key[start], key[end - 1]):
        return
    if offsets[end] == offsets[end - 1] or (start and offsets[start] == offsets[start - 1]):
        return  # the span would split one character's expansion (İ -> i̇)
    text_start, _ = key_span_to_text(offsets, start, end)
    assert fold(text[text_start : offsets[end]])[0] == key[start:end]


@settings(max_examples=300)
@given(news_text, st.data())
def test_display_spans_map_back_to_the_original(text: str, data: st.DataObject) -> None:
    shown, offsets = display_map(text)
    assert len(offsets) == len(shown) + 1
    start, end = data.draw(_spans(len(shown)))
    if start == end or shown[start].isspace() or shown[end - 1].isspace():
        return
    if unicodedata.combining(shown[start]) or (
        end < len(shown) and unicodedata.combining(shown[end])
    ):
        return  # a span never separates a letter from its marks
    assert display_text(text[offsets[start] : offsets[end]]) == shown[start:end]


@given(st.text(max_size=200))
def test_no_input_crashes_it(text: str) -> None:
    shown, display_offsets = display_map(text)
    key, key_offsets = fold(text)
    assert len(display_offsets) == len(shown) + 1 and len(key_offsets) == len(key) + 1
    for sentence in sentences(shown):
        assert shown[sentence.start : sentence.end] == sentence.text


def test_no_break_spaces_are_plain_spaces_in_both_texts() -> None:
    assert "\u00a0" in SPACES
    assert match_key("ينس\u00a0ستولتنبرغ") == match_key("ينس ستولتنبرغ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سقط 3.5 صاروخ. ثم هدأ.", ["سقط 3.5 صاروخ.", "ثم هدأ."]),
        (
            "وقال الكاظمي: “أكدنا العمل. والحوار”. وانتهى",
            ["وقال الكاظمي:", "“أكدنا العمل. والحوار”.", "وانتهى"],
        ),
        ("قال د. محمد إن ذلك صحيح؟ نعم!", ["قال د. محمد إن ذلك صحيح؟", "نعم!"]),
        ("سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"]),
        ("” بحثت في اتصال . هاتفي ” . وبعد", ["” بحثت في اتصال . هاتفي ” .", "وبعد"]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    found = sentences(text)
    assert [s.text for s in found] == expected
    assert all(text[s.start : s.end] == s.text for s in found)


@given(st.lists(news_text.filter(lambda p: "\n" not in p), max_size=6))
def test_paragraph_rows_are_spans_of_the_joined_text(paragraphs: list[str]) -> None:
    text = "\n".join(paragraphs)
    rows = paragraph_rows(7, paragraphs)
    assert [text[row["start"] : row["end"]] for row in rows] == paragraphs
    assert [row["position"] for row in rows] == list(range(len(paragraphs)))


def test_an_article_normalize_cannot_split_fails_alone(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(
        disabled_plugins=frozenset({"dedupe", "extract", "link", "cluster", "translate", "search"})
    )
    texts = [
        "قال المتحدث إن الاجتماع انتهى مساء أمس.",
        "أعلنت الوزارة نتائج الامتحانات. وقال الوزير إنها جيدة.",
        "افتتح الأمير المعرض الدولي للكتاب.",
    ]
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"title": f"خبر {i}", "text": t}, ensure_ascii=False)
        for i, t in enumerate(texts)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    split = arabic.sentences

    def failing(text: str) -> list[arabic.Sentence]:
        if "الوزارة" in text:
            raise ValueError("cannot split")
        return split(text)

    batches: list[int] = []
    process_batch = Normalize.process_batch

    def counted(
        self: Normalize, ctx: StageContext, articles: Sequence[Article]
    ) -> dict[int, Outcome]:
        batches.append(len(articles))
        return process_batch(self, ctx, articles)

    monkeypatch.setattr(normalize, "sentences", failing)
    monkeypatch.setattr(Normalize, "process_batch", counted)
    ids = app.ingest([path]).article_ids

    report = app.pipeline().run(ids)

    assert batches == [3]  # the error is that article's outcome: the batch is not redone
    assert [(f.article_id, f.stage, f.error) for f in report.failures] == [
        (ids[1], "normalize", "ValueError: cannot split")
    ]
    with app.session_factory() as session:
        keys = {i: key for i, key in session.execute(select(Article.id, Article.match_key))}
        assert keys[ids[1]] is None and keys[ids[0]] and keys[ids[2]]
        per_article = select(Sentence.article_id, func.count()).group_by(Sentence.article_id)
        counts = {i: count for i, count in session.execute(per_article)}
        assert counts == {ids[0]: 1, ids[2]: 1}
