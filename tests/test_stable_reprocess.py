"""Reprocessing is idempotent: every stage run again on the seeds keeps every row and id.

Claims keep their ids (natural key: article, kind, span), so do entity mentions,
citations, article links, claim links and stories; nothing is added or lost.
"""

from __future__ import annotations

import inspect
from typing import Any

from conftest import SEEDS
from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    ArticleLink,
    Citation,
    Claim,
    ClaimLink,
    EntityMention,
)
from marsad.core.application import Marsad
from marsad.core.pipeline import Pipeline


def run_again(pipeline: Pipeline, ids: list[int], only: list[str] | None = None) -> None:
    """Every selected stage once more on ``ids``, whether or not it counts as due."""
    forced: dict[str, Any] = {}
    if "force" in inspect.signature(pipeline.run).parameters:
        forced["force"] = True
    report = pipeline.run(ids, only=only, **forced)
    assert not report.failures, report.failures


def snapshot(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    """Every row the stages write, with its id where the id is meant to stay."""
    return {
        "claims": {
            (c.id, c.article_id, c.kind, c.start, c.end, c.text, c.slot_key, c.speaker_id)
            for c in session.scalars(select(Claim))
        },
        "mentions": {
            (m.id, m.article_id, m.entity_id, m.start, m.end)
            for m in session.scalars(select(EntityMention))
        },
        "citations": {
            (c.id, c.claim_id, c.source, c.source_kind, c.start, c.end)
            for c in session.scalars(select(Citation))
        },
        "article_links": {
            (x.id, x.source_id, x.target_id, x.kind, x.score)
            for x in session.scalars(select(ArticleLink))
        },
        "claim_links": {
            (x.id, x.source_id, x.target_id, x.kind, x.score)
            for x in session.scalars(select(ClaimLink))
        },
        "stories": {(a.id, a.story_id) for a in session.scalars(select(Article))},
    }


def seeded(app: Marsad) -> list[int]:
    report = app.ingest([SEEDS])
    ids = sorted(report.article_ids)
    assert len(ids) == 5
    run_again(app.pipeline(), ids)
    return ids


def test_every_stage_again_keeps_every_row_and_id(app: Marsad) -> None:
    ids = seeded(app)
    with app.session_factory() as session:
        before = snapshot(session)
    assert all(before.values()), {name: len(rows) for name, rows in before.items()}
    run_again(app.pipeline(), ids)
    with app.session_factory() as session:
        after = snapshot(session)
    for name in before:
        assert after[name] == before[name], name


def test_one_article_again_keeps_the_links_found_from_the_others(app: Marsad) -> None:
    ids = seeded(app)
    with app.session_factory() as session:
        before = snapshot(session)
    for article_id in ids:  # the first article found nothing itself: it came first
        run_again(app.pipeline(), [article_id])
        with app.session_factory() as session:
            after = snapshot(session)
        for name in before:
            assert after[name] == before[name], (article_id, name)
