"""The ``extract`` stage: attributed statements and counted facts, with their speakers.

Every span is an offset pair into ``Article.text`` and ``claim.text`` is exactly the
text of that span. ``slot_key`` says what a claim is about, so the ``link`` stage
finds the claims it may agree or clash with in one indexed query: ``speaker:<entity
key>`` for statements, ``unit:<lemma key>`` for counts and casualty events (the same
for "injuries" and "no injuries", which is what makes them comparable).

Rules for statements: :mod:`marsad.plugins.statements`; for numbers:
:mod:`marsad.plugins.numbers`; for speakers: :mod:`marsad.plugins.entities`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select

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
    version = "0.2.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        session = ctx.session
        mine = select(Claim.id).where(Claim.article_id == article.id)
        session.execute(
            delete(ClaimLink).where(
                or_(ClaimLink.source_id.in_(mine), ClaimLink.target_id.in_(mine))
            )
        )
        session.execute(delete(Citation).where(Citation.article_id == article.id))
        session.execute(delete(Claim).where(Claim.article_id == article.id))
        session.execute(delete(EntityMention).where(EntityMention.article_id == article.id))
        session.expire(article, ["claims"])

        text = article.text or ""
        article_lines = lines(text)
        names = scan_names(article_lines)
        resolver = EntityResolver(session, names)
        finder = StatementFinder(set(names.names))
        said = _Said()
        issuer = _Said()  # who spoke through the last "بيان", for "وأضاف البيان"
        claims: list[Claim] = []
        cited: list[tuple[Claim, CitationDraft]] = []
        for line in article_lines:
            attributions: list[_Attribution] = []
            for match in finder.find(line):
                speaking = match.speaker
                previous = issuer if speaking is not None and speaking.kind == "statement" else said
                before = len(claims)
                said = self._statement(ctx, article, line, match, resolver, previous, claims)
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
        self._mentions(ctx, article, article_lines, names, resolver)
        _describe(article, claims)
        session.add_all(claims)
        session.flush()
        session.add_all(
            Citation(
                article_id=article.id,
                claim_id=claim.id,
                source=draft.source[:300],
                source_kind=draft.kind,
                speaker_id=draft.speaker_id,
                speaker_text=draft.speaker_text,
                start=draft.start,
                end=draft.end,
            )
            for claim, draft in cited
        )
        session.flush()

    def _mentions(
        self,
        ctx: StageContext,
        article: Article,
        article_lines: list[Line],
        names: ArticleNames,
        resolver: EntityResolver,
    ) -> None:
        """Every entity the text names, stored once, with each place it is named."""
        text = article.text or ""
        ctx.session.flush()
        taken = [
            (start, end)
            for start, end in ctx.session.execute(
                select(EntityMention.start, EntityMention.end).where(
                    EntityMention.article_id == article.id
                )
            )
        ]
        for mention in find_mentions(article_lines, names):
            if any(a <= mention.start and mention.end <= b for a, b in taken):
                continue  # already the speaker's mention
            entity = resolver.store.get(mention.kind, mention.name, mention.key)
            resolver.store.alias(entity, mention.name)
            for alias in (mention.alias, *extra_aliases(mention)):
                resolver.store.alias(entity, alias)
            ctx.session.add(
                EntityMention(
                    entity_id=entity.id,
                    article_id=article.id,
                    start=mention.start,
                    end=mention.end,
                    text=text[mention.start : mention.end][:300],
                )
            )

    def _statement(
        self,
        ctx: StageContext,
        article: Article,
        line: Line,
        match: StatementMatch,
        resolver: EntityResolver,
        said: _Said,
        claims: list[Claim],
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
            current = self._speaker(ctx, article, line, speaker, resolver, said, match)
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
        ctx: StageContext,
        article: Article,
        line: Line,
        speaker: Speaker,
        resolver: EntityResolver,
        said: _Said,
        match: StatementMatch,
    ) -> _Said:
        surface = display(line, speaker.first, speaker.last)
        entity = resolver.resolve(speaker, surface)
        start, end = line.span(speaker.first, speaker.last)
        if entity is not None:
            ctx.session.add(
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
    for claim in claims:
        claim.at = at
        sentence = next((s for s in spans if s.start <= claim.start and claim.end <= s.end), None)
        claim.extra = {
            "sentence": sentence.text if sentence else claim.text,
            "sentence_start": sentence.start if sentence else claim.start,
        }


def article_names(article: Article) -> ArticleNames:
    """The person names of an article, as the extractor sees them (for tests and tools)."""
    return scan_names(lines(article.text or ""))


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Extract()]
