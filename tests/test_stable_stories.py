"""A story is a group of linked articles, with an id that lasts.

When an article changes so that nothing links it to its story any more, a run again
takes it out of the story; the rest keep the story and its id. A request to place an
article again (``story_changes``) that a run left behind is taken by the next one.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from conftest import SEEDS, MakeApp
from sqlalchemy import delete, func, select

from marsad.core import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    RawInput,
    StageRun,
    Story,
    StoryChange,
)
from marsad.core.application import Marsad
from marsad.plugins.cluster.stories import (
    GROUP_DAYS,
    _connected_group,
    link_weight,
    place_in_stories,
    summary_of,
)

UNRELATED = "نص آخر تماما عن موضوع مختلف لا علاقة له بالاتصال الهاتفي بين الرئيسين."


def forced(app: Marsad) -> dict[str, Any]:
    return {"force": True} if "force" in inspect.signature(app.pipeline().run).parameters else {}


def stories(app: Marsad) -> dict[str, int | None]:
    with app.session_factory() as session:
        return {
            article.raw_input.source.rsplit("/", 1)[-1]: article.story_id
            for article in session.scalars(select(Article))
        }


def test_an_article_no_longer_linked_leaves_its_story(app: Marsad) -> None:
    report = app.ingest([SEEDS])
    assert not app.pipeline().run(report.article_ids).failures
    before = stories(app)
    assert len(set(before.values())) == 1, before  # the five seeds tell one story
    story_id = next(iter(before.values()))
    with app.session_factory() as session:
        changed = next(
            a
            for a in session.scalars(select(Article))
            if a.raw_input.source.endswith("004_55ef5b67352bc8a0.txt")
        )
        changed.title = "موضوع مختلف"
        changed.text = changed.match_key = UNRELATED
        changed_id = changed.id
        session.commit()
    stages = ["dedupe", "extract", "link", "cluster"]
    assert not app.pipeline().run([changed_id], only=stages, **forced(app)).failures
    after = stories(app)
    moved = after.pop("004_55ef5b67352bc8a0.txt")
    assert set(after.values()) == {story_id}  # the others keep the story and its id
    assert moved is not None and moved != story_id


def clustered(app: Marsad) -> tuple[dict[str, int | None], dict[int, str | None], set[Any]]:
    """Each seed's story, each story's title, and the SAME_STORY links (by seed name)."""
    with app.session_factory() as session:
        names = {
            article.id: article.raw_input.source.rsplit("/", 1)[-1]
            for article in session.scalars(select(Article))
        }
        titles = {story.id: story.title for story in session.scalars(select(Story))}
        links = {
            (names[link.source_id], names[link.target_id], link.score)
            for link in session.scalars(
                select(ArticleLink).where(ArticleLink.kind == ArticleLinkKind.SAME_STORY)
            )
        }
    return stories(app), titles, links


def test_a_batch_clusters_as_its_articles_alone_and_a_rerun_keeps_the_story(
    make_app: MakeApp,
) -> None:
    alone = make_app(batch_size=1)
    report = alone.ingest([SEEDS])
    assert not alone.pipeline().run(report.article_ids).failures
    before = clustered(alone)
    assert len(set(before[0].values())) == 1 and before[1]
    together = make_app(batch_size=50)
    rerun = together.pipeline().run(report.article_ids, only=["cluster"], force=True)
    assert not rerun.failures and rerun.runs == {"ok": len(report.article_ids)}
    assert clustered(together) == before


def test_a_request_left_by_a_killed_run_is_taken_by_the_next_batch(
    seeded_app: Marsad, tmp_path: Path
) -> None:
    """Dedupe asks cluster to place an article again; a run killed before cluster took
    the request leaves it in the database, and the next batch of cluster takes it."""
    before = clustered(seeded_app)
    with seeded_app.session_factory() as session:
        seed = session.scalars(select(Article).order_by(Article.id)).first()
        assert seed is not None
        seed.story = Story(title="misplaced")  # as if its copy links changed since
        session.add(StoryChange(article_id=seed.id))
        session.commit()
    assert stories(seeded_app) != before[0]
    # Something new to cluster: an unrelated article, so a batch of cluster runs.
    other = tmp_path / "other.txt"
    other.write_text("موضوع مختلف\n\n" + UNRELATED, encoding="utf-8")
    report = seeded_app.ingest([other])
    assert not seeded_app.pipeline().run(report.article_ids).failures
    after = stories(seeded_app)
    assert {name: after[name] for name in before[0]} == before[0]
    with seeded_app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(StoryChange)) == 0
        assert session.scalar(select(func.count()).where(Story.title == "misplaced")) == 0


def test_the_story_is_titled_and_summed_up_by_its_most_central_article(
    seeded_app: Marsad,
) -> None:
    with seeded_app.session_factory() as session:
        articles = {a.id: a for a in session.scalars(select(Article))}
        pairs: dict[tuple[int, int], float] = {}  # a pair weighs its strongest link
        for link in session.scalars(select(ArticleLink)):
            pair = (link.source_id, link.target_id)
            weight = link_weight(link.kind, link.score, link.evidence)
            pairs[min(pair), max(pair)] = max(weight, pairs.get((min(pair), max(pair)), 0.0))
        strength = dict.fromkeys(articles, 0.0)
        for (a, b), weight in pairs.items():
            strength[a] += weight
            strength[b] += weight
        (story,) = session.scalars(select(Story)).all()
        most = articles[max(strength, key=lambda article_id: strength[article_id])]
        assert story.title == most.title
        assert story.summary and story.summary == summary_of(most.text)
        assert most.text and " ".join(most.text.split()).startswith(story.summary.rstrip("…"))


def test_a_story_an_older_version_merged_wrongly_is_split_when_clustered_again(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """After an upgrade every article is clustered again (migration 0005 deletes the
    runs), here one article a batch: an article no link joins to its old story must
    leave it, though the rest of that story is not in its batch."""
    app = make_app(batch_size=1)
    other = tmp_path / "other.txt"
    other.write_text("موضوع مختلف\n\n" + UNRELATED, encoding="utf-8")
    ids = [*app.ingest([other]).article_ids, *app.ingest([SEEDS]).article_ids]
    assert not app.pipeline().run(ids).failures
    before = stories(app)
    seeds_story = before["000_1b35a13412cf49fa.txt"]
    assert before["other.txt"] != seeds_story
    with app.session_factory() as session:  # as cluster 0.4.0 could leave it
        unrelated = session.scalars(select(Article).where(Article.title == "موضوع مختلف")).one()
        unrelated.story_id = seeds_story
        session.execute(delete(StageRun).where(StageRun.stage == "cluster"))
        session.commit()
    assert not app.pipeline().run_pending().failures
    after = stories(app)
    assert after["other.txt"] != seeds_story
    assert {after[name] for name in after if name != "other.txt"} == {seeds_story}


def test_a_chain_of_daily_reports_does_not_bring_the_archive_into_a_group(app: Marsad) -> None:
    """Reports linked day after day (a forecast, a market close) form one long chain of
    links. Placing a new report reads the chain only within GROUP_DAYS of it, while a
    direct link to an old article (a copy) is still followed, with that article's story."""
    first_day = datetime(2015, 7, 1, 9, tzinfo=UTC)
    with app.session_factory() as session:
        chain = []
        for number in range(13):
            raw = RawInput(
                sha256=f"{number:064d}", source=f"day{number}", media_type="text/plain", content=b""
            )
            chain.append(
                Article(
                    raw_input=raw, title=f"day {number}", published_at=first_day + timedelta(number)
                )
            )
        session.add_all(chain)
        session.flush()
        ids = [article.id for article in chain]
        *old, new = ids

        def link(a: int, b: int, kind: ArticleLinkKind, score: float) -> ArticleLink:
            return ArticleLink(source_id=max(a, b), target_id=min(a, b), kind=kind, score=score)

        same = ArticleLinkKind.SAME_STORY
        session.add_all(link(a, b, same, 0.4) for a, b in pairwise(old))
        place_in_stories(session, old)
        session.add(link(new, old[-1], same, 0.9))
        session.add(link(new, old[0], ArticleLinkKind.DUPLICATE, 1.0))
        session.flush()

        group = set(_connected_group(session, [new], ()).stories)
        near = {ids[day] for day in range(12 - GROUP_DAYS, 13)}
        assert near <= group  # the chain within GROUP_DAYS of the new report
        assert old[0] in group  # the copy twelve days before, linked directly
        assert old[1] in group  # ... with the rest of its story
        # Day 8 leads on to day 7, and day 7's story (days 6 and 7) comes whole; the
        # days before lead nowhere.
        assert not group & {ids[day] for day in range(2, 12 - GROUP_DAYS - 2)}, group
        place_in_stories(session, [new])
        story_of = dict(session.execute(select(Article.id, Article.story_id)).all())
        assert story_of[new] is not None and story_of[new] == story_of[old[0]]
