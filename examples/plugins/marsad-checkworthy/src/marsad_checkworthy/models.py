"""The plugin's one table, on metadata of its own (core tables are the core's).

Its foreign keys name the core's columns themselves (``Claim.id``), not strings, so
SQLAlchemy finds those tables though they are not on this metadata.
"""

from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from marsad.core import Article, Claim


class Base(DeclarativeBase):
    pass


class ClaimScore(Base):
    """How check-worthy one claim is; its row goes with the claim (ON DELETE CASCADE)."""

    __tablename__ = "checkworthy_scores"

    claim_id: Mapped[int] = mapped_column(
        ForeignKey(Claim.id, ondelete="CASCADE"), primary_key=True
    )
    # The article, so a rerun replaces an article's scores with one statement.
    article_id: Mapped[int] = mapped_column(ForeignKey(Article.id, ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    # Whether the score reached MARSAD_CHECKWORTHY_THRESHOLD when it was computed.
    worthy: Mapped[bool]
    reasons: Mapped[list[str]] = mapped_column(JSON)
