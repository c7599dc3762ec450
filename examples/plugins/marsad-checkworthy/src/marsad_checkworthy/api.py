"""``Claim.checkWorthiness`` in GraphQL: one query per request for every claim asked."""

from __future__ import annotations

from collections.abc import Mapping

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.api.context import Info
from marsad_checkworthy.models import ClaimScore


@strawberry.type(description="How check-worthy a claim is, and what in it makes it so.")
class CheckWorthiness:
    score: float = strawberry.field(description="0 (nothing to check) to 1.")
    worthy: bool = strawberry.field(
        description="Whether the score reached the threshold set when it was computed."
    )
    reasons: list[str] = strawberry.field(
        description='The cues found, each with what was seen: "figure: 3 صاروخ".'
    )


def scores_by_claim(session: Session, claim_ids: list[int]) -> Mapping[int, CheckWorthiness]:
    rows = session.scalars(select(ClaimScore).where(ClaimScore.claim_id.in_(claim_ids)))
    return {
        row.claim_id: CheckWorthiness(score=row.score, worthy=row.worthy, reasons=row.reasons)
        for row in rows
    }


async def check_worthiness(root: strawberry.Parent[object], info: Info) -> CheckWorthiness | None:
    """None until the checkworthy stage has run on the claim's article."""
    claim_id: int = getattr(root, "id")  # noqa: B009  (the core Claim's database id)
    return await info.context.load("checkworthy.scores", scores_by_claim, claim_id)
