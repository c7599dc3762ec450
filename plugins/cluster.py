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

from collections.abc import Collection, Sequence

from sqlalchemy import or_, select, union_all, update
from sqlalchemy.orm import Session, aliased

from marsad.core import Article, ArticleLink, Claim, ClaimLink, Stage, StageContext, Story, hookimpl
from marsad.core.stages import Outcome
from marsad.plugins.stories import ID_CHUNK, Known, link_same_story, title_story, titled_at_end


def _article_linked(session: Session, article_id: int) -> set[int]:
    """Articles joined to this one by an article link of any kind (itself included).

    Read when the article is clustered, not with the batch: dedupe runs beside this
    stage in other workers and may link or unlink the article meanwhile."""
    linked: set[int] = set()
    for source, target in session.execute(
        select(ArticleLink.source_id, ArticleLink.target_id).where(
            or_(ArticleLink.source_id == article_id, ArticleLink.target_id == article_id)
        )
    ):
        linked.update((source, target))
    return linked


def claim_linked(session: Session, article_ids: Collection[int]) -> dict[int, set[int]]:
    """Per article, the articles a link of their claims joins it to.

    Read from the article's claims outwards (claims by article, links by claim), so
    each lookup is a few index searches however many links the corpus holds.
    """
    ids = sorted(set(article_ids))
    linked: dict[int, set[int]] = {article_id: set() for article_id in ids}
    source, target = aliased(Claim), aliased(Claim)
    pairs = (
        select(source.article_id, target.article_id)
        .join(ClaimLink, ClaimLink.source_id == source.id)
        .join(target, ClaimLink.target_id == target.id)
    )
    for begin in range(0, len(ids), ID_CHUNK):
        chunk = ids[begin : begin + ID_CHUNK]
        both_sides = union_all(
            pairs.where(source.article_id.in_(chunk)), pairs.where(target.article_id.in_(chunk))
        )
        for a, b in session.execute(both_sides):
            for article_id, other in ((a, b), (b, a)):
                if article_id in linked and other != article_id:
                    linked[article_id].add(other)
    return linked


class Cluster(Stage):
    name = "cluster"
    after = ("dedupe", "link")
    version = "0.4.0"

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        """The articles one after another, as if each came alone (an article's story
        and SAME_STORY links depend on those of the articles before it), with what the
        stage does not change read once for the batch: entities, copy links, links of
        claims, times and titles."""
        session = ctx.session
        ids = [article.id for article in articles]
        known = Known(session)
        known.load(ids)
        # The holders of all the batch's terms in one read, not one read an article.
        known.read_terms(value for article in articles for value in known.terms_of(article))
        by_claims = claim_linked(session, ids)
        with titled_at_end(session):
            for article in articles:
                self._cluster(session, article, known, by_claims[article.id])
        known.write_counts()
        return dict.fromkeys(ids)

    def _cluster(
        self, session: Session, article: Article, known: Known, by_claims: set[int]
    ) -> None:
        link_same_story(session, article, known)
        session.flush()
        neighbours = (_article_linked(session, article.id) | by_claims) - {article.id}
        story_of: dict[int, int | None] = {}
        if neighbours:
            stories = select(Article.id, Article.story_id).where(Article.id.in_(neighbours))
            story_of = {other_id: story_id for other_id, story_id in session.execute(stories)}
        story_ids = {story_id for story_id in story_of.values() if story_id is not None}
        if not story_ids:
            if article.story_id is None:
                article.story = Story(title=article.title)
            return
        if article.story_id is not None:
            story_ids.add(article.story_id)
        keep = min(story_ids)
        merged = story_ids - {keep}
        article.story_id = keep
        # Every neighbour is in ``keep``, in a merged story, or in none yet: only the
        # last two need a statement.
        storyless = sorted(other_id for other_id, story_id in story_of.items() if story_id is None)
        if storyless:
            session.execute(update(Article).where(Article.id.in_(storyless)).values(story_id=keep))
        if merged:
            session.execute(
                update(Article).where(Article.story_id.in_(merged)).values(story_id=keep)
            )
        for story_id in merged:
            session.delete(session.get_one(Story, story_id))
        title_story(session, keep)


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Cluster()]
