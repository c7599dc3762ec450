"""The ``parse`` stage: stored input to title, subtitle, dateline, time, outlet and body.

Plain text, JSON records and HTML pages end in the same structure detection
(:mod:`marsad.text.plain`), so boilerplate is kept out of the body whatever the
input looked like, and what was removed is stored with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import py3langid
import trafilatura
from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.core import (
    RECORD_FIELDS,
    Article,
    ArticleRefused,
    Outcome,
    Outlet,
    RawInput,
    Stage,
    StageContext,
    hookimpl,
)
from marsad.core.budget import StageTimeout
from marsad.core.db import insert_ignoring_duplicates
from marsad.core.paragraphs import replace_bodies
from marsad.core.readers import field_type_problem
from marsad.text.dates import parse_time, published_text, time_is_given
from marsad.text.plain import clean_controls, parse_text

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
    if sum(map(str.isalpha, sample)) < MIN_LANGUAGE_CHARS:
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
        "published": _page_date(meta.get("date")),
    }
    body = str(meta.get("text") or "")
    title = fields["title"]
    lines = body.splitlines()
    if title and lines and lines[0].strip() == str(title).strip():
        body = "\n".join(lines[1:])  # trafilatura repeats the headline as the first line
    return fields, body


def _page_date(found: object) -> object:
    """trafilatura's date in the form ``published`` takes: it formats a date the page
    gives without a time as that day's midnight with no offset, which is read back as
    the day only (:func:`~marsad.text.dates.published_text`)."""
    if not isinstance(found, str):
        return found
    try:
        return published_text(datetime.fromisoformat(found))
    except ValueError:
        return found  # parse_time says what is wrong with it


@dataclass(frozen=True)
class ParsedArticle:
    """What parse found in one stored input, ready to be written."""

    columns: dict[str, Any]  # Article columns other than text and outlet
    outlet: str | None
    paragraphs: list[str]
    note: str


def parse_input(media_type: str, content: bytes, hints: dict[str, Any]) -> ParsedArticle:
    """Parse one stored input (pure); raises :class:`ArticleRefused` when it cannot be."""
    text = _decode(content, hints.get("charset"))
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if media_type == "application/json":
        record = _record(text)
        fields = {field: record.get(field) for field in RECORD_FIELDS}
        extra = {key: value for key, value in record.items() if key not in RECORD_FIELDS}
        body = fields.get("text") or ""
    elif media_type == "text/html":
        fields, body = read_html(text)
    else:
        body = text
    for key in ("outlet", "url", "published"):
        if hints.get(key):
            fields[key] = hints[key]
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
    # so every text stored from the body is free of them on every database. The body
    # (a record's "text") is cleaned once, where it is parsed.
    fields = {
        key: clean_controls(value) if value else value
        for key, value in fields.items()
        if key != "text"
    }
    title = fields.get("title")
    parsed = parse_text(clean_controls(body), title=title or None, title_first=media_type == TEXT)
    if not parsed.paragraphs:
        reasons = sorted({removed.reason for removed in parsed.removed})
        detail = f" (only {', '.join(reasons)})" if reasons else ""
        raise ArticleRefused(f"no body text{detail}")
    encoding = hints.get("source_charset") or hints.get("charset") or "utf-8"
    extra = _clean_values({**hints.get("metadata", {}), **extra, "encoding": encoding})
    try:
        published = parse_time(fields.get("published"))
    except ValueError as error:  # the source's own time: unreadable now and later
        raise ArticleRefused(str(error)) from None
    # What the source says about the time wins over a date found in the text, but for
    # the time of day the text gives on the day the source names.
    found = parsed.published
    time_known: bool | None = None
    if published is not None:
        time_known = time_is_given(fields.get("published"))
        if not time_known and found and found.has_time and found.value.date() == published.date():
            published, time_known = found.value.replace(tzinfo=UTC), True
    elif found is not None:
        published, time_known = found.value.replace(tzinfo=UTC), found.has_time
    if parsed.outlet:
        extra = {**extra, "attributed_to": parsed.outlet}
    subtitle = fields["subtitle"].strip() if fields.get("subtitle") else None
    columns = {
        "title": parsed.title,
        "subtitle": subtitle or parsed.subtitle,
        "dateline": parsed.dateline,
        "url": fields["url"] if fields.get("url") else None,
        "published_at": published,
        "published_time_known": time_known,
        "extra": extra,
        "removed": [{"text": r.text, "reason": r.reason} for r in parsed.removed],
        "language": detect_language("\n".join(parsed.paragraphs) or parsed.title or ""),
    }
    return ParsedArticle(
        columns=columns,
        outlet=_outlet_name(fields.get("outlet") or parsed.outlet),
        paragraphs=parsed.paragraphs,
        note=f"read as {encoding}",
    )


def _parse(raw: tuple[str, bytes, dict[str, Any]]) -> ParsedArticle | Exception:
    """parse_input, with an error as the article's outcome rather than the batch's."""
    try:
        return parse_input(*raw)
    except StageTimeout:
        raise  # the batch's budget: the pipeline finds the slow article alone
    except Exception as error:
        return error


def _outlet_name(name: object) -> str | None:
    if not name or not str(name).strip():
        return None
    return str(name).strip()


class Parse(Stage):
    name = "parse"
    version = "0.3.0"  # 0.3: field types and body length checked, controls dropped, encoding kept
    reads_other_articles = False  # outlets are shared, but stored race-safely

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        session = ctx.session
        rows = session.execute(
            select(RawInput.id, RawInput.media_type, RawInput.content, RawInput.hints).where(
                RawInput.id.in_([article.raw_input_id for article in articles])
            )
        )
        raw_inputs = {
            raw_id: (media_type, content, hints) for raw_id, media_type, content, hints in rows
        }
        inputs = [raw_inputs[article.raw_input_id] for article in articles]
        outcomes: dict[int, Outcome] = {}
        parsed: list[tuple[Article, ParsedArticle]] = []
        for article, result in zip(articles, ctx.compute(_parse, inputs), strict=True):
            if isinstance(result, Exception):
                outcomes[article.id] = result  # nothing is written for it
            else:
                parsed.append((article, result))
                outcomes[article.id] = result.note

        outlet_ids = store_outlets(session, {p.outlet for _, p in parsed if p.outlet})
        replace_bodies(
            session,
            [
                (
                    article,
                    {
                        **result.columns,
                        "outlet_id": outlet_ids[result.outlet] if result.outlet else None,
                    },
                    result.paragraphs,
                )
                for article, result in parsed
            ],
        )
        for article, _ in parsed:
            session.expire(article, ["outlet"])  # its outlet_id was written under it
        return outcomes


def store_outlets(session: Session, names: set[str]) -> dict[str, int]:
    """The id of each outlet name, storing the names not stored yet.

    Safe when other workers store the same names at the same time: the insert skips a
    name already there, and the names go in sorted so two inserts never wait on each
    other crosswise.
    """
    if not names:
        return {}
    # The column cuts long names (BoundedString); look them up as they are stored.
    stored_as = Outlet.__table__.c.name.type.bind_processor(session.get_bind().dialect)
    stored = {name: stored_as(name) if stored_as else name for name in names}
    wanted = sorted(set(stored.values()))

    def found() -> dict[str, int]:
        rows = session.execute(select(Outlet.name, Outlet.id).where(Outlet.name.in_(wanted)))
        return {name: outlet_id for name, outlet_id in rows}

    ids = found()
    missing = [name for name in wanted if name not in ids]
    if missing:
        insert = insert_ignoring_duplicates(session)
        session.execute(
            insert(Outlet)
            .values([{"name": name} for name in missing])
            .on_conflict_do_nothing(index_elements=["name"])
        )
        ids = found()
    return {name: ids[stored[name]] for name in names}


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Parse()]
