"""``marsad eval stories``: the stories of the cluster stage against a hand-made gold.

The gold (``stories_dev.json``, see its ``about``) lists events reported by several
outlets (``clusters``), articles whose event no other outlet reports
(``singletons``) and pairs on one topic that report different events
(``hard_negatives``). Only those articles are judged: the scores are computed over
the labelled articles (cluster members and singletons) found in the database, and
an unlabelled article in a story neither helps nor hurts. Each singleton is a gold
event of its own, and an article with no story is a story of its own.

Articles are matched by URL exactly as stored: the SaudiNewsNet reader keeps the
dump's ``url`` unchanged, and the gold gives it "exactly as stored" too. A gold
article missing from the database is left out of the scores and reported.

Figures (see docs/stories.md):

* B-cubed precision: per article, the share of its story's labelled articles that
  report its event; recall: the share of its event's articles that are in its
  story; both averaged over the articles, F1 their harmonic mean.
* pairwise precision: of the pairs of labelled articles put in one story, the share
  that report one event; recall: of the pairs that report one event, the share put
  in one story. Undefined (``None``) when there is no pair to count.
* hard negatives merged: gold pairs that must be apart but share a story.
* split events: events whose articles are spread over two or more stories.
* wrong merges: stories holding articles of two or more gold events (a singleton
  counts as an event of its own).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marsad.core import Article, Outlet, Story

URL_CHUNK = 500  # URLs per query: well under SQLite's limit of bound variables
TITLES_PER_GROUP = 3  # article titles printed under each event or story of a list


class GoldError(Exception):
    """The gold file is missing or not in the expected format."""


@dataclass(frozen=True)
class GoldArticle:
    url: str
    source: str
    title: str
    # The gold event: a cluster's id, or "singleton: <url>" for a singleton, so
    # every labelled article has exactly one.
    event: str
    borderline: bool = False


@dataclass(frozen=True)
class HardNegative:
    a: GoldArticle
    b: GoldArticle
    why: str


@dataclass(frozen=True)
class Gold:
    articles: dict[str, GoldArticle]  # the labelled articles by URL
    hard_negatives: list[HardNegative]

    def urls(self) -> set[str]:
        """Every URL the evaluation needs: labelled articles and both sides of each
        hard negative (some of which are neither cluster members nor singletons)."""
        return set(self.articles) | {
            article.url for pair in self.hard_negatives for article in (pair.a, pair.b)
        }


@dataclass(frozen=True)
class Placement:
    """Where the database put one gold article."""

    story_id: int | None
    story_title: str | None = None
    story_size: int = 1  # every article of the story, labelled or not


@dataclass
class Scores:
    articles: int
    events: int
    stories: int
    bcubed_precision: float | None
    bcubed_recall: float | None
    bcubed_f1: float | None
    pairwise_precision: float | None
    pairwise_recall: float | None
    gold_pairs: int
    story_pairs: int
    correct_pairs: int


@dataclass
class StoryGroup:
    """The articles of one event that share one story (or one story's articles of one
    event); ``story_id`` is None for an article with no story."""

    story_id: int | None
    story_title: str | None
    event: str
    titles: list[str]


@dataclass
class SplitEvent:
    event: str
    articles: int
    groups: list[StoryGroup]


@dataclass
class WrongMerge:
    story_id: int
    story_title: str | None
    story_size: int  # every article of the story, labelled or not
    articles: int  # its labelled articles
    groups: list[StoryGroup]


@dataclass
class MergedNegative:
    story_id: int
    a: str
    b: str
    title_a: str
    title_b: str
    why: str


@dataclass
class StoriesReport:
    gold_articles: int
    found: int
    missing: list[str]  # URLs of labelled articles not in the database
    without_story: int
    scores: Scores
    scores_without_borderline: Scores
    hard_negatives_judged: int
    hard_negatives_merged: list[MergedNegative]
    split_events: list[SplitEvent]
    wrong_merges: list[WrongMerge]
    borderline_articles: int = 0
    hard_negatives_missing: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """Everything as plain JSON values."""
        return {
            "gold_articles": self.gold_articles,
            "found": self.found,
            "missing": len(self.missing),
            "missing_urls": self.missing,
            "without_story": self.without_story,
            "borderline_articles": self.borderline_articles,
            "scores": asdict(self.scores),
            "scores_without_borderline": asdict(self.scores_without_borderline),
            "hard_negatives_judged": self.hard_negatives_judged,
            "hard_negatives_merged": len(self.hard_negatives_merged),
            "hard_negatives_merged_pairs": [asdict(pair) for pair in self.hard_negatives_merged],
            "hard_negatives_missing_urls": self.hard_negatives_missing,
            "split_events": len(self.split_events),
            "split_event_list": [asdict(split) for split in self.split_events],
            "wrong_merges": len(self.wrong_merges),
            "wrong_merge_list": [asdict(merge) for merge in self.wrong_merges],
        }


# Reading the gold -----------------------------------------------------------------


def load_gold(path: Path) -> Gold:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GoldError(f"{path}: cannot read the gold file ({error.strerror})") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise GoldError(f"{path}: not a JSON document ({error})") from None
    try:
        return parse_gold(data)
    except GoldError as error:
        raise GoldError(f"{path}: {error}") from None


def parse_gold(data: Any) -> Gold:
    """The gold's labelled articles and hard negatives; raises :class:`GoldError`."""
    if not isinstance(data, dict) or not isinstance(data.get("clusters"), list):
        raise GoldError('expected a JSON object with a list "clusters"')
    articles: dict[str, GoldArticle] = {}

    def add(article: GoldArticle, where: str) -> None:
        if article.url in articles:
            raise GoldError(f"{where}: the URL {article.url} is listed twice")
        articles[article.url] = article

    for index, cluster in enumerate(data["clusters"]):
        where = f"clusters[{index}]"
        if not isinstance(cluster, dict) or not isinstance(cluster.get("articles"), list):
            raise GoldError(f'{where}: expected an object with a list "articles"')
        event = cluster.get("cluster_id")
        if not isinstance(event, str) or not event:
            raise GoldError(f"{where}: needs a cluster_id")
        borderline = bool(cluster.get("borderline"))
        for position, item in enumerate(cluster["articles"]):
            url, source, title = _article_fields(item, f"{where}.articles[{position}]")
            add(GoldArticle(url, source, title, event, borderline), where)
    for index, item in enumerate(_list(data, "singletons")):
        url, source, title = _article_fields(item, f"singletons[{index}]")
        add(GoldArticle(url, source, title, f"singleton: {url}"), f"singletons[{index}]")
    negatives: list[HardNegative] = []
    for index, pair in enumerate(_list(data, "hard_negatives")):
        where = f"hard_negatives[{index}]"
        if not isinstance(pair, dict):
            raise GoldError(f"{where}: expected an object with a and b")
        sides = []
        for side in ("a", "b"):
            url, source, title = _article_fields(pair.get(side), f"{where}.{side}")
            # The event matters only for labelled articles, which keep their own.
            sides.append(articles.get(url) or GoldArticle(url, source, title, f"unlabelled: {url}"))
        negatives.append(HardNegative(sides[0], sides[1], str(pair.get("why") or "")))
    if not articles:
        raise GoldError("lists no article")
    return Gold(articles, negatives)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise GoldError(f'"{key}" must be a list')
    return value


def _article_fields(item: Any, where: str) -> tuple[str, str, str]:
    if not isinstance(item, dict):
        raise GoldError(f"{where}: expected an article object")
    values = [item.get(key) for key in ("url", "source", "title")]
    if not isinstance(values[0], str) or not values[0]:
        raise GoldError(f"{where}: needs a url")
    source, title = (value if isinstance(value, str) else "" for value in values[1:])
    return values[0], source, title


# Reading the database -------------------------------------------------------------


def read_placements(session: Session, gold: Gold) -> dict[str, Placement]:
    """The story of each gold article found in the database, by URL.

    Should one URL be stored twice, the article of the gold's outlet is taken, and
    the one stored first among equals, so the answer does not depend on row order.
    """
    sources = {url: article.source for url, article in gold.articles.items()}
    for pair in gold.hard_negatives:
        for article in (pair.a, pair.b):
            sources.setdefault(article.url, article.source)
    found: dict[str, tuple[bool, int, Placement]] = {}
    urls = sorted(sources)
    for begin in range(0, len(urls), URL_CHUNK):
        rows = session.execute(
            select(Article.url, Article.id, Outlet.name, Article.story_id, Story.title)
            .outerjoin(Outlet, Outlet.id == Article.outlet_id)
            .outerjoin(Story, Story.id == Article.story_id)
            .where(Article.url.in_(urls[begin : begin + URL_CHUNK]))
        )
        for url, article_id, outlet, story_id, story_title in rows:
            if url is None:  # never: the query asks for given URLs
                continue
            rank = (outlet != sources[url], article_id)
            kept = found.get(url)
            if kept is None or rank < kept[:2]:
                found[url] = (*rank, Placement(story_id, story_title))
    story_ids = sorted({p.story_id for _, _, p in found.values() if p.story_id is not None})
    sizes: dict[int, int] = {}
    for begin in range(0, len(story_ids), URL_CHUNK):
        chunk = story_ids[begin : begin + URL_CHUNK]
        counts = session.execute(
            select(Article.story_id, func.count(Article.id))
            .where(Article.story_id.in_(chunk))
            .group_by(Article.story_id)
        )
        sizes.update({story_id: count for story_id, count in counts if story_id is not None})
    return {
        url: replace(placement, story_size=sizes.get(placement.story_id or 0, 1))
        for url, (_, _, placement) in found.items()
    }


# Scoring (pure) -------------------------------------------------------------------


def evaluate(gold: Gold, placements: Mapping[str, Placement]) -> StoriesReport:
    """Score the placements of the gold's articles (URL -> story) against the gold."""
    found = [article for url, article in gold.articles.items() if url in placements]
    missing = [url for url in gold.articles if url not in placements]
    story = {article.url: _story_key(article.url, placements) for article in found}
    clear = [article for article in found if not article.borderline]

    judged = 0
    merged: list[MergedNegative] = []
    negatives_missing: list[str] = []
    for pair in gold.hard_negatives:
        a, b = placements.get(pair.a.url), placements.get(pair.b.url)
        if a is None or b is None:
            negatives_missing.extend(p.url for p, got in ((pair.a, a), (pair.b, b)) if got is None)
            continue
        judged += 1
        if a.story_id is not None and a.story_id == b.story_id:
            merged.append(
                MergedNegative(
                    a.story_id, pair.a.url, pair.b.url, pair.a.title, pair.b.title, pair.why
                )
            )
    return StoriesReport(
        gold_articles=len(gold.articles),
        found=len(found),
        missing=missing,
        without_story=sum(1 for article in found if placements[article.url].story_id is None),
        scores=score(found, story),
        scores_without_borderline=score(clear, story),
        hard_negatives_judged=judged,
        hard_negatives_merged=merged,
        split_events=split_events(found, placements),
        wrong_merges=wrong_merges(found, placements),
        borderline_articles=sum(1 for article in found if article.borderline),
        hard_negatives_missing=negatives_missing,
    )


def _story_key(url: str, placements: Mapping[str, Placement]) -> str:
    """A story's key; an article with no story is a story of its own."""
    story_id = placements[url].story_id
    return f"story {story_id}" if story_id is not None else f"alone: {url}"


def score(articles: Sequence[GoldArticle], story: Mapping[str, str]) -> Scores:
    """B-cubed and pairwise scores of ``articles`` (URL -> story key in ``story``)."""
    cells = Counter((story[article.url], article.event) for article in articles)
    story_sizes = Counter(story[article.url] for article in articles)
    event_sizes = Counter(article.event for article in articles)
    precision = recall = None
    if articles:
        # Each article of a cell (story, event) has the same per-article scores.
        precision = sum(n * n / story_sizes[s] for (s, _), n in cells.items()) / len(articles)
        recall = sum(n * n / event_sizes[e] for (_, e), n in cells.items()) / len(articles)
    gold_pairs = sum(_pairs(n) for n in event_sizes.values())
    story_pairs = sum(_pairs(n) for n in story_sizes.values())
    correct = sum(_pairs(n) for n in cells.values())
    return Scores(
        articles=len(articles),
        events=len(event_sizes),
        stories=len(story_sizes),
        bcubed_precision=precision,
        bcubed_recall=recall,
        bcubed_f1=_f1(precision, recall),
        pairwise_precision=correct / story_pairs if story_pairs else None,
        pairwise_recall=correct / gold_pairs if gold_pairs else None,
        gold_pairs=gold_pairs,
        story_pairs=story_pairs,
        correct_pairs=correct,
    )


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _groups(
    articles: Sequence[GoldArticle], placements: Mapping[str, Placement], by_story: bool
) -> dict[str, list[StoryGroup]]:
    """Articles grouped by (story, event), collected per event or per story."""
    cells: dict[tuple[str, str], StoryGroup] = {}
    for article in articles:
        placement = placements[article.url]
        key = (_story_key(article.url, placements), article.event)
        group = cells.setdefault(
            key, StoryGroup(placement.story_id, placement.story_title, article.event, [])
        )
        group.titles.append(article.title.strip())
    collected: dict[str, list[StoryGroup]] = defaultdict(list)
    for (story_key, event), group in cells.items():
        collected[story_key if by_story else event].append(group)
    for groups in collected.values():
        groups.sort(key=lambda group: (-len(group.titles), group.event, group.story_id or 0))
    return collected


def split_events(
    articles: Sequence[GoldArticle], placements: Mapping[str, Placement]
) -> list[SplitEvent]:
    """Gold events whose articles lie in two or more stories, most scattered first."""
    splits = [
        SplitEvent(event, sum(len(group.titles) for group in groups), groups)
        for event, groups in _groups(articles, placements, by_story=False).items()
        if len(groups) > 1
    ]
    return sorted(splits, key=lambda split: (-len(split.groups), -split.articles, split.event))


def wrong_merges(
    articles: Sequence[GoldArticle], placements: Mapping[str, Placement]
) -> list[WrongMerge]:
    """Stories holding articles of two or more gold events, most mixed first."""
    sizes = {p.story_id: p.story_size for p in placements.values() if p.story_id is not None}
    merges = []
    for groups in _groups(articles, placements, by_story=True).values():
        story_id = groups[0].story_id
        if len(groups) > 1 and story_id is not None:
            size = sum(len(group.titles) for group in groups)
            merges.append(
                WrongMerge(story_id, groups[0].story_title, sizes[story_id], size, groups)
            )
    return sorted(merges, key=lambda merge: (-len(merge.groups), -merge.articles, merge.story_id))


# The report -----------------------------------------------------------------------


def render(report: StoriesReport, show: int) -> str:
    """The report as text: figures first, then up to ``show`` items of each list."""
    lines = [
        f"gold articles: {report.gold_articles} labelled, {report.found} found in the "
        f"database, {len(report.missing)} missing, {report.without_story} without a story",
    ]
    if report.missing:
        lines.append("  missing (first few): " + ", ".join(report.missing[:5]))
    lines.append("")
    lines.append(f"{'':<24}{'all':>10}{'no borderline':>16}")
    both = (report.scores, report.scores_without_borderline)
    rows: list[tuple[str, str]] = [
        ("articles", "articles"),
        ("gold events", "events"),
        ("stories", "stories"),
        ("B-cubed precision", "bcubed_precision"),
        ("B-cubed recall", "bcubed_recall"),
        ("B-cubed F1", "bcubed_f1"),
        ("pairwise precision", "pairwise_precision"),
        ("pairwise recall", "pairwise_recall"),
        ("gold pairs", "gold_pairs"),
        ("story pairs", "story_pairs"),
        ("correct pairs", "correct_pairs"),
    ]
    for label, name in rows:
        values = [_figure(getattr(scores, name)) for scores in both]
        lines.append(f"{label:<24}{values[0]:>10}{values[1]:>16}")
    lines.append("")
    lines.append(
        f"hard negatives merged: {len(report.hard_negatives_merged)} of "
        f"{report.hard_negatives_judged} judged"
    )
    lines.append(f"split events: {len(report.split_events)}")
    lines.append(f"wrong merges: {len(report.wrong_merges)}")

    lines.extend(_section("hard negatives merged", len(report.hard_negatives_merged), show))
    for pair in report.hard_negatives_merged[:show]:
        lines.append(f"  story {pair.story_id}: {pair.title_a.strip()}  <>  {pair.title_b.strip()}")
        if pair.why:
            lines.append(f"    why apart: {pair.why}")
    lines.extend(_section("split events", len(report.split_events), show))
    for split in report.split_events[:show]:
        lines.append(f"  {split.event}: {split.articles} articles in {len(split.groups)} stories")
        lines.extend(_group_lines(split.groups, by_story=False))
    lines.extend(_section("wrong merges", len(report.wrong_merges), show))
    for merge in report.wrong_merges[:show]:
        lines.append(
            f"  story {merge.story_id} {_quoted(merge.story_title)} ({merge.story_size} "
            f"articles): {merge.articles} labelled, of {len(merge.groups)} events"
        )
        lines.extend(_group_lines(merge.groups, by_story=True))
    return "\n".join(lines)


def _section(name: str, total: int, show: int) -> list[str]:
    if not total or not show:
        return []
    return ["", f"{name} (first {min(show, total)} of {total}):"]


def _group_lines(groups: list[StoryGroup], by_story: bool) -> list[str]:
    lines = []
    for group in groups:
        if by_story:
            head = group.event
        elif group.story_id is None:
            head = "no story"
        else:
            head = f"story {group.story_id} {_quoted(group.story_title)}"
        lines.append(f"    {head} ({len(group.titles)}):")
        lines.extend(f"      - {title}" for title in group.titles[:TITLES_PER_GROUP])
        if len(group.titles) > TITLES_PER_GROUP:
            lines.append(f"      ... and {len(group.titles) - TITLES_PER_GROUP} more")
    return lines


def _quoted(title: str | None) -> str:
    return f"«{title.strip()}»" if title else "(untitled)"


def _figure(value: float | int | None) -> str:
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


# The command ----------------------------------------------------------------------


def run(gold_path: Path, database: str | None) -> StoriesReport:
    """Read the gold and the database's stories, and score them.

    Raises :class:`GoldError` for a bad gold file or when none of its articles is in
    the database.
    """
    from marsad.core.db import make_engine
    from marsad.core.schema import check_schema
    from marsad.core.settings import Settings

    gold = load_gold(gold_path)
    engine = make_engine(database or Settings.from_env().database_url)
    try:
        check_schema(engine)
        with Session(engine) as session:
            placements = read_placements(session, gold)
    finally:
        engine.dispose()
    if not any(url in placements for url in gold.articles):
        raise GoldError(f"none of the {len(gold.articles)} gold articles is in the database")
    return evaluate(gold, placements)
