"""Deciding an article's pairs again compares only what a crossing can change.

When a new article's band or anchor rows make a value common (or its outlet's
boilerplate), the value's other holders are decided again. Those keys only rank
candidates, so a holder keeps its stored link with every candidate it ranked before
and compares only the candidates the crossing let in. This checks that shortcut
against comparing every candidate again: the stored links must be the same. With
caps small enough to bind, it found pairs the shortcut took as decided that no side
had decided: an article past a newer one's candidate limit that ranked the newer one
among its own best (the limit is one-sided).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ingest_items, saudinewsnet_day
from sqlalchemy import select

from marsad.core import Article, ArticleLink
from marsad.plugins import dedupe

ARTICLES = 1000
# dedupe needs parse and normalize before it; the others only take time here.
OTHER_STAGES = frozenset({"extract", "link", "search", "cluster", "translate"})


def copy_links(folder: Path, items: list[dict[str, object]]) -> set[tuple[Any, ...]]:
    """Ingest the items up to dedupe; its links as (source url, target url, kind, score,
    evidence)."""
    url = f"sqlite:///{folder / 'marsad.db'}"
    app = ingest_items(url, items, folder, disabled_plugins=OTHER_STAGES)
    try:
        with app.session_factory() as session:
            url_of = dict(session.execute(select(Article.id, Article.url)).all())
            links = session.scalars(
                select(ArticleLink).where(ArticleLink.kind.in_(dedupe._LINK_KINDS))
            )
            return {
                (
                    url_of[link.source_id],
                    url_of[link.target_id],
                    link.kind,
                    link.score,
                    json.dumps(link.evidence, sort_keys=True),
                )
                for link in links
            }
    finally:
        app.close()


@pytest.mark.corpus
def test_narrowed_relinks_keep_the_links_of_full_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = saudinewsnet_day("2015-08-10", ARTICLES)

    # A smaller cap makes values common within a few hundred articles, as they do
    # in a large corpus, and fewer candidates make the limit bind: many crossings,
    # and candidates that a crossing lets in.
    monkeypatch.setattr(dedupe, "KEY_CAP", 6)
    monkeypatch.setattr(dedupe, "MAX_CANDIDATES", 3)
    narrowed_relinks: list[tuple[int, int]] = []  # (candidates kept, candidates compared)
    link_pairs = dedupe.Linker.link_pairs

    def counting(self: dedupe.Linker, *args: Any, **kwargs: Any) -> Any:
        settled = kwargs.get("settled") or (args[4] if len(args) > 4 else ())
        decided = link_pairs(self, *args, **kwargs)
        if settled:
            candidates = self.ranked(args[0], args[3], args[2])[0]
            fresh = [other for other in candidates if other not in settled]
            narrowed_relinks.append((len(candidates) - len(fresh), len(fresh)))
        return decided

    monkeypatch.setattr(dedupe.Linker, "link_pairs", counting)
    (tmp_path / "narrowed").mkdir()
    narrowed = copy_links(tmp_path / "narrowed", items)

    relink = dedupe.Linker.relink

    def in_full(self: dedupe.Linker, article_id: int, ranked_only: Any = None) -> None:
        relink(self, article_id, None)

    monkeypatch.setattr(dedupe.Linker, "relink", in_full)
    (tmp_path / "full").mkdir()
    full = copy_links(tmp_path / "full", items)

    # The shortcut ran, kept stored pairs and still compared candidates let in.
    assert sum(kept for kept, _ in narrowed_relinks) > 0
    assert sum(compared for _, compared in narrowed_relinks) > 0
    assert narrowed, "no copy links: the day proves nothing"
    assert narrowed == full
