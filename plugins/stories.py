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
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from marsad.core import Article, ArticleLink, ArticleLinkKind, EntityMention, TextKey
from marsad.plugins import textreuse as tr

TERM_CAP = 20
LEAD_WORDS = 40
MIN_TERM_CHARS = 3
MIN_SHARED = 5  # rare terms shared by both articles
MIN_SCORE = 8.0  # entities and title terms count double
MIN_OVERLAP = 0.3  # of the smaller article's terms
WINDOW = timedelta(days=2)
MAX_LINKS = 20

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
    for word in tr.words(article.text or "")[:LEAD_WORDS]:
        if _is_term(word):
            terms[tr.term_key(word)] = 1.0
    for word in tr.words(article.title or ""):
        if _is_term(word):
            terms[tr.term_key(word)] = 2.0
    for entity_id in entity_ids:
        terms[tr.term_key(f"entity:{entity_id}")] = 2.0
    return terms


def _within(a: datetime | None, b: datetime | None) -> bool:
    return a is None or b is None or abs(a - b) <= WINDOW


def link_same_story(session: Session, article: Article) -> list[ArticleLink]:
    """Replace the article's term keys and SAME_STORY links; return the new links."""
    session.execute(
        delete(ArticleLink).where(
            or_(ArticleLink.source_id == article.id, ArticleLink.target_id == article.id),
            ArticleLink.kind == ArticleLinkKind.SAME_STORY,
        )
    )
    session.execute(
        delete(TextKey).where(TextKey.article_id == article.id, TextKey.kind == tr.TERM)
    )
    entity_ids = set(
        session.scalars(
            select(EntityMention.entity_id).where(EntityMention.article_id == article.id)
        )
    )
    terms = article_terms(article, entity_ids)
    if not terms:
        return []
    holders: dict[int, list[int]] = defaultdict(list)
    times: dict[int, datetime | None] = {}
    outlets: dict[int, int | None] = {}
    for value, other_id, published_at, outlet_id in session.execute(
        select(TextKey.value, TextKey.article_id, Article.published_at, Article.outlet_id)
        .join(Article, Article.id == TextKey.article_id)
        .where(TextKey.value.in_(list(terms)), TextKey.article_id != article.id)
    ):
        holders[value].append(other_id)
        times[other_id] = published_at
        outlets[other_id] = outlet_id
    rows = [
        {"value": value, "article_id": article.id, "kind": tr.TERM}
        for value in terms
        if len(holders.get(value, ())) < TERM_CAP
    ]
    if rows:
        session.execute(insert(TextKey), rows)

    shared: dict[int, list[float]] = defaultdict(list)
    for value, ids in holders.items():
        if len(ids) >= TERM_CAP:
            continue
        for other_id in ids:
            shared[other_id].append(terms[value])
    rare_terms = sum(1 for value in terms if len(holders.get(value, ())) < TERM_CAP)
    candidates = [
        (sum(weights), other_id)
        for other_id, weights in shared.items()
        if len(weights) >= MIN_SHARED
        and sum(weights) >= MIN_SCORE
        and _within(article.published_at, times[other_id])
        and (article.outlet_id is None or outlets[other_id] != article.outlet_id)
    ]
    if not candidates:
        return []
    candidates.sort(reverse=True)
    chosen = [other_id for _, other_id in candidates[:MAX_LINKS]]
    # Copies are already linked by dedupe; a SAME_STORY link would say less.
    linked: set[int] = set()
    for source_id, target_id in session.execute(
        select(ArticleLink.source_id, ArticleLink.target_id).where(
            or_(ArticleLink.source_id == article.id, ArticleLink.target_id == article.id),
            ArticleLink.kind != ArticleLinkKind.SAME_STORY,
        )
    ):
        linked.update((source_id, target_id))
    other_terms = _term_counts(session, chosen)
    links = []
    for score, other_id in candidates[:MAX_LINKS]:
        if other_id in linked:
            continue
        overlap = len(shared[other_id]) / max(1, min(rare_terms, other_terms.get(other_id, 0)))
        if overlap < MIN_OVERLAP:
            continue
        links.append(
            ArticleLink(
                source_id=article.id,
                target_id=other_id,
                kind=ArticleLinkKind.SAME_STORY,
                score=round(score, 2),
                evidence={"shared_terms": len(shared[other_id]), "overlap": round(overlap, 3)},
            )
        )
    session.add_all(links)
    return links


def _term_counts(session: Session, article_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for (article_id,) in session.execute(
        select(TextKey.article_id).where(
            TextKey.article_id.in_(article_ids), TextKey.kind == tr.TERM
        )
    ):
        counts[article_id] += 1
    return counts
