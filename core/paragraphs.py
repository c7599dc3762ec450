"""Article bodies as paragraph rows, written for a whole batch at once.

``parse`` stores the paragraphs it found and ``normalize`` replaces them with their
display text; both write through :func:`replace_bodies`, so the rows and
``Article.text`` always agree: the paragraphs joined by one newline make the text, and
paragraph ``i`` is ``text[start:end]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from marsad.core.models import Article, Paragraph


def paragraph_rows(article_id: int, paragraphs: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of one article's paragraphs, with their spans in the joined text."""
    rows: list[dict[str, Any]] = []
    offset = 0
    for position, paragraph in enumerate(paragraphs):
        end = offset + len(paragraph)
        rows.append(
            {
                "article_id": article_id,
                "position": position,
                "start": offset,
                "end": end,
                "text": paragraph,
            }
        )
        offset = end + 1  # the newline between paragraphs
    return rows


def replace_bodies(
    session: Session, bodies: Sequence[tuple[Article, dict[str, Any], list[str]]]
) -> None:
    """Store each article's columns and paragraphs, its text made of the paragraphs.

    ``bodies`` holds (article, columns to set, paragraphs), the same columns for every
    article. One UPDATE by primary key for the articles, one DELETE and one INSERT for
    the paragraphs: a unit-of-work flush of the changed articles took nearly twice as
    long. The bulk UPDATE leaves loaded articles as they were, so their written
    attributes are expired: whoever reads them next in this session gets the new values.
    """
    if not bodies:
        return
    rows = [
        {**columns, "id": article.id, "text": "\n".join(paragraphs)}
        for article, columns, paragraphs in bodies
    ]
    session.execute(update(Article), rows)
    session.execute(
        delete(Paragraph).where(Paragraph.article_id.in_([article.id for article, _, _ in bodies]))
    )
    paragraphs = [row for article, _, texts in bodies for row in paragraph_rows(article.id, texts)]
    if paragraphs:
        session.execute(insert(Paragraph), paragraphs)
    written = [key for key in rows[0] if key != "id"]
    for article, _, _ in bodies:
        session.expire(article, [*written, "paragraphs"])
