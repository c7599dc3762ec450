"""creates a table, then fails

Revision ID: 0001
Revises:
Create Date: 2026-12-01 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("boom_rows", sa.Column("id", sa.Integer(), primary_key=True))
    raise RuntimeError("boom in migration")


def downgrade() -> None:
    op.drop_table("boom_rows")
