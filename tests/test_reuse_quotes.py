"""Shared quotations are not text reuse: two articles that quote one statement are not
linked REUSES; a copied paragraph of narration is."""

from __future__ import annotations

import datetime

from marsad.core import Article, ArticleLink, ArticleLinkKind
from marsad.plugins import dedupe
from marsad.text import reuse as tr
from marsad.text.arabic import sentences

STATEMENT = (
    "«إن الحكومة ماضية في تنفيذ برنامج الإصلاح الاقتصادي وفق الجدول الزمني المعلن، "
    "وسنعمل مع القطاع الخاص على توفير فرص عمل جديدة للشباب في جميع المحافظات خلال "
    "العامين المقبلين، ولن نسمح بأي تأخير في تنفيذ المشاريع الحيوية»."
)
NARRATION = (
    "وأشار إلى أن الميزانية المقبلة ستخصص جزءا أكبر من الإنفاق العام لقطاعي التعليم "
    "والصحة وتطوير البنية التحتية في المناطق الريفية النائية خلال السنوات الثلاث المقبلة."
)
# The original: narration of its own around the statement.
PRESS_CONFERENCE = (
    "أعلن رئيس الوزراء في مؤتمر صحفي عقده مساء الأحد في العاصمة أن الحكومة ستطلق "
    "حزمة جديدة من المشاريع الخدمية.\n"
    f"وقال رئيس الوزراء: {STATEMENT}\n"
    f"{NARRATION}"
)
# Another outlet's report of the same statement, in its own words.
SAME_STATEMENT = (
    "قال رئيس الحكومة خلال لقائه الصحفيين يوم الأحد: "
    f"{STATEMENT.replace('«', '“').replace('»', '”')}\n"
    "ويأتي ذلك بعد أسابيع من احتجاجات شهدتها عدة مدن على ارتفاع الأسعار."
)
# A third outlet that took the original's paragraph of narration, and no quotation.
SAME_PARAGRAPH = (
    "تواصل الحكومة إعداد الميزانية الجديدة وسط مطالب نيابية بزيادة الإنفاق.\n"
    f"{NARRATION}\n"
    "ولم يحدد المسؤولون موعدا لعرض الميزانية على البرلمان."
)


def article(id_: int, text: str, day: int) -> Article:
    return Article(
        id=id_,
        text=text,
        published_at=datetime.datetime(2021, 2, day, tzinfo=datetime.UTC),
        content_hash=str(id_),
    )


def link_between(copy: Article, original: Article) -> ArticleLink | None:
    return dedupe.compare(
        copy,
        dedupe.Features.of(copy),
        original,
        dedupe.Features.of(original),
        frozenset(),
        frozenset(),
    )


def test_articles_sharing_only_a_long_quotation_are_not_reuse() -> None:
    original, other = article(1, PRESS_CONFERENCE, 1), article(2, SAME_STATEMENT, 2)
    # The statement is a long shared sentence: it would be reuse, were quotes not told apart.
    mine = tr.keyed_sentences(sentences(other.text or ""))
    theirs = tr.keyed_sentences(sentences(original.text or ""))
    matches = tr.match_sentences(mine, theirs)
    assert [m.score for m in matches] == [1.0]
    assert matches[0].mine.words >= dedupe.REUSE_MIN_WORDS
    assert link_between(other, original) is None
    assert link_between(original, other) is None


def test_a_copied_paragraph_of_narration_is_reuse() -> None:
    original, copy = article(1, PRESS_CONFERENCE, 1), article(3, SAME_PARAGRAPH, 2)
    link = link_between(copy, original)
    assert link is not None and link.kind is ArticleLinkKind.REUSES
    assert (link.source_id, link.target_id) == (3, 1)
    assert link.evidence["narration_words"] >= dedupe.REUSE_MIN_WORDS
    (passage,) = link.evidence["passages"]
    assert passage["text"] == NARRATION


def test_narration_around_a_shared_quotation_still_counts() -> None:
    # A copy of the original within a longer article of its own: reuse by its narration,
    # and the shared quotation is a passage that counts for nothing.
    original = article(1, PRESS_CONFERENCE, 1)
    own = (
        "شهدت العاصمة أمس سلسلة اجتماعات بين الوزراء وممثلي النقابات لبحث ملف الأجور "
        "والعلاوات السنوية المتأخرة منذ العام الماضي، دون التوصل إلى اتفاق نهائي بعد.\n"
        "وطالبت النقابات بإشراكها في لجان متابعة المشاريع الجديدة في المحافظات كافة."
    )
    copy = article(4, own + "\n" + PRESS_CONFERENCE, 2)
    link = link_between(copy, original)
    assert link is not None and link.kind is ArticleLinkKind.REUSES
    assert link.evidence["narration_words"] >= len(tr.words(NARRATION))
    quoted = [p for p in link.evidence["passages"] if "«" in p["text"]]
    assert quoted and all(p["narration_words"] <= 3 for p in quoted)


def test_quote_spans_pair_marks_by_position_within_a_line() -> None:
    text = 'قال: ” بحثت في اتصال هاتفي تطوير العلاقات ” و"الكاظمي" هنا «لا»\nثم "سطر بلا إغلاق'
    spans = tr.quote_spans(text)
    # ” opens as well as closes; a quoted name ("الكاظمي", «لا») is not a quotation;
    # an odd mark at the end of a line opens nothing.
    assert [text[a:b] for a, b in spans] == ["” بحثت في اتصال هاتفي تطوير العلاقات ”"]


def test_quoted_trigrams_are_those_found_only_inside_quotes() -> None:
    text = (
        'وقال المتحدث الرسمي باسم الوزارة إن "الوزارة ستعلن نتائج التحقيق قريبا جدا" '
        "للصحفيين في مقر الوزارة."
    )
    (keyed,) = tr.keyed_sentences(sentences(text), tr.quote_spans(text))
    inside = tr.words("الوزارة ستعلن نتائج التحقيق قريبا جدا")
    assert tr.covered_words(keyed, keyed.narration) == len(tr.words(text)) - len(inside)
    assert keyed.quoted and set(keyed.quoted) <= set(keyed.grams)
    (plain,) = tr.keyed_sentences(sentences(text))  # no spans given: all narration
    assert plain.quoted == () and plain.narration == frozenset(plain.grams)
