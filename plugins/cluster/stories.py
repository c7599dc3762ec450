"""Stories: the reports of one event, from SAME_STORY links and copy links.

A SAME_STORY link joins two articles that look like reports of one event, weighed by
:func:`marsad.plugins.cluster.event_similarity.event_weight` from their titles and leads (and
whether one outlet published both).
The weight is a pure function of the two articles, so a link does not depend on what
else is in the corpus or on the order articles came in. Candidates come from the
``text_keys`` index: each article's ``INDEXED_WORDS`` heaviest words, keyed by its
publication day, and looked up in the days around its own (``WINDOW_DAYS``); a pair
is weighed when it shares ``MIN_SHARED_WORDS`` of them. An unknown day is no evidence
against a pair: an article of unknown day is looked up in every day the corpus has,
and every article in the unknown day too (the seeds have some times and not others).
Links are stored from ``MIN_LINK_WEIGHT`` up and point from the article of larger id
to the other.

A story is a group of the articles joined by these links and by the dedupe stage's
copy links (:func:`link_weight`), grouped by
:func:`marsad.plugins.cluster.event_clusters.average_linkage` at ``JOIN_AVERAGE``: a story
and another join only while their articles are on average that strongly linked, so
one stray link (a round-up, a shared template) does not chain two well-knit events,
and never across a copy link whose shared passages name different weekdays, give
different ages or turn a direction round (:func:`copies_another_event`): that is a
template reused for another day's event or another person.
When an article's links change, the stories of its connected group (read through
links of ``JOIN_AVERAGE`` and up, the only ones that can join stories, each story
read whole, and followed only around the days of the articles placed) are computed
again (:func:`place_in_stories`): stories join, split and
keep their ids (:func:`marsad.plugins.cluster.event_clusters.keep_names`), whatever the order
of arrival. A story is titled and summed up by its most central article.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import case, delete, insert, null, or_, select, update
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    Story,
    StoryChange,
    TextKey,
)
from marsad.core.db import chunked
from marsad.core.links import ID_CHUNK, save_article_links
from marsad.plugins.cluster.event_clusters import Pair, average_linkage, central, keep_names
from marsad.plugins.cluster.event_similarity import (
    LEAD_CHARS,
    EventProfile,
    event_evidence,
    event_weight,
    profile,
)
from marsad.text import reuse as tr
from marsad.text.ages import ages_named
from marsad.text.arabic import sentences
from marsad.text.claims.polarity import opposed_words, uses_lexicon
from marsad.text.dates import weekdays_named

INDEXED_WORDS = 20
MIN_SHARED_WORDS = 2
WINDOW_DAYS = 2
GROUP_DAYS = 2 * WINDOW_DAYS  # how far from the articles placed the search for their group goes on
MIN_LINK_WEIGHT = 0.1
JOIN_AVERAGE = 0.35
SUMMARY_CHARS = 300
SUMMARY_MIN_CHARS = 80
MAX_GROUP = 2000  # articles of a connected group read to place them in stories
COPY_KINDS = (ArticleLinkKind.DUPLICATE, ArticleLinkKind.REUSES)


def day_of(published_at: datetime | None) -> int | None:
    return None if published_at is None else published_at.date().toordinal()


def indexed_words(event: EventProfile) -> list[str]:
    """The words an article is found by: its heaviest, ties by the word."""
    return sorted(event.vector, key=lambda word: (-event.vector[word], word))[:INDEXED_WORDS]


@dataclass
class Profiles:
    """Event profiles and publication days of articles, read once for a batch."""

    session: Session
    events: dict[int, EventProfile] = field(default_factory=dict)
    days: dict[int, int | None] = field(default_factory=dict)
    outlets: dict[int, int | None] = field(default_factory=dict)
    _corpus_days: set[int] | None = None

    def corpus_days(self) -> set[int]:
        """Every publication day of the corpus, for an article of unknown day (rare:
        read once a batch, and kept up to date as the batch's articles come)."""
        if self._corpus_days is None:
            times = self.session.scalars(
                select(Article.published_at).where(Article.published_at.is_not(None)).distinct()
            )
            self._corpus_days = {day for at in times if (day := day_of(at)) is not None}
        return self._corpus_days

    def add(self, article: Article) -> EventProfile:
        self.events[article.id] = _candidate_profile(article.title, article.text)
        self.days[article.id] = day = day_of(article.published_at)
        self.outlets[article.id] = article.outlet_id
        if self._corpus_days is not None and day is not None:
            self._corpus_days.add(day)
        return self.events[article.id]

    def load(self, article_ids: Collection[int]) -> None:
        missing = sorted(set(article_ids) - self.events.keys())
        for chunk in chunked(missing, ID_CHUNK):
            rows = self.session.execute(
                select(
                    Article.id, Article.title, Article.text, Article.published_at, Article.outlet_id
                ).where(Article.id.in_(chunk))
            )
            for article_id, title, text, published_at, outlet_id in rows:
                self.events[article_id] = _candidate_profile(title, text)
                self.days[article_id] = day_of(published_at)
                self.outlets[article_id] = outlet_id

    def same_outlet(self, a: int, b: int) -> bool:
        return self.outlets[a] is not None and self.outlets[a] == self.outlets[b]


@lru_cache(maxsize=4096)
def _candidate_profile(title: str | None, text: str | None) -> EventProfile:
    """An article's profile, kept for the next batches: an article is a candidate of
    many that come after it, within a few days."""
    return profile(title, text)


def link_same_story(session: Session, articles: Sequence[Article], profiles: Profiles) -> set[int]:
    """Index the batch's articles and decide their SAME_STORY links with their
    candidates (other articles of the batch among them); return the articles whose
    links appeared or went.

    The batch is indexed first and its candidates read in one pass, so a pair within
    the batch is found from both sides, as it is when its articles come in two batches.
    """
    batch = sorted(articles, key=lambda article: article.id)
    words = {article.id: indexed_words(profiles.add(article)) for article in batch}
    ids = sorted(words)
    for chunk in chunked(ids, ID_CHUNK):
        session.execute(
            delete(TextKey).where(TextKey.article_id.in_(chunk), TextKey.kind == tr.EVENT_WORD)
        )
    keys = [
        {
            "value": tr.event_word_key(word, profiles.days[article_id]),
            "article_id": article_id,
            "kind": tr.EVENT_WORD,
        }
        for article_id in ids
        for word in words[article_id]
    ]
    if keys:
        session.execute(insert(TextKey), keys)
    found = _candidates(session, words, profiles)
    profiles.load({other for others in found.values() for other in others})
    links: dict[Pair, ArticleLink] = {}
    for article_id in ids:
        event = profiles.events[article_id]
        for other_id in sorted(found[article_id]):
            pair = (min(article_id, other_id), max(article_id, other_id))
            if pair in links:
                continue  # weighed from the other side, the same both ways
            other = profiles.events[other_id]
            same_outlet = profiles.same_outlet(article_id, other_id)
            weight = event_weight(event, other, same_outlet)
            if weight >= MIN_LINK_WEIGHT:
                links[pair] = ArticleLink(
                    source_id=pair[1],
                    target_id=pair[0],
                    kind=ArticleLinkKind.SAME_STORY,
                    score=round(weight, 3),
                    evidence=event_evidence(event, other, same_outlet),
                )
    return save_article_links(session, ids, [ArticleLinkKind.SAME_STORY], list(links.values()))


def _candidates(
    session: Session, words: dict[int, list[str]], profiles: Profiles
) -> dict[int, set[int]]:
    """For each article, the indexed articles of the days around its own that share
    ``MIN_SHARED_WORDS`` indexed words with it: one lookup for the whole batch."""
    askers: dict[int, list[tuple[int, str]]] = defaultdict(list)  # key -> (article, word)
    for article_id, article_words in words.items():
        day = profiles.days[article_id]
        days = (
            profiles.corpus_days()
            if day is None
            else range(day - WINDOW_DAYS, day + WINDOW_DAYS + 1)
        )
        for d in [*days, None]:
            for word in article_words:
                askers[tr.event_word_key(word, d)].append((article_id, word))
    shared: dict[int, dict[int, set[str]]] = {article_id: defaultdict(set) for article_id in words}
    for chunk in chunked(sorted(askers), ID_CHUNK):
        rows = session.execute(
            select(TextKey.value, TextKey.article_id).where(TextKey.value.in_(chunk))
        )
        for value, other_id in rows:
            for article_id, word in askers[value]:
                if other_id != article_id:
                    shared[article_id][other_id].add(word)
    return {
        article_id: {other for other, found in by_other.items() if len(found) >= MIN_SHARED_WORDS}
        for article_id, by_other in shared.items()
    }


def take_story_changes(session: Session) -> set[int]:
    """The articles other stages asked to place again; the requests are done with."""
    marked = set(session.scalars(select(StoryChange.article_id)))
    for chunk in chunked(sorted(marked), ID_CHUNK):
        session.execute(delete(StoryChange).where(StoryChange.article_id.in_(chunk)))
    return marked


def link_weight(kind: ArticleLinkKind, score: float, evidence: dict[str, Any]) -> float:
    """How strongly an article link ties its two articles to one story.

    A duplicate weighs 1 and a SAME_STORY link its score. A reuse weighs the smaller
    of its two shares, and only when a reused passage starts in the lead of both
    articles: an article belongs to the event its title and lead report, and a
    round-up or a background paragraph reuses another event's text further down.
    """
    if kind is ArticleLinkKind.DUPLICATE:
        return 1.0
    if kind is not ArticleLinkKind.REUSES:
        return score
    passages = evidence.get("passages") or []
    in_leads = any(
        passage.get("start", LEAD_CHARS) < LEAD_CHARS
        and passage.get("original_start", LEAD_CHARS) < LEAD_CHARS
        for passage in passages
    )
    shares = [evidence.get("share_of_source"), evidence.get("share_of_target")]
    known = [share for share in shares if isinstance(share, (int, float))]
    if not passages or not known:  # evidence of another form: the score is a share
        return score
    return float(min(known)) if in_leads else 0.0


def copies_another_event(evidence: dict[str, Any]) -> bool:
    """Whether a copy link's shared passages name different weekdays on each side
    ("arrested 19 on Thursday" beside "arrested 24 yesterday, Saturday"), give
    different ages ("a resident aged 28" beside "aged 30") or put a word's opposite in
    its place (:func:`swapped_for_opposite`): the same text reused for another day's
    event or another person, as a daily report, a ministry's announcement of its
    latest arrests or a second attack are written. Reports of one event copy its day,
    its people and its directions with its words. On the development gold, 6 copy
    links name other days, all six between different events; of the copy links whose
    passages both give ages, 18 join one event, all with the same ages, and the one
    with other ages joins two MERS cases (aged 28 and 30; its passages name other days
    too)."""
    for passage in evidence.get("passages") or []:
        ours, theirs = str(passage.get("text") or ""), str(passage.get("original_text") or "")
        if ours == theirs:
            continue  # word for word: the same days and ages (and most passages are)
        for named in (weekdays_named, ages_named):
            our_values, their_values = named(ours), named(theirs)
            if our_values and their_values and not our_values & their_values:
                return True
        if swapped_for_opposite(ours, theirs):
            return True
    return False


DIRECTIONS = "directions.txt"  # the lexicon of opposite directions


def swapped_for_opposite(ours: str, theirs: str) -> bool:
    """Whether one copy of a text has, where the other has a word, its opposite: winds
    "جنوبية غربية" in one day's forecast and "شمالية غربية" in the next day's, an index
    that "تراجع" in one day's market report and "ارتفع" in another's. An outlet that
    copies a report of one event may cut or reword it, but does not turn its
    directions round. Only short runs of replaced words count, so a rewritten clause
    that happens to hold opposite words does not.

    On the development gold's days, 25 copy links swap a word for its opposite, all
    25 between the two days' weather forecasts (no link of one event); on the held-out
    gold's days, one, between two days' Gulf market reports."""
    our_words, their_words = tr.words(ours), tr.words(theirs)
    # Only a word that is in one passage and not the other can have been swapped: those
    # few are looked up first, and the passages aligned only when one is in the lexicon.
    if not uses_lexicon(set(our_words) ^ set(their_words), DIRECTIONS):
        return False
    return any(
        opposed_words(our_run, their_run, DIRECTIONS)
        for our_run, their_run in tr.replaced_runs(our_words, their_words)
    )


@dataclass
class _Group:
    """The articles around some articles to be placed, the weights between them and
    the pairs that must stay apart (:func:`copies_another_event`)."""

    stories: dict[int, int | None] = field(default_factory=dict)  # article -> its story
    weights: dict[Pair, float] = field(default_factory=dict)
    apart: set[Pair] = field(default_factory=set)


def _connected_group(session: Session, new: Collection[int], again: Collection[int]) -> _Group:
    """The ``new`` articles, those of ``again`` already placed (with a story), and,
    transitively, the placed articles linked to them through links of
    ``JOIN_AVERAGE`` and up and the other articles of their stories, up to
    ``MAX_GROUP``. A story is read whole, so that parts of it no link joins any more
    are told apart (and only one of them keeps its id).

    The search goes on only from articles published within ``GROUP_DAYS`` of one it
    started from (or of unknown day): an article further away is taken in with its
    story when a link reaches it, but its own links lead no further. Otherwise a chain
    of daily reports (weather, markets, one case day after day) would bring the whole
    archive into every batch's group.
    """
    group = _Group()
    days: dict[int, int | None] = {}
    for chunk in chunked(sorted({*new, *again}), ID_CHUNK):
        rows = session.execute(
            select(Article.id, Article.story_id, Article.published_at).where(Article.id.in_(chunk))
        )
        for article_id, story_id, published_at in rows:
            if story_id is not None or article_id in new:
                group.stories[article_id] = story_id
                days[article_id] = day_of(published_at)
    starts = set(group.stories)
    near = {
        day + shift
        for day in days.values()
        if day is not None
        for shift in range(-GROUP_DAYS, GROUP_DAYS + 1)
    }

    def leads_on(article_id: int) -> bool:
        day = days[article_id]
        return article_id in starts or day is None or day in near

    read_stories: set[int] = set()
    frontier = sorted(group.stories)
    while frontier:
        reached: set[int] = set()
        for chunk in chunked(frontier, ID_CHUNK):
            for source_id, target_id, kind, score, evidence in session.execute(
                select(
                    ArticleLink.source_id,
                    ArticleLink.target_id,
                    ArticleLink.kind,
                    ArticleLink.score,
                    # Only a copy link's evidence is read: its passages.
                    case(
                        (ArticleLink.kind.in_(COPY_KINDS), ArticleLink.evidence),
                        else_=null(),
                    ),
                ).where(or_(ArticleLink.source_id.in_(chunk), ArticleLink.target_id.in_(chunk)))
            ):
                pair = (min(source_id, target_id), max(source_id, target_id))
                if copies_another_event(evidence or {}):
                    group.apart.add(pair)
                    continue
                weight = link_weight(kind, score, evidence or {})
                group.weights[pair] = max(group.weights.get(pair, 0.0), weight)
                if weight >= JOIN_AVERAGE:
                    reached.update(
                        other
                        for end, other in (pair, pair[::-1])
                        if end in group.stories and other not in group.stories and leads_on(end)
                    )
        stories = {story for story in group.stories.values() if story is not None} - read_stories
        read_stories |= stories
        placed: dict[int, tuple[int | None, datetime | None]] = {}
        for chunk in chunked(sorted(reached), ID_CHUNK):
            rows = session.execute(
                select(Article.id, Article.story_id, Article.published_at).where(
                    Article.id.in_(chunk), Article.story_id.is_not(None)
                )
            )
            placed.update((article_id, (story_id, at)) for article_id, story_id, at in rows)
        for chunk in chunked(sorted(stories), ID_CHUNK):
            rows = session.execute(
                select(Article.id, Article.story_id, Article.published_at).where(
                    Article.story_id.in_(chunk)
                )
            )
            placed.update((article_id, (story_id, at)) for article_id, story_id, at in rows)
        fresh = sorted(set(placed) - group.stories.keys())
        fresh = fresh[: max(0, MAX_GROUP - len(group.stories))]
        for article_id in fresh:
            group.stories[article_id], at = placed[article_id]
            days[article_id] = day_of(at)
        frontier = fresh
    group.weights = {
        pair: weight
        for pair, weight in group.weights.items()
        if pair[0] in group.stories and pair[1] in group.stories
    }
    return group


def place_in_stories(session: Session, new: Collection[int], again: Collection[int] = ()) -> None:
    """Place the ``new`` articles in stories, and again the placed articles of
    ``again`` and those linked to them.

    An article of ``again`` not placed yet waits for its own run of the cluster stage.
    A story whose articles stay together keeps its id; the stories left without
    articles are deleted. Each story is titled and summed up by its most central
    article.
    """
    session.flush()
    group = _connected_group(session, new, again)
    if not group.stories:
        return
    clusters = average_linkage(group.stories, group.weights, JOIN_AVERAGE, group.apart)
    names = keep_names(clusters, group.stories)
    times = _times(session, group.stories)
    cluster_of = {member: index for index, members in enumerate(clusters) for member in members}
    within: list[dict[Pair, float]] = [{} for _ in clusters]
    for pair, weight in group.weights.items():
        if cluster_of[pair[0]] == cluster_of[pair[1]]:
            within[cluster_of[pair[0]]][pair] = weight
    centrals = [
        central(members, weights, lambda m: (times[m] is None, times[m], m))
        for members, weights in zip(clusters, within, strict=True)
    ]
    leads = _titles_and_summaries(session, centrals)
    kept = [story_id for story_id in names if story_id is not None]
    shown = {
        story_id: (title, summary)
        for chunk in chunked(kept, ID_CHUNK)
        for story_id, title, summary in session.execute(
            select(Story.id, Story.title, Story.summary).where(Story.id.in_(chunk))
        )
    }
    for members, story_id, lead in zip(clusters, names, centrals, strict=True):
        title, summary = leads[lead]
        if story_id is None:
            story = Story(title=title, summary=summary)
            session.add(story)
            session.flush()
            story_id = story.id
        elif shown.get(story_id) != (title, summary):
            session.execute(
                update(Story).where(Story.id == story_id).values(title=title, summary=summary)
            )
        moved = [member for member in members if group.stories[member] != story_id]
        for chunk in chunked(moved, ID_CHUNK):
            session.execute(
                update(Article)
                .where(Article.id.in_(chunk))
                .values(story_id=story_id)
                .execution_options(synchronize_session="fetch")
            )
    left = {story_id for story_id in group.stories.values() if story_id is not None} - set(names)
    if left:
        held = select(Article.story_id).where(Article.story_id.in_(sorted(left)))
        session.execute(
            delete(Story)
            .where(Story.id.in_(sorted(left)), Story.id.not_in(held))
            .execution_options(synchronize_session="fetch")
        )


def _times(session: Session, article_ids: Collection[int]) -> dict[int, datetime | None]:
    ids = sorted(article_ids)
    times: dict[int, datetime | None] = {}
    for chunk in chunked(ids, ID_CHUNK):
        times.update(
            session.execute(
                select(Article.id, Article.published_at).where(Article.id.in_(chunk))
            ).all()
        )
    return times


def _titles_and_summaries(
    session: Session, article_ids: Collection[int]
) -> dict[int, tuple[str | None, str | None]]:
    ids = sorted(set(article_ids))
    found: dict[int, tuple[str | None, str | None]] = {}
    for chunk in chunked(ids, ID_CHUNK):
        rows = session.execute(
            select(Article.id, Article.title, Article.text).where(Article.id.in_(chunk))
        )
        found.update((article_id, (title, summary_of(text))) for article_id, title, text in rows)
    return found


def summary_of(text: str | None) -> str | None:
    """The opening sentences of a text, enough to say something (``SUMMARY_MIN_CHARS``:
    "A royal order was issued, as follows:" alone does not), cut at a word within
    ``SUMMARY_CHARS``."""
    summary = ""
    for sentence in sentences(text or ""):
        # Up to the end of this sentence, paragraph breaks read as spaces.
        summary = " ".join((text or "")[: sentence.end].split())
        if len(summary) >= SUMMARY_MIN_CHARS:
            break
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    return summary or None
