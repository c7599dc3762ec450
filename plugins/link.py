"""The ``link`` stage: claims of an article against claims on the same slot.

Candidates are the claims that share a ``slot_key`` with one of the article's claims,
found with one query on the indexed column (never all pairs of the corpus), in other
articles and in the same one. How a pair relates is decided in
:mod:`marsad.plugins.compare`. Each unordered pair is stored once, with the claim of
the larger id as ``source``; re-running replaces every link that touches the article.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from marsad.core import (
    Article,
    Claim,
    ClaimLink,
    Stage,
    StageContext,
    hookimpl,
)
from marsad.plugins.compare import ClaimView, compare, sentence_around


def view(claim: Claim, text: str) -> ClaimView:
    return ClaimView(
        id=claim.id,
        article_id=claim.article_id,
        kind=claim.kind,
        text=claim.text,
        start=claim.start,
        end=claim.end,
        sentence=sentence_around(text, claim.start, claim.end),
        speaker_id=claim.speaker_id,
        speaker_text=claim.speaker_text,
        cited_source=claim.cited_source,
        direct=claim.direct,
        value=claim.quantity_value,
        unit=claim.quantity_unit,
        qualifier=claim.qualifier,
        negated=claim.negated,
    )


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


class Link(Stage):
    name = "link"
    after = ("extract",)
    version = "0.2.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        session = ctx.session
        mine = list(session.scalars(select(Claim).where(Claim.article_id == article.id)))
        ids = [claim.id for claim in mine]
        if ids:
            session.execute(
                delete(ClaimLink).where(
                    or_(ClaimLink.source_id.in_(ids), ClaimLink.target_id.in_(ids))
                )
            )
        slots = sorted({claim.slot_key for claim in mine if claim.slot_key})
        if not slots:
            return
        candidates = list(
            session.scalars(select(Claim).where(Claim.slot_key.in_(slots)).order_by(Claim.id))
        )
        rows = session.execute(
            select(Article.id, Article.text).where(
                Article.id.in_({claim.article_id for claim in candidates})
            )
        )
        texts = {article_id: text for article_id, text in rows}
        views = {claim.id: view(claim, texts.get(claim.article_id) or "") for claim in candidates}
        by_slot: dict[str, list[Claim]] = {}
        for claim in candidates:
            by_slot.setdefault(claim.slot_key or "", []).append(claim)

        links: list[ClaimLink] = []
        for claim in mine:
            for other in by_slot.get(claim.slot_key or "", []):
                if other.id == claim.id:
                    continue
                if other.article_id == article.id and other.id < claim.id:
                    continue  # a pair inside the article is met twice: keep one
                source, target = (claim, other) if claim.id > other.id else (other, claim)
                relation = compare(views[source.id], views[target.id])
                if relation is None:
                    continue
                evidence: dict[str, object] = {
                    "source": describe(views[source.id]),
                    "target": describe(views[target.id]),
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
        session.add_all(links)
        session.flush()


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Link()]
