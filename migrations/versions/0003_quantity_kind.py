"""quantity kind: count, money, percentage, measure or fraction

Quantities stored before this revision were all counts (the extractor then knew only
counted nouns), so they are marked so; the extract stage's new version recomputes
them anyway.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 13:34:48.070538
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("count", "money", "percentage", "measure", "fraction")


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "quantity_kind",
                sa.Enum(*KINDS, name="quantitykind", native_enum=False, length=32),
                nullable=True,
            )
        )
    op.execute("UPDATE claims SET quantity_kind = 'count' WHERE kind = 'quantity'")


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("quantity_kind")
