"""The ``extract`` stage: stores the claims :func:`find_claims` finds, with their speakers.

Finding is a pure function of the text (:mod:`marsad.plugins.claimfinder`); this
stage turns its drafts into rows: entities and aliases in the shared tables, claims,
citations and entity mentions.

Running the stage again on an article keeps what still holds, with its ids: claims
are keyed by (kind, start, end), citations by (claim, source, kind, span), entity
mentions by (entity, span). A row found again is updated in place, one no longer
found is deleted, a new one inserted. A claim whose content changed loses its claim
links (they were decided on the old content; the ``link`` stage decides them again).

A claim repeated word for word in one article (same kind, slot, text, speaker,
source, value and negation) is stored once, at its first place: a page that repeats
one sentence 800 times says it once, and its copies would only link to each other.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, aliased

from marsad.core import (
    Article,
    Citation,
    Claim,
    ClaimKind,
    ClaimLink,
    Entity,
    EntityMention,
    Stage,
    StageContext,
    hookimpl,
)
from marsad.plugins.arabic import match_key
from marsad.plugins.claimfinder import ClaimDraft, find_claims
from marsad.plugins.entities import EntityRef, EntityStore
from marsad.plugins.stories import split_stories


class Extract(Stage):
    name = "extract"
    after = ("normalize",)
    version = "0.4.0"  # 0.4: the rules of claimfinder that hold on unseen news

    def process(self, ctx: StageContext, article: Article) -> None:
        session = ctx.session
        found = find_claims(article.text or "")
        entities = _Entities(EntityStore(session))
        claims = [_claim(article, draft, entities) for draft in found.claims]
        first_of = _first_of_repeats(claims)
        stored = sync_claims(session, article.id, [c for c in claims if first_of[id(c)] is c])
        citations = (
            Citation(
                article_id=article.id,
                claim_id=stored[id(first_of[id(claim)])].id,
                source=draft.citation.source[:300],
                source_kind=draft.citation.kind,
                speaker_id=entities.id_of(draft.citation.speaker),
                speaker_text=draft.citation.speaker_text,
                start=draft.citation.start,
                end=draft.citation.end,
            )
            for claim, draft in zip(claims, found.claims, strict=True)
            if draft.citation is not None
        )
        mentions = (
            EntityMention(
                entity_id=entities.get(mention.entity).id,
                article_id=article.id,
                start=mention.start,
                end=mention.end,
                text=(article.text or "")[mention.start : mention.end][:300],
            )
            for mention in found.mentions
        )
        sync_rows(session, _stored(session, Citation, article.id), citations, _citation_key)
        sync_rows(session, _stored(session, EntityMention, article.id), mentions, _mention_key)
        session.flush()
        session.expire(article, ["claims"])


class _Entities:
    """The stored entity of each speaker and mention of one article."""

    def __init__(self, store: EntityStore) -> None:
        self.store = store
        self._known: dict[EntityRef, Entity] = {}

    def get(self, ref: EntityRef) -> Entity:
        # The (type, key) the article resolved, never an entity found by alias in other
        # articles: which of them were stored first would decide it, and the results of
        # a run would depend on the order articles came in.
        entity = self._known.get(ref)
        if entity is None:
            entity = self.store.get(ref.type, ref.name, ref.key)
            for alias in ref.aliases:
                self.store.alias(entity, alias)
            self._known[ref] = entity
        return entity

    def id_of(self, ref: EntityRef | None) -> int | None:
        return self.get(ref).id if ref is not None else None


def _claim(article: Article, draft: ClaimDraft, entities: _Entities) -> Claim:
    speaker = entities.get(draft.speaker) if draft.speaker is not None else None
    return Claim(
        article_id=article.id,
        kind=draft.kind,
        text=draft.text,
        start=draft.start,
        end=draft.end,
        speaker_id=speaker.id if speaker is not None else None,
        speaker_text=draft.speaker_text,
        verb=draft.verb,
        direct=draft.direct,
        channel=draft.channel,
        cited_source=draft.cited_source,
        quantity_value=draft.value,
        quantity_unit=draft.unit,
        qualifier=draft.qualifier,
        quantity_kind=draft.quantity_kind,
        negated=draft.negated,
        slot_key=draft.slot,
        at=article.published_at,
        extra={"sentence": draft.sentence, "sentence_start": draft.sentence_start},
    )


# What a stored claim says, beyond where it is: a change here changes its links.
CLAIM_FIELDS = (
    "text",
    "speaker_id",
    "speaker_text",
    "verb",
    "direct",
    "channel",
    "cited_source",
    "quantity_value",
    "quantity_unit",
    "qualifier",
    "quantity_kind",
    "negated",
    "slot_key",
    "extra",
    "at",
)


def claim_key(claim: Claim) -> tuple[ClaimKind, int, int]:
    """A claim's natural key within its article: what it is and where it stands."""
    return (claim.kind, claim.start, claim.end)


def _first_of_repeats(claims: list[Claim]) -> dict[int, Claim]:
    """Each claim (by ``id()``) -> the first claim of the article that says the same."""
    first: dict[Hashable, Claim] = {}
    by_draft: dict[int, Claim] = {}
    for claim in claims:
        sameness = (
            claim.kind,
            claim.slot_key,
            match_key(claim.text),
            claim.speaker_id,
            claim.speaker_text,
            claim.cited_source,
            claim.direct,
            claim.quantity_value,
            claim.qualifier,
            claim.quantity_kind,
            claim.negated,
        )
        by_draft[id(claim)] = first.setdefault(sameness, claim)
    for claim in claims:  # two drafts on one span (kind, start, end) are one claim
        same_span = first.setdefault(claim_key(claim), claim)
        if same_span is not claim:
            by_draft[id(claim)] = same_span
    for claim in claims:  # each points to an earlier draft: follow to the first
        root = by_draft[id(claim)]
        while by_draft[id(root)] is not root:
            root = by_draft[id(root)]
        by_draft[id(claim)] = root
    return by_draft


def sync_claims(session: Session, article_id: int, drafts: list[Claim]) -> dict[int, Claim]:
    """Store the article's claims by natural key; return draft ``id()`` -> stored claim.

    A claim found again keeps its row and id; one whose content changed is updated and
    its claim links are deleted; claims no longer found are deleted with their links.
    """
    existing = {claim_key(c): c for c in _stored(session, Claim, article_id)}
    stored: dict[int, Claim] = {}
    changed: list[int] = []
    for draft in drafts:
        row = existing.pop(claim_key(draft), None)
        if row is None:
            session.add(draft)
            stored[id(draft)] = draft
            continue
        if _copy_fields(draft, row, CLAIM_FIELDS):
            changed.append(row.id)
        stored[id(draft)] = row
    gone = [row.id for row in existing.values()]
    stale = changed + gone
    linked: set[int] = set()
    if stale:
        touching = or_(ClaimLink.source_id.in_(stale), ClaimLink.target_id.in_(stale))
        source, target = aliased(Claim), aliased(Claim)
        for pair in session.execute(
            select(source.article_id, target.article_id)
            .join(ClaimLink, ClaimLink.source_id == source.id)
            .join(target, ClaimLink.target_id == target.id)
            .where(touching)
        ):
            linked.update(pair)
        session.execute(delete(ClaimLink).where(touching))
        session.execute(delete(Citation).where(Citation.claim_id.in_(gone)))
    for row in existing.values():
        session.delete(row)
    session.flush()
    if linked:
        split_stories(session, linked)  # the links that joined them may be gone
    return stored


def sync_rows(
    session: Session,
    existing: Iterable[Any],
    wanted: Iterable[Any],
    key: Any,
) -> None:
    """Make the stored rows ``existing`` those of ``wanted``, matched by ``key(row)``.

    A row of both keeps its id and takes the new values; a stored row not wanted is
    deleted; a wanted row not stored is added. Later duplicates of a key are dropped.
    """
    stored = {key(row): row for row in existing}
    seen: set[Hashable] = set()
    columns = None
    for row in wanted:
        row_key = key(row)
        if row_key in seen:
            continue
        seen.add(row_key)
        old = stored.pop(row_key, None)
        if old is None:
            session.add(row)
            continue
        columns = columns or [c.key for c in row.__table__.columns if c.key != "id"]
        _copy_fields(row, old, columns)
    for row in stored.values():
        session.delete(row)


def _copy_fields(source: Any, target: Any, fields: Iterable[str]) -> bool:
    """Copy the differing fields; True when one differed."""
    changed = False
    for name in fields:
        value = getattr(source, name)
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


def _stored(session: Session, model: Any, article_id: int) -> list[Any]:
    return list(session.scalars(select(model).where(model.article_id == article_id)))


def _citation_key(citation: Citation) -> tuple[object, ...]:
    return (citation.claim_id, citation.source, citation.source_kind, citation.start, citation.end)


def _mention_key(mention: EntityMention) -> tuple[int, int, int]:
    return (mention.entity_id, mention.start, mention.end)


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Extract()]
