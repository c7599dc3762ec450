"""The ``normalize`` stage: the display text a person reads, the key used to compare,
and the sentences.

Spans of every later stage point into ``Article.text`` as set here. The match key is
stored whole; stages that need to map a span of the key back recompute the offsets
with :func:`marsad.text.arabic.fold`, which is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from marsad.core import Article, Outcome, Paragraph, Sentence, Stage, StageContext, hookimpl
from marsad.core.budget import StageTimeout
from marsad.core.paragraphs import replace_bodies
from marsad.text.arabic import display_text, match_key, sentences


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
        inputs = [(stored[a.id], a.title, a.subtitle) for a in articles]

        outcomes: dict[int, Outcome] = {}
        bodies: list[tuple[Article, dict[str, Any], list[str]]] = []
        sentence_rows: list[dict[str, Any]] = []
        for article, result in zip(articles, ctx.compute(_normalize, inputs), strict=True):
            if isinstance(result, Exception):
                outcomes[article.id] = result  # nothing is written for it
                continue
            outcomes[article.id] = None
            columns = {"title": result.title, "subtitle": result.subtitle, "match_key": result.key}
            bodies.append((article, columns, result.paragraphs))
            sentence_rows += (
                {"article_id": article.id, "position": position, "start": start, "end": end}
                for position, (start, end) in enumerate(result.sentences)
            )

        replace_bodies(session, bodies)
        if bodies:
            session.execute(
                delete(Sentence).where(Sentence.article_id.in_([a.id for a, _, _ in bodies]))
            )
        if sentence_rows:
            session.execute(insert(Sentence), sentence_rows)
        return outcomes


@dataclass(frozen=True)
class Normalized:
    paragraphs: list[str]  # display text, the empty ones left out
    title: str | None
    subtitle: str | None
    key: str  # match key of the text the paragraphs make
    sentences: list[tuple[int, int]]  # spans in that text


def _normalize(article: tuple[list[str], str | None, str | None]) -> Normalized | Exception:
    """One article's normalized body (pure); an error is its outcome, not the batch's."""
    stored, title, subtitle = article
    try:
        paragraphs = [shown for paragraph in stored if (shown := display_text(paragraph))]
        text = "\n".join(paragraphs)
        return Normalized(
            paragraphs=paragraphs,
            title=_shown(title),
            subtitle=_shown(subtitle),
            key=match_key(text),  # fold() with offsets: ten times slower
            sentences=[(s.start, s.end) for s in sentences(text)],
        )
    except StageTimeout:
        raise  # the batch's budget: the pipeline finds the slow article alone
    except Exception as error:
        return error


def _shown(value: str | None) -> str | None:
    """The display text of a title or subtitle; None when nothing of it is left."""
    if not value:
        return value
    return display_text(value) or None


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Normalize()]
