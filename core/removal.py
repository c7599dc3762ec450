"""Deleting stored articles without leaving other articles' results stale.

An article is deleted with its raw input, so ingesting the same input again stores
it anew; everything else it owns (paragraphs, claims, links, runs, index keys) goes
with it through the schema's ``ON DELETE CASCADE``. What other articles computed
with it present is made pending again in the same transaction: the articles it was
linked to and those of its story lose their runs of the stages that read other
articles (so ``marsad process`` does them again, even if the process that deleted
dies right after the commit) and are marked in ``story_changes`` for the cluster
stage. :func:`refresh_neighbours` does that work at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from marsad.core.db import chunked
from marsad.core.links import ID_CHUNK, mark_story_changes
from marsad.core.models import Article, ArticleLink, RawInput, StageRun, Story
from marsad.core.pipeline import Pipeline, PipelineReport
from marsad.core.stages import downstream_of


@dataclass(frozen=True)
class Deletion:
    deleted: list[int]  # the ids that were found and deleted, in the order asked
    neighbours: list[int]  # remaining articles whose results involved a deleted one


def delete_articles(
    session: Session, article_ids: Collection[int], stale: Collection[str] = ()
) -> Deletion:
    """Delete these articles (ids not stored are ignored) in the caller's transaction;
    the runs of the ``stale`` stages (:func:`stages_to_refresh`) on the articles they
    touched are deleted too, which makes those stages pending there."""
    wanted = list(dict.fromkeys(article_ids))
    found: dict[int, tuple[int, int | None]] = {}
    for chunk in chunked(wanted, ID_CHUNK):
        rows = session.execute(
            select(Article.id, Article.raw_input_id, Article.story_id).where(Article.id.in_(chunk))
        )
        found.update({row.id: (row.raw_input_id, row.story_id) for row in rows})
    if not found:
        return Deletion([], [])
    ids = sorted(found)
    stories = sorted({story for _, story in found.values() if story is not None})
    neighbours: set[int] = set()
    for chunk in chunked(ids, ID_CHUNK):
        for source, target in session.execute(
            select(ArticleLink.source_id, ArticleLink.target_id).where(
                or_(ArticleLink.source_id.in_(chunk), ArticleLink.target_id.in_(chunk))
            )
        ):
            neighbours.update((source, target))
    for chunk in chunked(stories, ID_CHUNK):
        neighbours.update(session.scalars(select(Article.id).where(Article.story_id.in_(chunk))))
    neighbours.difference_update(ids)
    mark_story_changes(session, neighbours)
    for chunk in chunked(sorted(neighbours), ID_CHUNK):
        session.execute(
            delete(StageRun).where(StageRun.article_id.in_(chunk), StageRun.stage.in_(stale))
        )
    raw_inputs = sorted(raw for raw, _ in found.values())
    for chunk in chunked(raw_inputs, ID_CHUNK):
        session.execute(delete(RawInput).where(RawInput.id.in_(chunk)))
    # A story left without articles has nobody to place it again: it goes now.
    for chunk in chunked(stories, ID_CHUNK):
        held = select(Article.story_id).where(Article.story_id.in_(chunk))
        session.execute(delete(Story).where(Story.id.in_(chunk), Story.id.not_in(held)))
    return Deletion(
        [article_id for article_id in wanted if article_id in found], sorted(neighbours)
    )


def stages_to_refresh(pipeline: Pipeline) -> set[str]:
    """The stages that read other articles (copy links, claim links, stories) and those
    that read their results: what a deletion makes stale on its neighbours."""
    reading = [s.name for s in pipeline.stages if s.stage.reads_other_articles]
    return downstream_of(reading, pipeline.stages)


def refresh_neighbours(pipeline: Pipeline, deletion: Deletion) -> PipelineReport:
    """Do at once the work a deletion made pending on the articles it touched."""
    return pipeline.run(deletion.neighbours, only=stages_to_refresh(pipeline))
