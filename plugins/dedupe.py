"""The ``dedupe`` stage: exact copies and reused sentences across articles.

Each article's sentences are hashed (on their match keys) into the ``fingerprints``
index; candidates are the articles that share at least one hash, found with one
indexed query, so the cost per article does not grow with all pairs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, or_, select

from marsad.core import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    Fingerprint,
    Stage,
    StageContext,
    hookimpl,
)
from marsad.plugins.arabic import WORD, match_key, sentences

SCHEME = "sentence-v1"
MIN_WORDS = 5  # shorter sentences ("وأضاف:") recur by chance
DUPLICATE_SHARE = 0.9  # of the sentences of both articles
REUSE_MIN_SENTENCES = 2
REUSE_MIN_SHARE = 0.2  # of the sentences of the article that reuses


def _hash(key: str) -> int:
    # 63 bits: fits a signed BIGINT in every database.
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") >> 1


def sentence_hashes(text: str) -> dict[int, tuple[int, int, str]]:
    """Hash of each long-enough sentence's key -> the sentence's span and text."""
    found: dict[int, tuple[int, int, str]] = {}
    for sentence in sentences(text):
        key = match_key(sentence.text)
        if len(WORD.findall(key)) >= MIN_WORDS:
            found.setdefault(_hash(key), (sentence.start, sentence.end, sentence.text))
    return found


def _sort_key(article: Article) -> tuple[datetime | None, int]:
    return (article.published_at, article.id)


def _original_and_copy(a: Article, b: Article) -> tuple[Article, Article]:
    """The likely original first: the earlier publication, else the earlier ingest."""
    if a.published_at and b.published_at and a.published_at != b.published_at:
        return (a, b) if a.published_at < b.published_at else (b, a)
    return (a, b) if a.id < b.id else (b, a)


class Dedupe(Stage):
    name = "dedupe"
    after = ("normalize",)
    version = "0.1.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        session = ctx.session
        session.execute(
            delete(ArticleLink).where(
                or_(ArticleLink.source_id == article.id, ArticleLink.target_id == article.id),
                ArticleLink.kind.in_([ArticleLinkKind.DUPLICATE, ArticleLinkKind.REUSES]),
            )
        )
        session.execute(
            delete(Fingerprint).where(
                Fingerprint.article_id == article.id, Fingerprint.scheme == SCHEME
            )
        )
        mine = sentence_hashes(article.text or "")
        article.content_hash = hashlib.sha256((article.match_key or "").encode()).hexdigest()
        if not mine:
            return

        shared: dict[int, set[int]] = defaultdict(set)
        rows = session.execute(
            select(Fingerprint.article_id, Fingerprint.value).where(
                Fingerprint.scheme == SCHEME,
                Fingerprint.value.in_(list(mine)),
                Fingerprint.article_id != article.id,
            )
        )
        for other_id, value in rows:
            shared[other_id].add(value)
        session.add_all(
            Fingerprint(article_id=article.id, scheme=SCHEME, value=value) for value in mine
        )

        for other_id, values in shared.items():
            other = session.get_one(Article, other_id)
            theirs = sentence_hashes(other.text or "")
            self._link(ctx, article, other, mine, theirs, values)

    def _link(
        self,
        ctx: StageContext,
        article: Article,
        other: Article,
        mine: dict[int, tuple[int, int, str]],
        theirs: dict[int, tuple[int, int, str]],
        values: set[int],
    ) -> None:
        union = len(set(mine) | set(theirs))
        original, copy = _original_and_copy(article, other)
        copy_hashes = mine if copy is article else theirs
        original_hashes = theirs if copy is article else mine
        share_of_copy = len(values) / len(copy_hashes)
        if article.content_hash == other.content_hash or len(values) / union >= DUPLICATE_SHARE:
            kind, score = ArticleLinkKind.DUPLICATE, len(values) / union
        elif len(values) >= REUSE_MIN_SENTENCES or share_of_copy >= REUSE_MIN_SHARE:
            kind, score = ArticleLinkKind.REUSES, share_of_copy
        else:
            return
        passages = [
            {
                "text": copy_hashes[value][2],
                "start": copy_hashes[value][0],
                "end": copy_hashes[value][1],
                "original_start": original_hashes[value][0],
                "original_end": original_hashes[value][1],
            }
            for value in sorted(values, key=lambda v: copy_hashes[v][0])
        ]
        ctx.session.add(
            ArticleLink(
                source_id=copy.id,
                target_id=original.id,
                kind=kind,
                score=round(score, 4),
                evidence={
                    "passages": passages,
                    "share_of_source": round(share_of_copy, 4),
                    "share_of_target": round(len(values) / len(original_hashes), 4),
                },
            )
        )


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Dedupe()]
