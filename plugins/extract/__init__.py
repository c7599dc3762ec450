"""The ``extract`` stage: stores the claims :func:`find_claims` finds, with their speakers.

Finding is a pure function of the text (:mod:`marsad.text.claims.finder`); this
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

A batch is done in a few statements: claims are found for every article first (on
the run's compute workers, if any), the entities of the whole batch are stored at
once (:mod:`marsad.plugins.extract.entity_rows`), and the articles with nothing stored yet
get their claims, citations and mentions in one bulk insert per table. An article
run again goes through the row-by-row sync above.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, delete, insert, or_, select, union
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    Citation,
    Claim,
    ClaimKind,
    ClaimLink,
    EntityMention,
    Stage,
    StageContext,
    hookimpl,
)
from marsad.core.budget import StageTimeout
from marsad.core.stages import Outcome
from marsad.plugins.extract.entity_rows import store_entities
from marsad.text.arabic import match_key
from marsad.text.claims.entities import EntityRef
from marsad.text.claims.finder import FoundClaims, find_claims

Row = dict[str, Any]


class Extract(Stage):
    name = "extract"
    after = ("normalize",)
    version = "0.4.0"  # 0.4: the rules of claimfinder that hold on unseen news
    # An article's claims, citations and mentions are its own; entities are shared
    # rows, created race-safely (see entity_rows).
    reads_other_articles = False

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        session = ctx.session
        outcomes: dict[int, Outcome] = {}
        found: list[tuple[Article, FoundClaims]] = []
        for article, result in zip(
            articles, ctx.compute(_find, [a.text or "" for a in articles]), strict=True
        ):
            if isinstance(result, Exception):
                outcomes[article.id] = result  # nothing is written for it
            else:
                found.append((article, result))
        if not found:
            return outcomes
        stored = _with_rows(session, [article.id for article, _ in found])
        if stored:
            # A run again may drop claim links (link's output): wait for that stage's
            # turn first, before this transaction holds any row its runs may need.
            ctx.take_turn("link")
        entity_ids = store_entities(
            session, (ref for _, claims in found for ref in _entity_refs(claims))
        )
        rows = [_Rows.of(article, claims, entity_ids) for article, claims in found]
        _insert_new(session, [r for r in rows if r.article.id not in stored])
        for article_rows in rows:
            if article_rows.article.id in stored:
                article_rows.sync(session)
        session.flush()
        for article, _ in found:
            session.expire(article, ["claims"])
            outcomes[article.id] = None
        return outcomes


def _find(text: str) -> FoundClaims | Exception:
    """find_claims, with an error as the article's outcome rather than the batch's."""
    try:
        return find_claims(text)
    except StageTimeout:
        raise  # the batch's time is up, not this article's fault
    except Exception as error:
        return error


def _entity_refs(found: FoundClaims) -> Iterable[EntityRef]:
    """The article's entities in the order one-at-a-time storing met them: a new
    entity takes the name of the first reference to it."""
    for draft in found.claims:
        if draft.speaker is not None:
            yield draft.speaker
    for draft in found.claims:
        if draft.citation is not None and draft.citation.speaker is not None:
            yield draft.citation.speaker
    for mention in found.mentions:
        yield mention.entity


class _Rows:
    """One article's claims, citations and mentions as rows, before they are stored.

    ``first[i]`` is the index of the claim that claim ``i`` repeats (itself when it
    is the first); a citation names its claim by that index until claims have ids.
    """

    def __init__(
        self,
        article: Article,
        claims: list[Row],
        first: list[int],
        citations: list[tuple[int, Row]],
        mentions: list[Row],
    ) -> None:
        self.article = article
        self.claims = claims
        self.first = first
        self.citations = citations
        self.mentions = mentions

    @classmethod
    def of(cls, article: Article, found: FoundClaims, entity_ids: dict[EntityRef, int]) -> _Rows:
        text = article.text or ""
        claims = [
            {
                "article_id": article.id,
                "kind": draft.kind,
                "text": draft.text,
                "start": draft.start,
                "end": draft.end,
                "speaker_id": entity_ids[draft.speaker] if draft.speaker is not None else None,
                "speaker_text": draft.speaker_text,
                "verb": draft.verb,
                "direct": draft.direct,
                "channel": draft.channel,
                "cited_source": draft.cited_source,
                "quantity_value": draft.value,
                "quantity_unit": draft.unit,
                "qualifier": draft.qualifier,
                "quantity_kind": draft.quantity_kind,
                "negated": draft.negated,
                "slot_key": draft.slot,
                "at": article.published_at,
                "extra": {"sentence": draft.sentence, "sentence_start": draft.sentence_start},
            }
            for draft in found.claims
        ]
        first = _first_of_repeats(claims)
        citations = [
            (
                first[index],
                {
                    "article_id": article.id,
                    "source": draft.citation.source[:300],
                    "source_kind": draft.citation.kind,
                    "speaker_id": (
                        entity_ids[draft.citation.speaker]
                        if draft.citation.speaker is not None
                        else None
                    ),
                    "speaker_text": draft.citation.speaker_text,
                    "start": draft.citation.start,
                    "end": draft.citation.end,
                },
            )
            for index, draft in enumerate(found.claims)
            if draft.citation is not None
        ]
        mentions = [
            {
                "entity_id": entity_ids[mention.entity],
                "article_id": article.id,
                "start": mention.start,
                "end": mention.end,
                "text": text[mention.start : mention.end][:300],
            }
            for mention in found.mentions
        ]
        return cls(article, claims, first, citations, mentions)

    def kept_claims(self) -> list[int]:
        """Indexes of the claims stored: the first of each repeat."""
        return [index for index, first in enumerate(self.first) if first == index]

    def citation_rows(self, claim_ids: Mapping[int, int]) -> list[Row]:
        """Citations with their claim's id, given claim index -> id; one per key."""
        rows = ({**row, "claim_id": claim_ids[index]} for index, row in self.citations)
        return _first_per_key(rows, CITATION_KEY)

    def sync(self, session: Session) -> None:
        """Store over what a previous run stored for the article, keeping ids."""
        kept = self.kept_claims()
        stored = sync_claims(session, self.article.id, [self.claims[i] for i in kept])
        claim_ids = dict(zip(kept, stored, strict=True))
        article_id = self.article.id
        sync_rows(session, Citation, article_id, self.citation_rows(claim_ids), CITATION_KEY)
        sync_rows(session, EntityMention, article_id, self.mentions, MENTION_KEY)


def _with_rows(session: Session, article_ids: list[int]) -> set[int]:
    """The articles for which claims, citations or mentions are stored already."""
    query = union(
        *(
            select(model.article_id).where(model.article_id.in_(article_ids))
            for model in (Claim, Citation, EntityMention)
        )
    )
    return set(session.scalars(select(query.subquery().c.article_id)))


# The most values one statement may bind on an SQLite older than 3.32.
OLDEST_SQLITE_VARIABLES = 999


def _insert_new(session: Session, batch: list[_Rows]) -> None:
    """Bulk insert the rows of articles with nothing stored yet."""
    kept = [(rows, rows.kept_claims()) for rows in batch]
    claims = [rows.claims[index] for rows, indexes in kept for index in indexes]
    # Core inserts of the tables: the ORM's bulk insert splits the rows into one
    # statement per pattern of null columns, often one row each. The new ids are
    # matched by natural key: asking RETURNING for the order of the rows makes SQLite
    # insert them one statement each.
    table = _table(Claim)
    ids: dict[tuple[int, ClaimKind, int, int], int] = {}
    # RETURNING sends the rows as one multi-row VALUES list: few enough rows that it
    # binds at most 999 values, the most an SQLite older than 3.32 allows.
    per_statement = max(1, OLDEST_SQLITE_VARIABLES // len(claims[0])) if claims else 1
    for begin in range(0, len(claims), per_statement):
        returned = session.execute(
            insert(table).returning(
                table.c.id, table.c.article_id, table.c.kind, table.c.start, table.c.end
            ),
            claims[begin : begin + per_statement],
        )
        ids.update({(row.article_id, row.kind, row.start, row.end): row.id for row in returned})
    citations: list[Row] = []
    mentions: list[Row] = []
    for rows, indexes in kept:
        article_id = rows.article.id
        claim_ids = {index: ids[(article_id, *claim_key(rows.claims[index]))] for index in indexes}
        citations.extend(rows.citation_rows(claim_ids))
        mentions.extend(_first_per_key(rows.mentions, MENTION_KEY))
    if citations:
        session.execute(insert(_table(Citation)), citations)
    if mentions:
        session.execute(insert(_table(EntityMention)), mentions)


def _table(model: Any) -> Table:
    table: Table = model.metadata.tables[model.__tablename__]
    return table


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


def claim_key(claim: Mapping[str, Any]) -> tuple[ClaimKind, int, int]:
    """A claim's natural key within its article: what it is and where it stands."""
    return (claim["kind"], claim["start"], claim["end"])


def _first_of_repeats(claims: list[Row]) -> list[int]:
    """For each claim, the index of the first claim of the article that says the same."""
    first: dict[Hashable, int] = {}
    by_draft: list[int] = []
    for index, claim in enumerate(claims):
        sameness = (
            claim["kind"],
            claim["slot_key"],
            match_key(claim["text"]),
            claim["speaker_id"],
            claim["speaker_text"],
            claim["cited_source"],
            claim["direct"],
            claim["quantity_value"],
            claim["qualifier"],
            claim["quantity_kind"],
            claim["negated"],
        )
        by_draft.append(first.setdefault(sameness, index))
    for index, claim in enumerate(claims):  # two drafts on one span are one claim
        same_span = first.setdefault(claim_key(claim), index)
        if same_span != index:
            by_draft[index] = same_span
    for index in range(len(claims)):  # each points to an earlier draft: follow to the first
        root = by_draft[index]
        while by_draft[root] != root:
            root = by_draft[root]
        by_draft[index] = root
    return by_draft


def sync_claims(session: Session, article_id: int, drafts: list[Row]) -> list[int]:
    """Store the article's claims by natural key; return the id of each draft's row.

    A claim found again keeps its row and id; one whose content changed is updated and
    its claim links are deleted; claims no longer found are deleted with their links.
    """
    existing = {
        (c.kind, c.start, c.end): c
        for c in session.scalars(select(Claim).where(Claim.article_id == article_id))
    }
    stored: list[Claim] = []
    changed: list[int] = []
    for draft in drafts:
        row = existing.pop(claim_key(draft), None)
        if row is None:
            row = Claim(**draft)
            session.add(row)
        elif _copy_fields(draft, row, CLAIM_FIELDS):
            changed.append(row.id)
        stored.append(row)
    gone = [row.id for row in existing.values()]
    stale = changed + gone
    if stale:
        touching = or_(ClaimLink.source_id.in_(stale), ClaimLink.target_id.in_(stale))
        session.execute(delete(ClaimLink).where(touching))
        session.execute(delete(Citation).where(Citation.claim_id.in_(gone)))
    for row in existing.values():
        session.delete(row)
    session.flush()
    return [row.id for row in stored]


def sync_rows(
    session: Session, model: Any, article_id: int, wanted: Iterable[Row], key: tuple[str, ...]
) -> None:
    """Make the article's stored rows of ``model`` those of ``wanted``, matched by the
    ``key`` fields.

    A row of both keeps its id and takes the new values; a stored row not wanted is
    deleted; a wanted row not stored is added. Later duplicates of a key are dropped.
    """
    stored = {
        tuple(getattr(row, name) for name in key): row
        for row in _stored(session, model, article_id)
    }
    for row in _first_per_key(wanted, key):
        old = stored.pop(tuple(row[name] for name in key), None)
        if old is None:
            session.add(model(**row))
        else:
            _copy_fields(row, old, row)
    for old in stored.values():
        session.delete(old)


def _copy_fields(source: Mapping[str, Any], target: Any, fields: Iterable[str]) -> bool:
    """Copy the differing fields; True when one differed."""
    changed = False
    for name in fields:
        value = source[name]
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


def _first_per_key(rows: Iterable[Row], key: tuple[str, ...]) -> list[Row]:
    """The rows, without later duplicates of a key (the ``key`` fields)."""
    kept: dict[Hashable, Row] = {}
    for row in rows:
        kept.setdefault(tuple(row[name] for name in key), row)
    return list(kept.values())


def _stored(session: Session, model: Any, article_id: int) -> list[Any]:
    return list(session.scalars(select(model).where(model.article_id == article_id)))


CITATION_KEY = ("claim_id", "source", "source_kind", "start", "end")
MENTION_KEY = ("entity_id", "start", "end")


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Extract()]
