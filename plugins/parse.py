"""The ``parse`` stage: stored input to title, subtitle, dateline, time, outlet and body.

Plain text, JSON records and HTML pages end in the same structure detection
(:mod:`marsad.plugins.textparse`), so boilerplate is kept out of the body whatever the
input looked like, and what was removed is stored with the reason.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Annotated, Any

import py3langid
import trafilatura
import typer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from marsad.core import (
    RECORD_FIELDS,
    Article,
    ArticleRefused,
    Outlet,
    Paragraph,
    Stage,
    StageContext,
    hookimpl,
)
from marsad.core.readers import field_type_problem
from marsad.plugins.dates import parse_time
from marsad.plugins.textparse import ParsedText, clean_controls, parse_text

MIN_LANGUAGE_CHARS = 20
LANGUAGE_SAMPLE = 600
TEXT = "text/plain"
# The longest body parse takes. The longest of the 18,027 SaudiNewsNet articles has
# 33,687 characters; nearly three times that leaves room for long reports, while a
# megabyte of "body" (a log, a book, a dump) kept the later stages busy for ten minutes.
MAX_BODY_CHARS = 100_000


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text."""
    sample = text[:LANGUAGE_SAMPLE]  # enough to tell; its cost grows with the length
    if sum(ch.isalpha() for ch in sample) < MIN_LANGUAGE_CHARS:
        return None
    language: str = py3langid.classify(sample)[0]
    return language


def _decode(content: bytes, charset: str | None) -> str:
    return content.decode(charset or "utf-8-sig")


def _record(text: str) -> dict[str, Any]:
    """A stored JSON record, or a ValueError saying why it is not one."""
    try:
        record = json.loads(text)
    except RecursionError:
        raise ArticleRefused("stored record is nested too deeply to read") from None
    if not isinstance(record, dict):
        raise ArticleRefused(f"stored record is not a JSON object but {type(record).__name__}")
    return record


def _clean_values(value: Any) -> Any:
    """``value`` with control characters taken out of every string inside it."""
    if isinstance(value, str):
        return clean_controls(value)
    if isinstance(value, dict):
        return {clean_controls(str(key)): _clean_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_values(item) for item in value]
    return value


def read_html(html: str) -> tuple[dict[str, Any], str]:
    """Main text and metadata of an HTML page, through trafilatura."""
    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        favor_recall=True,  # keeps leads and headings that precision mode drops
        include_comments=False,
        date_extraction_params={
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
            "original_date": True,
            "extensive_search": True,
        },
    )
    if document is None:
        raise ArticleRefused("no main text found in the HTML page")
    # trafilatura returns a Document, or a plain dict for its legacy output formats.
    meta = document if isinstance(document, dict) else document.as_dict()
    fields = {
        "title": meta.get("title"),
        "url": meta.get("url"),
        "outlet": meta.get("sitename"),
        "published": meta.get("date"),
    }
    body = str(meta.get("text") or "")
    title = fields["title"]
    lines = body.splitlines()
    if title and lines and lines[0].strip() == str(title).strip():
        body = "\n".join(lines[1:])  # trafilatura repeats the headline as the first line
    return fields, body


class Parse(Stage):
    name = "parse"
    version = "0.3.0"  # 0.3: field types and body length checked, controls dropped, encoding kept

    def process(self, ctx: StageContext, article: Article) -> str:
        raw = article.raw_input
        text = _decode(raw.content, raw.hints.get("charset"))
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        if raw.media_type == "application/json":
            record = _record(text)
            fields = {field: record.get(field) for field in RECORD_FIELDS}
            extra = {key: value for key, value in record.items() if key not in RECORD_FIELDS}
            body = fields.get("text") or ""
        elif raw.media_type == "text/html":
            fields, body = read_html(text)
        else:
            body = text
        for key in ("outlet", "url", "published"):
            if raw.hints.get(key):
                fields[key] = raw.hints[key]
        # Records also come from the API and from rows stored by older versions.
        problem = field_type_problem(fields)
        if problem:
            raise ArticleRefused(problem)
        if len(body) > MAX_BODY_CHARS:
            raise ArticleRefused(
                f"body of {len(body):,} characters is over the limit of "
                f"{MAX_BODY_CHARS:,} characters per article"
            )
        # Control characters (NUL above all, which PostgreSQL refuses) go before parsing,
        # so every text stored from the body is free of them on every database.
        fields = {key: clean_controls(value) if value else value for key, value in fields.items()}
        title = fields.get("title")
        parsed = parse_text(
            clean_controls(body), title=title or None, title_first=raw.media_type == TEXT
        )
        if not parsed.paragraphs:
            reasons = sorted({removed.reason for removed in parsed.removed})
            detail = f" (only {', '.join(reasons)})" if reasons else ""
            raise ArticleRefused(f"no body text{detail}")
        encoding = raw.hints.get("source_charset") or raw.hints.get("charset") or "utf-8"
        extra = _clean_values({**raw.hints.get("metadata", {}), **extra, "encoding": encoding})
        self._store(ctx, article, fields, parsed, extra)
        return f"read as {encoding}"

    def _store(
        self,
        ctx: StageContext,
        article: Article,
        fields: dict[str, Any],
        parsed: ParsedText,
        extra: dict[str, Any],
    ) -> None:
        article.title = parsed.title
        article.subtitle = fields["subtitle"].strip() if fields.get("subtitle") else None
        article.subtitle = article.subtitle or parsed.subtitle
        article.dateline = parsed.dateline
        article.url = fields["url"] if fields.get("url") else None
        try:
            published = parse_time(fields.get("published"))
        except ValueError as error:  # the source's own time: unreadable now and later
            raise ArticleRefused(str(error)) from None
        # What the source says about the time wins over a date found in the text.
        article.published_at = published or (
            parsed.published.replace(tzinfo=UTC) if parsed.published else None
        )
        article.outlet = _outlet(ctx, fields.get("outlet") or parsed.outlet)
        if parsed.outlet:
            extra = {**extra, "attributed_to": parsed.outlet}
        article.extra = extra
        article.removed = [{"text": r.text, "reason": r.reason} for r in parsed.removed]
        set_paragraphs(ctx, article, parsed.paragraphs)
        article.language = detect_language(article.text or article.title or "")


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
    if outlet is not None:
        return outlet
    try:
        with ctx.session.begin_nested():
            outlet = Outlet(name=clean)
            ctx.session.add(outlet)
    except IntegrityError:
        # Another worker stored the same outlet between our look-up and insert.
        outlet = ctx.session.scalars(select(Outlet).where(Outlet.name == clean)).one()
    return outlet


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Parse()]


@hookimpl
def marsad_register_commands(cli: typer.Typer, eval_cli: typer.Typer) -> None:
    @eval_cli.command("parse")
    def eval_parse(
        gold: Annotated[Path, typer.Option(help="Gold file (seeds.json).")],
        articles: Annotated[
            Path | None, typer.Option(help="Folder of the gold's articles (found if omitted).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Score titles, subtitles, datelines, dates, outlets and clean bodies against gold."""
        from marsad.plugins.parse_eval import evaluate_parse, report_json

        report = evaluate_parse(gold, articles)
        if as_json:
            typer.echo(report_json(report))
        else:
            for name, score in report.rows():
                typer.echo(f"{name:<11} {score.right}/{score.total}")
                for miss in score.misses:
                    typer.echo(f"    miss: {miss}")
        if not report.perfect():
            raise typer.Exit(1)
