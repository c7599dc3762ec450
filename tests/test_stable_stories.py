"""A story is a connected group of linked articles, with an id that lasts.

When an article changes so that nothing links it to its story any more, a run again
takes it out of the story; the rest keep the story and its id.
"""

from __future__ import annotations

import inspect
from typing import Any

from conftest import SEEDS, MakeApp
from sqlalchemy import delete, select

from marsad.core import Article, ArticleLink, ArticleLinkKind, Story, TermCount
from marsad.core.application import Marsad

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


def test_articles_clustered_before_terms_were_counted_link_alike(seeded_app: Marsad) -> None:
    """Articles clustered by 0.3.0 have no stored term count: it is computed."""
    before = clustered(seeded_app)
    assert before[2]  # SAME_STORY links, decided again below
    with seeded_app.session_factory() as session:
        assert all(count.terms > 0 for count in session.scalars(select(TermCount)))
        session.execute(delete(TermCount))
        session.commit()
        ids = sorted(session.scalars(select(Article.id)))
    # The last seed alone: its candidates are read without a stored count.
    rerun = seeded_app.pipeline().run(ids[-1:], only=["cluster"], force=True)
    assert not rerun.failures
    assert clustered(seeded_app) == before
