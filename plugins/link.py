"""The ``link`` stage: claims of an article against claims on the same slot.

Candidates are bounded, never all pairs of the corpus: for each slot of the article
(``speaker:<entity>``, ``unit:<noun>``) the stage reads the claims on that slot made
within ``WINDOW`` of the article's publication time, at most ``PER_SIDE`` before and
``PER_SIDE`` after it, nearest first, plus the ``PER_SIDE`` latest claims whose time
is unknown; an undated article reads the ``2 * PER_SIDE`` latest claims on the slot
in ingest order. Each read is a range scan of the ``(slot_key, at)`` or ``(slot_key,
id)`` index, so the cost per article is bounded by the number of its slots whatever
the size of the corpus, and grows with the size of a story only until a slot's
window is full. (Stories are formed by the ``cluster`` stage after linking, from the
links themselves, so they cannot bound the candidates.) The one place where the order
articles come in still matters: on a slot holding more than ``PER_SIDE`` claims on one
side of a claim within the window ("unit:دولار", 198 claims on 2015-07-21), which are the
nearest depends on what was stored when each article was processed (11 of 146 claim
links differed on 1,000 articles of 2015-07-21 processed in reversed batches).

Inside one article, only claims of two different named sources are compared (an
article that cites two sources which disagree: "بحسب موقع RT" four rockets, the
security cell two): what one source says twice is not a second report, an article's
own figures next to a source's are most often two facts (a market report's index and
the share of one company "بحسب تقرير"), and an article that repeats itself would
otherwise link every claim to every other, n² links. With the extract stage storing a
repeated claim once, a 36 KB page repeating one sentence gets no links inside itself.
The source of a claim is its cited source, else its speaker (the entity, or the
name as written when there is none).

How a pair relates is decided in :mod:`marsad.plugins.compare` from what the
extractor stored on each claim (``Claim.extra``: its sentence), so no article text
is re-read; the decision does not depend on which side is processed. Each unordered
pair is stored once, with the claim of the larger id as ``source``. Running the stage
again on an article decides again the pairs of its claims with its candidates:
links that still hold keep their row and id (an upsert on source, target and kind),
links that no longer hold are deleted, and links with claims outside its candidates
(found when the other article was processed) stay.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from marsad.core import Article, Claim, ClaimLink, Stage, StageContext, hookimpl
from marsad.plugins.arabic import match_key
from marsad.plugins.compare import ClaimView, compare
from marsad.plugins.stories import link_rows, split_stories, upsert

WINDOW = timedelta(days=3)  # news on one event: the day before and after, and some
PER_SIDE = 100  # claims on one slot before and after the article's time
ID_CHUNK = 400  # ids per IN list (two lists a query): old SQLite builds allow 999 variables


def view(claim: Claim) -> ClaimView:
    extra = claim.extra or {}
    return ClaimView(
        id=claim.id,
        article_id=claim.article_id,
        kind=claim.kind,
        text=claim.text,
        start=claim.start,
        end=claim.end,
        sentence=str(extra.get("sentence") or claim.text),
        speaker_id=claim.speaker_id,
        speaker_text=claim.speaker_text,
        cited_source=claim.cited_source,
        direct=claim.direct,
        value=claim.quantity_value,
        unit=claim.quantity_unit,
        qualifier=claim.qualifier,
        negated=claim.negated,
        sentence_start=_int_or_none(extra.get("sentence_start")),
        quantity_kind=claim.quantity_kind,
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def describe(claim: ClaimView) -> dict[str, object]:
    """One side of a link's evidence: the span, and what the claim says."""
    side = claim.span()
    side.update(
        kind=claim.kind.value,
        speaker=claim.speaker_text,
        cited_source=claim.cited_source,
        direct=claim.direct,
        value=claim.value,
        unit=claim.unit,
        qualifier=claim.qualifier.value if claim.qualifier else None,
        negated=claim.negated,
    )
    return side


def candidates(session: Session, slot: str, at: datetime | None) -> list[Claim]:
    """Claims on ``slot`` that may be about the same event as a claim made at ``at``.

    Dated: those within ``WINDOW``, nearest first, plus the latest undated ones.
    Undated (``at`` None): the latest claims on the slot in ingest order, dated or not.
    Each query is a bounded range scan of one of the two slot indexes.
    """
    on_slot = select(Claim).where(Claim.slot_key == slot)
    if at is None:
        return list(session.scalars(on_slot.order_by(Claim.id.desc()).limit(2 * PER_SIDE)))
    # The window stops at the calendar's ends: "9999-12-31" + WINDOW overflows.
    first = datetime.min.replace(tzinfo=at.tzinfo)
    last = datetime.max.replace(tzinfo=at.tzinfo)
    low, high = at - min(WINDOW, at - first), at + min(WINDOW, last - at)
    later = session.scalars(
        on_slot.where(Claim.at >= at, Claim.at <= high).order_by(Claim.at, Claim.id).limit(PER_SIDE)
    )
    earlier = session.scalars(
        on_slot.where(Claim.at < at, Claim.at >= low)
        .order_by(Claim.at.desc(), Claim.id.desc())
        .limit(PER_SIDE)
    )
    undated = session.scalars(
        on_slot.where(Claim.at.is_(None)).order_by(Claim.id.desc()).limit(PER_SIDE)
    )
    return [*later, *earlier, *undated]


class Link(Stage):
    name = "link"
    after = ("extract",)
    version = "0.5.0"  # 0.5: counts compared only when the words around them agree

    def process(self, ctx: StageContext, article: Article) -> None:
        session = ctx.session
        mine = list(session.scalars(select(Claim).where(Claim.article_id == article.id)))
        by_slot: dict[str, dict[int, Claim]] = {}
        for claim in mine:
            if claim.slot_key and claim.slot_key not in by_slot:
                found = candidates(session, claim.slot_key, claim.at)
                by_slot[claim.slot_key] = {c.id: c for c in found}
            if claim.slot_key:
                by_slot[claim.slot_key][claim.id] = claim
        views: dict[int, ClaimView] = {}

        def seen(claim: Claim) -> ClaimView:
            if claim.id not in views:
                views[claim.id] = view(claim)
            return views[claim.id]

        judged: set[tuple[int, int]] = set()
        links: list[ClaimLink] = []
        for claim in mine:
            for other in sorted(by_slot.get(claim.slot_key or "", {}).values(), key=_id):
                source, target = (claim, other) if claim.id > other.id else (other, claim)
                if other.id == claim.id or (source.id, target.id) in judged:
                    continue
                judged.add((source.id, target.id))
                if other.article_id == article.id and not two_sources(claim, other):
                    continue
                relation = compare(seen(source), seen(target))
                if relation is None:
                    continue
                evidence: dict[str, object] = {
                    "source": describe(seen(source)),
                    "target": describe(seen(target)),
                    "slot_key": claim.slot_key,
                    "score": relation.score,
                    **relation.details,
                }
                links.append(
                    ClaimLink(
                        source_id=source.id,
                        target_id=target.id,
                        kind=relation.kind,
                        score=relation.score,
                        evidence=evidence,
                    )
                )
        save_claim_links(session, [claim.id for claim in mine], judged, links)


def two_sources(a: Claim, b: Claim) -> bool:
    """Whether two claims of one article come from two named sources (see the module doc)."""
    source_a, source_b = source_of(a), source_of(b)
    return bool(source_a and source_b) and source_a != source_b


def source_of(claim: Claim) -> str:
    """The cited source, else the speaker entity, else the speaker as written: "وزارة
    الداخلية" and "الوزارة" of one article are one source when they are one entity."""
    if claim.cited_source:
        return match_key(claim.cited_source)
    if claim.speaker_id is not None:
        return f"entity:{claim.speaker_id}"
    return match_key(claim.speaker_text or "")


def save_claim_links(
    session: Session, ids: list[int], judged: set[tuple[int, int]], links: list[ClaimLink]
) -> None:
    """Make ``links`` the links of the ``judged`` pairs (larger id first) of claims ``ids``.

    Stored links of judged pairs that no longer hold are deleted; those that hold keep
    their id and take the new score and evidence; links of pairs not judged stay.
    """
    if not ids:
        return
    wanted = {(link.source_id, link.target_id, link.kind): link for link in links}
    stale = {
        link_id: (source_id, target_id)
        for chunk in (ids[begin : begin + ID_CHUNK] for begin in range(0, len(ids), ID_CHUNK))
        for link_id, source_id, target_id, kind in session.execute(
            select(ClaimLink.id, ClaimLink.source_id, ClaimLink.target_id, ClaimLink.kind).where(
                or_(ClaimLink.source_id.in_(chunk), ClaimLink.target_id.in_(chunk))
            )
        )
        if (source_id, target_id) in judged and (source_id, target_id, kind) not in wanted
    }
    if stale:
        articles = articles_of(session, {claim for pair in stale.values() for claim in pair})
        session.execute(
            delete(ClaimLink).where(ClaimLink.id.in_(list(stale))),
            execution_options={"synchronize_session": False},
        )
        split_stories(session, articles)  # the links that joined them may be gone
    rows = link_rows(wanted.values())
    if rows:
        upsert(session, ClaimLink, rows, ("source_id", "target_id", "kind"), ("score", "evidence"))


def articles_of(session: Session, claim_ids: set[int]) -> set[int]:
    return set(
        session.scalars(select(Claim.article_id).where(Claim.id.in_(sorted(claim_ids))).distinct())
    )


def _id(claim: Claim) -> int:
    return claim.id


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Link()]
