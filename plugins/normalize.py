"""The ``normalize`` stage: the display text a person reads, the key used to compare,
and the sentences.

Spans of every later stage point into ``Article.text`` as set here. The match key is
stored whole; stages that need to map a span of the key back recompute the offsets
with :func:`marsad.plugins.arabic.fold`, which is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select

from marsad.core import Article, Outcome, Paragraph, Sentence, Stage, StageContext, hookimpl
from marsad.core.budget import StageTimeout
from marsad.plugins.arabic import display_text, match_key, sentences
from marsad.plugins.paragraphs import replace_bodies


class Normalize(Stage):
    name = "normalize"
    after = ("parse",)
    version = "0.2.0"
    reads_other_articles = False

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        session = ctx.session
        stored: dict[int, list[str]] = {article.id: [] for article in articles}
        for article_id, text in session.execute(
            select(Paragraph.article_id, Paragraph.text)
            .where(Paragraph.article_id.in_(stored))
            .order_by(Paragraph.article_id, Paragraph.position)
        ):
            stored[article_id].append(text)

        outcomes: dict[int, Outcome] = {}
        bodies: list[tuple[Article, dict[str, Any], list[str]]] = []
        sentence_rows: list[dict[str, Any]] = []
        for article in articles:
            try:
                paragraphs = [shown for p in stored[article.id] if (shown := display_text(p))]
                text = "\n".join(paragraphs)
                found = sentences(text)
                title, subtitle = _shown(article.title), _shown(article.subtitle)
                key = match_key(text)  # fold() with offsets: ten times slower
            except StageTimeout:
                raise  # the batch's budget: the pipeline finds the slow article alone
            except Exception as error:  # this article's alone: nothing is written for it
                outcomes[article.id] = error
                continue
            outcomes[article.id] = None
            bodies.append(
                (article, {"title": title, "subtitle": subtitle, "match_key": key}, paragraphs)
            )
            sentence_rows += (
                {"article_id": article.id, "position": position, "start": s.start, "end": s.end}
                for position, s in enumerate(found)
            )

        replace_bodies(session, bodies)
        if bodies:
            session.execute(
                delete(Sentence).where(Sentence.article_id.in_([a.id for a, _, _ in bodies]))
            )
        if sentence_rows:
            session.execute(insert(Sentence), sentence_rows)
        return outcomes


def _shown(value: str | None) -> str | None:
    """The display text of a title or subtitle; None when nothing of it is left."""
    if not value:
        return value
    return display_text(value) or None


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Normalize()]
