"""The ``normalize`` stage: the display text a person reads and the key used to compare.

Spans of every later stage point into ``Article.text`` as set here. The match key is
stored whole; stages that need to map a span of the key back recompute the offsets
with :func:`marsad.plugins.arabic.fold`, which is deterministic.
"""

from __future__ import annotations

from marsad.core import Article, Stage, StageContext, hookimpl
from marsad.plugins.arabic import display_text, fold
from marsad.plugins.parse import set_paragraphs


class Normalize(Stage):
    name = "normalize"
    after = ("parse",)
    version = "0.1.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        paragraphs = [display_text(p.text) for p in article.paragraphs]
        set_paragraphs(ctx, article, [p for p in paragraphs if p])
        if article.title:
            article.title = display_text(article.title) or None
        if article.subtitle:
            article.subtitle = display_text(article.subtitle) or None
        article.match_key = fold(article.text or "")[0]


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Normalize()]
