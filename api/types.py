"""GraphQL object types, built from ORM rows and resolved through the request's loaders.

Types copy the columns they show and keep foreign keys as private fields; anything
reached through a relationship is loaded by a data loader, never by the ORM.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Self, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from marsad.api import enums  # noqa: F401  (registers the enums first)
from marsad.api.context import Info
from marsad.api.errors import UserError
from marsad.api.fields import field
from marsad.api.prefetch import asks_only_id, loaded, now_or_later, read_ahead
from marsad.core import models as db
from marsad.core.plugins import PluginInfo
from marsad.plugins.link.disputes import LANGUAGES, DisputeRows, Slot, chronological, timeline
from marsad.plugins.link.disputes import (
    DisputeValue as DisputeValueRows,  # a GraphQL type has its name
)
from marsad.plugins.translate import target_languages


@strawberry.type
class Outlet:
    name: str


@strawberry.type(description="A body paragraph; offsets point into `Article.text`.")
class Paragraph:
    position: int
    text: str
    start: int
    end: int


@strawberry.type(description="A sentence; offsets point into `Article.text`.")
class Sentence:
    text: str
    start: int
    end: int


@strawberry.type(description="Text that parse kept out of the body, and why.")
class RemovedText:
    text: str
    reason: str = strawberry.field(
        description="caption, date, dateline, attribution, keywords, related, comment_form, "
        "counter, source_link, repeated_heading, wire_marker, ..."
    )


@strawberry.type(description="Who a statement is attributed to.")
class Speaker:
    name: str
    aliases: list[str]


@strawberry.type(description="A counted fact: `value` `unit`, e.g. 3 rockets.")
class Quantity:
    value: float | None
    unit: str | None
    qualifier: db.Qualifier | None
    kind: db.QuantityKind | None


@strawberry.type(
    description="One link of a citation chain: the article's outlet cites `source` "
    "(an agency, site, TV, statement, tweet, correspondent, ...) for what `speaker` said."
)
class Citation:
    source: str
    source_kind: str = strawberry.field(
        description="agency, site, tv, newspaper, correspondent, tweet, statement, session, "
        "press, official, person or anonymous."
    )
    speaker: str | None
    start: int
    end: int
    claim_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: db.Citation) -> Self:
        return cls(
            source=row.source,
            source_kind=row.source_kind,
            speaker=row.speaker_text,
            start=row.start,
            end=row.end,
            claim_id=row.claim_id,
        )


@strawberry.type(description="An article's title and paragraphs in another language.")
class Translation:
    language: str
    engine: str | None
    engine_version: str | None = strawberry.field(
        description="The engine's version (null for translations stored before versions)."
    )
    title: str | None
    paragraphs: list[str]


@strawberry.type(description="A claim's text in another language.")
class ClaimTranslation:
    language: str
    engine: str
    engine_version: str | None
    text: str


def _translated_language(info: Info, language: str) -> str:
    """``language`` (a code in any case: "EN" is "en") if this server translates into
    it; else an error saying which."""
    languages = target_languages(info.context.marsad.settings)
    language = language.strip().lower()
    if language not in languages:
        raise UserError(
            f"no translations into {language!r}: this server translates into "
            f"{', '.join(languages)} (MARSAD_TRANSLATE_LANGUAGES)"
        )
    return language


# What a caller without the API token reads instead of a run's error text, which
# comes from inside the server (driver messages, paths, values).
HIDDEN_ERROR = "failed; details need the API token"


@strawberry.type(description="The latest run of one pipeline stage on one article.")
class StageRun:
    stage: str
    plugin: str
    version: str
    status: db.RunStatus
    error_text: strawberry.Private[str | None]
    note: str | None = strawberry.field(
        description="What the stage told about this run, e.g. the encoding parse read."
    )
    duration_ms: float = strawberry.field(
        description="How long the run took. A stage that processes its batch of "
        "articles at once (as every built-in stage does) is timed for the batch: each "
        "article gets an even share of that time."
    )
    attempts: int
    finished_at: datetime

    @classmethod
    def from_row(cls, row: db.StageRun) -> Self:
        return cls(
            stage=row.stage,
            plugin=row.plugin,
            version=row.version,
            status=row.status,
            error_text=row.error,
            note=row.note,
            duration_ms=row.duration_ms,
            attempts=row.attempts,
            finished_at=row.finished_at,
        )

    @field(
        "Why the run failed. The text comes from inside the server, so only requests "
        f"with the API token see it; others read {HIDDEN_ERROR!r}."
    )
    def error(self, info: Info) -> str | None:
        if self.error_text is None:
            return None
        return self.error_text if info.context.has_token else HIDDEN_ERROR


@strawberry.type(description="A loaded plugin and what it contributes.")
class Plugin:
    name: str
    version: str
    builtin: bool
    hooks: list[str]
    stages: list[str]

    @classmethod
    def from_info(cls, info: PluginInfo) -> Self:
        return cls(
            name=info.name,
            version=info.version,
            builtin=info.builtin,
            hooks=list(info.hooks),
            stages=list(info.stages),
        )


def _other_end(row: db.ArticleLink | db.ClaimLink, this: int) -> tuple[int, bool]:
    """The id at the other end of a link, and whether the link points away from ``this``."""
    outgoing = row.source_id == this
    return (row.target_id if outgoing else row.source_id), outgoing


@strawberry.type(
    description="Text that recurs (nearly) verbatim in both linked articles. `text`, "
    "`start` and `end` are in the article whose links were asked for (offsets into its "
    "`text`); `other*` are the same passage in the article at the other end."
)
class SharedPassage:
    text: str
    start: int
    end: int
    other_text: str
    other_start: int
    other_end: int
    similarity: float

    @classmethod
    def from_evidence(cls, passage: dict[str, Any], outgoing: bool) -> SharedPassage:
        # Evidence keeps the link source's side first; flip it for the target's view.
        mine, theirs = ("", "original_") if outgoing else ("original_", "")
        return cls(
            text=str(passage[f"{mine}text"]),
            start=int(passage[f"{mine}start"]),
            end=int(passage[f"{mine}end"]),
            other_text=str(passage[f"{theirs}text"]),
            other_start=int(passage[f"{theirs}start"]),
            other_end=int(passage[f"{theirs}end"]),
            similarity=float(passage.get("similarity", 1.0)),
        )


@strawberry.type(description="A relation between this article and `article`.")
class ArticleLink:
    kind: db.ArticleLinkKind
    score: float
    outgoing: bool = strawberry.field(
        description="True when this article is the link's source: for REUSES, the one "
        "that reuses text of `article`."
    )
    other_id: strawberry.Private[int]
    target_id: strawberry.Private[int]
    evidence_text: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: db.ArticleLink, this: int) -> ArticleLink:
        other, outgoing = _other_end(row, this)
        return cls(
            kind=row.kind,
            score=row.score,
            outgoing=outgoing,
            other_id=other,
            target_id=row.target_id,
            evidence_text=_evidence_text(row),
        )

    @strawberry.field
    def evidence(self) -> JSON:
        return JSON(_decoded(self.evidence_text))

    @field("The article at the other end of the link.")
    def article(self, info: Info) -> Article | None:
        if asks_only_id(info):
            return Article.known_by_id(self.other_id)
        return now_or_later(loaded(info.context.loaders.article, self.other_id), _article)

    @field("For DUPLICATE and REUSES, the passages both articles share, in this article's order.")
    def shared_passages(self) -> list[SharedPassage]:
        passages = _decoded(self.evidence_text).get("passages") or []
        found = [SharedPassage.from_evidence(p, self.outgoing) for p in passages]
        return sorted(found, key=lambda passage: passage.start)

    @field(
        "For DUPLICATE and REUSES, the likely original of the two: a wire outlet's article, "
        "else the earlier publication, else the one ingested first. Null for SAME_STORY."
    )
    def original(self, info: Info) -> Article | None:
        if self.kind is db.ArticleLinkKind.SAME_STORY:
            return None
        return now_or_later(loaded(info.context.loaders.article, self.target_id), _article)


@strawberry.type(description="A relation between this claim and `claim`.")
class ClaimLink:
    kind: db.ClaimLinkKind
    score: float
    outgoing: bool = strawberry.field(description="True when this claim is the link's source.")
    other_id: strawberry.Private[int]
    evidence_text: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: db.ClaimLink, this: int) -> ClaimLink:
        other, outgoing = _other_end(row, this)
        return cls(
            kind=row.kind,
            score=row.score,
            outgoing=outgoing,
            other_id=other,
            evidence_text=_evidence_text(row),
        )

    @strawberry.field
    def evidence(self) -> JSON:
        return JSON(_decoded(self.evidence_text))

    @field("The claim at the other end of the link.")
    def claim(self, info: Info) -> Claim | None:
        if asks_only_id(info):
            return Claim.known_by_id(self.other_id)
        row = loaded(info.context.loaders.claim, self.other_id)
        return now_or_later(row, lambda r: Claim.from_row(r) if r is not None else None)


def _evidence_text(row: db.ArticleLink | db.ClaimLink) -> str | None:
    """A link row's evidence as the loaders read it: JSON text (``loaders.AS_TEXT``)."""
    return cast(str | None, row.evidence)


def _decoded(evidence_text: str | None) -> dict[str, Any]:
    return json.loads(evidence_text) if evidence_text else {}


@strawberry.type(name="Article", description="One news article as a person reads it.")
class Article(relay.Node):
    id: relay.NodeID[int]
    title: str | None
    subtitle: str | None
    dateline: str | None
    published_at: datetime | None
    published_time_known: bool | None = strawberry.field(
        description="False when the source gave only the day of publication: `publishedAt` "
        "is then that day's midnight UTC and its time of day is unknown; null when "
        "`publishedAt` is."
    )
    url: str | None
    language: str | None
    text: str | None
    outlet_id: strawberry.Private[int | None]
    story_id: strawberry.Private[int | None]
    raw_input_id: strawberry.Private[int]
    removed_rows: strawberry.Private[list[dict[str, str]]]

    @classmethod
    def known_by_id(cls, article_id: int) -> Self:
        """An article that holds its id only, for a query that asks nothing else of it
        through a link (:func:`marsad.api.prefetch.asks_only_id`): the link knows the
        id, and its foreign key that the row exists. Any other field read off it fails
        loudly rather than answering wrong."""
        article = cls.__new__(cls)
        article.id = article_id
        return article

    @classmethod
    def from_row(cls, row: db.Article) -> Self:
        return cls(
            id=row.id,
            removed_rows=list(row.removed or []),
            title=row.title,
            subtitle=row.subtitle,
            dateline=row.dateline,
            published_at=row.published_at,
            published_time_known=row.published_time_known,
            url=row.url,
            language=row.language,
            text=row.text,
            outlet_id=row.outlet_id,
            story_id=row.story_id,
            raw_input_id=row.raw_input_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        rows = await info.context.loaders.article.load_many([int(i) for i in node_ids])
        return [cls.from_row(row) if row is not None else None for row in rows]

    @field(
        "Where it was read from: the input file (`file.zip!member` inside an archive) or "
        "`graphql:ingestArticle`; names the article when its outlet is unknown."
    )
    async def source(self, info: Info) -> str:
        return await info.context.loaders.raw_source.load(self.raw_input_id) or ""

    @strawberry.field
    def outlet(self, info: Info) -> Outlet | None:
        if self.outlet_id is None:
            return None
        row = loaded(info.context.loaders.outlet, self.outlet_id)
        return now_or_later(row, lambda r: Outlet(name=r.name) if r is not None else None)

    @strawberry.field
    async def paragraphs(self, info: Info) -> list[Paragraph]:
        rows = await info.context.loaders.paragraphs.load(self.id)
        return [Paragraph(position=r.position, text=r.text, start=r.start, end=r.end) for r in rows]

    @field("The sentences of the body, in order.")
    async def sentences(self, info: Info) -> list[Sentence]:
        rows = await info.context.loaders.sentences.load(self.id)
        text = self.text or ""
        return [Sentence(text=text[r.start : r.end], start=r.start, end=r.end) for r in rows]

    @field("What parse kept out of the body (captions, keyword blocks, ...), and why.")
    def removed(self) -> list[RemovedText]:
        return [RemovedText(text=r["text"], reason=r["reason"]) for r in self.removed_rows]

    @field("Image captions found in the text.")
    def captions(self) -> list[str]:
        return [r["text"] for r in self.removed_rows if r["reason"] == "caption"]

    @field("Claims in the order they appear in the text.")
    def claims(self, info: Info) -> list[Claim]:
        rows = loaded(info.context.loaders.claims_by_article, self.id)
        return now_or_later(rows, lambda found: [Claim.from_row(row) for row in found])

    @field("Sources the article cites, each with the claim it backs, in text order.")
    async def citations(self, info: Info) -> list[Citation]:
        rows = await info.context.loaders.citations_by_article.load(self.id)
        return [Citation.from_row(row) for row in rows]

    @field("Links to other articles, in both directions.")
    def links(self, info: Info, kind: db.ArticleLinkKind | None = None) -> list[ArticleLink]:
        rows = loaded(info.context.loaders.article_links, self.id)
        return now_or_later(
            rows,
            lambda found: [
                ArticleLink.from_row(row, self.id)
                for row in found
                if kind is None or row.kind is kind
            ],
        )

    @strawberry.field
    async def story(self, info: Info) -> Story | None:
        if self.story_id is None:
            return None
        row = await info.context.loaders.story.load(self.story_id)
        return Story.from_row(row) if row is not None else None

    @field(
        "The translation into `language` (null until the translate stage ran); a language "
        "the server does not translate into is an error."
    )
    async def translation(self, info: Info, language: str) -> Translation | None:
        key = (self.id, _translated_language(info, language))
        found = await info.context.loaders.translation.load(key)
        if found is None:
            return None
        return Translation(
            language=key[1],
            engine=found.engine,
            engine_version=found.engine_version,
            title=found.title,
            paragraphs=list(found.paragraphs),
        )

    @field("The latest run of each pipeline stage on this article.")
    async def runs(self, info: Info) -> list[StageRun]:
        rows = await info.context.loaders.runs.load(self.id)
        return [StageRun.from_row(row) for row in rows]


@strawberry.type(name="Claim", description="What an article asserts or reports someone asserting.")
class Claim(relay.Node):
    id: relay.NodeID[int]
    kind: db.ClaimKind
    text: str
    start: int
    end: int
    verb: str | None
    direct: bool | None
    channel: str | None
    cited_source: str | None
    negated: bool
    article_id: strawberry.Private[int]
    speaker_id: strawberry.Private[int | None]
    speaker_text: strawberry.Private[str | None]
    quantity_value: strawberry.Private[float | None]
    quantity_unit: strawberry.Private[str | None]
    qualifier: strawberry.Private[db.Qualifier | None]
    quantity_kind: strawberry.Private[db.QuantityKind | None]
    # A value made with the claim, not a resolver: a page holds hundreds of claims.
    quantity: Quantity | None = strawberry.field(
        description="Set only for claims that count something."
    )

    @classmethod
    def known_by_id(cls, claim_id: int) -> Self:
        """A claim that holds its id only (see :meth:`Article.known_by_id`)."""
        claim = cls.__new__(cls)
        claim.id = claim_id
        return claim

    @classmethod
    def from_row(cls, row: db.Claim) -> Self:
        counted = not (row.quantity_value is None and row.quantity_unit is None)
        return cls(
            quantity=Quantity(
                value=row.quantity_value,
                unit=row.quantity_unit,
                qualifier=row.qualifier,
                kind=row.quantity_kind,
            )
            if counted or row.qualifier is not None
            else None,
            id=row.id,
            kind=row.kind,
            text=row.text,
            start=row.start,
            end=row.end,
            verb=row.verb,
            direct=row.direct,
            channel=row.channel,
            cited_source=row.cited_source,
            negated=row.negated,
            article_id=row.article_id,
            speaker_id=row.speaker_id,
            speaker_text=row.speaker_text,
            quantity_value=row.quantity_value,
            quantity_unit=row.quantity_unit,
            qualifier=row.qualifier,
            quantity_kind=row.quantity_kind,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        rows = await info.context.loaders.claim.load_many([int(i) for i in node_ids])
        return [cls.from_row(row) if row is not None else None for row in rows]

    @field("The known entity, or the name as written when unresolved.")
    def speaker(self, info: Info) -> Speaker | None:
        as_written = Speaker(name=self.speaker_text, aliases=[]) if self.speaker_text else None
        if self.speaker_id is None:
            return as_written
        return now_or_later(
            loaded(info.context.loaders.speaker, self.speaker_id),
            lambda found: (
                Speaker(name=found.name, aliases=list(found.aliases)) if found else as_written
            ),
        )

    @strawberry.field
    def article(self, info: Info) -> Article:
        return _claims_article(info, self.article_id)

    @field(
        "Links to other claims, in both directions: in other articles, or in this one "
        "when two named sources disagree or agree."
    )
    def links(self, info: Info, kind: db.ClaimLinkKind | None = None) -> list[ClaimLink]:
        rows = loaded(info.context.loaders.claim_links, self.id)
        return now_or_later(
            rows,
            lambda found: [
                ClaimLink.from_row(row, self.id)
                for row in found
                if kind is None or row.kind is kind
            ],
        )

    @field("The sources the article cites for this claim (outlet -> source -> speaker).")
    async def citations(self, info: Info) -> list[Citation]:
        rows = await info.context.loaders.citations_by_claim.load(self.id)
        return [Citation.from_row(row) for row in rows]

    @field(
        "The claim's text in `language` (null until the translate stage ran); a language "
        "the server does not translate into is an error."
    )
    async def translation(self, info: Info, language: str) -> ClaimTranslation | None:
        key = (self.id, _translated_language(info, language))
        row = await info.context.loaders.claim_translation.load(key)
        if row is None:
            return None
        return ClaimTranslation(
            language=key[1], engine=row.engine, engine_version=row.engine_version, text=row.text
        )


def _article(row: db.Article | None) -> Article | None:
    return Article.from_row(row) if row is not None else None


def _claims_article(info: Info, article_id: int) -> Article:
    def found(row: db.Article | None) -> Article:
        if row is None:  # a claim cannot outlive its article (ON DELETE CASCADE)
            raise LookupError(f"article {article_id} of a claim is gone")
        return Article.from_row(row)

    return now_or_later(loaded(info.context.loaders.article, article_id), found)


@strawberry.type(name="Story", description="Articles from any outlet about the same event.")
class Story(relay.Node):
    id: relay.NodeID[int]
    title: str | None = strawberry.field(
        description="The title of its most central article (the one most like the others)."
    )
    summary: str | None = strawberry.field(
        description="The opening sentences of its most central article's text: 80 characters "
        "or more when the text has them, at most 300 (cut at a word and ended with '…')."
    )
    created_at: datetime

    @classmethod
    def from_row(cls, row: db.Story) -> Self:
        return cls(id=row.id, title=row.title, summary=row.summary, created_at=row.created_at)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        rows = await info.context.loaders.story.load_many([int(i) for i in node_ids])
        return [cls.from_row(row) if row is not None else None for row in rows]

    @strawberry.field
    async def articles(self, info: Info) -> list[Article]:
        rows = await info.context.loaders.articles_by_story.load(self.id)
        ahead = await info.context.reads.run(lambda session: read_ahead(info, session, rows, ""))
        ahead.prime()
        return [Article.from_row(row) for row in rows]

    @field(
        "The distinct outlets of its articles, the one carrying most of them first (ties "
        "by name). Articles of unknown outlet are left out: `articlesWithoutOutlet` counts "
        "them."
    )
    async def outlets(self, info: Info) -> list[str]:
        return await info.context.loaders.story_outlets.load(self.id)

    @field("How many articles it has.")
    async def article_count(self, info: Info) -> int:
        return (await info.context.loaders.story_members.load(self.id)).articles

    @field("How many of its articles have no known outlet, so are missing from `outlets`.")
    async def articles_without_outlet(self, info: Info) -> int:
        return (await info.context.loaders.story_members.load(self.id)).without_outlet

    @field(
        "The earliest publication time among its articles; null when none has a known "
        "time. Articles of unknown time are left out of the span."
    )
    async def first_published_at(self, info: Info) -> datetime | None:
        return (await info.context.loaders.story_members.load(self.id)).first_published

    @field("The latest publication time among its articles; null when none has a known time.")
    async def last_published_at(self, info: Info) -> datetime | None:
        return (await info.context.loaders.story_members.load(self.id)).last_published

    @field(
        "False when `firstPublishedAt` comes from an article that gives only the day "
        "(it is then that day's midnight UTC); null when `firstPublishedAt` is."
    )
    async def first_published_time_known(self, info: Info) -> bool | None:
        return (await info.context.loaders.story_members.load(self.id)).first_time_known

    @field(
        "False when `lastPublishedAt` comes from an article that gives only the day; "
        "null when `lastPublishedAt` is."
    )
    async def last_published_time_known(self, info: Info) -> bool | None:
        return (await info.context.loaders.story_members.load(self.id)).last_time_known

    @field("Every claim of the story's articles.")
    async def claims(self, info: Info) -> list[Claim]:
        rows = await info.context.loaders.claims_by_story.load(self.id)
        return [Claim.from_row(row) for row in rows]

    @field("Each slot the story's sources disagree on, with the competing values.")
    async def disputes(self, info: Info) -> list[Dispute]:
        rows = await info.context.loaders.disputes_by_story.load(self.id)
        return [Dispute.from_rows(row) for row in rows]

    @field(
        "Every slot that two or more of the story's claims share (linked as the same "
        "quote, corroborating or contradicting): the disputes, and what the outlets agree "
        "on (`disputed: false`), in the order their first claims were found."
    )
    async def slots(self, info: Info) -> list[Dispute]:
        rows = await info.context.loaders.slots_by_story.load(self.id)
        return [Dispute.from_rows(row) for row in rows]

    @field(
        "How the figures moved: the slots of `disputes`, each with its values in the order "
        "they were first reported and every report of each value in publication order."
    )
    async def timeline(self, info: Info) -> list[TimelineSlot]:
        rows = await info.context.loaders.disputes_by_story.load(self.id)
        return [TimelineSlot.from_rows(row) for row in timeline(rows)]


LANGUAGE_ARGUMENT = strawberry.argument(
    description="`ar` (the default) or `en`; other languages are an error."
)


def _language(language: str) -> str:
    code = language.lower()
    if code not in LANGUAGES:
        raise UserError(f"labels are written in {' and '.join(LANGUAGES)}, not {language!r}")
    return code


@strawberry.enum(description="What a dispute is about.")
class DisputeKind(enum.Enum):
    QUANTITY = "quantity"  # how many or how much, or whether it happened at all
    STATEMENT = "statement"  # what someone said


@strawberry.type(description="What a dispute is about. No two disputes of a story share a `key`.")
class DisputeSlot:
    key: str = strawberry.field(
        description="The slot's identity: the claims' slot and, when known, the event's site "
        "(`unit:صاروخ@منطقه خضراء`), with the first claim's id after `#` when two slots of "
        "one story would otherwise share it."
    )
    kind: DisputeKind
    unit: str | None = strawberry.field(
        description="The counted noun of a quantity (`صاروخ`, `مصاب`), singular; null for "
        "statements."
    )
    quantity_kind: db.QuantityKind | None
    subject: str | None = strawberry.field(
        description="Who made the statement, as written; null for quantities."
    )
    event: str | None = strawberry.field(
        description="Where it happened, as the articles write it: the site the claims' "
        "sentences share (`المنطقة الخضراء`); null when they name none."
    )
    rows: strawberry.Private[Slot]

    @field(
        "What is disputed, for a person: «عدد الصواريخ في المنطقة "
        'الخضراء», "Number of rockets at the Green Zone".'
    )
    def label(self, language: Annotated[str, LANGUAGE_ARGUMENT] = "ar") -> str:
        return self.rows.label(_language(language))

    @classmethod
    def from_rows(cls, slot: Slot) -> DisputeSlot:
        return cls(
            key=slot.key,
            kind=DisputeKind(slot.kind),
            unit=slot.unit,
            quantity_kind=slot.quantity_kind,
            subject=slot.subject,
            event=slot.event,
            rows=slot,
        )


@strawberry.type(description="An article carrying a value, and its outlet when known.")
class ValueOutlet:
    name: str | None = strawberry.field(
        description="The outlet; null when the article names none (see `article`)."
    )
    known: bool = strawberry.field(description="False when the article's outlet is unknown.")
    source: str = strawberry.field(
        description="Where the article came from: its URL, or the file it was read from."
    )
    article_id: strawberry.Private[int]

    @field("The article carrying the value.")
    def article(self, info: Info) -> Article:
        return _claims_article(info, self.article_id)


@strawberry.type(description="One report of a value: a claim, its outlet and time.")
class ValueReport:
    claim: Claim
    outlet: str | None = strawberry.field(description="The article's outlet, when known.")
    published_at: datetime | None = strawberry.field(
        description="The article's publication time; null when unknown."
    )
    published_time_known: bool | None = strawberry.field(
        description="False when the article gives only the day (`publishedAt` is its "
        "midnight UTC); null when `publishedAt` is."
    )
    repeats: bool = strawberry.field(
        description="False for the first report of this value, true for every later one "
        "(another claim of the same value in the same article included)."
    )
    article_id: strawberry.Private[int]

    @field("The article that carries the claim.")
    def article(self, info: Info) -> Article:
        return _claims_article(info, self.article_id)


ORDER_RULE = (
    "Publication order: earliest `publishedAt` first; an article dated to the day only "
    "counts as out by the end of that day, so it never comes before an article stamped "
    "with a time that day; articles without a known time come after all the dated ones, "
    "and ties and unknown times go by article id, which is ingest order (then by the "
    "claim's place in its article)."
)


@strawberry.type(description="One value on a disputed slot and who backs it.")
class DisputeValue:
    value: float | None = strawberry.field(
        description="The number; null for a statement, for none (`negated`) and for a count "
        'reported without a number ("injuries").'
    )
    unit: str | None = strawberry.field(description="The counted noun; null for a statement.")
    qualifier: db.Qualifier | None = strawberry.field(
        description="How exact the number is; null when there is no number."
    )
    negated: bool = strawberry.field(description='True for "none" ("no injuries").')
    text: str = strawberry.field(description="The value as its first report writes it.")
    outlets: list[ValueOutlet] = strawberry.field(
        description="Each article carrying the value, with its outlet or, when the article "
        "names none, `known: false`."
    )
    cited_sources: list[str] = strawberry.field(
        description='The sources the articles cite for it ("RT", "خلية الإعلام الأمني").'
    )
    claims: list[Claim]
    first_reported_at: datetime | None = strawberry.field(
        description="The publication time of the first report of this value (see `reports` "
        "for the order); null when none of its articles has a known time."
    )
    first_reported_time_known: bool | None = strawberry.field(
        description="False when the first report gives only the day: `firstReportedAt` is "
        "then that day's midnight UTC; null when `firstReportedAt` is."
    )
    first_outlet: str | None = strawberry.field(
        description="The outlet of `firstArticle`; null when that article has no known outlet."
    )
    reports: list[ValueReport] = strawberry.field(
        description="Every claim carrying the value, in publication order. " + ORDER_RULE
    )
    first_article_id: strawberry.Private[int]
    rows: strawberry.Private[DisputeValueRows]

    @field('The value for a person: «3 على الأقل», "at least 3", "none"; a statement as written.')
    def label(self, language: Annotated[str, LANGUAGE_ARGUMENT] = "ar") -> str:
        return self.rows.label(_language(language))

    @classmethod
    def from_rows(cls, row: DisputeValueRows) -> DisputeValue:
        first = row.first
        return cls(
            value=row.number,
            unit=row.unit,
            qualifier=row.qualifier,
            negated=row.negated,
            text=row.text,
            outlets=[
                ValueOutlet(
                    name=b.outlet,
                    known=b.outlet is not None,
                    source=b.source,
                    article_id=b.article_id,
                )
                for b in row.backers
            ],
            cited_sources=list(row.cited_sources),
            claims=[Claim.from_row(c) for c in row.claims],
            first_reported_at=first.published_at,
            first_reported_time_known=first.time_known_if_dated,
            first_outlet=first.outlet,
            reports=[
                ValueReport(
                    claim=Claim.from_row(r.claim),
                    outlet=r.outlet,
                    published_at=r.published_at,
                    published_time_known=r.time_known_if_dated,
                    repeats=position > 0,
                    article_id=r.claim.article_id,
                )
                for position, r in enumerate(row.reports)
            ],
            first_article_id=first.claim.article_id,
            rows=row,
        )

    @field("The first article carrying this value. " + ORDER_RULE)
    def first_article(self, info: Info) -> Article:
        return _claims_article(info, self.first_article_id)


@strawberry.type(description="A slot on which sources disagree, and the competing values.")
class Dispute:
    slot: DisputeSlot
    values: list[DisputeValue] = strawberry.field(
        description="The competing values, in the order their first claims were found."
    )
    disputed: bool = strawberry.field(
        description="True when some of the claims contradict each other; false on a slot "
        "of `Story.slots` where they agree."
    )

    @classmethod
    def from_rows(cls, row: DisputeRows) -> Dispute:
        return cls(
            slot=DisputeSlot.from_rows(row.slot),
            values=[DisputeValue.from_rows(v) for v in row.values],
            disputed=row.disputed,
        )


@strawberry.type(
    description="A disputed slot of a story as the reports came in: the values in the order "
    "they were first reported. " + ORDER_RULE
)
class TimelineSlot:
    slot: DisputeSlot = strawberry.field(description="The slot, as `Story.disputes` has it.")
    ordered: bool = strawberry.field(
        description="True when the order is chronological throughout: every report on the "
        "slot has a publication time, and none dated to the day only shares its day with "
        "another report; false when some of it is ingest order."
    )
    values: list[DisputeValue] = strawberry.field(
        description="The competing values, by their first report in publication order."
    )

    @classmethod
    def from_rows(cls, row: DisputeRows) -> TimelineSlot:
        return cls(
            slot=DisputeSlot.from_rows(row.slot),
            ordered=chronological(r for v in row.values for r in v.reports),
            values=[DisputeValue.from_rows(v) for v in row.values],
        )
