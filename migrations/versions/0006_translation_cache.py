"""translation cache: texts engines translated, and each translation's engine version

``translation_cache`` keeps every text an engine translated, under the text's SHA-256,
the engine's name and version and the two languages, so the translate stage (0.2.0)
sends an engine only texts it has not seen. ``translations`` gain the version of the
engine that made them. Rows stored before have no version (NULL); the translate
stage's version changed, so it runs again on every article and stores it.

Downgrade drops the cache and the column; the translations stay.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "translation_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("engine", sa.String(length=100), nullable=False),
        sa.Column("engine_version", sa.String(length=50), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("text_hash", "engine", "engine_version", "source", "target"),
    )
    with op.batch_alter_table("translations") as batch:
        batch.add_column(sa.Column("engine_version", sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("translations") as batch:
        batch.drop_column("engine_version")
    op.drop_table("translation_cache")
