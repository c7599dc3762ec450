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

How a pair relates is decided in :mod:`marsad.text.claims.compare` from what the
extractor stored on each claim (``Claim.extra``: its sentence), so no article text
is re-read; the decision does not depend on which side is processed. Each unordered
pair is stored once, with the claim of the larger id as ``source``. Running the stage
again on an article decides again the pairs of its claims with its candidates:
links that still hold keep their row and id (an upsert on source, target and kind),
links that no longer hold are deleted, and links with claims outside its candidates
(found when the other article was processed) stay.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import typer
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    bindparam,
    delete,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from marsad.core import Article, Claim, ClaimLink, Stage, StageContext, hookimpl
from marsad.core.links import link_rows, upsert
from marsad.core.stages import Outcome
from marsad.text.arabic import match_key
from marsad.text.claims.compare import ClaimView, Relation, compare

WINDOW = timedelta(days=3)  # news on one event: the day before and after, and some
PER_SIDE = 100  # claims on one slot before and after the article's time
ID_CHUNK = 400  # ids per IN list (two lists a query): old SQLite builds allow 999 variables
# Windows read by one UNION ALL: three subqueries and ten variables each stay well under
# SQLite's 500 compound terms and the old 999-variable limit.
WINDOWS_PER_QUERY = 25


def view(claim: Claim) -> ClaimView:
    return _view(claim.extra, claim)


def _view(extra: dict[str, Any] | None, claim: Any) -> ClaimView:
    """A claim's view from a ``Claim`` or a row of its columns (the same names)."""
    extra = extra or {}
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


def _bounds(at: datetime) -> tuple[datetime, datetime]:
    """The window around ``at``; it stops at the calendar's ends ("9999-12-31" + WINDOW
    overflows)."""
    first = datetime.min.replace(tzinfo=at.tzinfo)
    last = datetime.max.replace(tzinfo=at.tzinfo)
    return at - min(WINDOW, at - first), at + min(WINDOW, last - at)


def _dated(slot: Any, at: Any, low: Any, high: Any) -> list[Select[Any]]:
    """The bounded range scans of a dated window: later, earlier, undated claims."""
    on_slot = select(Claim.id).where(Claim.slot_key == slot)
    return [
        on_slot.where(Claim.at >= at, Claim.at <= high)
        .order_by(Claim.at, Claim.id)
        .limit(PER_SIDE),
        on_slot.where(Claim.at < at, Claim.at >= low)
        .order_by(Claim.at.desc(), Claim.id.desc())
        .limit(PER_SIDE),
        on_slot.where(Claim.at.is_(None)).order_by(Claim.id.desc()).limit(PER_SIDE),
    ]


def _latest(slot: str) -> Select[Any]:
    """What an undated claim reads: the latest claims on the slot in ingest order."""
    on_slot = select(Claim.id).where(Claim.slot_key == slot)
    return on_slot.order_by(Claim.id.desc()).limit(2 * PER_SIDE)


@cache
def _dated_windows(count: int) -> CompoundSelect[Any]:
    """``count`` dated windows in one ``UNION ALL``, each tagged with its number, the
    values as named parameters: one statement, compiled once, for any batch."""
    parts = []
    for number in range(count):
        names = ("slot", "at", "low", "high")
        for scan in _dated(*(bindparam(f"{name}{number}") for name in names)):
            rows = scan.subquery()
            parts.append(select(rows.c.id, literal_column(str(number)).label("window")))
    return union_all(*parts)


def candidates(session: Session, slot: str, at: datetime | None) -> list[Claim]:
    """Claims on ``slot`` that may be about the same event as a claim made at ``at``.

    Dated: those within ``WINDOW``, nearest first, plus the latest undated ones.
    Undated (``at`` None): the latest claims on the slot in ingest order, dated or not.
    Each query is a bounded range scan of one of the two slot indexes.
    """
    ids = candidate_ids(session, [(slot, at)])[(slot, at)]
    found = {c.id: c for c in session.scalars(select(Claim).where(Claim.id.in_(ids)))}
    return [found[claim_id] for claim_id in ids]


Window = tuple[str, datetime | None]  # a slot, and the time of the claim read for


def candidate_ids(session: Session, windows: Collection[Window]) -> dict[Window, list[int]]:
    """The ids :func:`candidates` reads for each (slot, time), in few statements.

    The range scans of ``WINDOWS_PER_QUERY`` dated windows go as subqueries of one
    statement of fixed shape (the last one padded by repeating a window), so a batch's
    reads cost a few round trips, each still a set of range scans of the slot indexes.
    """
    keys = list(dict.fromkeys(windows))
    found: dict[Window, list[int]] = {key: [] for key in keys}
    dated = [(slot, when) for slot, when in keys if when is not None]
    for begin in range(0, len(dated), WINDOWS_PER_QUERY):
        chunk = dated[begin : begin + WINDOWS_PER_QUERY]
        params: dict[str, object] = {}
        for number in range(WINDOWS_PER_QUERY):
            slot, when = chunk[min(number, len(chunk) - 1)]
            low, high = _bounds(when)
            params.update({f"slot{number}": slot, f"at{number}": when})
            params.update({f"low{number}": low, f"high{number}": high})
        for claim_id, number in session.execute(_dated_windows(WINDOWS_PER_QUERY), params):
            if number < len(chunk):
                found[chunk[number]].append(claim_id)
    for slot, undated in keys:
        if undated is None:
            found[(slot, undated)] = list(session.scalars(_latest(slot)))
    return found


@dataclass(frozen=True)
class _Claim:
    """What linking reads of a claim: its view for comparing, and where it sits."""

    view: ClaimView
    slot_key: str | None
    at: datetime | None


_COLUMNS = (
    Claim.id,
    Claim.article_id,
    Claim.kind,
    Claim.text,
    Claim.start,
    Claim.end,
    Claim.extra,
    Claim.speaker_id,
    Claim.speaker_text,
    Claim.cited_source,
    Claim.direct,
    Claim.quantity_value,
    Claim.quantity_unit,
    Claim.qualifier,
    Claim.negated,
    Claim.quantity_kind,
    Claim.slot_key,
    Claim.at,
)


def _load(session: Session, column: Any, values: Sequence[int]) -> list[_Claim]:
    """The claims whose ``column`` is one of ``values``, by id (columns, not ORM objects)."""
    loaded = []
    for begin in range(0, len(values), ID_CHUNK):
        where: ColumnElement[bool] = column.in_(values[begin : begin + ID_CHUNK])
        for row in session.execute(select(*_COLUMNS).where(where)):
            loaded.append(_Claim(_view(row.extra, row), row.slot_key, row.at))
    return sorted(loaded, key=lambda claim: claim.view.id)


class Link(Stage):
    name = "link"
    after = ("extract",)
    version = "0.5.0"  # 0.5: counts compared only when the words around them agree

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        """Each article's pairs exactly as if it were processed alone, read and written
        for the whole batch at once.

        Linking reads claims (the extract stage's, stored for the whole batch before
        this stage runs) and no links, and a pair's relation is the same from either
        side, so the articles' decisions do not depend on one another: each pair is
        compared once, and the links of all are saved together.
        """
        session = ctx.session
        ids = [article.id for article in articles]
        mine: dict[int, list[_Claim]] = {article_id: [] for article_id in ids}
        for claim in _load(session, Claim.article_id, ids):
            mine[claim.view.article_id].append(claim)
        # An article's first claim on a slot sets the window it reads on that slot.
        windows: dict[tuple[int, str], Window] = {}
        for article_id, claims in mine.items():
            for claim in claims:
                if claim.slot_key:
                    windows.setdefault((article_id, claim.slot_key), (claim.slot_key, claim.at))
        found = candidate_ids(session, windows.values())
        known = {claim.view.id: claim for claims in mine.values() for claim in claims}
        unread = sorted({i for on_slot in found.values() for i in on_slot} - known.keys())
        known.update((claim.view.id, claim) for claim in _load(session, Claim.id, unread))

        relations: dict[tuple[int, int], Relation | None] = {}
        judged: set[tuple[int, int]] = set()
        links: list[ClaimLink] = []
        for article_id, claims in mine.items():
            by_slot: dict[str, set[int]] = {}
            for claim in claims:
                if claim.slot_key:
                    window = found[windows[(article_id, claim.slot_key)]]
                    by_slot.setdefault(claim.slot_key, set(window)).add(claim.view.id)
            judged_here: set[tuple[int, int]] = set()
            for claim in claims:
                for other_id in sorted(by_slot.get(claim.slot_key or "", ())):
                    pair = max(claim.view.id, other_id), min(claim.view.id, other_id)
                    if other_id == claim.view.id or pair in judged_here:
                        continue
                    judged_here.add(pair)
                    other = known[other_id].view
                    if other.article_id == article_id and not two_sources(claim.view, other):
                        continue
                    source, target = known[pair[0]].view, known[pair[1]].view
                    if pair not in relations:
                        relations[pair] = compare(source, target)
                        if relations[pair] is not None:
                            links.append(_link(source, target, relations[pair], claim.slot_key))
            judged |= judged_here
        all_claims = [claim.view.id for claims in mine.values() for claim in claims]
        save_claim_links(session, all_claims, judged, links)
        return dict.fromkeys(ids)


def _link(
    source: ClaimView, target: ClaimView, relation: Relation | None, slot_key: str | None
) -> ClaimLink:
    assert relation is not None
    evidence: dict[str, object] = {
        "source": describe(source),
        "target": describe(target),
        "slot_key": slot_key,
        "score": relation.score,
        **relation.details,
    }
    return ClaimLink(
        source_id=source.id,
        target_id=target.id,
        kind=relation.kind,
        score=relation.score,
        evidence=evidence,
    )


def two_sources(a: ClaimView, b: ClaimView) -> bool:
    """Whether two claims of one article come from two named sources (see the module doc)."""
    source_a, source_b = source_of(a), source_of(b)
    return bool(source_a and source_b) and source_a != source_b


def source_of(claim: ClaimView) -> str:
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
        session.execute(
            delete(ClaimLink).where(ClaimLink.id.in_(list(stale))),
            execution_options={"synchronize_session": False},
        )
    rows = link_rows(wanted.values())
    if rows:
        upsert(session, ClaimLink, rows, ("source_id", "target_id", "kind"), ("score", "evidence"))


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Link()]


@hookimpl
def marsad_register_commands(cli: typer.Typer) -> None:
    from marsad.plugins.link.commands import disputes_command

    cli.command("disputes")(disputes_command)
