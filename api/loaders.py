"""Per-request data loaders: one query per batch of keys, whatever the page size.

Each loader selects ``... WHERE key IN (:keys)`` once for all the keys that resolvers
asked for in the same tick, and returns results in key order. Rows come back as plain
result rows of the served columns (:func:`served`), not ORM objects, so no attribute
can quietly issue one more query per row. A new set of loaders is made for every request, so their
caches never serve one client's data to another or outlive a write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Result, Select, Text, case, func, or_, select
from sqlalchemy import cast as cast_column
from sqlalchemy.orm import QueryableAttribute, Session
from strawberry.dataloader import DataLoader

from marsad.api.db import Reads
from marsad.api.limits import MAX_BATCH_SIZE
from marsad.core import models as db
from marsad.plugins.link.disputes import DisputeRows, story_claims, story_disputes

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
V = TypeVar("V")
M = TypeVar("M", bound=db.Base)

# Columns the API never shows, left out of what it reads: an article's match keys are
# as long as its text, a claim's ``extra`` holds its sentence and more.
UNSERVED = {
    db.Article.__tablename__: {"match_key", "title_key", "extra"},
    db.Claim.__tablename__: {"extra", "search_key"},
}


# JSON columns read as their text and decoded only when a query asks for them: a
# page's links carry their evidence (passages, shared words), and decoding it for
# every link cost more than the rest of the page's reading.
AS_TEXT = {
    db.ArticleLink.__tablename__: {"evidence"},
    db.ClaimLink.__tablename__: {"evidence"},
}


def served(model: type[M]) -> Select[Any]:
    """``SELECT`` the columns of ``model`` that the API serves.

    The API reads rows only through their attributes and never writes them, so it
    takes plain result rows rather than ORM objects: they have the same attributes
    and cost a fraction to make (a page of 50 articles holds hundreds of claims).
    The columns of ``AS_TEXT`` come as JSON text."""
    left_out = UNSERVED.get(model.__tablename__, set())
    as_text = AS_TEXT.get(model.__tablename__, set())
    return select(
        *(
            cast_column(column, Text).label(column.name) if column.name in as_text else column
            for column in model.__table__.columns
            if column.name not in left_out
        )
    )


def rows_as(model: type[M], result: Result[Any]) -> list[M]:
    """The rows of a :func:`served` select, typed as the model whose attributes they
    carry (they are rows, not ORM objects: read them, do not write them)."""
    return cast(list[M], result.all())


@dataclass(frozen=True)
class Speaker:
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class StoryMembers:
    """What a story's articles add up to: how many, how many of unknown outlet, and
    the span of their known publication times (None when none is known), each end
    with whether its time of day is known (False where the article gives the day only)."""

    articles: int
    without_outlet: int
    first_published: datetime | None
    last_published: datetime | None
    first_time_known: bool | None = None
    last_time_known: bool | None = None


NO_MEMBERS = StoryMembers(0, 0, None, None)


def span_end(
    day_only: datetime | None, stamped: datetime | None, latest: bool
) -> tuple[datetime | None, bool | None]:
    """One end of a story's span, from the earliest (or latest) day-only date and time
    of day among its articles, and whether the end's time of day is known. A day-only
    date is its day's midnight, as stored; on a tie the time of day wins."""
    if day_only is None:
        return stamped, None if stamped is None else True
    if stamped is None:
        return day_only, False
    if stamped == day_only or (stamped > day_only) == latest:
        return stamped, True
    return day_only, False


@dataclass(frozen=True)
class TranslationRows:
    engine: str | None
    engine_version: str | None
    title: str | None
    paragraphs: tuple[str, ...]


def one_per_key(keys: Sequence[K], rows: Iterable[R], key: Callable[[R], K]) -> list[R | None]:
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def many_per_key(keys: Sequence[K], rows: Iterable[R], key: Callable[[R], K]) -> list[list[R]]:
    groups: dict[K, list[R]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [groups.get(k, []) for k in keys]


def links_per_key(keys: Sequence[int], rows: Iterable[V]) -> list[list[V]]:
    """A link belongs to both of its ends: each end lists it among its links."""
    groups: dict[int, list[V]] = defaultdict(list)
    for row in rows:
        source: int = getattr(row, "source_id")  # noqa: B009  (shared by two models)
        target: int = getattr(row, "target_id")  # noqa: B009
        groups[source].append(row)
        if target != source:
            groups[target].append(row)
    return [groups.get(k, []) for k in keys]


def one_row_each(
    model: type[M], column: QueryableAttribute[Any]
) -> Callable[[Session, list[int]], list[M | None]]:
    """A loader query: the row of ``model`` whose unique ``column`` is each key."""
    name = column.key

    def query(session: Session, keys: list[int]) -> list[M | None]:
        rows = rows_as(model, session.execute(served(model).where(column.in_(keys))))
        return one_per_key(keys, rows, lambda row: getattr(row, name))

    return query


def rows_each(
    model: type[M], column: QueryableAttribute[Any], *order: QueryableAttribute[Any]
) -> Callable[[Session, list[int]], list[list[M]]]:
    """A loader query: for each key, the rows of ``model`` whose ``column`` is it, in ``order``."""
    name = column.key

    def query(session: Session, keys: list[int]) -> list[list[M]]:
        selected = served(model).where(column.in_(keys)).order_by(*order)
        rows = rows_as(model, session.execute(selected))
        return many_per_key(keys, rows, lambda row: getattr(row, name))

    return query


class QueryLoader(DataLoader[K, V]):
    """A data loader over ``query(session, keys)``, which returns a value per key in
    key order. A page can run the same query ahead, in one session with its other
    queries, and prime the loader with the result (:mod:`marsad.api.prefetch`)."""

    def __init__(
        self,
        query: Callable[[Session, list[K]], Sequence[V]],
        load_fn: Callable[[list[K]], Awaitable[Sequence[V]]],
        max_batch_size: int,
    ) -> None:
        super().__init__(load_fn=load_fn, max_batch_size=max_batch_size)
        self.query = query

    def fetch(self, session: Session, keys: Iterable[K]) -> dict[K, V]:
        """The values for ``keys`` read now, in ``session``, a batch at a time."""
        wanted = list(dict.fromkeys(keys))
        found: dict[K, V] = {}
        for begin in range(0, len(wanted), MAX_BATCH_SIZE):
            batch = wanted[begin : begin + MAX_BATCH_SIZE]
            found.update(zip(batch, self.query(session, batch), strict=True))
        return found


class Loaders:
    """Every loader of one request, all reading through the request's ``reads``."""

    def __init__(self, reads: Reads) -> None:
        self._reads = reads
        self.article = self._loader(one_row_each(db.Article, db.Article.id))
        self.claim = self._loader(one_row_each(db.Claim, db.Claim.id))
        self.outlet = self._loader(one_row_each(db.Outlet, db.Outlet.id))
        self.story = self._loader(one_row_each(db.Story, db.Story.id))
        self.speaker = self._loader(self._speakers)
        self.paragraphs = self._loader(
            rows_each(db.Paragraph, db.Paragraph.article_id, db.Paragraph.position)
        )
        self.sentences = self._loader(
            rows_each(db.Sentence, db.Sentence.article_id, db.Sentence.position)
        )
        self.claims_by_article = self._loader(
            rows_each(db.Claim, db.Claim.article_id, db.Claim.start, db.Claim.id)
        )
        self.articles_by_story = self._loader(
            rows_each(db.Article, db.Article.story_id, db.Article.id)
        )
        self.article_links = self._loader(self._article_links)
        self.claim_links = self._loader(self._claim_links)
        self.runs = self._loader(
            rows_each(db.StageRun, db.StageRun.article_id, db.StageRun.finished_at, db.StageRun.id)
        )
        self.translation = self._loader(self._translations)
        self.claim_translation = self._loader(self._claim_translations)
        self.citations_by_article = self._loader(
            rows_each(db.Citation, db.Citation.article_id, db.Citation.start, db.Citation.id)
        )
        self.citations_by_claim = self._loader(
            rows_each(db.Citation, db.Citation.claim_id, db.Citation.id)
        )
        self.claims_by_story = self._loader(self._claims_by_story)
        self.disputes_by_story = self._loader(self._disputes_by_story)
        self.slots_by_story = self._loader(self._slots_by_story)
        self.raw_source = self.keyed(self._raw_sources)
        self.story_members = self._loader(self._story_members)
        self.story_outlets = self._loader(self._story_outlets)

    def keyed(self, query: Callable[[Session, list[K]], Mapping[K, V]]) -> QueryLoader[K, V | None]:
        """A loader over a query that returns a dict by key (absent keys give None)."""

        def in_key_order(session: Session, keys: list[K]) -> list[V | None]:
            found = query(session, keys)
            return [found.get(key) for key in keys]

        return self._loader(in_key_order)

    def _loader(self, query: Callable[[Session, list[K]], Sequence[V]]) -> QueryLoader[K, V]:
        async def load(keys: list[K]) -> Sequence[V]:
            return await self._reads.run(lambda session: query(session, keys))

        return QueryLoader(query, load_fn=load, max_batch_size=MAX_BATCH_SIZE)

    @staticmethod
    def _speakers(session: Session, keys: list[int]) -> list[Speaker | None]:
        names: dict[int, str] = {
            entity_id: name
            for entity_id, name in session.execute(
                select(db.Entity.id, db.Entity.name).where(db.Entity.id.in_(keys))
            )
        }
        aliases: dict[int, list[str]] = defaultdict(list)
        for entity_id, alias in session.execute(
            select(db.EntityAlias.entity_id, db.EntityAlias.alias)
            .where(db.EntityAlias.entity_id.in_(keys))
            .order_by(db.EntityAlias.id)
        ):
            aliases[entity_id].append(alias)
        return [Speaker(names[key], tuple(aliases[key])) if key in names else None for key in keys]

    @staticmethod
    def _article_links(session: Session, keys: list[int]) -> list[list[db.ArticleLink]]:
        link = db.ArticleLink
        selected = served(link).where(or_(link.source_id.in_(keys), link.target_id.in_(keys)))
        rows = rows_as(link, session.execute(selected.order_by(link.id)))
        return links_per_key(keys, rows)

    @staticmethod
    def _claim_links(session: Session, keys: list[int]) -> list[list[db.ClaimLink]]:
        link = db.ClaimLink
        selected = served(link).where(or_(link.source_id.in_(keys), link.target_id.in_(keys)))
        rows = rows_as(link, session.execute(selected.order_by(link.id)))
        return links_per_key(keys, rows)

    @staticmethod
    def _story_members(session: Session, keys: list[int]) -> list[StoryMembers]:
        """One GROUP BY for every story asked for; COUNT(outlet_id) skips the NULLs."""
        article = db.Article
        # The publication times of day-only dates, and the other (stamped) ones.
        day_only_at = case((article.published_time_known.is_(False), article.published_at))
        stamped_at = case(
            (article.published_time_known.is_(False), None), else_=article.published_at
        )
        found = {}
        for story_id, articles, with_outlet, *ends in session.execute(
            select(
                article.story_id,
                func.count(article.id),
                func.count(article.outlet_id),
                func.min(day_only_at),
                func.min(stamped_at),
                func.max(day_only_at),
                func.max(stamped_at),
            )
            .where(article.story_id.in_(keys))
            .group_by(article.story_id)
        ):
            first, first_known = span_end(ends[0], ends[1], latest=False)
            last, last_known = span_end(ends[2], ends[3], latest=True)
            found[story_id] = StoryMembers(
                articles, articles - with_outlet, first, last, first_known, last_known
            )
        return [found.get(key, NO_MEMBERS) for key in keys]

    @staticmethod
    def _story_outlets(session: Session, keys: list[int]) -> list[list[str]]:
        """Each story's outlet names, most articles first, then by name. Sorted here, not
        in SQL, so that names compare by code point whatever the database's collation."""
        counts: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
        for story_id, name, articles in session.execute(
            select(db.Article.story_id, db.Outlet.name, func.count(db.Article.id))
            .join(db.Outlet, db.Article.outlet_id == db.Outlet.id)
            .where(db.Article.story_id.in_(keys))
            .group_by(db.Article.story_id, db.Outlet.name)
        ):
            counts[story_id].append((-articles, name))
        return [[name for _, name in sorted(counts.get(key, []))] for key in keys]

    @staticmethod
    def _claim_translations(
        session: Session, keys: list[tuple[int, str]]
    ) -> list[db.Translation | None]:
        """Keys are ``(claim id, language)``: a claim's translation is stored as its
        article's row of field "claim" at the claim's id."""
        rows = session.scalars(
            select(db.Translation).where(
                db.Translation.field == "claim",
                db.Translation.position.in_({claim for claim, _ in keys}),
                db.Translation.language.in_({language for _, language in keys}),
            )
        )
        return one_per_key(keys, rows, lambda row: (row.position, row.language))

    @staticmethod
    def _translations(
        session: Session, keys: list[tuple[int, str]]
    ) -> list[TranslationRows | None]:
        """Keys are ``(article id, language)``; claim translations are not part of it."""
        rows = session.scalars(
            select(db.Translation)
            .where(
                db.Translation.article_id.in_({article for article, _ in keys}),
                db.Translation.language.in_({language for _, language in keys}),
                db.Translation.field.in_(("title", "paragraph")),
            )
            .order_by(db.Translation.position, db.Translation.id)
        )
        grouped = many_per_key(keys, rows, lambda row: (row.article_id, row.language))
        return [_translation(group) for group in grouped]

    @staticmethod
    def _claims_by_story(session: Session, keys: list[int]) -> list[list[db.Claim]]:
        pairs = story_claims(session, keys)
        grouped = many_per_key(keys, pairs, lambda pair: pair[0])
        return [[claim for _, claim in group] for group in grouped]

    @staticmethod
    def _disputes_by_story(session: Session, keys: list[int]) -> list[list[DisputeRows]]:
        return story_disputes(session, keys)

    @staticmethod
    def _slots_by_story(session: Session, keys: list[int]) -> list[list[DisputeRows]]:
        return story_disputes(session, keys, agreed=True)

    @staticmethod
    def _raw_sources(session: Session, keys: list[int]) -> dict[int, str]:
        rows = session.execute(
            select(db.RawInput.id, db.RawInput.source).where(db.RawInput.id.in_(keys))
        )
        return {row.id: row.source for row in rows}


def _translation(rows: list[db.Translation]) -> TranslationRows | None:
    if not rows:
        return None
    return TranslationRows(
        engine=rows[0].engine,
        engine_version=rows[0].engine_version,
        title=next((row.text for row in rows if row.field == "title"), None),
        paragraphs=tuple(row.text for row in rows if row.field == "paragraph"),
    )
