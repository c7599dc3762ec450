"""The ``dedupe`` stage: duplicates and reused passages across articles, incrementally.

Each article adds its features to the ``text_keys`` index (MinHash band keys, passage
anchors, sentence keys) and its sketch (signature and keyed sentences) to
``minhash_signatures``, then finds its candidates with one indexed ``value IN (...)``
query. Only candidates are compared, each from its stored sketch, so the work per
article depends on how many articles share its text (at most ``MAX_CANDIDATES``),
not on the size of the corpus. Reprocessing replaces the article's keys and links;
deleting it removes them (``ON DELETE CASCADE``).

A candidate pair is linked when its sentences recur in one another:

- DUPLICATE: the same match key, or near-identical texts (estimated Jaccard of the
  shingle sets >= ``DUPLICATE_JACCARD`` and almost every sentence of both shared);
- REUSES: the copy shares at least ``REUSE_MIN_WORDS`` words of whole sentences with
  the original, or at least ``REUSE_MIN_SHARE`` of its own words.

Both point from the copy (source) to the likely original (target): a wire outlet's
article, else the earlier publication, else the one ingested first.

Boilerplate: outlets repeat their own sentences ("تابعونا على تويتر", the same
standing disclaimer) in many articles; shared, they would link unrelated stories.
A sentence whose key (numbers folded) is already indexed for ``BOILERPLATE_COUNT``
other articles of the same outlet, or for ``KEY_CAP`` articles overall, is
ignored. The same cap keeps every index value to at most ``KEY_CAP`` rows, so no
lookup returns more than ``KEY_CAP`` rows per key however large the corpus grows.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session, load_only

from marsad.core import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    MinHashSignature,
    Stage,
    StageContext,
    TextKey,
    hookimpl,
)
from marsad.plugins import textreuse as tr
from marsad.plugins.arabic import sentences

KEY_CAP = 20
BOILERPLATE_COUNT = 2
MAX_CANDIDATES = 25
DUPLICATE_JACCARD = 0.8
DUPLICATE_SHARE = 0.9
REUSE_MIN_WORDS = 15
REUSE_MIN_SHARE = 0.5
# The Saudi Press Agency (SaudiNewsNet's ``was``) and other agencies whose copy
# newspapers republish; override with MARSAD_WIRE_OUTLETS (comma-separated names).
DEFAULT_WIRE_OUTLETS = frozenset({"was", "spa", "wam", "qna", "kuna", "mena", "ina", "afp", "aa"})
_INDEX_KINDS = (tr.BAND, tr.ANCHOR, tr.SENTENCE)


def wire_outlets() -> frozenset[str]:
    configured = os.environ.get("MARSAD_WIRE_OUTLETS")
    if configured is None:
        return DEFAULT_WIRE_OUTLETS
    return frozenset(name.strip() for name in configured.split(",") if name.strip())


@dataclass
class Side:
    """What comparing needs of one article of a pair: its signature and keyed sentences."""

    signature: np.ndarray
    sentences: list[tr.KeyedSentence]


@dataclass
class Features(Side):
    """Everything the index needs from one article, computed from its text."""

    shingles: int
    bands: list[int]
    anchors: list[int]

    @classmethod
    def of(cls, article: Article) -> Features:
        text = article.text or ""
        tokens = tr.words(text)
        hashes = tr.shingle_hashes(tokens)
        signature = tr.minhash(hashes)
        return cls(
            signature=signature,
            sentences=tr.keyed_sentences(sentences(text)),
            shingles=len(hashes),
            bands=tr.band_keys(signature) if hashes else [],
            anchors=tr.anchor_keys(tokens),
        )

    def keys(self) -> dict[int, int]:
        """Index value -> kind."""
        found = {value: tr.BAND for value in self.bands}
        found.update((value, tr.ANCHOR) for value in self.anchors)
        found.update((s.key, tr.SENTENCE) for s in self.sentences)
        return found


@dataclass
class Neighbourhood:
    """What the index says about an article's keys: who else holds each of them."""

    holders: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    outlets: dict[int, int | None] = field(default_factory=dict)

    @cached_property
    def common(self) -> frozenset[int]:
        """Values held by ``KEY_CAP`` articles: the index stops recording them."""
        return frozenset(value for value, ids in self.holders.items() if len(ids) >= KEY_CAP)

    @cached_property
    def boilerplate(self) -> dict[int, frozenset[int]]:
        """Per outlet, the values ``BOILERPLATE_COUNT`` of its own articles already hold."""
        found: dict[int, set[int]] = defaultdict(set)
        for value, ids in self.holders.items():
            per_outlet = Counter(self.outlets.get(other) for other in ids)
            for outlet_id, count in per_outlet.items():
                if outlet_id is not None and count >= BOILERPLATE_COUNT:
                    found[outlet_id].add(value)
        return {outlet_id: frozenset(values) for outlet_id, values in found.items()}

    def ignored_sentences(self, *outlet_ids: int | None) -> frozenset[int]:
        """Sentence keys too common overall, or boilerplate of one of the outlets."""
        empty: frozenset[int] = frozenset()
        return self.common.union(
            *(self.boilerplate.get(o, empty) for o in outlet_ids if o is not None)
        )


def lookup(session: Session, article_id: int, values: Sequence[int]) -> Neighbourhood:
    found = Neighbourhood()
    if not values:
        return found
    rows = session.execute(
        select(TextKey.value, TextKey.article_id, Article.outlet_id)
        .join(Article, Article.id == TextKey.article_id)
        .where(TextKey.value.in_(list(values)), TextKey.article_id != article_id)
    )
    for value, other_id, outlet_id in rows:
        found.holders[value].append(other_id)
        found.outlets[other_id] = outlet_id
    return found


def rank_candidates(
    features: Features, near: Neighbourhood, ignored: frozenset[int], same_text: Sequence[int]
) -> list[int]:
    """Articles that share a key, best first; common keys do not make candidates."""
    weight = {tr.BAND: 4, tr.SENTENCE: 2, tr.ANCHOR: 1}
    kinds = features.keys()
    score: Counter[int] = Counter({other: 100 for other in same_text})
    for value, ids in near.holders.items():
        if len(ids) >= KEY_CAP or value in ignored:
            continue
        for other in ids:
            score[other] += weight[kinds[value]]
    return [other for other, _ in score.most_common(MAX_CANDIDATES)]


def clear(session: Session, article_id: int) -> None:
    # Index rows are never loaded as objects here, so there is nothing in the session
    # to synchronise; evaluating every object it holds would cost more than the delete.
    quick = {"synchronize_session": False}
    session.execute(
        delete(ArticleLink).where(
            or_(ArticleLink.source_id == article_id, ArticleLink.target_id == article_id),
            ArticleLink.kind.in_([ArticleLinkKind.DUPLICATE, ArticleLinkKind.REUSES]),
        ),
        execution_options=quick,
    )
    session.execute(
        delete(TextKey).where(TextKey.article_id == article_id, TextKey.kind.in_(_INDEX_KINDS)),
        execution_options=quick,
    )
    session.execute(
        delete(MinHashSignature).where(MinHashSignature.article_id == article_id),
        execution_options=quick,
    )


def store(session: Session, article_id: int, features: Features, near: Neighbourhood) -> None:
    rows = [
        {"value": value, "article_id": article_id, "kind": kind}
        for value, kind in features.keys().items()
        if value not in near.common  # a capped value already says "common"
    ]
    if rows:
        session.execute(insert(TextKey), rows)
    session.execute(insert(MinHashSignature), [{"article_id": article_id, **sketch(features)}])


def sketch(features: Features) -> dict[str, Any]:
    """The ``minhash_signatures`` row of an article, but its id."""
    return {
        "scheme": tr.SKETCH_SCHEME,
        "shingles": features.shingles,
        "signature": tr.signature_bytes(features.signature),
        "sentences": tr.pack_sentences(features.sentences),
    }


def load_candidates(session: Session, ids: Sequence[int]) -> dict[int, tuple[Article, Side]]:
    """Each candidate with text, and its side: the stored sketch, else one made from the text.

    One query; only the columns comparing needs are loaded (not the match key, which
    is as long as the text).
    """
    rows = session.execute(
        select(Article, MinHashSignature)
        .outerjoin(MinHashSignature, MinHashSignature.article_id == Article.id)
        .where(Article.id.in_(ids))
        .options(
            load_only(
                Article.id,
                Article.outlet_id,
                Article.published_at,
                Article.content_hash,
                Article.text,
            )
        )
    )
    found: dict[int, tuple[Article, Side]] = {}
    for article, stored in rows:
        if not article.text:
            continue
        side: Side
        if stored is None or stored.scheme != tr.SKETCH_SCHEME or stored.sentences is None:
            side = Features.of(article)  # indexed by an older version of this stage
        else:
            side = Side(
                tr.signature_from_bytes(stored.signature),
                tr.unpack_sentences(stored.sentences, article.text),
            )
        found[article.id] = (article, side)
    return found


def original_and_copy(a: Article, b: Article, wire: frozenset[str]) -> tuple[Article, Article, str]:
    """The likely original first, and why: a wire outlet, an earlier time, an earlier ingest."""
    a_wire = a.outlet is not None and a.outlet.name in wire
    b_wire = b.outlet is not None and b.outlet.name in wire
    if a_wire != b_wire:
        return (a, b, "wire") if a_wire else (b, a, "wire")
    if a.published_at and b.published_at and a.published_at != b.published_at:
        return (a, b, "earlier") if a.published_at < b.published_at else (b, a, "earlier")
    return (a, b, "ingested first") if a.id < b.id else (b, a, "ingested first")


def _words(found: Sequence[tr.KeyedSentence]) -> int:
    return sum(s.words for s in found)


def compare(
    article: Article,
    mine: Side,
    other: Article,
    theirs: Side,
    ignored: frozenset[int],
    wire: frozenset[str],
) -> ArticleLink | None:
    """The link between two candidate articles, or None when they share too little."""
    original, copy, why = original_and_copy(article, other, wire)
    copy_f, original_f = (mine, theirs) if copy is article else (theirs, mine)
    copy_sentences = [s for s in copy_f.sentences if s.key not in ignored]
    original_sentences = [s for s in original_f.sentences if s.key not in ignored]
    matches = tr.match_sentences(copy_sentences, original_sentences)
    if not matches:
        return None
    matched_copy = _words([m.mine for m in matches])
    matched_original = _words(list({m.theirs.start: m.theirs for m in matches}.values()))
    share_copy = matched_copy / max(1, _words(copy_sentences))
    share_original = matched_original / max(1, _words(original_sentences))
    jaccard = tr.estimated_jaccard(mine.signature, theirs.signature)
    same_text = bool(article.content_hash) and article.content_hash == other.content_hash
    if same_text or (
        jaccard >= DUPLICATE_JACCARD and min(share_copy, share_original) >= DUPLICATE_SHARE
    ):
        kind, score = ArticleLinkKind.DUPLICATE, 1.0 if same_text else jaccard
    elif matched_copy >= REUSE_MIN_WORDS or share_copy >= REUSE_MIN_SHARE:
        kind, score = ArticleLinkKind.REUSES, share_copy
    else:
        return None
    evidence: dict[str, Any] = {
        "passages": [
            {
                "text": m.mine.text,
                "start": m.mine.start,
                "end": m.mine.end,
                "original_text": m.theirs.text,
                "original_start": m.theirs.start,
                "original_end": m.theirs.end,
                "similarity": round(m.score, 3),
            }
            for m in sorted(matches, key=lambda m: m.mine.start)
        ],
        "share_of_source": round(share_copy, 4),
        "share_of_target": round(share_original, 4),
        "jaccard": round(jaccard, 4),
        "original_because": why,
    }
    return ArticleLink(
        source_id=copy.id,
        target_id=original.id,
        kind=kind,
        score=round(score, 4),
        evidence=evidence,
    )


def index_and_link(session: Session, article: Article, wire: frozenset[str]) -> list[ArticleLink]:
    """Replace the article's index entries and links; return the links it now has."""
    clear(session, article.id)
    article.content_hash = hashlib.sha256((article.match_key or "").encode()).hexdigest()
    features = Features.of(article)
    keys = features.keys()
    near = lookup(session, article.id, list(keys))
    store(session, article.id, features, near)
    if not keys:
        return []
    same_text = session.scalars(
        select(Article.id)
        .where(Article.content_hash == article.content_hash, Article.id != article.id)
        .limit(KEY_CAP)
    ).all()
    mine_ignored = near.ignored_sentences(article.outlet_id)
    candidates = rank_candidates(features, near, mine_ignored, same_text)
    if not candidates:
        return []
    others = load_candidates(session, candidates)
    links = []
    for other_id in candidates:
        if other_id not in others:
            continue
        other, side = others[other_id]
        ignored = near.ignored_sentences(article.outlet_id, other.outlet_id)
        link = compare(article, features, other, side, ignored, wire)
        if link is not None:
            links.append(link)
    session.add_all(links)
    return links


class Dedupe(Stage):
    name = "dedupe"
    after = ("normalize",)
    version = "0.3.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        index_and_link(ctx.session, article, wire_outlets())


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Dedupe()]
