"""The ``cluster`` stage: stories as the connected groups of linked articles.

It first links the article to others on the same event (SAME_STORY, see
:mod:`marsad.plugins.stories`): that needs the entities of the extract stage and the
copy links of the dedupe stage, and this stage runs after both.

An article joins the story of any article it is linked to (by an article link, or by
a link between their claims); when it bridges two stories they merge into the one of
smaller id, so a story keeps its id while it stays the same or grows. When a link
goes (a run again finds a pair no longer related), the stories it joined are split
where nothing else joins them (:func:`marsad.plugins.stories.split_stories`). So a
story is always a connected group of linked articles, whatever the order they came
in. Each story is titled after its earliest article.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import aliased

from marsad.core import Article, ArticleLink, Claim, ClaimLink, Stage, StageContext, Story, hookimpl
from marsad.plugins.stories import link_same_story, title_story


def linked_article_ids(ctx: StageContext, article_id: int) -> set[int]:
    session = ctx.session
    linked: set[int] = set()
    for source, target in session.execute(
        select(ArticleLink.source_id, ArticleLink.target_id).where(
            or_(ArticleLink.source_id == article_id, ArticleLink.target_id == article_id)
        )
    ):
        linked.update((source, target))
    source_claim, target_claim = aliased(Claim), aliased(Claim)
    for source, target in session.execute(
        select(source_claim.article_id, target_claim.article_id)
        .join(ClaimLink, ClaimLink.source_id == source_claim.id)
        .join(target_claim, ClaimLink.target_id == target_claim.id)
        .where(or_(source_claim.article_id == article_id, target_claim.article_id == article_id))
    ):
        linked.update((source, target))
    linked.discard(article_id)
    return linked


class Cluster(Stage):
    name = "cluster"
    after = ("dedupe", "link")
    version = "0.3.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        session = ctx.session
        link_same_story(session, article)
        session.flush()
        neighbours = linked_article_ids(ctx, article.id)
        story_ids = {
            story_id
            for story_id in session.scalars(
                select(Article.story_id).where(Article.id.in_(neighbours))
            )
            if story_id is not None
        }
        if not story_ids:
            if article.story_id is None:
                article.story = Story(title=article.title)
            return
        if article.story_id is not None:
            story_ids.add(article.story_id)
        keep = min(story_ids)
        merged = story_ids - {keep}
        article.story_id = keep
        session.execute(
            update(Article).where(Article.id.in_(neighbours | {article.id})).values(story_id=keep)
        )
        session.execute(update(Article).where(Article.story_id.in_(merged)).values(story_id=keep))
        for story_id in merged:
            session.delete(session.get_one(Story, story_id))
        title_story(session, keep)


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Cluster()]
