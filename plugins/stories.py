"""SAME_STORY links: articles written independently about one event.

Shared wording is the dedupe stage's business; here two articles are about the same
event when their titles and leads (and the entities the extract stage found) share
several *rare* terms within a few days. Each article's terms go into the
``text_keys`` index (kind ``TERM``), and candidates come from one indexed lookup of
its terms. A term held by ``TERM_CAP`` articles already is common ("الرياض", the wire's
dateline words): it is neither indexed again nor counted, which keeps each lookup
bounded whatever the corpus size.

Only articles of different outlets are linked: one outlet rarely covers an event
twice in a few days, while its own templates (the wire's dateline, a daily column's
heading) share rare-looking terms across unrelated articles.

Missing publication times count as inside the window: the seeds have none, and an
unknown time is no evidence against a link.

A pair's decision is the same whichever of its articles is processed second, and
whatever came before: a shared term weighs double when it is in either title (or is
an entity); a term counts while it is rare, that is while fewer than ``TERM_CAP``
articles hold it, for every article alike (which of its holders came first does not
matter); the overlap is of the shared rare terms against the smaller article's
number of terms, which is fixed when the article is processed (kept in the
``term_counts`` table). So when an article fills a term, a pair's score
and overlap can only fall, and only for pairs that shared the term: the links between
its other holders are decided again, and nothing else is. The link points from the
article of larger id to the other. Running the stage again on an article decides its
pairs with its candidates again and keeps the links the other side found
(:func:`save_article_links`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from marsad.core import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    Claim,
    ClaimLink,
    EntityMention,
    Story,
    TermCount,
    TextKey,
)
from marsad.plugins import textreuse as tr

TERM_CAP = 20
LEAD_WORDS = 40
LEAD_CHARS = 1000  # enough for LEAD_WORDS words of ordinary text
MIN_TERM_CHARS = 3
MIN_SHARED = 5  # rare terms shared by both articles
MIN_SCORE = 8.0  # entities and title terms count double
MIN_OVERLAP = 0.2  # of the smaller article's terms (all of them, rare or not)
WINDOW = timedelta(days=2)
MAX_LINKS = 20
MAX_SPLIT = 1000  # articles of a story whose links are read to split it
ID_CHUNK = 400  # ids per IN list: old SQLite builds allow 999 variables

# Function words and reporting verbs, as match keys (ة -> ه, ى -> ي, hamza folded):
# frequent everywhere, so they say nothing about the event.
STOPWORDS = frozenset(
    [
        "في",
        "من",
        "الي",
        "علي",
        "عن",
        "ان",
        "او",
        "ثم",
        "قد",
        "لا",
        "ما",
        "مع",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "التي",
        "الذي",
        "الذين",
        "اللذين",
        "كان",
        "كانت",
        "يكون",
        "قال",
        "وقال",
        "اضاف",
        "واضاف",
        "اكد",
        "واكد",
        "اوضح",
        "واوضح",
        "بين",
        "بعد",
        "قبل",
        "خلال",
        "حيث",
        "كما",
        "لم",
        "لن",
        "عند",
        "ضمن",
        "اكثر",
        "اقل",
        "اول",
        "امس",
        "اليوم",
        "يوم",
        "وفي",
        "ومن",
        "والي",
        "وعلي",
        "وعن",
        "وان",
        "انه",
        "انها",
        "ايضا",
        "حتي",
        "منذ",
        "تم",
        "وقد",
        "الا",
        "غير",
        "كل",
        "بعض",
        "اي",
        "هو",
        "هي",
        "هم",
        "نحو",
        "عام",
        "عبر",
        "لدي",
        "لها",
        "له",
        "بها",
        "به",
        "فيه",
        "فيها",
        "منها",
        "منه",
        "عليه",
        "عليها",
        "اليه",
        "الان",
        "وذلك",
        "وهو",
        "وهي",
        "وهذا",
        "وهذه",
        "لكن",
        "ولكن",
        "اذا",
        "اذ",
        "بان",
        "بانه",
        "بانها",
        "لان",
        "وكان",
        "وكانت",
        "حول",
        "دون",
        "مثل",
        "ذات",
        "عدد",
        "عده",
        "جميع",
        "كافه",
        "اطار",
        "مجال",
        "اجل",
        "سوف",
        "وسوف",
        "تحت",
        "فوق",
        "امام",
        "وراء",
        "لدى",
        "الذي",
        "والتي",
        "والذي",
    ]
)


def _is_term(word: str) -> bool:
    return len(word) >= MIN_TERM_CHARS and not word.isdigit() and word not in STOPWORDS


def article_terms(article: Article, entity_ids: set[int]) -> dict[int, float]:
    """Index key -> weight of each term of the title, the lead and the entities."""
    terms: dict[int, float] = {}
    for word in lead_words(article.text or ""):
        if _is_term(word):
            terms[tr.term_key(word)] = 1.0
    terms.update(dict.fromkeys(title_terms(article.title), 2.0))
    for entity_id in entity_ids:
        terms[tr.term_key(f"entity:{entity_id}")] = 2.0
    return terms


def lead_words(text: str) -> list[str]:
    """The first ``LEAD_WORDS`` words, reading no more of a long text than they need."""
    prefix = tr.words(text[:LEAD_CHARS])
    if len(prefix) > LEAD_WORDS:  # the last word may be cut, but it is not one of them
        return prefix[:LEAD_WORDS]
    return tr.words(text)[:LEAD_WORDS]


def title_terms(title: str | None) -> set[int]:
    return {tr.term_key(word) for word in tr.words(title or "") if _is_term(word)}


def _within(a: datetime | None, b: datetime | None) -> bool:
    return a is None or b is None or abs(a - b) <= WINDOW


def link_same_story(session: Session, article: Article, known: Known) -> list[ArticleLink]:
    """Index the article's terms, decide SAME_STORY with its candidates; return its links.

    A term whose index the article fills (its row is the ``TERM_CAP``-th) is common
    from now on for every article, so the links between its other holders, decided
    while it was rare, are decided again: the result is the one any other order would
    give.
    ``known`` keeps what the stage reads but does not change across a batch, and the
    articles' term counts until :meth:`Known.write_counts`.
    """
    known.load([article.id])
    terms = known.terms_of(article)
    near = _holders(article.id, terms, known)
    indexed, held = known.indexed[article.id], set(near.held)
    filled = _index_terms(session, article.id, terms, near, indexed)
    known.indexing(article.id, gone=indexed - terms.keys(), new=near.held - held)
    known.indexed[article.id] = set(near.held)
    known.counts[article.id] = known.counted[article.id] = len(terms)
    links = _decide(session, article, terms, near, known)
    holders = {other for value in filled for other in near.holders[value]}
    if holders:
        _decide_again(session, holders, known)
    return links


LinkKey = tuple[int, int, ArticleLinkKind]  # source, target, kind


@dataclass
class Known:
    """What deciding SAME_STORY reads that the cluster stage does not change, read once
    for many articles: their entities, their other links (copies, reuses), when and
    where they were published and their title terms, and their term rows (an
    article's rows change only when it is itself processed)."""

    session: Session
    entities: dict[int, set[int]] = field(default_factory=dict)
    copies: dict[int, set[int]] = field(default_factory=dict)  # linked other than SAME_STORY
    indexed: dict[int, set[int]] = field(default_factory=dict)  # their term rows
    terms: dict[int, dict[int, float]] = field(default_factory=dict)
    times: dict[int, datetime | None] = field(default_factory=dict)
    outlets: dict[int, int | None] = field(default_factory=dict)
    titles: dict[int, set[int]] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)  # their number of terms
    counted: dict[int, int] = field(default_factory=dict)  # counts of this batch, to write
    rows: dict[int, list[int]] = field(default_factory=dict)  # term -> its holders
    same_story: dict[int, set[LinkKey]] = field(default_factory=dict)  # their SAME_STORY links

    def load(self, article_ids: Collection[int]) -> None:
        """Read the entities, other links and term rows of these articles, in bulk."""
        ids = sorted(set(article_ids) - self.entities.keys())
        for begin in range(0, len(ids), ID_CHUNK):
            chunk = ids[begin : begin + ID_CHUNK]
            for article_id in chunk:
                self.entities[article_id], self.copies[article_id] = set(), set()
            for article_id, entity_id in self.session.execute(
                select(EntityMention.article_id, EntityMention.entity_id).where(
                    EntityMention.article_id.in_(chunk)
                )
            ):
                self.entities[article_id].add(entity_id)
            for source_id, target_id in self.session.execute(
                select(ArticleLink.source_id, ArticleLink.target_id).where(
                    or_(ArticleLink.source_id.in_(chunk), ArticleLink.target_id.in_(chunk)),
                    ArticleLink.kind != ArticleLinkKind.SAME_STORY,
                )
            ):
                for article_id in (source_id, target_id):
                    if article_id in self.copies:
                        self.copies[article_id].update((source_id, target_id))
        self.load_rows(ids)
        self.load_same_story(ids)

    def load_same_story(self, article_ids: Collection[int]) -> None:
        """Read the SAME_STORY links of these articles (those not read yet)."""
        ids = sorted(set(article_ids) - self.same_story.keys())
        for begin in range(0, len(ids), ID_CHUNK):
            chunk = ids[begin : begin + ID_CHUNK]
            for article_id in chunk:
                self.same_story[article_id] = set()
            for source_id, target_id, kind in self.session.execute(
                select(ArticleLink.source_id, ArticleLink.target_id, ArticleLink.kind).where(
                    or_(ArticleLink.source_id.in_(chunk), ArticleLink.target_id.in_(chunk)),
                    ArticleLink.kind == ArticleLinkKind.SAME_STORY,
                )
            ):
                for article_id in (source_id, target_id):
                    if article_id in chunk:
                        self.same_story[article_id].add((source_id, target_id, kind))

    def same_story_of(self, article_id: int) -> set[LinkKey]:
        """The article's stored SAME_STORY links (read once, then kept up to date: only
        this stage writes them, through :func:`save_article_links`)."""
        self.load([article_id])
        return set(self.same_story[article_id])

    def linked(self, gone: Iterable[LinkKey], made: Iterable[LinkKey]) -> None:
        """These SAME_STORY links were deleted, these stored."""
        for key in gone:
            for article_id in key[:2]:
                self.same_story.get(article_id, set()).discard(key)
        for key in made:
            for article_id in key[:2]:
                if article_id in self.same_story:
                    self.same_story[article_id].add(key)

    def load_rows(self, article_ids: Collection[int]) -> None:
        """Read the term rows of these articles (those not read yet)."""
        ids = sorted(set(article_ids) - self.indexed.keys())
        for begin in range(0, len(ids), ID_CHUNK):
            chunk = ids[begin : begin + ID_CHUNK]
            for article_id in chunk:
                self.indexed[article_id] = set()
            for article_id, value in self.session.execute(
                select(TextKey.article_id, TextKey.value).where(
                    TextKey.article_id.in_(chunk), TextKey.kind == tr.TERM
                )
            ):
                self.indexed[article_id].add(value)

    def read_terms(self, values: Iterable[int]) -> None:
        """Read the holders of these terms (those not read yet). Only this stage writes
        term rows, and :func:`link_same_story` tells each write here, so what was read
        stays true for the batch: each term is read once, not at every lookup."""
        missing = sorted(set(values) - self.rows.keys())
        for begin in range(0, len(missing), ID_CHUNK):
            chunk = missing[begin : begin + ID_CHUNK]
            for value in chunk:
                self.rows[value] = []
            for value, article_id in self.session.execute(
                select(TextKey.value, TextKey.article_id).where(TextKey.value.in_(chunk))
            ):
                self.rows[value].append(article_id)

    def indexing(self, article_id: int, gone: Iterable[int], new: Iterable[int]) -> None:
        """The article's rows of ``gone`` terms were deleted, of ``new`` ones inserted."""
        for value in gone:
            if value in self.rows:
                self.rows[value].remove(article_id)
        for value in new:
            self.rows.setdefault(value, []).append(article_id)

    def terms_of(self, article: Article) -> dict[int, float]:
        if article.id not in self.terms:
            self.terms[article.id] = article_terms(article, self.entities[article.id])
        return self.terms[article.id]

    def describe(self, article_ids: Collection[int]) -> None:
        """Read the time, outlet, title terms and number of terms of these articles
        (only candidates need them, so they are not read with every index row)."""
        missing = sorted(set(article_ids) - self.times.keys())
        for begin in range(0, len(missing), ID_CHUNK):
            chunk = missing[begin : begin + ID_CHUNK]
            for other_id, published_at, outlet_id, title in self.session.execute(
                select(Article.id, Article.published_at, Article.outlet_id, Article.title).where(
                    Article.id.in_(chunk)
                )
            ):
                self.times[other_id] = published_at
                self.outlets[other_id] = outlet_id
                self.titles[other_id] = title_terms(title)
            counted = select(TermCount.article_id, TermCount.terms).where(
                TermCount.article_id.in_(chunk)
            )
            self.counts.update(
                (article_id, terms) for article_id, terms in self.session.execute(counted)
            )
        uncounted = [article_id for article_id in missing if article_id not in self.counts]
        if uncounted:  # clustered by a version of the stage that did not count terms
            self.load(uncounted)
            for other in self.session.scalars(select(Article).where(Article.id.in_(uncounted))):
                self.counts[other.id] = len(self.terms_of(other))

    def write_counts(self) -> None:
        """Store the term counts of the articles processed (one statement a batch)."""
        rows = [{"article_id": a, "terms": n} for a, n in sorted(self.counted.items())]
        if rows:
            upsert(self.session, TermCount, rows, ("article_id",), ("terms",))
        self.counted.clear()

    def entity_terms(self, article_id: int) -> set[int]:
        self.load([article_id])
        return {tr.term_key(f"entity:{entity_id}") for entity_id in self.entities[article_id]}


@dataclass
class _Holders:
    """Who else holds each term of an article."""

    holders: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    held: set[int] = field(default_factory=set)  # the article's own term rows

    def full(self, value: int) -> bool:
        """Held by ``TERM_CAP`` articles (the article included): common for everyone."""
        return len(self.holders.get(value, ())) + (value in self.held) >= TERM_CAP


def _holders(article_id: int, terms: dict[int, float], known: Known) -> _Holders:
    found = _Holders()
    known.read_terms(terms)
    for value in terms:
        for other_id in known.rows[value]:
            if other_id == article_id:
                found.held.add(value)
            else:
                found.holders[value].append(other_id)
    return found


def _index_terms(
    session: Session,
    article_id: int,
    terms: dict[int, float],
    near: _Holders,
    indexed: set[int] | None = None,
) -> set[int]:
    """Make the article's term rows its terms (a new one only while the term is not
    full); return the terms its new rows filled. ``indexed``: its rows, when known."""
    if indexed is None:
        indexed = set(
            session.scalars(
                select(TextKey.value).where(
                    TextKey.article_id == article_id, TextKey.kind == tr.TERM
                )
            )
        )
    gone = indexed - terms.keys()
    if gone:
        session.execute(
            delete(TextKey).where(
                TextKey.article_id == article_id,
                TextKey.kind == tr.TERM,
                TextKey.value.in_(list(gone)),
            )
        )
    new = [value for value in terms if value not in near.held and not near.full(value)]
    if new:
        session.execute(
            insert(TextKey),
            [{"value": value, "article_id": article_id, "kind": tr.TERM} for value in new],
        )
    near.held = (near.held - gone) | set(new)
    return {value for value in new if near.full(value)}


def _decide(
    session: Session, article: Article, terms: dict[int, float], near: _Holders, known: Known
) -> list[ArticleLink]:
    """SAME_STORY links of the article with its candidates, stored; see the module doc."""
    shared: dict[int, list[int]] = defaultdict(list)
    for value, ids in near.holders.items():
        if near.full(value):
            continue
        for other_id in ids:
            shared[other_id].append(value)
    enough = sorted(other_id for other_id, values in shared.items() if len(values) >= MIN_SHARED)
    known.describe(enough)
    candidates = [
        other_id
        for other_id in enough
        if _within(article.published_at, known.times[other_id])
        and (article.outlet_id is None or known.outlets[other_id] != article.outlet_id)
    ]
    scored = []
    for other_id in candidates:
        # A term weighs what it weighs on the side where it counts most, so the pair
        # scores the same from either side.
        weights = [
            2.0 if value in known.titles[other_id] else terms[value] for value in shared[other_id]
        ]
        if sum(weights) >= MIN_SCORE:
            scored.append((sum(weights), other_id))
    scored.sort(reverse=True)
    # Copies are already linked by dedupe; a SAME_STORY link would say less.
    known.load([article.id])
    linked = known.copies[article.id]
    links = []
    for score, other_id in scored[:MAX_LINKS]:
        if other_id in linked:
            continue
        link = _same_story(article.id, other_id, score, len(shared[other_id]), known)
        if link is not None:
            links.append(link)
    undecided = {other_id for _, other_id in scored[MAX_LINKS:]}
    same_story = [ArticleLinkKind.SAME_STORY]
    save_article_links(session, article.id, same_story, links, undecided, known)
    return links


def save_article_links(
    session: Session,
    article_id: int,
    kinds: Collection[ArticleLinkKind],
    links: list[ArticleLink],
    undecided: Collection[int] = (),
    known: Known | None = None,
) -> None:
    """Make ``links`` the article's links of ``kinds``, but those with ``undecided``.

    A pair is decided the same from either side, so the article's stored links of
    these kinds that are not wanted any more are deleted, except those with an article
    this run did not judge (``undecided``: one past a candidate limit, whose link was
    found when it was processed). Links that still hold keep their row and id and take
    the new score and evidence (an upsert on source, target and kind). ``known``, for
    SAME_STORY links only: the stored links are read from it, and it is told the change.
    """
    wanted = {(link.source_id, link.target_id, link.kind): link for link in links}
    if known is not None:  # the cluster stage: its SAME_STORY links are known
        stored = known.same_story_of(article_id)
    else:
        stored = {
            (source_id, target_id, kind)
            for source_id, target_id, kind in session.execute(
                select(ArticleLink.source_id, ArticleLink.target_id, ArticleLink.kind).where(
                    or_(ArticleLink.source_id == article_id, ArticleLink.target_id == article_id),
                    ArticleLink.kind.in_(list(kinds)),
                )
            )
        }
    stale = {
        key: partner
        for key in stored
        if key not in wanted
        and (partner := key[0] if key[1] == article_id else key[1]) not in undecided
    }
    if stale:
        delete_links(session, stale)
        split_stories(session, {article_id, *stale.values()})
    if known is not None:
        known.linked(gone=stale, made=[key for key in wanted if key not in stored])
    rows = link_rows(wanted.values())
    if rows:
        upsert(
            session, ArticleLink, rows, ("source_id", "target_id", "kind"), ("score", "evidence")
        )
        join_stories(session, [key[:2] for key in wanted if key not in stored])


def delete_links(session: Session, keys: Iterable[LinkKey]) -> None:
    """Delete these links, each given by its source, target and kind."""
    session.execute(
        delete(ArticleLink).where(
            or_(
                *(
                    and_(
                        ArticleLink.source_id == source_id,
                        ArticleLink.target_id == target_id,
                        ArticleLink.kind == kind,
                    )
                    for source_id, target_id, kind in keys
                )
            )
        ),
        execution_options={"synchronize_session": False},
    )


def link_rows(links: Iterable[ArticleLink | ClaimLink]) -> list[dict[str, Any]]:
    """Links as rows for :func:`upsert` on (source, target, kind)."""
    return [
        {
            "source_id": link.source_id,
            "target_id": link.target_id,
            "kind": link.kind,
            "score": link.score,
            "evidence": link.evidence,
        }
        for link in links
    ]


def upsert(
    session: Session,
    model: Any,
    rows: list[dict[str, Any]],
    keys: tuple[str, ...],
    values: tuple[str, ...],
) -> None:
    """Insert ``rows``; a row whose ``keys`` are taken updates that row's ``values``.

    ``rows`` must not repeat a key: PostgreSQL refuses to update one row twice.
    """
    dialect = session.get_bind().dialect.name
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(model)
    elif dialect == "sqlite":
        statement = sqlite.insert(model)
    else:
        raise NotImplementedError(f"no upsert for the {dialect} database")
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in values},
        ),
        rows,
    )


def _same_story(
    article_id: int, other_id: int, score: float, shared: int, known: Known
) -> ArticleLink | None:
    """The pair's link, when its shared rare terms are enough of the smaller article's."""
    overlap = shared / max(1, min(known.counts[article_id], known.counts[other_id]))
    if overlap < MIN_OVERLAP:
        return None
    return ArticleLink(
        source_id=max(article_id, other_id),
        target_id=min(article_id, other_id),
        kind=ArticleLinkKind.SAME_STORY,
        score=round(score, 2),
        evidence={"shared_terms": shared, "overlap": round(overlap, 3)},
    )


def _decide_again(session: Session, holders: set[int], known: Known) -> None:
    """Decide again the SAME_STORY links between these holders of a term that just
    filled: without it their score and overlap fall, so a link may go (a pair not
    linked stays unlinked). A link that holds takes its new score and evidence."""
    known.load_same_story(holders)
    pairs = sorted(
        {key for holder in holders for key in known.same_story[holder] if set(key[:2]) <= holders}
    )
    if not pairs:
        return
    linked = {article_id for key in pairs for article_id in key[:2]}
    known.load(linked)
    known.describe(linked)
    both = {key: known.indexed[key[0]] & known.indexed[key[1]] for key in pairs}
    known.read_terms(value for values in both.values() for value in values)
    kept, gone = [], []
    for source_id, target_id, kind in pairs:
        shared = [
            value for value in both[source_id, target_id, kind] if len(known.rows[value]) < TERM_CAP
        ]
        doubled = known.titles[source_id] | known.titles[target_id] | known.entity_terms(source_id)
        score = sum(2.0 if value in doubled else 1.0 for value in shared)
        link = None
        if len(shared) >= MIN_SHARED and score >= MIN_SCORE:
            link = _same_story(source_id, target_id, score, len(shared), known)
        if link is None:
            gone.append((source_id, target_id, kind))
        else:
            kept.append(link)
    if kept:
        upsert(
            session,
            ArticleLink,
            link_rows(kept),
            ("source_id", "target_id", "kind"),
            ("score", "evidence"),
        )
    if gone:
        delete_links(session, gone)
        known.linked(gone=gone, made=())
        split_stories(session, {article_id for key in gone for article_id in key[:2]})


def split_stories(session: Session, article_ids: Collection[int]) -> None:
    """Split the stories of these articles where their links no longer join them.

    A story is a connected group of linked articles (``cluster`` merges stories as
    links appear); when a link goes, its story may fall apart. The largest part keeps
    the story and its id (on a tie, the part with the article ingested first); each
    other part becomes a new story. A story of more than ``MAX_SPLIT`` articles is
    left whole: reading all its links on every change would cost too much.
    """
    session.flush()
    story_ids = sorted(
        {
            story_id
            for story_id in session.scalars(
                select(Article.story_id).where(Article.id.in_(list(article_ids)))
            )
            if story_id is not None
        }
    )
    for story_id in story_ids:
        # Past MAX_SPLIT the story is left whole: read no more of it than that tells.
        limited = select(Article.id).where(Article.story_id == story_id).limit(MAX_SPLIT + 1)
        members = sorted(session.scalars(limited))
        if not 1 < len(members) <= MAX_SPLIT:
            continue
        parts = components(members, linked_pairs(session, members))
        if len(parts) == 1:
            continue
        parts.sort(key=lambda part: (-len(part), min(part)))
        for part in parts[1:]:
            story = Story()
            session.add(story)
            session.flush()
            session.execute(
                update(Article)
                .where(Article.id.in_(sorted(part)))
                .values(story_id=story.id)
                .execution_options(synchronize_session="fetch")
            )
            title_story(session, story.id)
        title_story(session, story_id)


def linked_pairs(session: Session, members: list[int]) -> list[tuple[int, int]]:
    """Pairs of these articles joined by an article link or a link of their claims."""
    pairs = [
        (a, b)
        for a, b in session.execute(
            select(ArticleLink.source_id, ArticleLink.target_id).where(
                ArticleLink.source_id.in_(members), ArticleLink.target_id.in_(members)
            )
        )
    ]
    source, target = aliased(Claim), aliased(Claim)
    pairs.extend(
        (a, b)
        for a, b in session.execute(
            select(source.article_id, target.article_id)
            .join(ClaimLink, ClaimLink.source_id == source.id)
            .join(target, ClaimLink.target_id == target.id)
            .where(source.article_id.in_(members), target.article_id.in_(members))
        )
    )
    return pairs


def join_stories(session: Session, pairs: Collection[tuple[int, int]]) -> None:
    """Merge the stories of newly linked articles (the smaller id stays).

    The ``cluster`` stage merges the stories of the article it processes; this is for
    links made on another article's behalf (its pairs decided again when a key filled).
    """
    ids = sorted({article_id for pair in pairs for article_id in pair})
    if not ids:
        return
    session.flush()
    story_of = {
        article_id: story_id
        for article_id, story_id in session.execute(
            select(Article.id, Article.story_id).where(Article.id.in_(ids))
        )
        if story_id is not None
    }
    joined = [
        (story_of[a], story_of[b])
        for a, b in pairs
        if a in story_of and b in story_of and story_of[a] != story_of[b]
    ]
    if not joined:
        return
    for group in components(sorted({s for pair in joined for s in pair}), joined):
        keep, *merged = sorted(group)
        if not merged:
            continue
        session.execute(
            update(Article)
            .where(Article.story_id.in_(merged))
            .values(story_id=keep)
            .execution_options(synchronize_session="fetch")
        )
        for story_id in merged:
            story = session.get(Story, story_id)
            if story is not None:
                session.delete(story)
        title_story(session, keep)


def components(members: list[int], pairs: list[tuple[int, int]]) -> list[set[int]]:
    """The connected groups of ``members`` under ``pairs``."""
    parent = {member: member for member in members}

    def root(member: int) -> int:
        while parent[member] != member:
            parent[member] = parent[parent[member]]
            member = parent[member]
        return member

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, set[int]] = defaultdict(set)
    for member in members:
        groups[root(member)].add(member)
    return list(groups.values())


_UNTITLED = "marsad.stories.untitled"  # session.info key: stories to title at the end


def title_story(session: Session, story_id: int) -> None:
    """A story is titled after its earliest article (by publication, then ingest).

    Inside :func:`titled_at_end`, the story is only noted, and titled once at the end.
    """
    untitled = session.info.get(_UNTITLED)
    if untitled is not None:
        untitled.add(story_id)
        return
    earliest = session.scalars(
        select(Article.title)
        .where(Article.story_id == story_id, Article.title.is_not(None))
        .order_by(Article.published_at.asc().nulls_last(), Article.id)
        .limit(1)
    ).first()
    story = session.get(Story, story_id)
    if story is not None and earliest is not None:
        story.title = earliest


@contextmanager
def titled_at_end(session: Session) -> Iterator[None]:
    """Title the stories changed inside once, when it ends without an error.

    A title depends only on a story's members at the end, and reading them costs as
    much as the story is large: a story that many articles of a batch join is read
    once for the batch rather than once for each.
    """
    if _UNTITLED in session.info:  # already inside: the outer one titles them
        yield
        return
    untitled: set[int] = set()
    session.info[_UNTITLED] = untitled
    try:
        yield
    finally:
        del session.info[_UNTITLED]
    for story_id in sorted(untitled):
        title_story(session, story_id)
