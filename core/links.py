"""Writing links between articles and claims, and asking for stories to be redone.

Shared by the stages that write links (dedupe's copy links, cluster's SAME_STORY
links, link's claim links): a link is keyed by its source, target and kind, a stage
replaces the links it decides and keeps the rows of those that still hold, and only
the cluster stage moves articles between stories (others ask it to through
``story_changes``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from marsad.core.db import chunked, insert_ignoring_duplicates
from marsad.core.models import ArticleLink, ArticleLinkKind, ClaimLink, StoryChange

ID_CHUNK = 400  # ids per IN list: old SQLite builds allow 999 variables
LINK_CHUNK = 300  # links per DELETE: three variables each
LinkKey = tuple[int, int, ArticleLinkKind]  # source, target, kind


def save_article_links(
    session: Session,
    article_ids: Collection[int],
    kinds: Collection[ArticleLinkKind],
    links: list[ArticleLink],
    undecided: Collection[int] = (),
) -> set[int]:
    """Make ``links`` the links of ``kinds`` of these articles, but those with
    ``undecided``.

    A pair is decided the same from either side, so the articles' stored links of
    these kinds that are not wanted any more are deleted, except those with an article
    this run did not judge (``undecided``: one past a candidate limit, whose link was
    found when it was processed). Links that still hold keep their row and id and take
    the new score and evidence (an upsert on source, target and kind). Returns the
    articles at either end of a link that appeared or went: their stories may change.
    """
    mine, kept = set(article_ids), set(undecided)
    wanted = {(link.source_id, link.target_id, link.kind): link for link in links}
    stored: set[LinkKey] = set()
    for chunk in chunked(sorted(mine), ID_CHUNK):
        found = session.execute(
            select(ArticleLink.source_id, ArticleLink.target_id, ArticleLink.kind).where(
                or_(ArticleLink.source_id.in_(chunk), ArticleLink.target_id.in_(chunk)),
                ArticleLink.kind.in_(list(kinds)),
            )
        )
        stored.update((source_id, target_id, kind) for source_id, target_id, kind in found)
    stale = sorted(key for key in stored if key not in wanted and not ({*key[:2]} - mine) & kept)
    for some in chunked(stale, LINK_CHUNK):
        delete_links(session, some)
    rows = link_rows(wanted.values())
    if rows:
        upsert(
            session, ArticleLink, rows, ("source_id", "target_id", "kind"), ("score", "evidence")
        )
    return {
        end for key in [*stale, *(key for key in wanted if key not in stored)] for end in key[:2]
    }


def delete_links(session: Session, keys: Iterable[LinkKey]) -> None:
    """Delete these links, each given by its source, target and kind."""
    session.execute(
        delete(ArticleLink).where(
            or_(
                *(
                    and_(
                        ArticleLink.source_id == source_id,
                        ArticleLink.target_id == target_id,
                        ArticleLink.kind == kind,
                    )
                    for source_id, target_id, kind in keys
                )
            )
        ),
        execution_options={"synchronize_session": False},
    )


def link_rows(links: Iterable[ArticleLink | ClaimLink]) -> list[dict[str, Any]]:
    """Links as rows for :func:`upsert` on (source, target, kind)."""
    return [
        {
            "source_id": link.source_id,
            "target_id": link.target_id,
            "kind": link.kind,
            "score": link.score,
            "evidence": link.evidence,
        }
        for link in links
    ]


def upsert(
    session: Session,
    model: Any,
    rows: list[dict[str, Any]],
    keys: tuple[str, ...],
    values: tuple[str, ...],
) -> None:
    """Insert ``rows``; a row whose ``keys`` are taken updates that row's ``values``.

    ``rows`` must not repeat a key: PostgreSQL refuses to update one row twice.
    """
    statement = insert_ignoring_duplicates(session)(model)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in values},
        ),
        rows,
    )


def mark_story_changes(session: Session, article_ids: Collection[int]) -> None:
    """Ask the cluster stage to place these articles again (their copy links changed).

    Other stages do not move stories themselves: only the cluster stage does, under
    its turn, so two workers never place one article at once."""
    rows = [{"article_id": article_id} for article_id in sorted(set(article_ids))]
    if rows:
        session.execute(
            insert_ignoring_duplicates(session)(StoryChange).on_conflict_do_nothing(), rows
        )
