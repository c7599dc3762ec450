"""event stories: story changes to redo, and no more term counts or term rows

The cluster stage (0.5.0) weighs pairs of articles by their titles and leads against
fixed background word frequencies, so it no longer counts terms (``term_counts``)
nor keeps rare-term rows in ``text_keys`` (kind 4); it indexes a few words of each
article by day instead (kind 5), written when it runs again on every article after
this upgrade. ``story_changes`` lists the articles whose copy links the dedupe stage
changed after they were clustered, for the cluster stage to place again, and a story
gains a ``summary`` (the lead of its most central article, set by that run). The
cluster stage's run records are deleted, so it runs again on every article, and the
stories no article holds go.

Downgrade recreates ``term_counts`` empty (cluster 0.4.0 counts the terms of an
article without a row from its text), drops ``story_changes`` and the summaries; the
term rows are
not restored: cluster 0.4.0 runs again on every article and writes them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TERM_KIND = 4  # marsad.plugins.textreuse.TERM until cluster 0.5.0


def upgrade() -> None:
    op.create_table(
        "story_changes",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_changes_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_changes")),
    )
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=True))
    op.drop_table("term_counts")
    op.execute(sa.text("DELETE FROM text_keys WHERE kind = :kind").bindparams(kind=TERM_KIND))
    # Every story is computed again by cluster 0.5.0, whatever runs are recorded (a
    # database downgraded and upgraded again has 0.5.0 runs and no summaries), and
    # a story no article holds any more goes.
    op.execute(sa.text("DELETE FROM stage_runs WHERE stage = 'cluster'"))
    op.execute(
        sa.text(
            "DELETE FROM stories WHERE NOT EXISTS "
            "(SELECT 1 FROM articles WHERE articles.story_id = stories.id)"
        )
    )


def downgrade() -> None:
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
    op.drop_table("story_changes")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("summary")
