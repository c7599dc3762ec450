"""The ``extract`` stage: attributed statements and counted facts, with their speakers.

Every span is an offset pair into ``Article.text`` and ``claim.text`` is exactly the
text of that span. ``slot_key`` says what a claim is about, so the ``link`` stage
finds the claims it may agree or clash with in one indexed query: ``speaker:<entity
key>`` for statements, ``unit:<lemma key>`` for counts and casualty events (the same
for "injuries" and "no injuries", which is what makes them comparable).

Rules for statements: :mod:`marsad.plugins.statements`; for numbers:
:mod:`marsad.plugins.numbers`; for speakers: :mod:`marsad.plugins.entities`.

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

from bisect import bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
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
from marsad.plugins.arabic import match_key, sentences
from marsad.plugins.citations import CitationDraft, cite
from marsad.plugins.entities import ArticleNames, EntityResolver, display, scan_names
from marsad.plugins.mentions import extra_aliases, find_mentions
from marsad.plugins.numbers import QuantityMatch, find_quantities
from marsad.plugins.statements import CONTINUING, Speaker, StatementFinder, StatementMatch
from marsad.plugins.stories import split_stories
from marsad.plugins.tokens import Line, lines

SPEAKER_SLOT = "speaker:"
UNIT_SLOT = "unit:"


def speaker_slot(key: str) -> str:
    return SPEAKER_SLOT + key


def unit_slot(unit: str) -> str:
    return UNIT_SLOT + match_key(unit)


@dataclass
class _Said:
    """The speaker of the last statement, for the ones that only continue it."""

    entity: Entity | None = None
    text: str | None = None
    channel: str | None = None
    cited_source: str | None = None
    slot_key: str | None = None
    span: tuple[int, int] | None = None  # where the source is named in the text


@dataclass
class _Attribution:
    start: int
    end: int
    source: str | None  # who the content is attributed to, for the counts inside it
    citation: CitationDraft | None = None


class Extract(Stage):
    name = "extract"
    after = ("normalize",)
    version = "0.3.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        session = ctx.session
        text = article.text or ""
        article_lines = lines(text)
        names = scan_names(article_lines)
        resolver = EntityResolver(session, names)
        finder = StatementFinder(set(names.names))
        said = _Said()
        issuer = _Said()  # who spoke through the last "بيان", for "وأضاف البيان"
        claims: list[Claim] = []
        cited: list[tuple[Claim, CitationDraft]] = []
        mentions: list[EntityMention] = []
        for line in article_lines:
            attributions: list[_Attribution] = []
            for match in finder.find(line):
                speaking = match.speaker
                previous = issuer if speaking is not None and speaking.kind == "statement" else said
                before = len(claims)
                said = self._statement(article, line, match, resolver, previous, claims, mentions)
                if said.channel == "statement":
                    issuer = said
                citation = _citation(said, line, match) if len(claims) > before else None
                if citation is not None:
                    cited.extend((claim, citation) for claim in claims[before:])
                first, last = match.first, match.last
                if match.direct and match.quotes:
                    first, last = match.quotes[0][0] + 1, match.quotes[-1][1] - 1
                start, end = line.span(first, last)
                source = said.cited_source or said.text
                attributions.append(_Attribution(start, end, source, citation))
            for quantity in find_quantities(line):
                claim, citation = self._quantity(article, line, quantity, attributions)
                claims.append(claim)
                if citation is not None:
                    cited.append((claim, citation))
        mentions.extend(self._mentions(article, article_lines, names, resolver, mentions))
        _describe(article, claims)
        first_of = _first_of_repeats(claims)
        stored = sync_claims(session, article.id, [c for c in claims if first_of[id(c)] is c])
        citations = (
            Citation(
                article_id=article.id,
                claim_id=stored[id(first_of[id(claim)])].id,
                source=draft.source[:300],
                source_kind=draft.kind,
                speaker_id=draft.speaker_id,
                speaker_text=draft.speaker_text,
                start=draft.start,
                end=draft.end,
            )
            for claim, draft in cited
        )
        sync_rows(session, _stored(session, Citation, article.id), citations, _citation_key)
        sync_rows(session, _stored(session, EntityMention, article.id), mentions, _mention_key)
        session.flush()
        session.expire(article, ["claims"])

    def _mentions(
        self,
        article: Article,
        article_lines: list[Line],
        names: ArticleNames,
        resolver: EntityResolver,
        speakers: list[EntityMention],
    ) -> list[EntityMention]:
        """Every entity the text names, stored once, with each place it is named."""
        text = article.text or ""
        taken = [(m.start, m.end) for m in speakers]
        found = []
        for mention in find_mentions(article_lines, names):
            if any(a <= mention.start and mention.end <= b for a, b in taken):
                continue  # already the speaker's mention
            entity = resolver.store.get(mention.kind, mention.name, mention.key)
            resolver.store.alias(entity, mention.name)
            for alias in (mention.alias, *extra_aliases(mention)):
                resolver.store.alias(entity, alias)
            found.append(
                EntityMention(
                    entity_id=entity.id,
                    article_id=article.id,
                    start=mention.start,
                    end=mention.end,
                    text=text[mention.start : mention.end][:300],
                )
            )
        return found

    def _statement(
        self,
        article: Article,
        line: Line,
        match: StatementMatch,
        resolver: EntityResolver,
        said: _Said,
        claims: list[Claim],
        mentions: list[EntityMention],
    ) -> _Said:
        speaker = match.speaker
        if speaker is not None and speaker.kind == "statement":
            # "وأضاف البيان": the issuer of the last statement made through a statement.
            speaker = None
        if speaker is None:
            current = _Said(
                said.entity,
                said.text,
                match.channel or said.channel,
                said.cited_source,
                said.slot_key,
                said.span,
            )
        else:
            current = self._speaker(article, line, speaker, resolver, said, match, mentions)
        if current.slot_key is None:
            return said
        if match.speaker is not None and match.speaker.kind == "statement":
            current.channel = "statement"
        spans = (
            [(a + 1, b - 1) for a, b in match.quotes]
            if match.direct
            else [(match.first, match.last)]
        )
        for first, last in spans:
            start, end = line.span(first, last)
            claims.append(
                Claim(
                    article_id=article.id,
                    kind=ClaimKind.STATEMENT,
                    text=article.text[start:end] if article.text else "",
                    start=start,
                    end=end,
                    speaker_id=current.entity.id if current.entity else None,
                    speaker_text=current.text,
                    verb=match.verb,
                    direct=match.direct,
                    channel=current.channel,
                    cited_source=current.cited_source,
                    negated=False,
                    slot_key=current.slot_key,
                )
            )
        return current

    def _speaker(
        self,
        article: Article,
        line: Line,
        speaker: Speaker,
        resolver: EntityResolver,
        said: _Said,
        match: StatementMatch,
        mentions: list[EntityMention],
    ) -> _Said:
        surface = display(line, speaker.first, speaker.last)
        entity = resolver.resolve(speaker, surface)
        start, end = line.span(speaker.first, speaker.last)
        if entity is not None:
            mentions.append(
                EntityMention(
                    entity_id=entity.id,
                    article_id=article.id,
                    start=start,
                    end=end,
                    text=(article.text or "")[start:end][:300],
                )
            )
        cited = display(line, *match.cited_source) if match.cited_source else None
        channel = match.channel
        continuing = match_key(match.verb) in CONTINUING
        if channel is None and continuing and entity is not None and said.entity is entity:
            channel = said.channel  # "وأضاف الكاظمي:" goes on in the same tweet
        key = entity.key if entity is not None else match_key(surface)
        if match.cited_source:
            start, end = line.span(*match.cited_source)
        return _Said(entity, surface, channel, cited, speaker_slot(key), (start, end))

    def _quantity(
        self,
        article: Article,
        line: Line,
        quantity: QuantityMatch,
        attributions: list[_Attribution],
    ) -> tuple[Claim, CitationDraft | None]:
        start, end = line.span(quantity.first, quantity.last)
        inside = next((a for a in attributions if a.start <= start and end <= a.end), None)
        claim = Claim(
            article_id=article.id,
            kind=ClaimKind.QUANTITY if quantity.value is not None else ClaimKind.EVENT,
            text=(article.text or "")[start:end],
            start=start,
            end=end,
            quantity_value=quantity.value,
            quantity_unit=quantity.unit,
            qualifier=quantity.qualifier,
            negated=quantity.negated,
            cited_source=inside.source if inside else None,
            slot_key=unit_slot(quantity.unit),
        )
        return claim, inside.citation if inside else None


def _citation(said: _Said, line: Line, match: StatementMatch) -> CitationDraft | None:
    span = said.span or line.span(match.verb_index, match.verb_index)
    entity = said.entity
    return cite(
        speaker_name=entity.name if entity is not None else None,
        speaker_type=entity.type if entity is not None else None,
        speaker_id=entity.id if entity is not None else None,
        speaker_text=said.text,
        channel=said.channel,
        cited_source=said.cited_source,
        span=span,
    )


def _describe(article: Article, claims: list[Claim]) -> None:
    """When each claim was made and the sentence it sits in, for the link stage."""
    text = article.text or ""
    at = article.published_at
    spans = sentences(text)
    starts = [s.start for s in spans]  # in order and disjoint: bisect, never scan
    for claim in claims:
        claim.at = at
        index = bisect_right(starts, claim.start) - 1
        sentence = spans[index] if index >= 0 and claim.end <= spans[index].end else None
        claim.extra = {
            "sentence": sentence.text if sentence else claim.text,
            "sentence_start": sentence.start if sentence else claim.start,
        }


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


def article_names(article: Article) -> ArticleNames:
    """The person names of an article, as the extractor sees them (for tests and tools)."""
    return scan_names(lines(article.text or ""))


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Extract()]
