"""Article links and stories do not depend on the order articles came in.

Index keys become common (cluster's terms, dedupe's keys) at different moments in
different orders, so this checks the rules that make the result the same: pairs
decided again when a key crosses its cap, and only the pairs that crossing can change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ingest_items, require_postgres, saudinewsnet_day
from sqlalchemy import func, select

from marsad.core import Article, ArticleLink, ArticleLinkKind, TextKey
from marsad.plugins import textreuse
from marsad.plugins.stories import TERM_CAP

ARTICLES = 400


def clustered(url: str, items: list[dict[str, object]], folder: Path) -> dict[str, Any]:
    """Ingest the items in this order into an empty database; what cluster made."""
    app = ingest_items(url, items, folder)
    try:
        with app.session_factory() as session:
            url_of = dict(session.execute(select(Article.id, Article.url)).all())
            links = set()
            for link in session.scalars(select(ArticleLink)):
                pair = sorted((url_of[link.source_id], url_of[link.target_id]))
                # Which of two copies published at once is the original is the one
                # ingested first: a copy link is compared without its direction.
                same = link.kind is ArticleLinkKind.SAME_STORY
                links.add((*pair, link.kind, link.score if same else None))
            stories: dict[int | None, set[str]] = {}
            for article_id, story_id in session.execute(select(Article.id, Article.story_id)):
                stories.setdefault(story_id, set()).add(url_of[article_id])
            holders = (
                select(TextKey.value)
                .where(TextKey.kind == textreuse.TERM)
                .group_by(TextKey.value)
                .having(func.count() >= TERM_CAP)
            )
            filled = session.scalar(select(func.count()).select_from(holders.subquery()))
    finally:
        app.close()
    partition = sorted(sorted(members) for members in stories.values())
    return {"links": links, "stories": partition, "filled": filled}


@pytest.mark.corpus
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_same_links_and_stories_in_either_order(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    items = saudinewsnet_day("2015-07-25", ARTICLES)
    results = []
    for name, order in (("forward", items), ("backward", items[::-1])):
        folder = tmp_path / name
        folder.mkdir()
        if database == "sqlite":
            url = f"sqlite:///{folder / 'marsad.db'}"
        else:
            url = require_postgres(request.getfixturevalue("postgres")).create_database()
        results.append(clustered(url, order, folder))
    forward, backward = results
    # Terms filled, so the order mattered to when they did, and links were made.
    assert forward["filled"] > 0 and forward["links"]
    assert forward["links"] == backward["links"]
    assert forward["stories"] == backward["stories"]
