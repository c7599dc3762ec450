"""Article bodies as paragraph rows, written for a whole batch at once.

``parse`` stores the paragraphs it found and ``normalize`` replaces them with their
display text; both write through :func:`replace_paragraphs`, so the rows and
``Article.text`` always agree: the paragraphs joined by one newline make the text, and
paragraph ``i`` is ``text[start:end]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from marsad.core import Article, Paragraph


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


def replace_paragraphs(session: Session, bodies: Sequence[tuple[Article, list[str]]]) -> None:
    """Make each article's body its paragraphs: one DELETE and one INSERT for all.

    Sets ``article.text`` and expires ``article.paragraphs``, so a later stage in the
    same session reads the new rows, not the ones loaded before.
    """
    if not bodies:
        return
    session.execute(
        delete(Paragraph).where(Paragraph.article_id.in_([article.id for article, _ in bodies]))
    )
    rows = [row for article, paragraphs in bodies for row in paragraph_rows(article.id, paragraphs)]
    if rows:
        session.execute(insert(Paragraph), rows)
    for article, paragraphs in bodies:
        article.text = "\n".join(paragraphs)
        session.expire(article, ["paragraphs"])
