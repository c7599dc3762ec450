"""Disputes of a story: which values compete on each slot, from the link stage's links.

Used by the API (``Story.disputes``, ``Story.timeline``) and by ``marsad disputes``.

A slot in dispute is a connected group of the story's claims, joined by their links
(any kind), that holds at least one CONTRADICTS link. Its claims are grouped by what
they say - a quantity's value, qualifier and negation, or a statement's text - and
each group lists the outlets that carry it and the sources they cite for it.

Each value also keeps its reports (its claims with their article's outlet and
publication time) in publication order, so that a figure that rose as reports came in
can be told from outlets that disagree at the same moment; ``timeline`` orders a
story's values the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, raiseload

from marsad.core import models as db


@dataclass(frozen=True)
class Report:
    """One claim carrying a value, with what is known of when and where it appeared."""

    claim: db.Claim
    outlet: str | None
    published_at: datetime | None


# Stands in for a missing time in a sort key, where the flag before it already puts
# every missing time after the known ones; it is never shown.
_UNKNOWN_TIME = datetime.min.replace(tzinfo=UTC)


def publication_key(report: Report) -> tuple[bool, datetime, int, int, int]:
    """Earliest publication first; articles without a known time after all the others.

    Ties and unknown times fall back on the article id, which is ingest order, then on
    the claim's place in its article, so the order is the same on every request.
    """
    claim = report.claim
    unknown = report.published_at is None
    return (unknown, report.published_at or _UNKNOWN_TIME, claim.article_id, claim.start, claim.id)


def in_publication_order(reports: Iterable[Report]) -> tuple[Report, ...]:
    return tuple(sorted(reports, key=publication_key))


@dataclass(frozen=True)
class DisputeValue:
    value: str
    claims: tuple[db.Claim, ...]
    outlets: tuple[str, ...]
    cited_sources: tuple[str, ...]
    # The value's claims again, in publication order: the first one is who reported it first.
    reports: tuple[Report, ...]

    @property
    def first(self) -> Report:
        return self.reports[0]


@dataclass(frozen=True)
class DisputeRows:
    slot: str
    values: tuple[DisputeValue, ...]


def value_of(claim: db.Claim) -> str:
    if claim.kind is db.ClaimKind.STATEMENT:
        return claim.text
    if claim.negated:
        return f"no {claim.quantity_unit}"
    if claim.quantity_value is None:
        return f"some {claim.quantity_unit}"
    qualifier = claim.qualifier.value if claim.qualifier else "exact"
    return f"{claim.quantity_value:g} {claim.quantity_unit} ({qualifier})"


def disputes(
    claims: list[db.Claim],
    links: list[db.ClaimLink],
    outlets: dict[int, str],
    sources: dict[int, list[str]],
    published: dict[int, datetime],
) -> list[DisputeRows]:
    """``outlets``: article id -> outlet name; ``sources``: claim id -> cited sources;
    ``published``: article id -> publication time, for the articles whose time is known."""
    by_id = {claim.id: claim for claim in claims}
    parent = {claim.id: claim.id for claim in claims}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    contested: set[int] = set()
    for link in links:
        if link.source_id in by_id and link.target_id in by_id:
            parent[root(link.source_id)] = root(link.target_id)
    for link in links:
        if link.kind is db.ClaimLinkKind.CONTRADICTS and link.source_id in by_id:
            contested.add(root(link.source_id))
    groups: dict[int, list[db.Claim]] = defaultdict(list)
    for claim in claims:
        if root(claim.id) in contested:
            groups[root(claim.id)].append(claim)
    found = []
    for members in groups.values():
        by_value: dict[str, list[db.Claim]] = defaultdict(list)
        for claim in sorted(members, key=lambda c: c.id):
            by_value[value_of(claim)].append(claim)
        values = tuple(
            DisputeValue(
                value=value,
                claims=tuple(group),
                outlets=tuple(
                    sorted({outlets[c.article_id] for c in group if c.article_id in outlets})
                ),
                cited_sources=tuple(sorted({s for c in group for s in sources.get(c.id, [])})),
                reports=in_publication_order(
                    Report(c, outlets.get(c.article_id), published.get(c.article_id)) for c in group
                ),
            )
            for value, group in by_value.items()
        )
        found.append(DisputeRows(slot=members[0].slot_key or "", values=values))
    return sorted(found, key=lambda d: d.values[0].claims[0].id)


def timeline(found: Iterable[DisputeRows]) -> list[DisputeRows]:
    """The same slots, each with its values in the order they were first reported."""
    return [
        replace(slot, values=tuple(sorted(slot.values, key=lambda v: publication_key(v.first))))
        for slot in found
    ]


def story_claims(session: Session, story_ids: list[int]) -> list[tuple[int, db.Claim]]:
    """(story id, claim) for every claim of these stories' articles, in text order."""
    return [
        (story_id, claim)
        for claim, story_id in session.execute(
            select(db.Claim, db.Article.story_id)
            .options(raiseload("*"))
            .join(db.Article, db.Claim.article_id == db.Article.id)
            .where(db.Article.story_id.in_(story_ids))
            .order_by(db.Claim.article_id, db.Claim.start, db.Claim.id)
        )
        if story_id is not None
    ]


def story_disputes(session: Session, story_ids: list[int]) -> list[list[DisputeRows]]:
    """The disputes of each story, in ``story_ids`` order, in four statements whatever
    their number: claims, links, articles (outlet and publication time), sources."""
    pairs = story_claims(session, story_ids)
    ids = [claim.id for _, claim in pairs]
    links = list(
        session.scalars(
            select(db.ClaimLink).where(
                db.ClaimLink.source_id.in_(ids), db.ClaimLink.target_id.in_(ids)
            )
        )
    )
    outlets: dict[int, str] = {}
    published: dict[int, datetime] = {}
    for article_id, name, published_at in session.execute(
        select(db.Article.id, db.Outlet.name, db.Article.published_at)
        .outerjoin(db.Outlet, db.Article.outlet_id == db.Outlet.id)
        .where(db.Article.story_id.in_(story_ids))
    ):
        if name is not None:
            outlets[article_id] = name
        if published_at is not None:
            published[article_id] = published_at
    sources: dict[int, list[str]] = defaultdict(list)
    for claim_id, source in session.execute(
        select(db.Citation.claim_id, db.Citation.source).where(db.Citation.claim_id.in_(ids))
    ):
        if claim_id is not None:
            sources[claim_id].append(source)
    by_story: dict[int, list[db.Claim]] = defaultdict(list)
    for story_id, claim in pairs:
        by_story[story_id].append(claim)
    return [disputes(by_story[key], links, outlets, sources, published) for key in story_ids]
