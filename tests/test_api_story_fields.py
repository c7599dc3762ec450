"""A story at a glance: its summary, outlets, article count and time span.

On the five seeds, which form one story and of which only one names its outlet and
two a publication time; a few unrelated articles make more stories for the page cost.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from api_client import ApiClient, counting_statements
from conftest import ROOT
from sqlalchemy import select, update

from marsad.core import models as db
from marsad.core.application import Marsad

FIELDS = """{ stories(first: 10) { edges { node {
    id title summary outlets articleCount articlesWithoutOutlet
    firstPublishedAt lastPublishedAt firstPublishedTimeKnown lastPublishedTimeKnown
    articles { text publishedAt outlet { name } }
} } } }"""

# Unrelated events, one article each: each becomes a story of its own.
UNRELATED = {
    "rain": "الأرصاد تتوقع أمطارا غزيرة على جدة\n\nتوقعت هيئة الأرصاد هطول أمطار غزيرة "
    "على محافظة جدة يوم الخميس مع رياح نشطة. ودعت السكان إلى الحذر.\n",
    "match": "الهلال يفوز على النصر بثلاثة أهداف\n\nفاز فريق الهلال على النصر بثلاثة "
    "أهداف مقابل هدف في مباراة الدوري مساء السبت. وسجل المهاجم هدفين.\n",
    "book": "افتتاح معرض الكتاب في الرياض بمشاركة ألف دار نشر\n\nافتتح معرض الرياض "
    "الدولي للكتاب أبوابه للزوار بمشاركة ألف دار نشر من ثلاثين دولة. ويستمر عشرة أيام.\n",
    "oil": "ارتفاع أسعار النفط مع تراجع المخزونات الأمريكية\n\nارتفعت أسعار خام برنت "
    "في تعاملات الثلاثاء بعد أن أظهرت بيانات تراجع المخزونات الأمريكية للأسبوع الثالث.\n",
}


def stories(api: ApiClient) -> list[dict[str, Any]]:
    return [edge["node"] for edge in api.data(FIELDS)["stories"]["edges"]]


def seed_story(api: ApiClient) -> dict[str, Any]:
    (found,) = stories(api)
    assert found["articleCount"] == len(found["articles"]) == 5
    return found


def ranked_outlets(articles: list[dict[str, Any]]) -> list[str]:
    """The outlet rule, written again from the articles the API lists."""
    counts = Counter(a["outlet"]["name"] for a in articles if a["outlet"] is not None)
    return sorted(counts, key=lambda name: (-counts[name], name))


def test_the_seeds_story_is_summed_up_by_the_start_of_one_of_its_articles(
    seeded_app: Marsad,
) -> None:
    found = seed_story(ApiClient(seeded_app))
    summary = found["summary"]
    assert summary and summary.strip() and len(summary) <= 300
    texts = [(a["text"] or "").lstrip() for a in found["articles"]]
    assert any(text.startswith(summary.removesuffix("…")) for text in texts), summary
    with seeded_app.session_factory() as session:
        stored = session.scalar(select(db.Story.summary))
    assert summary == stored


def test_the_seeds_outlets_and_counts_agree_with_their_articles(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)
    found = seed_story(api)
    # As ingested, only the Khaleej article names its outlet.
    assert found["outlets"] == ranked_outlets(found["articles"]) == ["الخليج الجديد"]
    assert found["articlesWithoutOutlet"] == 4

    # Give two articles one outlet and one another, leaving one unknown: the outlet
    # with two articles comes first, then the two with one by name.
    with seeded_app.session_factory() as session, session.begin():
        unknown = session.scalars(
            select(db.Article.id).where(db.Article.outlet_id.is_(None)).order_by(db.Article.id)
        ).all()
        zulu, alpha = db.Outlet(name="Zulu"), db.Outlet(name="Alpha")
        session.add_all([zulu, alpha])
        session.flush()
        for article, outlet in zip(unknown, (zulu, zulu, alpha), strict=False):
            session.execute(
                update(db.Article).where(db.Article.id == article).values(outlet_id=outlet.id)
            )
    found = seed_story(api)
    assert found["outlets"] == ranked_outlets(found["articles"])
    assert found["outlets"] == ["Zulu", "Alpha", "الخليج الجديد"]
    assert found["articlesWithoutOutlet"] == 1
    assert found["articlesWithoutOutlet"] == sum(a["outlet"] is None for a in found["articles"])


def test_the_seeds_time_span_is_that_of_their_known_publication_times(
    seeded_app: Marsad,
) -> None:
    api = ApiClient(seeded_app)
    found = seed_story(api)
    known = [a["publishedAt"] for a in found["articles"] if a["publishedAt"] is not None]
    assert len(known) == 2 < len(found["articles"])  # the undated ones are left out
    assert found["firstPublishedAt"] == min(known) == "2021-02-24T00:00:00+00:00"
    assert found["lastPublishedAt"] == max(known) == "2021-02-24T03:34:00+00:00"
    # That midnight is a date line's day with no time; 03:34 is a stamped time.
    assert (found["firstPublishedTimeKnown"], found["lastPublishedTimeKnown"]) == (False, True)

    with seeded_app.session_factory() as session, session.begin():
        session.execute(update(db.Article).values(published_at=None))
    found = seed_story(api)
    assert found["firstPublishedAt"] is None and found["lastPublishedAt"] is None


@pytest.fixture
def many_stories(seeded_app: Marsad, tmp_path: Path) -> Marsad:
    """The seeds' story and one story for each unrelated article."""
    folder = tmp_path / "unrelated"  # not tmp_path itself, which holds the SQLite file
    folder.mkdir()
    for name, text in UNRELATED.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    report = seeded_app.ingest([folder])
    assert report.stored == len(UNRELATED) and not report.errors
    assert not seeded_app.pipeline().run(report.article_ids).failures
    return seeded_app


def test_every_story_of_a_page_has_its_own_figures(many_stories: Marsad) -> None:
    found = stories(ApiClient(many_stories))
    assert len(found) == 1 + len(UNRELATED)
    for story in found:
        articles = story["articles"]
        assert story["articleCount"] == len(articles)
        assert story["outlets"] == ranked_outlets(articles)
        assert story["articlesWithoutOutlet"] == sum(a["outlet"] is None for a in articles)
        known = [a["publishedAt"] for a in articles if a["publishedAt"] is not None]
        assert story["firstPublishedAt"] == (min(known) if known else None)
        assert story["lastPublishedAt"] == (max(known) if known else None)
    singles = [story for story in found if story["articleCount"] == 1]
    assert len(singles) == len(UNRELATED)
    assert {story["summary"].split()[0] for story in singles} == {
        text.split("\n\n")[1].split()[0] for text in UNRELATED.values()
    }


PAGE = """query($n: Int) { stories(first: $n) { edges { node {
    title summary outlets articleCount articlesWithoutOutlet firstPublishedAt lastPublishedAt
} } } }"""


def test_a_page_of_stories_costs_the_same_statements_whatever_its_size(
    many_stories: Marsad,
) -> None:
    api = ApiClient(many_stories)
    api.data(PAGE, {"n": 1})  # warm up: connections, dialect checks
    counts = {}
    for size in (1, 3, 1 + len(UNRELATED)):
        with counting_statements(many_stories) as counter:
            data = api.data(PAGE, {"n": size})
        assert len(data["stories"]["edges"]) == size
        counts[size] = counter.statements
    # the page, then one GROUP BY for the counts and the span, one for the outlets
    assert all(len(statements) == 3 for statements in counts.values()), counts
    assert sum("GROUP BY" in statement for statement in counts[1 + len(UNRELATED)]) == 2


def test_the_story_overview_example_names_the_seeds_outlet_and_span(seeded_app: Marsad) -> None:
    query = (ROOT / "examples" / "queries" / "story_overview.graphql").read_text(encoding="utf-8")
    (edge,) = ApiClient(seeded_app).data(query)["stories"]["edges"]
    story = edge["node"]
    assert story["summary"] and story["articleCount"] == 5
    assert (story["outlets"], story["articlesWithoutOutlet"]) == (["الخليج الجديد"], 4)
    assert (story["firstPublishedAt"], story["lastPublishedAt"]) == (
        "2021-02-24T00:00:00+00:00",
        "2021-02-24T03:34:00+00:00",
    )
