"""The ``dedupe`` stage: duplicates and reused passages across articles, incrementally.

Each article adds its features to the ``text_keys`` index (MinHash band keys, passage
anchors, sentence keys) and its sketch (signature and keyed sentences) to
``minhash_signatures``, then finds its candidates with one indexed ``value IN (...)``
query. Only candidates are compared, each from its stored sketch, so the work per
article depends on how many articles share its text (at most ``MAX_CANDIDATES``),
not on the size of the corpus. Deleting an article removes its rows (``ON DELETE
CASCADE``).

Order does not matter: a pair is decided the same whichever of its articles is
processed second, and whatever came before. Both sides' sentences are judged against
the same index counts: a key is common when ``KEY_CAP`` articles hold it, for every
article alike (which of them came first does not matter), and a sentence is
boilerplate of an outlet when ``BOILERPLATE_COUNT + 1`` of its articles hold it, the
pair's own included. When an article's new rows make a key common or boilerplate, the
pairs of its other holders are decided again (:meth:`Linker.relink`), but only where
that can change them: band and anchor keys are ranked, not compared, so when only those
crossed, a holder compares only the candidates it did not rank before. That relies on
every pair among an article's candidates having been decided, which the candidate
limit alone would not ensure: the limit is one-sided, so the articles past a new
article's limit are decided again in full, and those that rank it among their best
decide the pair. The original is chosen from the pair alone. Running the stage again
keeps the article's index rows that still hold, decides its pairs with its candidates
again and keeps the links found from the other side
(:func:`marsad.core.links.save_article_links`).

A batch is processed as its articles one after another would be, in the same order
(:meth:`Dedupe.process_batch`): each article sees the index rows of those before it
and the old rows of those after it. The features of all articles are computed first;
the index values of the batch are read once (:class:`BatchIndex`) and kept current
in memory while the articles are indexed and linked, and the new rows, deletions and
sketches are written at the end with a few bulk statements. Links are saved article
by article, as before, since stories follow them, but a save that would change
nothing is skipped (:class:`StoredLinks`).

A candidate pair is linked when its sentences recur in one another:

- DUPLICATE: the same match key, or near-identical texts (estimated Jaccard of the
  shingle sets >= ``DUPLICATE_JACCARD`` and almost every sentence of both shared);
- REUSES: the copy shares at least ``REUSE_MIN_WORDS`` words of narration with the
  original, or at least ``REUSE_MIN_SHARE`` of its words and of its narration.

Narration is the text outside quotation marks (``textreuse.quote_spans``). Two
articles that quote the same tweet or statement share its words without either
copying the other; they are linked through the quote's claims (SAME_QUOTE, the link
stage), not here. A shared word counts as copied when it lies, in a matched sentence
of the copy, in a word trigram that both sentences hold outside quotes. Quoted text
still makes candidates and matched sentences (shown as passages), and still counts
toward DUPLICATE: a near-identical text is the same article whatever it quotes.

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
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, delete, func, insert, or_, select
from sqlalchemy.orm import Session, load_only

from marsad.core import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    MinHashSignature,
    Outcome,
    Outlet,
    Settings,
    Stage,
    StageContext,
    TextKey,
    hookimpl,
)
from marsad.core.links import mark_story_changes, save_article_links
from marsad.text import reuse as tr
from marsad.text.arabic import sentences
from marsad.text.dates import latest_moment

KEY_CAP = 20
BOILERPLATE_COUNT = 2
MAX_CANDIDATES = 25
DUPLICATE_JACCARD = 0.8
DUPLICATE_SHARE = 0.9
REUSE_MIN_WORDS = 15
REUSE_MIN_SHARE = 0.5
# The Saudi Press Agency (SaudiNewsNet's ``was``) and other agencies whose copy
# newspapers republish; override with MARSAD_DEDUPE_WIRE_OUTLETS (comma-separated
# names; MARSAD_WIRE_OUTLETS, its name before plugins had settings, is read too).
DEFAULT_WIRE_OUTLETS = frozenset({"was", "spa", "wam", "qna", "kuna", "mena", "ina", "afp", "aa"})
_INDEX_KINDS = (tr.BAND, tr.ANCHOR, tr.SENTENCE)
LOOKUP_CHUNK = 500  # values per IN list: SQLite allows 32,766 variables, old builds 999
_TEXT_KEYS = cast(Table, TextKey.__table__)
_SKETCHES = cast(Table, MinHashSignature.__table__)


def wire_outlets(settings: Settings) -> frozenset[str]:
    legacy = settings.environment.get("MARSAD_WIRE_OUTLETS")
    default = DEFAULT_WIRE_OUTLETS
    if legacy is not None:
        default = frozenset(name.strip() for name in legacy.split(",") if name.strip())
    return settings.plugin("dedupe").names("wire_outlets", default)


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
        encoded = [shingle.encode() for shingle in tr.shingles(tokens)]  # for both below
        hashes = tr.hashes_of(encoded)
        signature = tr.minhash(hashes)
        return cls(
            signature=signature,
            sentences=tr.keyed_sentences(sentences(text), tr.quote_spans(text)),
            shingles=len(hashes),
            bands=tr.band_keys(signature) if hashes else [],
            anchors=tr.anchors_of(encoded),
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
    # Articles of one outlet that must hold a sentence for it to be that outlet's
    # boilerplate: others than the article (``lookup``), or all of them (``with_own``).
    repeats: int = BOILERPLATE_COUNT

    def with_own(self, article: Article, held: set[int]) -> Neighbourhood:
        """The same counts with the article among the holders of the values it holds:
        what any article of a pair sees, so both decide the pair alike."""
        view = Neighbourhood(repeats=BOILERPLATE_COUNT + 1)
        for value, ids in self.holders.items():
            view.holders[value].extend(ids)
        own = article.id  # an ORM attribute costs a call: read once, not per value
        for value in held:
            view.holders[value].append(own)
        view.outlets.update(self.outlets)
        view.outlets[own] = article.outlet_id
        return view

    def without(self, article_id: int, values: set[int]) -> Neighbourhood:
        """The same counts, but the article's rows of these values."""
        view = Neighbourhood(repeats=self.repeats)
        for value, ids in self.holders.items():
            view.holders[value].extend(
                [other for other in ids if other != article_id] if value in values else ids
            )
        view.outlets.update(self.outlets)
        return view

    def crossed(self, article: Article, new: set[int]) -> set[int]:
        """The values that the article's ``new`` rows made common or its outlet's
        boilerplate (call on ``with_own``): pairs decided before may change."""
        found = set()
        outlet_id = article.outlet_id
        for value in new:
            ids = self.holders[value]
            same_outlet = sum(1 for other in ids if self.outlets.get(other) == outlet_id)
            if len(ids) == KEY_CAP or (outlet_id is not None and same_outlet == self.repeats):
                found.add(value)
        return found

    @cached_property
    def common(self) -> frozenset[int]:
        """Values held by ``KEY_CAP`` articles: the index stops recording them."""
        return frozenset(value for value, ids in self.holders.items() if len(ids) >= KEY_CAP)

    @cached_property
    def boilerplate(self) -> dict[int, frozenset[int]]:
        """Per outlet, the values ``BOILERPLATE_COUNT`` of its own articles already hold."""
        found: dict[int, set[int]] = defaultdict(set)
        for value, ids in self.holders.items():
            if len(ids) < self.repeats:  # most values: no outlet can reach the count
                continue
            per_outlet = Counter(self.outlets.get(other) for other in ids)
            for outlet_id, count in per_outlet.items():
                if outlet_id is not None and count >= self.repeats:
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
    for value, other_id, outlet_id in holders_of(session, values):  # chunked IN lists
        if other_id == article_id:
            continue
        found.holders[value].append(other_id)
        found.outlets[other_id] = outlet_id
    return found


@dataclass
class IndexedKeys:
    """An article's keys as the index holds them (value -> kind), for ranking."""

    kinds: dict[int, int]

    def keys(self) -> dict[int, int]:
        return self.kinds


def rank_candidates(
    features: Features | IndexedKeys,
    near: Neighbourhood,
    ignored: frozenset[int],
    same_text: Sequence[int],
    limit: int | None = MAX_CANDIDATES,
    exclude: int | None = None,
) -> list[int]:
    """Articles that share a key, best first (the ``limit`` best), but the article
    ``exclude``. Common keys do not make candidates, nor do ``ignored`` ones (the
    article's outlet's boilerplate) or the boilerplate of the other's outlet: so
    each of two articles is the other's candidate or neither is. Ties go to the one
    ingested first."""
    weight = {tr.BAND: 4, tr.SENTENCE: 2, tr.ANCHOR: 1}
    kinds = features.keys()
    theirs = near.boilerplate
    score: Counter[int] = Counter({other: 100 for other in same_text})
    for value, ids in near.holders.items():
        if len(ids) >= KEY_CAP or value in ignored or value not in kinds:
            continue
        for other in ids:
            outlet_id = near.outlets.get(other)
            if other != exclude and value not in theirs.get(outlet_id or 0, ()):
                score[other] += weight[kinds[value]]
    ranked = sorted(score, key=lambda other: (-score[other], other))
    return ranked if limit is None else ranked[:limit]


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
                Article.published_time_known,
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
    if a.published_at and b.published_at:
        # Only a surely earlier time counts: a report dated to the day only is not
        # earlier than one stamped 03:34 that day, nor later.
        if latest_moment(a.published_at, a.published_time_known) < b.published_at:
            return (a, b, "earlier")
        if latest_moment(b.published_at, b.published_time_known) < a.published_at:
            return (b, a, "earlier")
    return (a, b, "ingested first") if a.id < b.id else (b, a, "ingested first")


def _words(found: Sequence[tr.KeyedSentence]) -> int:
    return sum(s.words for s in found)


def _narration_part(sentence: tr.KeyedSentence, grams: int, of: int) -> int:
    """The sentence's words in the proportion ``grams / of`` of its trigrams."""
    return round(sentence.words * grams / of) if of else 0


def narration_words(found: Sequence[tr.KeyedSentence]) -> int:
    """Words of the sentences outside quotation marks (in proportion to their trigrams)."""
    return sum(_narration_part(s, len(s.narration), len(s.grams)) for s in found)


def copied_narration(match: tr.SentenceMatch) -> int:
    """Words of the copy's sentence that the pair shares outside quotation marks.

    A statement quoted by two articles is shared whether one copied the other or both
    quoted it (its claims link them: SAME_QUOTE); the words around it are the writer's
    own, and only those, shared, are copied text: the words of the copy's sentence in
    a trigram that both sentences hold outside quotes.
    """
    return tr.covered_words(match.mine, match.mine.narration & match.theirs.narration)


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
    narration = [copied_narration(m) for m in matches]  # per match, in order
    copied = sum(narration)
    share_narration = copied / max(1, narration_words(copy_sentences))
    jaccard = tr.estimated_jaccard(mine.signature, theirs.signature)
    same_text = bool(article.content_hash) and article.content_hash == other.content_hash
    if same_text or (
        jaccard >= DUPLICATE_JACCARD and min(share_copy, share_original) >= DUPLICATE_SHARE
    ):
        kind, score = ArticleLinkKind.DUPLICATE, 1.0 if same_text else jaccard
    elif copied >= REUSE_MIN_WORDS or min(share_copy, share_narration) >= REUSE_MIN_SHARE:
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
                "narration_words": words_copied,
            }
            for m, words_copied in sorted(
                zip(matches, narration, strict=True), key=lambda pair: pair[0].mine.start
            )
        ],
        "share_of_source": round(share_copy, 4),
        "share_of_target": round(share_original, 4),
        "narration_words": copied,
        "share_of_source_narration": round(share_narration, 4),
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


def _rows_in(session: Session, query: str, values: Sequence[int]) -> list[tuple[int, ...]]:
    """The rows of ``query``, which ends in ``IN``, for ``values``: a chunk per statement.

    Sent as the driver's SQL: compiling an IN list of hundreds of values through
    SQLAlchemy costs more than the database's own work (4.6 against 1.9 ms for 300
    values on SQLite).
    """
    style = session.get_bind().dialect.paramstyle
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style)
    if mark is None:  # SQLite and psycopg use these; another driver needs its marks here
        raise NotImplementedError(f"no IN list for the {style} parameter style")
    connection = session.connection()
    found: list[tuple[int, ...]] = []
    for begin in range(0, len(values), LOOKUP_CHUNK):
        chunk = tuple(int(value) for value in values[begin : begin + LOOKUP_CHUNK])
        marks = ", ".join([mark] * len(chunk))
        found.extend(tuple(row) for row in connection.exec_driver_sql(f"{query} ({marks})", chunk))
    return found


def index_rows(session: Session, values: Sequence[int]) -> list[tuple[int, int]]:
    """(value, article) of every index row of these values."""
    return [
        (value, article_id)
        for value, article_id in _rows_in(
            session, f"SELECT value, article_id FROM {TextKey.__tablename__} WHERE value IN", values
        )
    ]


def outlets_of(session: Session, article_ids: Sequence[int]) -> dict[int, int | None]:
    """Each existing article's outlet."""
    return {
        article_id: outlet_id
        for article_id, outlet_id in _rows_in(
            session, f"SELECT id, outlet_id FROM {Article.__tablename__} WHERE id IN", article_ids
        )
    }


def holders_of(session: Session, values: Sequence[int]) -> list[tuple[int, int, int | None]]:
    """(value, article, outlet) of every index row of these values."""
    rows = index_rows(session, values)
    outlets = outlets_of(session, sorted({article_id for _, article_id in rows}))
    return [  # as an inner join with the articles
        (value, article_id, outlets[article_id])
        for value, article_id in rows
        if article_id in outlets
    ]


def content_hash(article: Article) -> str:
    return hashlib.sha256((article.match_key or "").encode()).hexdigest()


class BatchIndex:
    """The index (``text_keys`` and ``minhash_signatures``) as a batch sees it, in memory.

    Processing a batch must give what processing its articles one after another gives:
    each article sees the rows of those before it, and the old rows of those after it
    (a run again). Only the batch's own articles change rows, and only under the values
    of their keys (new or old), so the holders of those values are read once at the
    start and kept up to date here; any other value's holders cannot change during the
    batch and are read once, when first needed. The changes are written at the end
    (:meth:`write`), with a few bulk statements.
    """

    def __init__(
        self,
        session: Session,
        articles: Sequence[Article],
        features: dict[int, Features],
        hashes: dict[int, str],
    ) -> None:
        self.session = session
        ids = [article.id for article in articles]
        # Content hashes: the batch's articles' new ones, their current ones, and per
        # hash read the first articles of it outside the batch (KEY_CAP + 1 of them,
        # so KEY_CAP remain without the article asking), which do not change.
        self.hashes = hashes
        self.hash_of = {article.id: article.content_hash for article in articles}
        self.by_hash: dict[str, list[int]] = {}
        old = {value for value in self.hash_of.values() if value is not None}
        self._read_hashes(set(hashes.values()) | old)
        # The batch's articles' index rows (value -> kind), kept current as they change.
        self.rows_of: dict[int, dict[int, int]] = {article_id: {} for article_id in ids}
        for begin in range(0, len(ids), LOOKUP_CHUNK):
            for article_id, value, kind in session.execute(
                select(TextKey.article_id, TextKey.value, TextKey.kind).where(
                    TextKey.article_id.in_(ids[begin : begin + LOOKUP_CHUNK]),
                    TextKey.kind.in_(_INDEX_KINDS),
                )
            ):
                self.rows_of[article_id][value] = kind
        self.outlet_of: dict[int, int | None] = {a.id: a.outlet_id for a in articles}
        # Every index row of a value, as (article, its outlet): exact for the values read.
        self.holders: dict[int, list[tuple[int, int | None]]] = {}
        wanted = set().union(*(f.keys() for f in features.values()), *self.rows_of.values())
        self._read(wanted)
        self.sides: dict[int, tuple[Article, Side] | None] = {}  # load_candidates, read once
        self.inserts: list[dict[str, Any]] = []
        self.gone: dict[int, list[int]] = {}
        self.sketches: dict[int, dict[str, Any]] = {}

    def _read(self, values: Iterable[int]) -> None:
        missing = [value for value in values if value not in self.holders]
        if not missing:
            return
        for value in missing:
            self.holders[value] = []
        rows = index_rows(self.session, missing)
        # Outlets are read once per article and batch, not with every row.
        unknown = sorted({article_id for _, article_id in rows} - self.outlet_of.keys())
        if unknown:
            self.outlet_of.update(outlets_of(self.session, unknown))
        for value, article_id in rows:
            if article_id in self.outlet_of:  # as an inner join with the articles
                self.holders[value].append((article_id, self.outlet_of[article_id]))

    def rows(self, values: Sequence[int]) -> list[tuple[int, int, int | None]]:
        """What :func:`holders_of` would read now: (value, article, outlet) per row."""
        self._read(values)
        holders = self.holders
        return [(value, other, outlet) for value in values for other, outlet in holders[value]]

    def _read_hashes(self, hashes: Iterable[str]) -> None:
        missing = sorted(set(hashes) - self.by_hash.keys())
        for content_hash in missing:
            self.by_hash[content_hash] = []
        batch = list(self.hash_of)
        for begin in range(0, len(missing), LOOKUP_CHUNK):
            numbered = (
                select(
                    Article.id,
                    Article.content_hash,
                    func.row_number()
                    .over(partition_by=Article.content_hash, order_by=Article.id)
                    .label("rank"),
                )
                .where(
                    Article.content_hash.in_(missing[begin : begin + LOOKUP_CHUNK]),
                    Article.id.not_in(batch),
                )
                .subquery()
            )
            for article_id, found in self.session.execute(
                select(numbered.c.id, numbered.c.content_hash).where(numbered.c.rank <= KEY_CAP + 1)
            ):
                self.by_hash[found].append(article_id)

    def same_text(self, article: Article) -> list[int]:
        """Up to ``KEY_CAP`` other articles of the same content hash, first ingested first
        (the order in which the hash's database index holds them)."""
        content_hash = article.content_hash
        if content_hash is None:
            return []
        self._read_hashes([content_hash])
        found = set(self.by_hash[content_hash])
        found.update(other for other, held in self.hash_of.items() if held == content_hash)
        found.discard(article.id)
        return sorted(found)[:KEY_CAP]

    def set_hash(self, article: Article) -> None:
        """Give the article its new content hash (it is stored with the article)."""
        article.content_hash = self.hash_of[article.id] = self.hashes[article.id]

    def lookup(self, article_id: int, values: Sequence[int]) -> Neighbourhood:
        """What :func:`lookup` would read now."""
        found = Neighbourhood()
        for value, other_id, outlet_id in self.rows(values):
            if other_id != article_id:
                found.holders[value].append(other_id)
                found.outlets[other_id] = outlet_id
        return found

    def kinds(self, article_id: int) -> dict[int, int]:
        """The article's index rows (value -> kind)."""
        if article_id in self.rows_of:
            return self.rows_of[article_id]
        kinds = ", ".join(str(kind) for kind in _INDEX_KINDS)
        query = f"SELECT value, kind FROM {TextKey.__tablename__} WHERE kind IN ({kinds}) AND"
        # Not in the batch: its rows do not change during it.
        rows = _rows_in(self.session, f"{query} article_id IN", [article_id])
        return {value: kind for value, kind in rows}

    def store(
        self, article: Article, features: Features, near: Neighbourhood
    ) -> tuple[set[int], set[int]]:
        """Make the article's index rows its features' keys; return the values it holds,
        and those of them it did not hold before.

        Rows it already holds stay, so a run again keeps its place under a key that has
        filled up since; a new value is recorded unless it is common already.
        """
        keys = features.keys()
        own, holder = article.id, (article.id, article.outlet_id)  # attributes read once
        held = self.rows_of[own]
        gone = [value for value in held if value not in keys]
        for value in gone:
            self.holders[value] = [row for row in self.holders[value] if row[0] != own]
        if gone:
            self.gone[own] = gone
        common = near.common
        new = {
            value: kind
            for value, kind in keys.items()
            if value not in held and value not in common  # a capped value says "common"
        }
        for value, kind in new.items():
            self.holders[value].append(holder)
            self.inserts.append({"value": value, "article_id": own, "kind": kind})
        kept = {value: kind for value, kind in held.items() if value in keys}
        self.rows_of[own] = kept | new
        row = self.sketches[own] = {"article_id": own, **sketch(features)}
        self.sides[own] = None
        text = article.text
        if text:  # as load_candidates would read the sketch back
            side = Side(
                tr.signature_from_bytes(row["signature"]),
                tr.unpack_sentences(row["sentences"], text),
            )
            self.sides[own] = (article, side)
        return set(kept) | set(new), set(new)

    def candidates(self, ids: Sequence[int]) -> dict[int, tuple[Article, Side]]:
        """What :func:`load_candidates` would read now."""
        missing = [article_id for article_id in ids if article_id not in self.sides]
        if missing:
            found = load_candidates(self.session, missing)
            for article_id in missing:
                self.sides[article_id] = found.get(article_id)
        return {
            article_id: side for article_id in ids if (side := self.sides[article_id]) is not None
        }

    def write(self) -> None:
        """Write the batch's index changes: deletions, new rows and sketches."""
        quick = {"synchronize_session": False}  # index rows are never loaded as objects
        for article_id, gone in self.gone.items():
            for begin in range(0, len(gone), LOOKUP_CHUNK):
                self.session.execute(
                    delete(TextKey).where(
                        TextKey.article_id == article_id,
                        TextKey.kind.in_(_INDEX_KINDS),
                        TextKey.value.in_(gone[begin : begin + LOOKUP_CHUNK]),
                    ),
                    execution_options=quick,
                )
        if self.inserts:
            # On the table, not the class: a plain executemany, without the ORM's
            # per-row bookkeeping (half the time for thousands of rows).
            self.session.execute(insert(_TEXT_KEYS), self.inserts)
        ids = list(self.sketches)
        for begin in range(0, len(ids), LOOKUP_CHUNK):
            self.session.execute(
                delete(MinHashSignature).where(
                    MinHashSignature.article_id.in_(ids[begin : begin + LOOKUP_CHUNK])
                ),
                execution_options=quick,
            )
        if self.sketches:
            self.session.execute(insert(_SKETCHES), list(self.sketches.values()))


_LINK_KINDS = (ArticleLinkKind.DUPLICATE, ArticleLinkKind.REUSES)
LinkKey = tuple[int, int, ArticleLinkKind]


class StoredLinks:
    """The stored links of this stage's kinds of the articles the batch has saved links
    for: what :func:`save_article_links` would find, so that a call that would change
    nothing (no stale link, every wanted link stored with the same score and evidence)
    is skipped. Only this stage writes these kinds, and every write goes through
    :meth:`save`, which keeps the copy current."""

    def __init__(self, session: Session, article_ids: Sequence[int]) -> None:
        self.session = session
        self.of: dict[int, dict[LinkKey, tuple[float, dict[str, Any]]]] = {}
        self._read(article_ids)

    def _read(self, article_ids: Sequence[int]) -> None:
        fresh = [article_id for article_id in article_ids if article_id not in self.of]
        for article_id in fresh:
            self.of[article_id] = {}
        for begin in range(0, len(fresh), LOOKUP_CHUNK):
            chunk = fresh[begin : begin + LOOKUP_CHUNK]
            reading = set(chunk)
            for source_id, target_id, kind, score, evidence in self.session.execute(
                select(
                    ArticleLink.source_id,
                    ArticleLink.target_id,
                    ArticleLink.kind,
                    ArticleLink.score,
                    ArticleLink.evidence,
                ).where(
                    or_(ArticleLink.source_id.in_(chunk), ArticleLink.target_id.in_(chunk)),
                    ArticleLink.kind.in_(_LINK_KINDS),
                )
            ):
                for end in (source_id, target_id):
                    if end in reading:
                        self.of[end][(source_id, target_id, kind)] = (score, evidence)

    def with_partners(self, article_id: int, partners: Collection[int]) -> list[ArticleLink]:
        """The article's stored links with these articles."""
        self._read([article_id])
        wanted = set(partners)
        return [
            ArticleLink(
                source_id=source_id, target_id=target_id, kind=kind, score=score, evidence=evidence
            )
            for (source_id, target_id, kind), (score, evidence) in self.of[article_id].items()
            if (target_id if source_id == article_id else source_id) in wanted
        ]

    def save(self, article_id: int, links: list[ArticleLink], undecided: set[int]) -> None:
        """:func:`save_article_links` for the article, unless it would change nothing."""
        self._read([article_id])
        stored = self.of[article_id]
        wanted = {
            (link.source_id, link.target_id, link.kind): (link.score, link.evidence)
            for link in links
        }
        stale = [
            key
            for key in stored
            if key not in wanted and (key[0] if key[1] == article_id else key[1]) not in undecided
        ]
        moved = [key for key, value in wanted.items() if stored.get(key) != value]
        if not stale and not moved:
            return
        save_article_links(self.session, [article_id], _LINK_KINDS, links, undecided)
        # A copy link's weight ties stories: the cluster stage places both ends again.
        mark_story_changes(self.session, {end for key in [*stale, *moved] for end in key[:2]})
        for key in stale:
            for end in key[:2]:
                if end in self.of:
                    self.of[end].pop(key, None)
        for key, value in wanted.items():
            for end in key[:2]:
                if end in self.of:
                    self.of[end][key] = value


class Linker:
    """Indexes a batch's articles one after another and decides their pairs."""

    def __init__(self, index: BatchIndex, links: StoredLinks, wire: frozenset[str]) -> None:
        self.index = index
        self.links = links
        self.wire = wire

    def index_and_link(self, article: Article, features: Features) -> list[ArticleLink]:
        """Index the article, decide its pairs with its candidates; return its links.

        When its new index rows make a key common, or boilerplate of its outlet, the
        pairs of that key's other holders were decided on other counts: they are
        decided again, so the result does not depend on which article came first.
        """
        self.index.set_hash(article)
        near = self.index.lookup(article.id, list(features.keys()))
        held, new = self.index.store(article, features, near)
        view = near.with_own(article, held)
        links, past_limit = self.link_pairs(article, features, view, features.keys())
        crossed = view.crossed(article, new)
        revisit = sorted({other for value in crossed for other in near.holders[value]})
        # Only sentence keys are compared: when only band and anchor keys crossed, they
        # change whom their holders rank as candidates and nothing else.
        kinds = features.keys()
        ranked_only = all(kinds[value] != tr.SENTENCE for value in crossed)
        for other_id in revisit:
            if other_id not in past_limit:
                self.relink(other_id, (article.id, crossed) if ranked_only else None)
        # The candidate limit is one-sided: an article past this one's limit may rank
        # this one among its own best, and then only it decides their pair (else the
        # pair would stay undecided, and a later relink would take it as settled).
        for other_id in sorted(past_limit):
            self.relink(other_id)
        return links

    def relink(self, article_id: int, ranked_only: tuple[int, set[int]] | None = None) -> None:
        """Decide an indexed article's pairs again, from its index rows and sketch.

        ``ranked_only``: the article whose rows made these band or anchor values cross
        (no sentence key did). Those keys are ranked, not compared: a candidate the
        article ranked without those rows too is compared on the same sentences as
        when the pair was decided, so the pair's stored link (or none) stands. Only
        the new candidates are compared, and links to those it no longer ranks go.
        """
        found = self.index.candidates([article_id])
        if article_id not in found:
            return
        article, side = found[article_id]
        kinds = self.index.kinds(article_id)
        view = self.index.lookup(article_id, list(kinds)).with_own(article, set(kinds))
        settled: set[int] = set()
        if ranked_only is not None:
            settled = set(self.ranked(article, kinds, view.without(*ranked_only))[0])
        self.link_pairs(article, side, view, kinds, settled)

    def ranked(
        self, article: Article, kinds: dict[int, int], view: Neighbourhood
    ) -> tuple[list[int], set[int]]:
        """The article's candidates, best first, and the articles past the limit."""
        if not kinds:
            return [], set()
        same_text = self.index.same_text(article)
        ignored = view.ignored_sentences(article.outlet_id)
        keys = IndexedKeys(kinds)
        ranked = rank_candidates(keys, view, ignored, same_text, limit=None, exclude=article.id)
        return ranked[:MAX_CANDIDATES], set(ranked[MAX_CANDIDATES:])

    def link_pairs(
        self,
        article: Article,
        mine: Side,
        view: Neighbourhood,
        kinds: dict[int, int],
        settled: Collection[int] = (),
    ) -> tuple[list[ArticleLink], set[int]]:
        """Compare the article (its index keys ``kinds``) with its candidates, ranked on
        ``view``, which counts the article itself; store the links and return them, with
        the candidates past the limit. With a candidate in ``settled``, the pair's
        stored link is kept as it is."""
        candidates, undecided = self.ranked(article, kinds, view)
        links = self.links.with_partners(article.id, [o for o in candidates if o in settled])
        fresh = [other_id for other_id in candidates if other_id not in settled]
        if fresh:
            others = self.index.candidates(fresh)
            pairs = self.pair_view(view, others)
            for other_id in fresh:
                if other_id not in others:
                    continue
                other, side = others[other_id]
                ignored = pairs.ignored_sentences(article.outlet_id, other.outlet_id)
                link = compare(article, mine, other, side, ignored, self.wire)
                if link is not None:
                    links.append(link)
        self.links.save(article.id, links, undecided)
        return links, undecided

    def pair_view(
        self, view: Neighbourhood, others: dict[int, tuple[Article, Side]]
    ) -> Neighbourhood:
        """``view`` with the holders of the candidates' sentence keys too: whether a
        sentence of either side is common or boilerplate, counted alike from both sides."""
        wanted = {s.key for _, side in others.values() for s in side.sentences}
        missing = sorted(wanted - view.holders.keys())
        if not missing:
            return view
        extended = Neighbourhood(repeats=view.repeats)
        for value, ids in view.holders.items():
            extended.holders[value].extend(ids)
        extended.outlets.update(view.outlets)
        for value, other_id, outlet_id in self.index.rows(missing):
            extended.holders[value].append(other_id)
            extended.outlets[other_id] = outlet_id
        return extended


class Dedupe(Stage):
    name = "dedupe"
    after = ("normalize",)
    version = "0.5.1"  # 0.5.1: a day-only publication date is not "earlier" within its day

    def process(self, ctx: StageContext, article: Article) -> str | None:
        """One article as a batch of one (the pipeline calls :meth:`process_batch`;
        ``bench/dedupe.py`` times articles one at a time)."""
        outcome = self.process_batch(ctx, [article])[article.id]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        """The articles one after another, as :meth:`Linker.index_and_link` would do them
        one by one, but with the index read once and written once for the batch."""
        outcomes: dict[int, Outcome] = {}
        features: dict[int, Features] = {}
        for article in articles:
            try:
                features[article.id] = Features.of(article)
            except Exception as error:  # this article alone fails, with nothing written
                outcomes[article.id] = error
        done = [article for article in articles if article.id in features]
        # Outlets stay in the session while the batch runs: ``original_and_copy``
        # reads each article's outlet, and a loaded one costs no query.
        outlet_ids = {article.outlet_id for article in done} - {None}
        outlets = ctx.session.scalars(select(Outlet).where(Outlet.id.in_(outlet_ids))).all()
        hashes = {article.id: content_hash(article) for article in done}
        index = BatchIndex(ctx.session, done, features, hashes)
        linker = Linker(
            index, StoredLinks(ctx.session, [a.id for a in done]), wire_outlets(ctx.settings)
        )
        for article in done:
            linker.index_and_link(article, features[article.id])
            outcomes[article.id] = None
        index.write()
        del outlets
        return outcomes


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Dedupe()]
