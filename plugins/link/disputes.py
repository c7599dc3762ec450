"""Disputes of a story: which values compete on each slot, from the link stage's links.

Used by the API (``Story.disputes``, ``Story.timeline``), the story page and
``marsad disputes``.

A slot in dispute is a connected group of the story's claims, joined by their links
(any kind), that holds at least one CONTRADICTS link. Its claims are grouped by what
they say - a quantity's value, qualifier and negation, or a statement's text - and
each group lists the articles that carry it (with their outlet, or none known) and the
sources they cite for it.

A slot says what is disputed as a person would (:class:`Slot`): the counted noun, the
speaker of a statement, and the event - the site the links found the claims' sentences
share ("قاعدة بلد", "المنطقة الخضراء") - with a label in Arabic and English. Two
disputes of one story never share a slot key: injuries at two sites are two slots.

Each value also keeps its reports (its claims with their article's outlet and
publication time) in publication order, so that a figure that rose as reports came in
can be told from outlets that disagree at the same moment; ``timeline`` orders a
story's values the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, raiseload

from marsad.core import models as db
from marsad.text.claims.compare import site_names
from marsad.text.dates import latest_moment
from marsad.text.glossary import english
from marsad.text.numbers import plural

LANGUAGES = ("ar", "en")


@dataclass(frozen=True)
class Report:
    """One claim carrying a value, with what is known of when and where it appeared."""

    claim: db.Claim
    outlet: str | None
    published_at: datetime | None
    time_known: bool | None = None  # False when the source gave only the day

    @property
    def time_known_if_dated(self) -> bool | None:
        """Whether the time of day is known, null when the time is unknown altogether."""
        return None if self.published_at is None else self.time_known


# Stands in for a missing time in a sort key, where the flag before it already puts
# every missing time after the known ones; it is never shown.
_UNKNOWN_TIME = datetime.min.replace(tzinfo=UTC)


def publication_key(report: Report) -> tuple[bool, datetime, int, int, int]:
    """Earliest publication first; articles without a known time after all the others.

    A report dated to the day only counts as out by the end of that day
    (:func:`~marsad.text.dates.latest_moment`), so it is never first over a report
    stamped with a time that day. Ties and unknown times fall back on the article id,
    which is ingest order, then on the claim's place in its article, so the order is
    the same on every request.
    """
    claim = report.claim
    if report.published_at is None:
        return (True, _UNKNOWN_TIME, claim.article_id, claim.start, claim.id)
    moment = latest_moment(report.published_at, report.time_known)
    return (False, moment, claim.article_id, claim.start, claim.id)


def in_publication_order(reports: Iterable[Report]) -> tuple[Report, ...]:
    return tuple(sorted(reports, key=publication_key))


def chronological(reports: Iterable[Report]) -> bool:
    """Whether publication order is known throughout: every report has a time, and no
    report dated to the day only shares its day with a report of another article."""
    articles_by_day: dict[date, set[int]] = defaultdict(set)
    days_of_day_only_reports: set[date] = set()
    for report in reports:
        if report.published_at is None:
            return False
        day = report.published_at.date()
        articles_by_day[day].add(report.claim.article_id)
        if report.time_known is False:
            days_of_day_only_reports.add(day)
    return all(len(articles_by_day[day]) == 1 for day in days_of_day_only_reports)


@dataclass(frozen=True)
class Backer:
    """An article carrying a value: its outlet, or None when the article names none."""

    article_id: int
    outlet: str | None
    source: str  # where the article came from (a file, a URL): names it when no outlet does


@dataclass(frozen=True)
class DisputeValue:
    value: str  # what the claims say, as a key: "3 صاروخ (at_least)", "no مصاب", a quote
    claims: tuple[db.Claim, ...]
    backers: tuple[Backer, ...]  # one per article, in article order
    cited_sources: tuple[str, ...]
    # The value's claims again, in publication order: the first one is who reported it first.
    reports: tuple[Report, ...]

    @property
    def first(self) -> Report:
        return self.reports[0]

    @property
    def outlets(self) -> tuple[str, ...]:
        """The known outlets carrying the value, by name."""
        return tuple(sorted({b.outlet for b in self.backers if b.outlet is not None}))

    @property
    def number(self) -> float | None:
        return self.claims[0].quantity_value

    @property
    def unit(self) -> str | None:
        return self.claims[0].quantity_unit

    @property
    def qualifier(self) -> db.Qualifier | None:
        claim = self.claims[0]
        if claim.kind is db.ClaimKind.STATEMENT or claim.negated or claim.quantity_value is None:
            return None
        return claim.qualifier or db.Qualifier.EXACT

    @property
    def negated(self) -> bool:
        return self.claims[0].negated

    @property
    def text(self) -> str:
        """The value as the first report writes it."""
        return self.first.claim.text

    def label(self, language: str) -> str:
        """The value for a person: "4", "at least 3", "none"; a statement as written."""
        claim = self.claims[0]
        if claim.kind is db.ClaimKind.STATEMENT:
            return claim.text
        arabic = language == "ar"
        if claim.negated:
            return "لا شيء" if arabic else "none"
        if claim.quantity_value is None:
            return "عدد غير محدد" if arabic else "some"
        number = f"{claim.quantity_value:g}"
        words = (QUALIFIERS_AR if arabic else QUALIFIERS_EN)[self.qualifier or db.Qualifier.EXACT]
        return words.format(number)


QUALIFIERS_AR = {
    db.Qualifier.EXACT: "{}",
    db.Qualifier.AT_LEAST: "{} على الأقل",
    db.Qualifier.AT_MOST: "{} على الأكثر",
    db.Qualifier.ABOUT: "نحو {}",
    db.Qualifier.MORE_THAN: "أكثر من {}",
    db.Qualifier.LESS_THAN: "أقل من {}",
}
QUALIFIERS_EN = {
    db.Qualifier.EXACT: "{}",
    db.Qualifier.AT_LEAST: "at least {}",
    db.Qualifier.AT_MOST: "at most {}",
    db.Qualifier.ABOUT: "about {}",
    db.Qualifier.MORE_THAN: "more than {}",
    db.Qualifier.LESS_THAN: "less than {}",
}


@dataclass(frozen=True)
class Slot:
    """What a dispute is about."""

    key: str  # the claims' slot, and the event when one is known; unique in a story
    kind: str  # "quantity" (how many, how much, whether at all) or "statement"
    unit: str | None  # the counted noun of a quantity ("صاروخ", "مصاب")
    quantity_kind: db.QuantityKind | None
    subject: str | None  # who said it, for a statement
    event: str | None  # the site the claims' sentences share, as written

    def label(self, language: str) -> str:
        arabic = language == "ar"
        if self.kind == "statement":
            who = self.subject or ("متحدث غير معروف" if arabic else "an unknown speaker")
            return f"ما قاله {who}" if arabic else f"What {who} said"
        unit = self.unit or ""
        if arabic:
            what = (
                f"عدد ال{plural(unit)}"
                if self.quantity_kind in (None, db.QuantityKind.COUNT)
                else f"القيمة ({unit})"
            )
            return f"{what} في {self.event}" if self.event else what
        what = (
            f"Number of {_english_plural(unit)}"
            if self.quantity_kind in (None, db.QuantityKind.COUNT)
            else f"Amount ({english(unit) or unit})"
        )
        if self.event:
            return f"{what} at {english(self.event) or self.event}"
        return what


def _english_plural(unit: str) -> str:
    word = english(unit)
    if word is None:
        return plural(unit)
    # "injured", "killed", "arrested" name people already; "rocket" takes an s.
    return word if word.endswith(("ed", "s", "people")) else f"{word}s"


@dataclass(frozen=True)
class DisputeRows:
    slot: Slot
    values: tuple[DisputeValue, ...]
    disputed: bool = True  # False: the claims agree (the same quote, corroborating)


def value_of(claim: db.Claim) -> str:
    if claim.kind is db.ClaimKind.STATEMENT:
        return claim.text
    if claim.negated:
        return f"no {claim.quantity_unit}"
    if claim.quantity_value is None:
        return f"some {claim.quantity_unit}"
    qualifier = claim.qualifier.value if claim.qualifier else "exact"
    return f"{claim.quantity_value:g} {claim.quantity_unit} ({qualifier})"


def _event(members: list[db.Claim], links: list[db.ClaimLink]) -> tuple[str, str] | None:
    """The site most of the group's links found both sentences naming (key, as written)."""
    ids = {claim.id for claim in members}
    counts: Counter[str] = Counter()
    for link in links:
        if link.source_id in ids and link.target_id in ids:
            counts.update((link.evidence or {}).get("sites") or ())
    if not counts:
        return None
    site = min(counts, key=lambda s: (-counts[s], s))
    for claim in members:
        written = site_names((claim.extra or {}).get("sentence") or claim.text).get(site)
        if written:
            return site, written
    return site, site


def _slot(members: list[db.Claim], links: list[db.ClaimLink]) -> Slot:
    first = members[0]
    key = first.slot_key or ""
    if first.kind is db.ClaimKind.STATEMENT:
        subject = next((c.speaker_text for c in members if c.speaker_text), None)
        return Slot(key, "statement", None, None, subject, None)
    event = _event(members, links)
    units = Counter(c.quantity_unit for c in members if c.quantity_unit)
    kinds = Counter(c.quantity_kind for c in members if c.quantity_kind)
    return Slot(
        key=f"{key}@{event[0]}" if event else key,
        kind="quantity",
        unit=min(units, key=lambda u: (-units[u], u)) if units else None,
        quantity_kind=kinds.most_common(1)[0][0] if kinds else None,
        subject=None,
        event=event[1] if event else None,
    )


def _distinct_keys(found: list[DisputeRows]) -> list[DisputeRows]:
    """Slots sharing a key (the same noun, no site to tell them apart) take the id of
    their first claim after it, so each dispute of a story has a key of its own."""
    counts = Counter(d.slot.key for d in found)
    return [
        d
        if counts[d.slot.key] == 1
        else replace(d, slot=replace(d.slot, key=f"{d.slot.key}#{d.values[0].claims[0].id}"))
        for d in found
    ]


def disputes(
    claims: list[db.Claim],
    links: list[db.ClaimLink],
    outlets: dict[int, str],
    sources: dict[int, list[str]],
    published: dict[int, datetime],
    article_sources: dict[int, str] | None = None,
    agreed: bool = False,
    day_only: Collection[int] = (),
) -> list[DisputeRows]:
    """``outlets``: article id -> outlet name; ``sources``: claim id -> cited sources;
    ``published``: article id -> publication time, for the articles whose time is known;
    ``article_sources``: article id -> where it came from (a file, a URL); ``day_only``:
    the articles whose source gave only the day of publication.

    With ``agreed``, also the slots whose linked claims do not contradict each other
    (``disputed`` is False on those). Keys are made distinct over all slots, so a
    dispute has the same key in both lists."""
    article_sources = article_sources or {}
    by_id = {claim.id: claim for claim in claims}
    parent = {claim.id: claim.id for claim in claims}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    contested: set[int] = set()
    for link in links:
        if link.source_id in by_id and link.target_id in by_id:
            parent[root(link.source_id)] = root(link.target_id)
    for link in links:
        if link.kind is db.ClaimLinkKind.CONTRADICTS and link.source_id in by_id:
            contested.add(root(link.source_id))
    groups: dict[int, list[db.Claim]] = defaultdict(list)
    for claim in claims:
        groups[root(claim.id)].append(claim)
    found = []
    for group_root, members in groups.items():
        if len(members) < 2:
            continue  # a claim no other is linked to: nothing to compare
        by_value: dict[str, list[db.Claim]] = defaultdict(list)
        for claim in sorted(members, key=lambda c: c.id):
            by_value[value_of(claim)].append(claim)
        values = tuple(
            DisputeValue(
                value=value,
                claims=tuple(group),
                backers=tuple(
                    Backer(article, outlets.get(article), article_sources.get(article, ""))
                    for article in sorted({c.article_id for c in group})
                ),
                cited_sources=tuple(sorted({s for c in group for s in sources.get(c.id, [])})),
                reports=in_publication_order(
                    Report(
                        c,
                        outlets.get(c.article_id),
                        published.get(c.article_id),
                        time_known=c.article_id not in day_only,
                    )
                    for c in group
                ),
            )
            for value, group in by_value.items()
        )
        disputed = group_root in contested
        found.append(DisputeRows(slot=_slot(members, links), values=values, disputed=disputed))
    distinct = _distinct_keys(sorted(found, key=lambda d: d.values[0].claims[0].id))
    return [rows for rows in distinct if agreed or rows.disputed]


def timeline(found: Iterable[DisputeRows]) -> list[DisputeRows]:
    """The same slots, each with its values in the order they were first reported."""
    return [
        replace(slot, values=tuple(sorted(slot.values, key=lambda v: publication_key(v.first))))
        for slot in found
    ]


def story_claims(session: Session, story_ids: list[int]) -> list[tuple[int, db.Claim]]:
    """(story id, claim) for every claim of these stories' articles, in text order."""
    return [
        (story_id, claim)
        for claim, story_id in session.execute(
            select(db.Claim, db.Article.story_id)
            .options(raiseload("*"))
            .join(db.Article, db.Claim.article_id == db.Article.id)
            .where(db.Article.story_id.in_(story_ids))
            .order_by(db.Claim.article_id, db.Claim.start, db.Claim.id)
        )
        if story_id is not None
    ]


def story_disputes(
    session: Session, story_ids: list[int], agreed: bool = False
) -> list[list[DisputeRows]]:
    """The disputes of each story (with ``agreed``, every shared slot), in ``story_ids``
    order, in four statements whatever their number: claims, links, articles (outlet
    and publication time), sources."""
    pairs = story_claims(session, story_ids)
    ids = [claim.id for _, claim in pairs]
    links = list(
        session.scalars(
            select(db.ClaimLink).where(
                db.ClaimLink.source_id.in_(ids), db.ClaimLink.target_id.in_(ids)
            )
        )
    )
    outlets: dict[int, str] = {}
    published: dict[int, datetime] = {}
    day_only: set[int] = set()
    article_sources: dict[int, str] = {}
    for article_id, name, published_at, time_known, url, source in session.execute(
        select(
            db.Article.id,
            db.Outlet.name,
            db.Article.published_at,
            db.Article.published_time_known,
            db.Article.url,
            db.RawInput.source,
        )
        .join(db.RawInput, db.Article.raw_input_id == db.RawInput.id)
        .outerjoin(db.Outlet, db.Article.outlet_id == db.Outlet.id)
        .where(db.Article.story_id.in_(story_ids))
    ):
        article_sources[article_id] = url or source
        if name is not None:
            outlets[article_id] = name
        if published_at is not None:
            published[article_id] = published_at
        if time_known is False:
            day_only.add(article_id)
    sources: dict[int, list[str]] = defaultdict(list)
    for claim_id, source in session.execute(
        select(db.Citation.claim_id, db.Citation.source).where(db.Citation.claim_id.in_(ids))
    ):
        if claim_id is not None:
            sources[claim_id].append(source)
    by_story: dict[int, list[db.Claim]] = defaultdict(list)
    for story_id, claim in pairs:
        by_story[story_id].append(claim)
    return [
        disputes(
            by_story[key], links, outlets, sources, published, article_sources, agreed, day_only
        )
        for key in story_ids
    ]
