"""publication times known to the day only

A source that gives only a date (``2021-02-24``, a dateline "الأربعاء 2021/02/24") was
stored as that day's midnight UTC, indistinguishable from a report stamped 00:00, so
the story timeline credited it as first over a report stamped 03:34 the same day.
``articles`` gain ``published_time_known``: false for a day-only time, true for a time
of day, null where ``published_at`` is null. The parse stage writes it from now on.

For the articles already stored it is filled from what parse wrote: a date without a
time was always stored as midnight UTC, so a ``published_at`` of exactly 00:00:00 UTC
is taken as day-only (a source that really stamped 00:00:00 UTC reads as day-only too,
which only moves it to the end of its day in publication order); every other time as
given. ``marsad reprocess`` on the parse stage writes the exact value.

Downgrade drops the column (on SQLite, 3.35 or later is needed); the times stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_articles = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("published_time_known", sa.Boolean()),
)
_BATCH = 5000


def _is_midnight_utc(moment: datetime) -> bool:
    # SQLite hands back naive times (stored as UTC); PostgreSQL aware ones.
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return (utc.hour, utc.minute, utc.second, utc.microsecond) == (0, 0, 0, 0)


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: no table rebuild on SQLite, so the search
    # triggers of 0007 stay.
    op.add_column("articles", sa.Column("published_time_known", sa.Boolean(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_articles.c.id, _articles.c.published_at).where(
            _articles.c.published_at.is_not(None)
        )
    ).all()
    ids_by_known: dict[bool, list[int]] = {False: [], True: []}
    for row in rows:
        ids_by_known[not _is_midnight_utc(row.published_at)].append(row.id)
    for known, ids in ids_by_known.items():
        for start in range(0, len(ids), _BATCH):
            connection.execute(
                _articles.update()
                .where(_articles.c.id.in_(ids[start : start + _BATCH]))
                .values(published_time_known=known)
            )


def downgrade() -> None:
    # Plain DROP COLUMN too (SQLite 3.35 and later): a batch rebuild on SQLite would
    # drop the search triggers of 0007 with the old table.
    op.drop_column("articles", "published_time_known")
