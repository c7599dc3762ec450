"""The ``normalize`` stage: the display text a person reads, the key used to compare,
and the sentences.

Spans of every later stage point into ``Article.text`` as set here. The match key is
stored whole; stages that need to map a span of the key back recompute the offsets
with :func:`marsad.plugins.arabic.fold`, which is deterministic.
"""

from __future__ import annotations

from sqlalchemy import delete

from marsad.core import Article, Sentence, Stage, StageContext, hookimpl
from marsad.plugins.arabic import display_text, match_key, sentences
from marsad.plugins.parse import set_paragraphs


class Normalize(Stage):
    name = "normalize"
    after = ("parse",)
    version = "0.2.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        paragraphs = [display_text(p.text) for p in article.paragraphs]
        set_paragraphs(ctx, article, [p for p in paragraphs if p])
        if article.title:
            article.title = display_text(article.title) or None
        if article.subtitle:
            article.subtitle = display_text(article.subtitle) or None
        text = article.text or ""
        article.match_key = match_key(text)  # fold() with offsets: ten times slower
        ctx.session.execute(delete(Sentence).where(Sentence.article_id == article.id))
        ctx.session.add_all(
            Sentence(article_id=article.id, position=position, start=s.start, end=s.end)
            for position, s in enumerate(sentences(text))
        )


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Normalize()]
