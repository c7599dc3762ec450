"""How figures moved: a story's timeline and the first report of each disputed value.

The pure functions are tested on made-up rows (a figure that rose over time, articles
without a known time); the API on the five seeds, whose outlets disagree on how many
rockets fell and of which only two carry a publication time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_client import ApiClient, StatementCounter, counting_statements
from sqlalchemy import update
from strawberry.relay import from_base64

from marsad.api.loaders import span_end
from marsad.core import models as db
from marsad.core.application import Marsad
from marsad.plugins.link.disputes import (
    Report,
    chronological,
    disputes,
    in_publication_order,
    timeline,
)

ROCKETS = "unit:صاروخ"
THREE, FOUR = "3 صاروخ (exact)", "4 صاروخ (exact)"


def at(hour: int) -> datetime:
    return datetime(2021, 2, 24, hour, tzinfo=UTC)


def rockets(claim_id: int, article_id: int, value: float, start: int = 0) -> db.Claim:
    return db.Claim(
        id=claim_id,
        article_id=article_id,
        kind=db.ClaimKind.QUANTITY,
        text=f"{value:g} rockets",
        start=start,
        end=start + 5,
        negated=False,
        quantity_value=value,
        quantity_unit="صاروخ",
        qualifier=db.Qualifier.EXACT,
        slot_key=ROCKETS,
    )


def contradicts(source: int, target: int) -> db.ClaimLink:
    return db.ClaimLink(
        source_id=source, target_id=target, kind=db.ClaimLinkKind.CONTRADICTS, score=1.0
    )


# -- the pure functions ------------------------------------------------------------


def test_publication_order_puts_known_times_first_then_unknown_ones_by_article_id() -> None:
    rows = [
        Report(rockets(1, 5, 4), "late", None),
        Report(rockets(2, 9, 4), "B", at(12)),
        Report(rockets(3, 7, 3), "A", at(10)),
        Report(rockets(4, 3, 3), "early", None),
        Report(rockets(5, 4, 4), "C", at(12)),  # same time as article 9: article id decides
    ]
    ordered = in_publication_order(rows)
    assert [r.claim.article_id for r in ordered] == [7, 4, 9, 3, 5]
    assert [r.claim.quantity_value for r in ordered] == [3, 4, 4, 3, 4]


def test_a_day_only_date_comes_after_every_time_of_its_day_and_before_the_next_day() -> None:
    midnight = at(0)  # how a date without a time is stored
    rows = [
        Report(rockets(1, 1, 3), "dated", midnight, time_known=False),
        Report(rockets(2, 2, 3), "late that day", at(23)),
        Report(rockets(3, 3, 3), "early that day", at(3)),
        Report(rockets(4, 4, 3), "next day", midnight + timedelta(days=1)),
        Report(rockets(5, 5, 3), "the day before", at(0) - timedelta(minutes=1)),
    ]
    assert [r.claim.article_id for r in in_publication_order(rows)] == [5, 3, 2, 1, 4]


def test_order_is_chronological_unless_a_day_only_date_shares_its_day() -> None:
    timed = Report(rockets(1, 1, 3), None, at(3))
    day_only = Report(rockets(2, 2, 3), None, at(0), time_known=False)
    next_day = Report(rockets(3, 3, 3), None, at(0) + timedelta(days=1), time_known=False)
    same_article = Report(rockets(4, 2, 3), None, at(0), time_known=False)
    assert chronological([timed, next_day, day_only, same_article]) is False
    assert chronological([timed, next_day]) is True
    assert chronological([day_only, same_article, next_day]) is True
    assert chronological([timed, Report(rockets(5, 5, 3), None, None)]) is False


def test_a_dispute_knows_which_articles_are_dated_to_the_day_only() -> None:
    claims = [rockets(1, 1, 4), rockets(2, 2, 3)]
    published = {1: at(0), 2: at(3)}
    (slot,) = timeline(disputes(claims, [contradicts(1, 2)], {}, {}, published, day_only={1}))
    assert [v.value for v in slot.values] == [THREE, FOUR]
    assert slot.values[1].first.time_known is False


def test_publication_order_within_one_article_follows_the_text() -> None:
    rows = [Report(rockets(8, 2, 3, start=40), None, None), Report(rockets(9, 2, 3), None, None)]
    assert [r.claim.id for r in in_publication_order(rows)] == [9, 8]


def test_a_figure_that_rose_is_listed_in_the_order_it_was_reported() -> None:
    # The 4 was ingested first (lower ids) but published later than the 3.
    claims = [rockets(1, 1, 4), rockets(2, 2, 3), rockets(3, 3, 3), rockets(4, 4, 4)]
    links = [contradicts(1, 2), contradicts(2, 3), contradicts(3, 4)]
    outlets = {1: "Later", 2: "Earlier", 3: "Undated"}
    published = {1: at(12), 2: at(10)}
    (slot,) = disputes(claims, links, outlets, {}, published)
    # disputes keep their own order (first claim id); only the timeline reorders
    assert [v.value for v in slot.values] == [FOUR, THREE]
    four, three = slot.values
    assert (four.first.outlet, four.first.published_at) == ("Later", at(12))
    assert (three.first.outlet, three.first.published_at) == ("Earlier", at(10))
    assert [r.claim.article_id for r in three.reports] == [2, 3]
    assert [r.claim.article_id for r in four.reports] == [1, 4]

    (moved,) = timeline([slot])
    assert moved.slot.key == ROCKETS
    assert [v.value for v in moved.values] == [THREE, FOUR]


def test_values_known_only_from_undated_articles_come_last_by_ingest_order() -> None:
    claims = [rockets(1, 3, 2), rockets(2, 1, 4), rockets(3, 2, 3)]
    links = [contradicts(1, 2), contradicts(2, 3)]
    (slot,) = timeline(disputes(claims, links, {}, {}, {2: at(9)}))
    assert [v.value for v in slot.values] == [
        "3 صاروخ (exact)",  # article 2 has a time
        "4 صاروخ (exact)",  # articles 1 and 3 do not: ingest order
        "2 صاروخ (exact)",
    ]
    assert slot.values[1].first.published_at is None
    assert slot.values[1].first.outlet is None


# -- the API on the seeds -------------------------------------------------------------

PARTS = ("At", "TimeKnown")
GREEN_ZONE_ROCKETS = "unit:صاروخ@منطقه خضراء"
API_THREE, API_FOUR = "3", "4"  # labels in English

TIMELINE = """{ stories(first: 5) { edges { node {
    firstPublishedAt firstPublishedTimeKnown lastPublishedAt lastPublishedTimeKnown
    articles { id publishedAt publishedTimeKnown outlet { name } }
    disputes { slot { key } values { value: label(language: "en") firstReportedAt firstOutlet
                                     firstArticle { id } claims { article { id } } } }
    timeline { slot { key } ordered values {
        value: label(language: "en") firstReportedAt firstReportedTimeKnown firstOutlet reports {
        article { id } outlet publishedAt publishedTimeKnown repeats claim { id text }
    } } }
} } } }"""


def article_id(global_id: str) -> int:
    kind, raw = from_base64(global_id)
    assert kind == "Article"
    return int(raw)


def rule(report: dict[str, Any]) -> tuple[bool, datetime, int]:
    """The ordering rule, written again from what the API answers: a day-only date
    counts as the end of its day."""
    published = report["publishedAt"]
    if published is None:
        moment = datetime.min.replace(tzinfo=UTC)
    else:
        moment = datetime.fromisoformat(published)
        if report["publishedTimeKnown"] is False:
            moment += timedelta(days=1, microseconds=-1)
    return (published is None, moment, article_id(report["article"]["id"]))


def story(api: ApiClient) -> dict[str, Any]:
    stories = [edge["node"] for edge in api.data(TIMELINE)["stories"]["edges"]]
    (found,) = [
        s for s in stories if any(d["slot"]["key"] == GREEN_ZONE_ROCKETS for d in s["timeline"])
    ]
    return found


def rocket_slot(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (slot,) = [s for s in found["timeline"] if s["slot"]["key"] == GREEN_ZONE_ROCKETS]
    return {value["value"]: value for value in slot["values"]}


def test_the_seeds_timeline_lists_each_rocket_figure_with_its_reports(
    seeded_app: Marsad,
) -> None:
    found = story(ApiClient(seeded_app))
    assert [s["slot"] for s in found["timeline"]] == [d["slot"] for d in found["disputes"]]
    timeline_rockets = rocket_slot(found)
    assert {API_THREE, API_FOUR, "2"} <= set(timeline_rockets)

    (dispute,) = [d for d in found["disputes"] if d["slot"]["key"] == GREEN_ZONE_ROCKETS]
    for value in dispute["values"]:
        reports = timeline_rockets[value["value"]]["reports"]
        # the same articles as the dispute's claims, each as often
        assert sorted(article_id(r["article"]["id"]) for r in reports) == sorted(
            article_id(c["article"]["id"]) for c in value["claims"]
        )

    articles = {article_id(a["id"]): a for a in found["articles"]}
    for value in timeline_rockets.values():
        reports = value["reports"]
        assert reports == sorted(reports, key=rule)
        assert [r["repeats"] for r in reports] == [False] + [True] * (len(reports) - 1)
        for report in reports:
            article = articles[article_id(report["article"]["id"])]
            assert report["publishedAt"] == article["publishedAt"]
            assert report["publishedTimeKnown"] == article["publishedTimeKnown"]
            assert report["outlet"] == (article["outlet"] or {}).get("name")
        assert value["firstReportedAt"] == reports[0]["publishedAt"]
        assert value["firstReportedTimeKnown"] == reports[0]["publishedTimeKnown"]
        assert value["firstOutlet"] == reports[0]["outlet"]

    (slot,) = [s for s in found["timeline"] if s["slot"]["key"] == GREEN_ZONE_ROCKETS]
    firsts = [rule(value["reports"][0]) for value in slot["values"]]
    assert firsts == sorted(firsts)
    assert slot["ordered"] is False  # some seeds carry no publication time

    # Only the Khaleej article is dated among the 3's; the other one comes after it.
    three = timeline_rockets[API_THREE]
    assert three["firstOutlet"] == "الخليج الجديد"
    assert three["firstReportedAt"] == "2021-02-24T03:34:00+00:00"
    assert [r["publishedAt"] is None for r in three["reports"]] == [False, True]
    assert timeline_rockets[API_FOUR]["firstReportedAt"] is None

    # One seed's date line ("الأربعاء 2021/02/24") gives the day only: stored as that
    # day's midnight, it still comes after the 3 stamped 03:34 that day.
    day_only = [a["publishedAt"] for a in found["articles"] if a["publishedTimeKnown"] is False]
    assert day_only == ["2021-02-24T00:00:00+00:00"]
    assert slot["values"][0]["value"] == API_THREE
    assert timeline_rockets["at least 3"]["firstReportedTimeKnown"] is False
    # The story's span starts on that day, not at 00:00 UTC.
    span = [found[f"{end}Published{part}"] for end in ("first", "last") for part in PARTS]
    assert span == ["2021-02-24T00:00:00+00:00", False, "2021-02-24T03:34:00+00:00", True]


def test_dispute_values_name_their_first_report(seeded_app: Marsad) -> None:
    found = story(ApiClient(seeded_app))
    (dispute,) = [d for d in found["disputes"] if d["slot"]["key"] == GREEN_ZONE_ROCKETS]
    timeline_rockets = rocket_slot(found)
    for value in dispute["values"]:
        first = timeline_rockets[value["value"]]["reports"][0]
        assert value["firstArticle"]["id"] == first["article"]["id"]
        assert value["firstOutlet"] == first["outlet"]
        assert value["firstReportedAt"] == timeline_rockets[value["value"]]["firstReportedAt"]


def test_a_figure_that_rose_on_the_seeds(seeded_app: Marsad) -> None:
    """Date the articles so that the 3 came at 10:00 and the 4 at 12:00."""
    api = ApiClient(seeded_app)
    before = rocket_slot(story(api))
    three = article_id(before[API_THREE]["reports"][0]["article"]["id"])
    four = article_id(before[API_FOUR]["reports"][0]["article"]["id"])
    assert three != four
    with seeded_app.session_factory() as session, session.begin():
        session.execute(update(db.Article).values(published_at=None))
        for article, hour in ((three, 10), (four, 12)):
            session.execute(
                update(db.Article).where(db.Article.id == article).values(published_at=at(hour))
            )
    (slot,) = [s for s in story(api)["timeline"] if s["slot"]["key"] == GREEN_ZONE_ROCKETS]
    values = [value["value"] for value in slot["values"]]
    assert values.index(API_THREE) < values.index(API_FOUR) == 1
    assert slot["values"][0]["firstReportedAt"] == "2021-02-24T10:00:00+00:00"
    assert slot["values"][1]["firstReportedAt"] == "2021-02-24T12:00:00+00:00"


@pytest.fixture
def statements(seeded_app: Marsad) -> Iterator[StatementCounter]:
    with counting_statements(seeded_app) as counter:
        yield counter


def test_the_timeline_costs_no_statement_per_article_or_claim(
    seeded_app: Marsad, statements: StatementCounter
) -> None:
    api = ApiClient(seeded_app)
    disputes_only = "{ stories(first: 5) { edges { node { disputes { slot { key } } } } } }"
    with_timeline = """{ stories(first: 5) { edges { node { disputes { slot { key } } timeline {
        slot { key } ordered values { label firstReportedAt firstOutlet reports {
            outlet publishedAt repeats claim { text } article { title } } }
    } } } } }"""
    api.data(with_timeline)  # warm up: connections, dialect checks
    statements.statements.clear()
    api.data(disputes_only)
    base = len(statements.statements)
    statements.statements.clear()
    api.data(with_timeline)
    # the timeline shares the disputes' loader; the reports' articles are one batch
    assert len(statements.statements) == base + 1, statements.statements


def test_a_story_span_ends_show_whether_their_time_of_day_is_known() -> None:
    day, early = at(0), at(0) - timedelta(hours=2)
    assert span_end(day, at(3), latest=False) == (day, False)
    assert span_end(day, early, latest=False) == (early, True)
    assert span_end(day, at(3), latest=True) == (at(3), True)
    assert span_end(day, early, latest=True) == (day, False)
    assert span_end(day, day, latest=True) == (day, True)
    assert span_end(None, at(3), latest=True) == (at(3), True)
    assert span_end(None, None, latest=False) == (None, None)
