"""Search in SQL: which articles and claims hold every term, and how well they match.

The same conditions and ranking run on SQLite and PostgreSQL, so both answer a search
alike: every term (:func:`marsad.text.search.query_terms`) must occur in a key, and
the rank adds, per term, a fixed weight for a title that holds it and a share for
the body that grows with how often it occurs there, against the body's length.

What makes it fast differs (migration 0007): on PostgreSQL the pg_trgm GIN indexes
serve the ``LIKE`` conditions themselves; on SQLite an FTS5 trigram index first
narrows the rows to those holding the terms of three characters or more.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from marsad.core.models import Article, Claim

TITLE_WEIGHT = 3.0  # a title that names the term says more than one more mention
BODY_SCALE = 3000.0  # characters of key: a body this long needs two mentions for half
_TRIGRAM = 3  # FTS5's trigram index cannot look up a shorter term


Match = tuple[ColumnElement[bool], ColumnElement[float]]


def _holds(key: InstrumentedAttribute[str | None], term: str) -> ColumnElement[bool]:
    return key.contains(term, autoescape=True)


def _body_share(key: InstrumentedAttribute[str | None], term: str) -> ColumnElement[Any]:
    removed = func.length(key) - func.length(func.replace(key, term, ""))
    count = cast(func.coalesce(removed, 0), Float) / len(term)
    length = cast(func.coalesce(func.length(key), 0), Float)
    return count / (count + 1.0 + length / BODY_SCALE)


def _fts_rows(session: Session, fts_table: str, terms: list[str]) -> Select[Any] | None:
    """Rows of the FTS index holding the long terms; None where there is nothing to
    narrow with (PostgreSQL, no FTS table, only short terms)."""
    long_terms = [term for term in terms if len(term) >= _TRIGRAM]
    if session.get_bind().dialect.name != "sqlite" or not long_terms:
        return None
    has_index = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": fts_table},
    ).first()
    if has_index is None:
        return None
    phrases = " AND ".join('"' + term.replace('"', '""') + '"' for term in long_terms)
    index = table(fts_table, column("rowid"))
    matching = text(f"{fts_table} MATCH :phrases").bindparams(bindparam("phrases", phrases))
    return select(index.c.rowid).where(matching)


def _ranked(held: list[ColumnElement[bool]], shares: list[ColumnElement[Any]]) -> Match:
    rank: ColumnElement[Any] = cast(0.0, Float)
    for share in shares:
        rank = rank + share
    return and_(*held), rank


def article_search(session: Session, terms: list[str]) -> Match:
    """The condition that an article holds every term, and its rank (higher is better)."""
    held = [or_(_holds(Article.title_key, t), _holds(Article.match_key, t)) for t in terms]
    narrowed = _fts_rows(session, "articles_fts", terms)
    if narrowed is not None:
        held.append(Article.id.in_(narrowed))
    shares = [
        case((_holds(Article.title_key, t), TITLE_WEIGHT), else_=0.0)
        + _body_share(Article.match_key, t)
        for t in terms
    ]
    return _ranked(held, shares)


def claim_search(session: Session, terms: list[str]) -> Match:
    """The condition that a claim holds every term, and its rank (higher is better)."""
    held = [_holds(Claim.search_key, t) for t in terms]
    narrowed = _fts_rows(session, "claims_fts", terms)
    if narrowed is not None:
        held.append(Claim.id.in_(narrowed))
    return _ranked(held, [_body_share(Claim.search_key, t) for t in terms])
