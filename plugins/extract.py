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
from marsad.plugins.entities import ArticleNames, EntityResolver, display, scan_names
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


@dataclass
class _Attribution:
    start: int
    end: int
    source: str | None  # who the content is attributed to, for the counts inside it


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
        for line in article_lines:
            attributions: list[_Attribution] = []
            for match in finder.find(line):
                speaking = match.speaker
                previous = issuer if speaking is not None and speaking.kind == "statement" else said
                said = self._statement(ctx, article, line, match, resolver, previous, claims)
                if said.channel == "statement":
                    issuer = said
                first, last = match.first, match.last
                if match.direct and match.quotes:
                    first, last = match.quotes[0][0] + 1, match.quotes[-1][1] - 1
                start, end = line.span(first, last)
                attributions.append(_Attribution(start, end, said.cited_source or said.text))
            for quantity in find_quantities(line):
                claims.append(self._quantity(article, line, quantity, attributions))
        session.add_all(claims)
        session.flush()

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
        return _Said(entity, surface, channel, cited, speaker_slot(key))

    def _quantity(
        self,
        article: Article,
        line: Line,
        quantity: QuantityMatch,
        attributions: list[_Attribution],
    ) -> Claim:
        start, end = line.span(quantity.first, quantity.last)
        source = next((a.source for a in attributions if a.start <= start and end <= a.end), None)
        return Claim(
            article_id=article.id,
            kind=ClaimKind.QUANTITY if quantity.value is not None else ClaimKind.EVENT,
            text=(article.text or "")[start:end],
            start=start,
            end=end,
            quantity_value=quantity.value,
            quantity_unit=quantity.unit,
            qualifier=quantity.qualifier,
            negated=quantity.negated,
            cited_source=source,
            slot_key=unit_slot(quantity.unit),
        )


def article_names(article: Article) -> ArticleNames:
    """The person names of an article, as the extractor sees them (for tests and tools)."""
    return scan_names(lines(article.text or ""))


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Extract()]
