"""The hooks: a stage after ``extract``, a table, a GraphQL field and a setting.

``MARSAD_CHECKWORTHY_THRESHOLD`` (0 to 1, default 0.5): the score from which a claim is
called check-worthy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import delete, insert, select

from marsad.core import (
    ApiField,
    Article,
    Claim,
    Outcome,
    PluginSchema,
    Settings,
    Stage,
    StageContext,
    hookimpl,
)
from marsad_checkworthy import __version__
from marsad_checkworthy.api import check_worthiness
from marsad_checkworthy.models import Base, ClaimScore
from marsad_checkworthy.scoring import ClaimFacts, score

PLUGIN = "checkworthy"
DEFAULT_THRESHOLD = 0.5


def threshold(settings: Settings) -> float:
    return settings.plugin(PLUGIN).number("threshold", DEFAULT_THRESHOLD, maximum=1)


def facts(claim: Claim) -> ClaimFacts:
    quantity = None
    if claim.quantity_value is not None:
        quantity = f"{claim.quantity_value:g} {claim.quantity_unit or ''}".strip()
    return ClaimFacts(
        text=claim.text,
        quantity=quantity,
        # Named: resolved to a person or body, not "a source" or "officials".
        speaker=claim.speaker_text if claim.speaker_id is not None else None,
        negated=claim.negated,
    )


class CheckWorthy(Stage):
    name = "checkworthy"
    after = ("extract",)
    version = __version__
    reads_other_articles = False

    def check_settings(self, settings: Settings) -> None:
        threshold(settings)  # a bad value stops the run before any article

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        worthy_from = threshold(ctx.settings)
        ids = [article.id for article in articles]
        claims = ctx.session.scalars(select(Claim).where(Claim.article_id.in_(ids))).all()
        rows = []
        for claim in claims:
            result = score(facts(claim))
            rows.append(
                {
                    "claim_id": claim.id,
                    "article_id": claim.article_id,
                    "score": result.score,
                    "worthy": result.score >= worthy_from,
                    "reasons": list(result.reasons),
                }
            )
        # Run again on an article, the stage replaces what it stored for it.
        ctx.session.execute(delete(ClaimScore).where(ClaimScore.article_id.in_(ids)))
        if rows:
            ctx.session.execute(insert(ClaimScore), rows)
        scored = Counter(row["article_id"] for row in rows)
        worthy = Counter(row["article_id"] for row in rows if row["worthy"])
        return {i: f"{scored[i]} claims scored, {worthy[i]} check-worthy" for i in ids}


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [CheckWorthy()]


@hookimpl
def marsad_register_schema() -> PluginSchema:
    return PluginSchema(metadata=Base.metadata, migrations="marsad_checkworthy.migrations")


@hookimpl
def marsad_register_api_fields() -> list[ApiField]:
    return [
        ApiField(
            on="Claim",
            name="checkWorthiness",
            resolver=check_worthiness,
            description="How check-worthy the claim is (plugin checkworthy).",
        )
    ]
