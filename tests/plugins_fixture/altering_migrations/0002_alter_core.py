"""adds a column to the core's claims table, which a plugin may not do

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("altering_more", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("altered", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("altered")
    op.drop_table("altering_more")
