"""The pieces stories are made of, alone: how two articles are weighed as reports of
one event, and how weighted pairs are grouped into stories with ids that last."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from marsad.core import Article, ArticleLink, ArticleLinkKind
from marsad.core.application import Marsad
from marsad.plugins.cluster.event_clusters import average_linkage, central, keep_names
from marsad.plugins.cluster.event_similarity import (
    LEAD_CHARS,
    MIN_COVERAGE,
    SAME_OUTLET_FACTOR,
    UNCOVERED_FACTOR,
    Background,
    EventProfile,
    background,
    cosine,
    coverage,
    event_evidence,
    event_weight,
    event_words,
    profile,
)
from marsad.plugins.cluster.stories import (
    copies_another_event,
    link_weight,
    swapped_for_opposite,
)
from marsad.text.ages import ages_named
from marsad.text.dates import weekdays_named
from marsad.text.reuse import replaced_runs, words

# Two cables of one template to two countries: one topic, two events.
TUNISIA = (
    "القيادة تهنئ الرئيس التونسي بذكرى إعلان الجمهورية",
    "بعث خادم الحرمين الشريفين برقية تهنئة للرئيس الباجي قايد السبسي رئيس الجمهورية "
    "التونسية بمناسبة ذكرى إعلان الجمهورية لبلاده. وأعرب عن أصدق التهاني وأطيب التمنيات.",
)
TUNISIA_AGAIN = (
    "خادم الحرمين يهنئ الرئيس التونسي بذكرى إعلان الجمهورية",
    "بعث خادم الحرمين الشريفين برقية تهنئة إلى الرئيس الباجي قايد السبسي بمناسبة ذكرى "
    "إعلان الجمهورية التونسية، معربا عن أطيب التمنيات لحكومة وشعب تونس.",
)
MALDIVES = (
    "القيادة تهنئ رئيس المالديف بذكرى الاستقلال",
    "بعث خادم الحرمين الشريفين برقية تهنئة للرئيس عبدالله يامين رئيس جمهورية المالديف "
    "بمناسبة ذكرى استقلال بلاده. وأعرب عن أصدق التهاني وأطيب التمنيات.",
)


def test_the_shipped_background_reads() -> None:
    known = background()
    assert known.articles > 10_000 and len(known.frequency) > 10_000
    # A word in many articles says little and is left out; a name in few says much.
    (kingdom,) = event_words("المملكة")
    assert known.common(kingdom) and not known.common("سبسي")
    assert known.idf("سبسي") > known.idf("ملك")
    assert event_words("قال إن المملكة") == [kingdom]  # function words never count


def test_the_background_format_round_trips_and_a_bad_one_is_refused() -> None:
    known = Background(10, {"تونس": 3, "ملك": 9, "نادر": 1})
    again = Background.parse(known.lines())
    assert again == Background(10, {"تونس": 3, "ملك": 9})  # under three: unseen
    with pytest.raises(ValueError, match="articles"):
        Background.parse(["تونس\t3"])


def test_two_reports_of_one_event_weigh_more_than_two_events_of_one_template() -> None:
    tunisia, again, maldives = (profile(*texts) for texts in (TUNISIA, TUNISIA_AGAIN, MALDIVES))
    same, different = event_weight(tunisia, again), event_weight(tunisia, maldives)
    assert same > different
    # The same weight from either side, to the last bit.
    assert event_weight(maldives, tunisia) == different
    assert event_weight(again, tunisia) == same


def test_a_title_the_other_article_does_not_name_halves_the_weight() -> None:
    """Two notices of one template about two incidents: what differs is in the titles."""
    template = (
        "أوضح المتحدث الرسمي لمديرية الدفاع المدني أن الفرق باشرت بلاغا عن سقوط مقذوف "
        "من داخل الأراضي اليمنية، {what}، وتم اتخاذ الإجراءات اللازمة."
    )
    qanbura = profile(
        "وفاة عامل بسقوط مقذوف على مزرعة في القنبورة",
        template.format(what="في مزرعة بقرية القنبورة نتج عنه وفاة عامل"),
    )
    najran = profile(
        "إصابة ثلاثة أطفال بمقذوف على منزل في نجران",
        template.format(what="على منزل مواطن بنجران نتج عنه إصابة ثلاثة أطفال"),
    )
    qanbura_again = profile(
        "مقذوف من اليمن يقتل عاملا في مزرعة بالقنبورة",
        template.format(what="على مزرعة في القنبورة مما أدى إلى وفاة عامل"),
    )
    assert (coverage(qanbura, najran) + coverage(najran, qanbura)) / 2 < MIN_COVERAGE
    assert event_weight(qanbura, najran) == cosine(qanbura, najran) * UNCOVERED_FACTOR
    assert event_weight(qanbura, qanbura_again) == cosine(qanbura, qanbura_again)
    assert event_weight(qanbura, qanbura_again) > event_weight(qanbura, najran)


def test_two_articles_of_one_outlet_weigh_half(app: Marsad, tmp_path: Path) -> None:
    """One outlet's second, different article on a subject is as often the next
    development: the pair weighs half what it would between two outlets."""
    records = [
        {"url": "http://a/1", "outlet": "okaz", "title": TUNISIA[0], "text": TUNISIA[1]},
        {
            "url": "http://a/2",
            "outlet": "okaz",
            "title": TUNISIA_AGAIN[0],
            "text": TUNISIA_AGAIN[1],
        },
        {
            "url": "http://b/3",
            "outlet": "sabq",
            "title": TUNISIA_AGAIN[0],
            "text": TUNISIA_AGAIN[1] + " ",
        },
    ]
    path = tmp_path / "cables.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    report = app.ingest([path])
    assert report.stored == 3, report.errors
    assert (
        not app.pipeline()
        .run(report.article_ids, only=["parse", "normalize", "dedupe", "cluster"])
        .failures
    )
    first, same_outlet, other_outlet = sorted(report.article_ids)
    with app.session_factory() as session:
        links = {
            (link.target_id, link.source_id): link
            for link in session.scalars(
                select(ArticleLink).where(ArticleLink.kind == ArticleLinkKind.SAME_STORY)
            )
        }
    one, two = links[first, same_outlet], links[first, other_outlet]
    assert one.evidence["same_outlet"] is True and two.evidence["same_outlet"] is False
    assert one.evidence["factors"] == {"same_outlet": SAME_OUTLET_FACTOR}  # the score, explained
    assert two.evidence["factors"] == {}
    # The link says which words tied the two: the country and its president among the first.
    assert {"تونسي", "سبسي"} <= set(one.evidence["shared_words"][:4]), one.evidence
    tunisia, again = profile(*TUNISIA), profile(*TUNISIA_AGAIN)
    assert one.score == round(event_weight(tunisia, again) * SAME_OUTLET_FACTOR, 3)
    assert event_weight(tunisia, again, same_outlet=True) == event_weight(tunisia, again) * 0.5


def test_a_stray_link_does_not_chain_two_groups() -> None:
    # Two tightly knit groups, and one strong link between them.
    weights = {pair: 0.8 for pair in [(1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6)]}
    weights[3, 4] = 0.7  # weaker than the links within each group, as a stray link is
    assert average_linkage(range(1, 8), weights, 0.35) == [[1, 2, 3], [4, 5, 6], [7]]
    # With enough links between them, they are one group.
    weights.update({(1, 4): 0.6, (2, 5): 0.6, (3, 6): 0.6, (2, 4): 0.5, (1, 5): 0.6})
    assert average_linkage(range(1, 8), weights, 0.35) == [[1, 2, 3, 4, 5, 6], [7]]


def test_groups_holding_a_pair_kept_apart_are_not_joined() -> None:
    # One group by its weights, but 3 and 5 are known to report different events.
    weights = {(a, b): 0.8 for a in range(1, 7) for b in range(a + 1, 7)}
    assert average_linkage(range(1, 7), weights, 0.35) == [[1, 2, 3, 4, 5, 6]]
    groups = average_linkage(range(1, 7), weights, 0.35, apart=[(3, 5)])
    assert not any({3, 5} <= set(group) for group in groups)
    assert sorted(m for group in groups for m in group) == [1, 2, 3, 4, 5, 6]
    # Kept apart through the groups they joined: {1, 2} takes 3 (on a tie, the
    # smaller), and then 5 may not join it; 1 joins 3 and 2 joins 5, and then the
    # two groups may not meet.
    weights = {(1, 3): 0.9, (2, 5): 0.9, (1, 2): 0.95}
    assert average_linkage([1, 2, 3, 5], weights, 0.35, apart=[(3, 5)]) == [[1, 2, 3], [5]]
    weights = {(1, 3): 0.99, (2, 5): 0.99, (1, 2): 0.9}
    assert average_linkage([1, 2, 3, 5], weights, 0.35, apart=[(3, 5)]) == [[1, 3], [2, 5]]


def test_a_copy_that_names_another_day_keeps_its_articles_apart() -> None:
    """The same sentence naming another day is another day's event (a ministry's
    next batch of arrests); naming the same day, or none, says nothing."""

    def copy(text: str, original: str) -> dict[str, object]:
        return {"passages": [{"text": text, "original_text": original}]}

    thursday = "وأعلنت الوزارة يوم الخميس القبض على 19 من عناصر التنظيم"
    saturday = "وأعلنت الوزارة أمس السبت القبض على 24 من عناصر التنظيم"
    assert copies_another_event(copy(saturday, thursday))
    assert not copies_another_event(copy(thursday.replace("19", "21"), thursday))
    assert not copies_another_event(copy("وأعلنت الوزارة القبض على 24 من العناصر", thursday))
    assert not copies_another_event({"cosine": 0.8})
    assert weekdays_named("والجمعة") == weekdays_named("يوم الجمعه") == {5}
    assert weekdays_named("الإثنين والأحد") == {0, 1}
    assert weekdays_named("أحد الأشخاص") == frozenset()


def test_a_copy_that_gives_another_age_keeps_its_articles_apart() -> None:
    """The same sentence about a person of another age is about another person."""
    case = "وأعلنت الوزارة تسجيل حالة إصابة لوافد يبلغ من العمر {age} عاما في الرياض"
    copy = {"passages": [{"text": case.format(age=28), "original_text": case.format(age=32)}]}
    assert copies_another_event(copy)
    same = {"passages": [{"text": case.format(age=28), "original_text": case.format(age=28)}]}
    assert not copies_another_event(same)


# One daily forecast's template, filled for two days: the regions and the winds change.
FORECAST = (
    "توقعت الرئاسة العامة للأرصاد وحماية البيئة في تقريرها عن حالة الطقس لهذا اليوم "
    "سماء غائمة جزئيا وطقس معتدل على المصايف، شديد الحرارة على شرق ووسط المملكة، "
    "{dust}.\nوأورد التقرير أن حركة الرياح السطحية على البحر الأحمر ستكون {wind} "
    "غربية إلى غربية بسرعة 15-35 كم/ساعة، وارتفاع الموج من متر إلى متر ونصف، بينما "
    "تكون حركة الرياح السطحية على الخليج العربي شرقية إلى شمالية شرقية بسرعة 10-30 "
    "كم/ساعة، وحالة البحر خفيف إلى متوسط الموج."
)
SATURDAY_FORECAST = FORECAST.format(
    dust="مع استمرار تدني الرؤية الأفقية بسبب الأتربة المثارة على مناطق مكة المكرمة "
    "وجازان وعسير والباحة تمتد حتى نجران",
    wind="جنوبية",
)
SUNDAY_FORECAST = FORECAST.format(
    dust="في حين تتأثر الرؤية الأفقية بالعوالق الترابية على مناطق جازان وعسير والباحة",
    wind="شمالية",
)


def test_a_copy_that_turns_a_direction_round_keeps_its_articles_apart() -> None:
    """One template's text with a direction or a trend turned round is another day's
    report (winds from the south-west, then the north-west); a reworded copy of one
    report, or a rewritten clause that happens to hold opposite words, is not."""

    def copy(text: str, original: str) -> dict[str, object]:
        return {"passages": [{"text": text, "original_text": original}]}

    assert copies_another_event(copy(SUNDAY_FORECAST, SATURDAY_FORECAST))
    assert swapped_for_opposite("تراجع مؤشر البورصة بنسبة 1%", "ارتفع مؤشر البورصة بنسبة 1%")
    reworded = SATURDAY_FORECAST.replace("لهذا اليوم", "اليوم السبت").replace("15-35", "15 - 35")
    assert not copies_another_event(copy(reworded, SATURDAY_FORECAST))
    # "Denied" and "confirmed it is untrue" say one thing: speech acts are not directions.
    assert not swapped_for_opposite(
        "نفى مصدر مسؤول في الصندوق رفع القرض", "أكد مصدر مسؤول في الصندوق عدم صحة رفع القرض"
    )
    # A whole clause rewritten, one of whose words is an opposite of one in the other.
    assert not swapped_for_opposite(
        "وقال إن الأسعار سترتفع في الربع المقبل بحسب التوقعات الأولية",
        "وقال إن هبوط الطلب العالمي يضغط على الأسواق منذ مطلع العام الحالي",
    )


def test_replaced_runs_are_the_short_runs_one_copy_changed() -> None:
    ours = words("ستكون جنوبية غربية إلى غربية تتحول إلى شمالية غربية بسرعة 15-35 كم")
    theirs = words("ستكون شمالية غربية إلى غربية بسرعة 15-35 كم")
    assert replaced_runs(ours, theirs) == [("جنوبيه", "شماليه")]
    assert replaced_runs(ours, ours) == []
    long_clause = words("وقد كان ذلك في يوم ماطر جدا على المدينة كلها")
    assert replaced_runs(words("وقال إن الأمر انتهى"), long_clause) == []


def test_two_days_of_one_template_are_two_stories(app: Marsad, tmp_path: Path) -> None:
    """Each day's forecast, copied by two outlets, is one story; the next day's,
    published with the same words but for the winds and the regions, is another; and
    an outlet that republishes the first day's text on the second day joins the first
    day's story, whatever the day it came out."""
    records = [
        {
            "url": f"http://{outlet}/{day}",
            "outlet": outlet,
            "published": f"2015-07-{day}T10:00:00",
            "title": f"{title} {outlet}",
            "text": text,
        }
        for outlet in ("okaz", "sabq")
        for day, title, text in (
            (25, "الأرصاد: طقس معتدل على المصايف", SATURDAY_FORECAST),
            (26, "سماء غائمة جزئيا وطقس معتدل على المصايف", SUNDAY_FORECAST),
        )
    ]
    records.append(
        {
            "url": "http://aleqt/26",
            "outlet": "aleqt",
            "published": "2015-07-26T17:00:00",
            "title": "سماء غائمة جزئيا على مناطق المملكة",
            "text": SATURDAY_FORECAST.replace("جزئيا", "جزئياً"),
        }
    )
    path = tmp_path / "forecasts.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    report = app.ingest([path])
    assert report.stored == 5, report.errors
    assert not app.pipeline().run(report.article_ids).failures
    with app.session_factory() as session:
        story_of = {article.url: article.story_id for article in session.scalars(select(Article))}
    saturday = {story_of[url] for url in ("http://okaz/25", "http://sabq/25", "http://aleqt/26")}
    sunday = {story_of[url] for url in ("http://okaz/26", "http://sabq/26")}
    assert len(saturday) == 1 and len(sunday) == 1 and saturday != sunday, story_of
    assert None not in saturday | sunday


# Two daily reports of one ministry's template on two patients.
MERS_CASE = (
    "الصحة: إصابة وافد بكورونا في الرياض",
    "أعلنت وزارة الصحة تسجيل حالة إصابة جديدة بفيروس كورونا في الرياض لوافد {who}، "
    "مؤكدة عدم تسجيل وفيات أو حالات شفاء خلال الساعات الماضية.",
)


def test_leads_that_give_other_ages_weigh_nothing() -> None:
    def case(who: str) -> EventProfile:
        return profile(MERS_CASE[0], MERS_CASE[1].format(who=who))

    aged_28, aged_32 = case("يبلغ من العمر (28 عاماً)"), case("يبلغ من العمر 32 عاما")
    assert (aged_28.ages, aged_32.ages) == ({28}, {32})
    assert cosine(aged_28, aged_32) > 0.8
    assert event_weight(aged_28, aged_32) == 0.0
    assert event_evidence(aged_28, aged_32)["factors"] == {"other_ages": 0.0}
    # The same age, or an age on one side only, says nothing against the pair.
    again = case("عمره 28 عاما")
    assert event_weight(aged_28, again) == cosine(aged_28, again)
    unnamed = case("من الجنسية الآسيوية")
    assert event_weight(aged_32, unnamed) == cosine(aged_32, unnamed)


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("المصاب وافد يبلغ من العمر 32 عاما وحالته حرجة", {32}),
        ("لوافد يبلغ من العمر(28 عاماً)", {28}),
        ("المواطنة البالغة ٣٢ سنة", {32}),
        ("طفلين (5 أعوام) و(7 سنوات)", {5, 7}),
        ("وعمره 45 عاما", {45}),
        ("منذ 30 عاماً", set()),  # years, not an age
        ("المبلغ البالغ 30 مليون ريال", set()),  # a sum, not years
        ("رجل في الخمسين من عمره", set()),  # in words: not read
        ("يبلغ من العمر 300 عام", set()),
    ],
)
def test_ages_named(text: str, ages: set[int]) -> None:
    assert ages_named(text) == ages


@pytest.mark.parametrize("seed", range(20))
def test_the_groups_do_not_depend_on_the_order_of_the_input(seed: int) -> None:
    rng = random.Random(seed)
    members = list(range(40))
    weights = {
        (a, b): round(rng.random(), 2)
        for a in members
        for b in members
        if a < b and rng.random() < 0.15
    }
    apart = rng.sample(sorted(weights), 5)
    expected = average_linkage(members, weights, 0.35, apart)
    rng.shuffle(members)
    rng.shuffle(apart)
    shuffled = dict(rng.sample(sorted(weights.items()), len(weights)))
    assert average_linkage(members, shuffled, 0.35, apart) == expected
    assert sorted(m for group in expected for m in group) == sorted(members)


def test_the_most_central_member_titles_the_group() -> None:
    weights = {(1, 2): 0.4, (2, 3): 0.9, (1, 3): 0.4, (3, 4): 0.5}
    assert central([1, 2, 3, 4], weights, lambda member: member) == 3
    # Equal strength: the tie-break decides (here the smaller member).
    assert central([1, 2], {(1, 2): 0.5}, lambda member: member) == 1


def test_stories_keep_their_ids_as_they_grow_split_and_merge() -> None:
    # Story 7 grows by a new article (5): it keeps its id.
    assert keep_names([[1, 2, 5]], {1: 7, 2: 7, 5: None}) == [7]
    # Story 7 splits: the larger part keeps it, the other is new.
    assert keep_names([[1], [2, 3]], {1: 7, 2: 7, 3: 7}) == [None, 7]
    # Stories 7 and 9 merge: the one holding more of the members names the whole.
    assert keep_names([[1, 2, 3]], {1: 9, 2: 7, 3: 7}) == [7]
    # A tie goes to the smaller id, and each id names one group only.
    assert keep_names([[1, 2], [3, 4]], {1: 9, 2: 7, 3: 9, 4: 7}) == [7, 9]


def test_a_reuse_ties_a_story_only_through_the_leads() -> None:
    """A round-up that reuses another event's report further down does not join it."""

    def reuse(start: int, original_start: int) -> float:
        passage = {"start": start, "original_start": original_start}
        evidence = {"passages": [passage], "share_of_source": 0.6, "share_of_target": 0.4}
        return link_weight(ArticleLinkKind.REUSES, 0.6, evidence)

    assert reuse(0, 0) == 0.4  # a copy from the top: the smaller share
    assert reuse(LEAD_CHARS + 500, 0) == 0.0  # the round-up's third paragraph
    assert reuse(0, LEAD_CHARS + 500) == 0.0
    assert link_weight(ArticleLinkKind.DUPLICATE, 0.9, {}) == 1.0
    assert link_weight(ArticleLinkKind.SAME_STORY, 0.42, {"cosine": 0.42}) == 0.42
