"""The ``parse`` stage: raw input to title, body paragraphs, outlet, URL and time."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy import delete, select

from marsad.core import Article, Outlet, Paragraph, Stage, StageContext, hookimpl

KNOWN_FIELDS = ("title", "subtitle", "text", "url", "outlet", "published")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LATIN = re.compile(r"[A-Za-z]")


def parse_time(value: object) -> datetime | None:
    """ISO 8601 or RFC 822 text to an aware datetime (naive times are taken as UTC)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ValueError(f"unreadable publication time {text!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def guess_language(text: str) -> str | None:
    arabic = len(_ARABIC.findall(text))
    latin = len(_LATIN.findall(text))
    if arabic + latin < 20:
        return None
    return "ar" if arabic >= latin else "en"


def split_paragraphs(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines() if line.strip()]


def _decode(content: bytes, charset: str | None) -> str:
    return content.decode(charset or "utf-8-sig")


class Parse(Stage):
    name = "parse"
    version = "0.1.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        raw = article.raw_input
        text = _decode(raw.content, raw.hints.get("charset"))
        fields: dict[str, Any]
        if raw.media_type == "application/json":
            record = json.loads(text)
            fields = {key: record.get(key) for key in KNOWN_FIELDS}
            extra = {key: value for key, value in record.items() if key not in KNOWN_FIELDS}
        else:
            lines = split_paragraphs(text)
            fields = {"title": lines[0] if lines else None, "text": "\n".join(lines[1:])}
            extra = {}
        for key in ("outlet", "url", "published"):
            if raw.hints.get(key):
                fields[key] = raw.hints[key]
        paragraphs = split_paragraphs(str(fields.get("text") or ""))
        if not paragraphs and not fields.get("title"):
            raise ValueError("no text to parse")

        article.title = (str(fields["title"]).strip() or None) if fields.get("title") else None
        article.subtitle = str(fields["subtitle"]).strip() if fields.get("subtitle") else None
        article.url = str(fields["url"]) if fields.get("url") else None
        article.published_at = parse_time(fields.get("published"))
        article.outlet = _outlet(ctx, fields.get("outlet"))
        article.extra = {**raw.hints.get("metadata", {}), **extra}
        set_paragraphs(ctx, article, paragraphs)
        article.language = guess_language(article.text or article.title or "")


def set_paragraphs(ctx: StageContext, article: Article, paragraphs: list[str]) -> None:
    """Replace the article's body with ``paragraphs``, one per line of ``article.text``."""
    ctx.session.execute(delete(Paragraph).where(Paragraph.article_id == article.id))
    ctx.session.expire(article, ["paragraphs"])
    offset = 0
    for position, paragraph in enumerate(paragraphs):
        ctx.session.add(
            Paragraph(
                article_id=article.id,
                position=position,
                start=offset,
                end=offset + len(paragraph),
                text=paragraph,
            )
        )
        offset += len(paragraph) + 1
    article.text = "\n".join(paragraphs)


def _outlet(ctx: StageContext, name: object) -> Outlet | None:
    if not name or not str(name).strip():
        return None
    clean = str(name).strip()
    outlet = ctx.session.scalar(select(Outlet).where(Outlet.name == clean))
    if outlet is None:
        outlet = Outlet(name=clean)
        ctx.session.add(outlet)
        ctx.session.flush()
    return outlet


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Parse()]
