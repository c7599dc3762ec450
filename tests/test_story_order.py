"""Article links and stories do not depend on the order articles came in.

A SAME_STORY link is a pure function of its two articles, copy links are decided
again when a candidate limit binds, and stories are grouped from the links by a
procedure that ignores the order of its input; this checks that together they give
the same links and the same stories whichever order the same articles arrive in.
The articles are those of the stories gold on its two days: events reported by
several outlets, and pairs of one topic that must stay apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ingest_items, require_postgres, saudinewsnet_day
from sqlalchemy import select

from marsad.core import Article, ArticleLink, ArticleLinkKind
from marsad.plugins.cluster.stories import JOIN_AVERAGE

GOLD = Path(__file__).parent / "data" / "stories_dev.json"
DAYS = ("2015-07-25", "2015-07-26")


def gold_items() -> list[dict[str, object]]:
    """The articles of the two days that the gold labels, in the dumps' order."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    urls = {a["url"] for cluster in gold["clusters"] for a in cluster["articles"]}
    urls |= {item["url"] for item in gold["singletons"]}
    return [item for day in DAYS for item in saudinewsnet_day(day, 5000) if item["url"] in urls]


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
    finally:
        app.close()
    partition = sorted(sorted(members) for members in stories.values())
    return {"links": links, "stories": partition}


@pytest.mark.corpus
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_same_links_and_stories_in_either_order(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    items = gold_items()
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
    assert forward["links"] == backward["links"]
    assert forward["stories"] == backward["stories"]
    # Not a trivial grouping: many stories of several articles, and strong links
    # between stories that the grouping kept apart (a connected-components rule
    # would have joined them).
    story_of = {url: index for index, members in enumerate(forward["stories"]) for url in members}
    assert sum(1 for members in forward["stories"] if len(members) >= 3) >= 30
    kept_apart = [
        (a, b)
        for a, b, kind, score in forward["links"]
        if kind is ArticleLinkKind.SAME_STORY
        and score >= JOIN_AVERAGE
        and story_of[a] != story_of[b]
    ]
    assert kept_apart
