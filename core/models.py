"""The database schema, as typed SQLAlchemy 2.0 models.

Every table the core owns is declared here and nowhere else; Alembic migrations in
``marsad.migrations`` must match it exactly (a test compares them). Offsets (``start``,
``end``) always point into ``Article.text``, the display text a person reads.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Constraint names are part of the schema: SQLite batch migrations and PostgreSQL
# downgrades can only drop a constraint they can name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone and would hand back naive datetimes that cannot be compared
    with aware ones; naive input is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _without_nul(value: str) -> str:
    return value.replace("\x00", "") if "\x00" in value else value


class CleanText(TypeDecorator[str]):
    """Text without NUL characters, which PostgreSQL refuses and SQLite keeps.

    Removing them here makes both databases store the same text.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _without_nul(value)


class BoundedString(TypeDecorator[str]):
    """A string of at most ``length`` characters, cut to fit alike on every database.

    PostgreSQL refuses a value longer than its column and SQLite stores it whole, so
    a name or key from unusual input would fail on one and pass on the other. These
    columns hold names and keys whose real values are far shorter than the limit;
    a longer value is cut (and NUL removed) before it reaches either database.
    """

    impl = String
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _without_nul(value)[: self.length]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        datetime: UTCDateTime(),
    }


def _enum(cls: type[enum.Enum]) -> Enum:
    # Store the lower-case value, not the member name, and as a plain string column:
    # native enum types make every new member a PostgreSQL migration.
    return Enum(
        cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class ClaimKind(enum.Enum):
    STATEMENT = "statement"
    QUANTITY = "quantity"
    EVENT = "event"


class Qualifier(enum.Enum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    ABOUT = "about"
    MORE_THAN = "more_than"
    LESS_THAN = "less_than"


class QuantityKind(enum.Enum):
    """What a quantity measures: a count of things, an amount of money, a share."""

    COUNT = "count"
    MONEY = "money"
    PERCENTAGE = "percentage"
    MEASURE = "measure"  # a distance, weight, duration, temperature, ...
    FRACTION = "fraction"  # "ثلث", "نصف"


class ArticleLinkKind(enum.Enum):
    DUPLICATE = "duplicate"
    REUSES = "reuses"
    SAME_STORY = "same_story"


class ClaimLinkKind(enum.Enum):
    SAME_QUOTE = "same_quote"
    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"


class RunStatus(enum.Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(BoundedString(200), unique=True)


class RawInput(Base):
    """Bytes exactly as they arrived, stored before anything is processed.

    ``sha256`` covers the content and the hints, so re-ingesting the same input is a
    no-op while the same text filed under another outlet is a new input.
    """

    __tablename__ = "raw_inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(CleanText())
    media_type: Mapped[str] = mapped_column(BoundedString(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    hints: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)


class Story(Base):
    """The articles that report one event (``Article.story_id``), titled and summed up
    by the most central of them (:mod:`marsad.plugins.cluster.stories`)."""

    __tablename__ = "stories"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012  (see ``Article``)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(CleanText())
    summary: Mapped[str | None] = mapped_column(CleanText())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Article(Base):
    __tablename__ = "articles"
    # Ids are addresses (/articles/12, global ids in clients' caches): on SQLite, a
    # deleted article's id must not go to the next one stored, as it would without
    # AUTOINCREMENT. PostgreSQL's sequences never give an id twice.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012

    id: Mapped[int] = mapped_column(primary_key=True)
    raw_input_id: Mapped[int] = mapped_column(
        ForeignKey("raw_inputs.id", ondelete="CASCADE"), unique=True
    )
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id"), index=True)
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str | None] = mapped_column(CleanText())
    title: Mapped[str | None] = mapped_column(CleanText())
    subtitle: Mapped[str | None] = mapped_column(CleanText())
    dateline: Mapped[str | None] = mapped_column(BoundedString(200))
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # False when the source gave only the day: published_at is then that day's midnight
    # UTC, and no report that day can be said to come before or after it. Null exactly
    # when published_at is.
    published_time_known: Mapped[bool | None]
    language: Mapped[str | None] = mapped_column(BoundedString(16), index=True)
    text: Mapped[str | None] = mapped_column(CleanText())
    match_key: Mapped[str | None] = mapped_column(CleanText())
    # The match key of the title and subtitle, for search (the ``index`` stage).
    title_key: Mapped[str | None] = mapped_column(CleanText())
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # What parse kept out of the body and why: [{"text": ..., "reason": "caption"}, ...]
    removed: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    raw_input: Mapped[RawInput] = relationship()
    outlet: Mapped[Outlet | None] = relationship()
    story: Mapped[Story | None] = relationship()
    paragraphs: Mapped[list[Paragraph]] = relationship(
        order_by="Paragraph.position", cascade="all, delete-orphan"
    )
    claims: Mapped[list[Claim]] = relationship(
        order_by="Claim.start", cascade="all, delete-orphan", back_populates="article"
    )


class Paragraph(Base):
    __tablename__ = "paragraphs"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(CleanText())


class Sentence(Base):
    """A sentence of ``Article.text``; its text is ``article.text[start:end]``."""

    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]


class Entity(Base):
    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("type", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(BoundedString(16))
    # ``key`` is the match key of the canonical name; ``name`` is how a person writes it.
    key: Mapped[str] = mapped_column(BoundedString(300))
    name: Mapped[str] = mapped_column(BoundedString(300))

    aliases: Mapped[list[EntityAlias]] = relationship(cascade="all, delete-orphan")


class EntityAlias(Base):
    __tablename__ = "entity_aliases"
    __table_args__ = (UniqueConstraint("entity_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(BoundedString(300))


class EntityMention(Base):
    __tablename__ = "entity_mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(BoundedString(300))


class Claim(Base):
    __tablename__ = "claims"
    # Link candidates are looked up by slot within a time window, or by slot in ingest
    # order when the time is unknown: each one bounded index range scan.
    __table_args__ = (
        Index("ix_claims_slot_key_at", "slot_key", "at"),
        Index("ix_claims_slot_key_id", "slot_key", "id"),
        {"sqlite_autoincrement": True},  # ids are addresses (see ``Article``)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ClaimKind] = mapped_column(_enum(ClaimKind), index=True)
    text: Mapped[str] = mapped_column(CleanText())
    start: Mapped[int]
    end: Mapped[int]
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="SET NULL"), index=True
    )
    speaker_text: Mapped[str | None] = mapped_column(BoundedString(300))
    verb: Mapped[str | None] = mapped_column(BoundedString(100))
    direct: Mapped[bool | None] = mapped_column(Boolean)
    channel: Mapped[str | None] = mapped_column(BoundedString(200))
    cited_source: Mapped[str | None] = mapped_column(BoundedString(300))
    quantity_value: Mapped[float | None] = mapped_column(Float)
    quantity_unit: Mapped[str | None] = mapped_column(BoundedString(100))
    qualifier: Mapped[Qualifier | None] = mapped_column(_enum(Qualifier))
    quantity_kind: Mapped[QuantityKind | None] = mapped_column(_enum(QuantityKind))
    negated: Mapped[bool] = mapped_column(default=False)
    # What the claim is about, as a match key: claims on one slot can agree or clash.
    slot_key: Mapped[str | None] = mapped_column(BoundedString(300))
    # What the extractor saw around the claim (its sentence, sites, content words), so
    # the link stage compares claims without re-reading article texts.
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # When the claim was made: the article's publication time, when known.
    at: Mapped[datetime | None] = mapped_column()
    # The match key of its text, speaker and source, for search (the ``index`` stage).
    search_key: Mapped[str | None] = mapped_column(CleanText())

    article: Mapped[Article] = relationship(back_populates="claims")
    speaker: Mapped[Entity | None] = relationship()


class Citation(Base):
    """One link of an article's citation chain: outlet -> cited source -> speaker.

    ``claim_id`` is set when the source backs one claim ("بحسب موقع RT" before a count)
    and null for a source the article cites as a whole. ``source_kind`` is one of
    agency, site, tv, newspaper, statement, tweet, correspondent, session, press,
    official or person.
    """

    __tablename__ = "citations"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(BoundedString(300))
    source_kind: Mapped[str] = mapped_column(BoundedString(32))
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="SET NULL"), index=True
    )
    speaker_text: Mapped[str | None] = mapped_column(BoundedString(300))
    start: Mapped[int]
    end: Mapped[int]


class ArticleLink(Base):
    """A directed relation between two articles: ``source`` relates to ``target``.

    For REUSES the source reuses text of the target, which is the likely original.
    """

    __tablename__ = "article_links"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ArticleLinkKind] = mapped_column(_enum(ArticleLinkKind))
    score: Mapped[float]
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ClaimLink(Base):
    __tablename__ = "claim_links"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ClaimLinkKind] = mapped_column(_enum(ClaimLinkKind))
    score: Mapped[float]
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TextKey(Base):
    """One entry of the text-reuse index: a 63-bit hashed feature of one article.

    ``kind`` says what was hashed (a MinHash band, a passage anchor, a sentence, a
    rare term); the kind is also mixed into ``value``, so a lookup needs only the
    value. The primary key (value, article) is the index that candidate lookups use;
    rows are small on purpose, since a corpus of 300,000 articles holds tens of
    millions of them.
    """

    __tablename__ = "text_keys"

    value: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[int] = mapped_column(SmallInteger)


class StoryChange(Base):
    """An article whose copy links changed after the ``cluster`` stage placed it: its
    story is computed again by the next batch of that stage, which deletes the row.

    The ``dedupe`` stage writes these rather than moving stories itself, so only the
    cluster stage, under its turn, ever writes stories; a row left by a killed or
    concurrent run is found by whichever batch comes next."""

    __tablename__ = "story_changes"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class MinHashSignature(Base):
    """An article's text sketch: MinHash signature and keyed sentences, for comparing.

    ``signature`` is the MinHash over word shingles of the match key; ``sentences``
    holds the sentences long enough to count as reuse, with their spans, keys and word
    trigram hashes (packed by ``marsad.text.reuse``), so an article found as a
    candidate is compared without re-reading its text. ``scheme`` names every
    parameter behind both, so sketches made with other parameters are never compared.
    """

    __tablename__ = "minhash_signatures"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    scheme: Mapped[str] = mapped_column(BoundedString(32))
    shingles: Mapped[int]
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    sentences: Mapped[bytes | None] = mapped_column(LargeBinary)


class Translation(Base):
    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("article_id", "field", "position", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # "title", "paragraph" or "claim"; ``position`` is the paragraph position or claim id.
    field: Mapped[str] = mapped_column(BoundedString(32))
    position: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(BoundedString(16))
    engine: Mapped[str] = mapped_column(BoundedString(100))
    # None for translations stored before engines had versions (revision 0006).
    engine_version: Mapped[str | None] = mapped_column(BoundedString(50))
    text: Mapped[str] = mapped_column(CleanText())


class TranslationCache(Base):
    """A text an engine translated, kept so that no engine translates it twice."""

    __tablename__ = "translation_cache"
    __table_args__ = (
        UniqueConstraint("text_hash", "engine", "engine_version", "source", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the source text
    engine: Mapped[str] = mapped_column(BoundedString(100))
    engine_version: Mapped[str] = mapped_column(BoundedString(50))
    source: Mapped[str] = mapped_column(BoundedString(16))  # "" when unknown
    target: Mapped[str] = mapped_column(BoundedString(16))
    text: Mapped[str] = mapped_column(CleanText())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StageRun(Base):
    """The latest run of one stage on one article.

    ``attempts`` counts the runs at this ``version``; a failed run is retried
    automatically until it reaches ``MARSAD_MAX_ATTEMPTS``.
    """

    __tablename__ = "stage_runs"
    __table_args__ = (UniqueConstraint("article_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(BoundedString(100))
    plugin: Mapped[str] = mapped_column(BoundedString(200))
    version: Mapped[str] = mapped_column(BoundedString(50))
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus), index=True)
    error: Mapped[str | None] = mapped_column(CleanText())
    # What the stage chose to tell about this run, e.g. which encoding parse read.
    note: Mapped[str | None] = mapped_column(CleanText())
    duration_ms: Mapped[float] = mapped_column(default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
