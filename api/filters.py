"""Filter inputs and the SQL conditions they stand for."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import ColumnElement, exists, or_, select

from marsad.api import enums  # noqa: F401  (registers the enums first)
from marsad.api.errors import UserError
from marsad.api.ids import database_id
from marsad.core import models as db
from marsad.text.search import QueryError, query_terms

SEARCH = (
    "Words in the title or text (claims: text, speaker, source), spelled any way: "
    "hamza forms, ى/ي, ة/ه, tatweel, diacritics and Eastern digits do not matter, and a "
    'word is found inside a longer one (with its clitics). "A phrase" in double quotes '
    "is found whole. Results come best first, with `snippets` on their edges."
)


def search_terms(search: str | None) -> list[str] | None:
    """The terms of a ``search`` filter; None without one."""
    if not search:
        return None
    try:
        return query_terms(search)
    except QueryError as error:
        raise UserError(str(error)) from None


@strawberry.input(description="All given conditions must hold.")
class ArticleFilter:
    outlet: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    published_after: datetime | None = strawberry.UNSET
    published_before: datetime | None = strawberry.UNSET
    story: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A Story id."
    )
    search: str | None = strawberry.field(default=strawberry.UNSET, description=SEARCH)
    duplicates: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False hides articles that duplicate another one (the copy side of "
        "a DUPLICATE link); true keeps only those.",
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.outlet:
            outlets = select(db.Outlet.id).where(db.Outlet.name == self.outlet.strip())
            where.append(db.Article.outlet_id.in_(outlets))
        if self.language:
            where.append(db.Article.language == self.language)
        if self.published_after:
            where.append(db.Article.published_at >= self.published_after)
        if self.published_before:
            where.append(db.Article.published_at < self.published_before)
        if self.story:
            where.append(db.Article.story_id == database_id(self.story, "Story"))
        if self.duplicates is not None and self.duplicates is not strawberry.UNSET:
            where.append(_duplicate() if self.duplicates else ~_duplicate())
        return where


def _duplicate() -> ColumnElement[bool]:
    return exists().where(
        db.ArticleLink.kind == db.ArticleLinkKind.DUPLICATE,
        db.ArticleLink.source_id == db.Article.id,
    )


@strawberry.input(description="All given conditions must hold.")
class ClaimFilter:
    kind: db.ClaimKind | None = strawberry.UNSET
    quantity_kind: db.QuantityKind | None = strawberry.field(
        default=strawberry.UNSET, description="Quantities of this kind only (e.g. MONEY)."
    )
    speaker: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Contained in the speaker's name, one of its aliases, or the name as written.",
    )
    article: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An Article id."
    )
    disputed: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether some other claim contradicts it."
    )
    search: str | None = strawberry.field(default=strawberry.UNSET, description=SEARCH)

    def conditions(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.kind:
            where.append(db.Claim.kind == self.kind)
        if self.quantity_kind:
            where.append(db.Claim.quantity_kind == self.quantity_kind)
        if self.speaker:
            where.append(_spoken_by(self.speaker))
        if self.article:
            where.append(db.Claim.article_id == database_id(self.article, "Article"))
        if self.disputed is not None and self.disputed is not strawberry.UNSET:
            where.append(_disputed() if self.disputed else ~_disputed())
        return where


def _spoken_by(name: str) -> ColumnElement[bool]:
    entities = select(db.Entity.id).where(db.Entity.name.icontains(name, autoescape=True))
    aliased = select(db.EntityAlias.entity_id).where(
        db.EntityAlias.alias.icontains(name, autoescape=True)
    )
    return or_(
        db.Claim.speaker_id.in_(entities),
        db.Claim.speaker_id.in_(aliased),
        db.Claim.speaker_text.icontains(name, autoescape=True),
    )


def _disputed() -> ColumnElement[bool]:
    return exists().where(
        db.ClaimLink.kind == db.ClaimLinkKind.CONTRADICTS,
        or_(db.ClaimLink.source_id == db.Claim.id, db.ClaimLink.target_id == db.Claim.id),
    )
