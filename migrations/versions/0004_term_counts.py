"""term counts: each article's number of terms, for the SAME_STORY overlap

The cluster stage (0.4.0) compares the rare terms two articles share with the smaller
article's number of terms, fixed when it is processed, so that a term becoming common
re-decides only the links between its holders. Articles clustered before this revision
have no row: the stage counts their terms from their text when it needs them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 20:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "term_counts",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_term_counts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_term_counts")),
    )


def downgrade() -> None:
    op.drop_table("term_counts")
