"""The result does not depend on the order articles are processed in.

A few hundred articles of one SaudiNewsNet day (the wire day, 2015-08-10, rich in
copies) are processed in ingest order in one database, and in another database the
second half first, then the first half. Both must end with the same claims, article
links, claim links and stories, compared by natural keys (the raw input's sha256 of
each article, a claim's kind and span), since ids differ between the databases.
Pairs are compared without direction: where nothing else tells the original from
the copy, the one ingested first is the original, and ingest order differs here.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_path
from sqlalchemy import select

from marsad.core import Article, ArticleLink, Claim, ClaimLink, RawInput
from marsad.core.application import Marsad
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.plugins import dedupe

ARTICLES = 240
SMALL_CAP = 6
STAGES = ["parse", "normalize", "dedupe", "extract", "link", "cluster"]


def day_records(count: int) -> list[dict[str, Any]]:
    with zipfile.ZipFile(corpus_path("saudinewsnet", "2015-08-10.zip")) as archive:
        items = json.loads(archive.read(archive.namelist()[0]))
    return [item for item in items if str(item.get("content") or "").strip()][:count]


def write_zip(path: Path, records: list[dict[str, Any]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("day.json", json.dumps(records, ensure_ascii=False))
    return path


def fresh(path: Path) -> Marsad:
    settings = Settings(database_url=f"sqlite:///{path}", batch_size=40)
    app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    upgrade(app.engine)
    return app


def process(app: Marsad, path: Path) -> None:
    report = app.ingest([path])
    assert not report.errors
    run = app.pipeline().run(sorted(report.article_ids), only=STAGES)
    assert not run.failures, run.failures[:3]


def outcome(app: Marsad) -> dict[str, set[Any]]:
    """Claims, links and stories by natural keys."""
    with app.session_factory() as session:
        sha = dict(
            session.execute(
                select(Article.id, RawInput.sha256).join(
                    RawInput, RawInput.id == Article.raw_input_id
                )
            ).all()
        )
        claims = {
            c.id: (sha[c.article_id], c.kind.value, c.start, c.end, c.slot_key)
            for c in session.scalars(select(Claim))
        }
        members: dict[int, set[str]] = {}
        for article_id, story_id in session.execute(select(Article.id, Article.story_id)):
            if story_id is not None:
                members.setdefault(story_id, set()).add(sha[article_id])
        return {
            "claims": set(claims.values()),
            "article_links": {
                (frozenset((sha[x.source_id], sha[x.target_id])), x.kind.value)
                for x in session.scalars(select(ArticleLink))
            },
            "claim_links": {
                (frozenset((claims[x.source_id], claims[x.target_id])), x.kind.value)
                for x in session.scalars(select(ClaimLink))
            },
            "stories": {frozenset(found) for found in members.values()},
        }


@pytest.mark.corpus
def test_second_half_first_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Index keys shared by more than a few articles count as common: a small cap makes
    # a few hundred articles meet them as a large archive would.
    monkeypatch.setattr(dedupe, "KEY_CAP", SMALL_CAP)
    records = day_records(ARTICLES)
    half = len(records) // 2
    in_order = fresh(tmp_path / "in_order.db")
    process(in_order, write_zip(tmp_path / "all.zip", records))
    reordered = fresh(tmp_path / "reordered.db")
    process(reordered, write_zip(tmp_path / "second.zip", records[half:]))
    process(reordered, write_zip(tmp_path / "first.zip", records[:half]))
    expected, found = outcome(in_order), outcome(reordered)
    in_order.close()
    reordered.close()
    assert len(expected["article_links"]) >= 20 and expected["claim_links"]
    for name in expected:
        missing = expected[name] - found[name]
        extra = found[name] - expected[name]
        assert not missing and not extra, (name, len(missing), len(extra))
