"""search: match keys of titles and claims, and indexes for substring search on keys

Search compares match keys (alef and hamza forms, ya and alef maqsura, ta marbuta,
tatweel, diacritics and Eastern digits folded), so ``articles`` gain ``title_key``
(title and subtitle) and ``claims`` gain ``search_key`` (text, speaker, source and
channel), both written by the ``index`` stage; after this upgrade, ``marsad process``
fills them for the articles already stored (the stage is new, so it is due on all).

The indexes find a key containing a word, also inside a longer word (والكاظمي holds
الكاظمي): on SQLite, FTS5 tables with the trigram tokenizer over the keys, kept in step
by triggers (left out where the SQLite library has no trigram tokenizer, before 3.34:
search then scans); on PostgreSQL, pg_trgm GIN indexes, which serve ``LIKE '%word%'``.

On SQLite, ``stories``, ``articles`` and ``claims`` are rebuilt with AUTOINCREMENT (the
two columns are added in the same rebuild): their ids are addresses (``/articles/12``,
clients' global ids), and without it SQLite gives a deleted row's id, when it was the
highest, to the next row stored (``deleteArticle``, ``marsad delete``).

Downgrade drops the indexes and the two columns. A later revision that rebuilds
``articles`` or ``claims`` on SQLite (Alembic's batch mode copies the table) drops
the triggers with the old table, and must create them again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (FTS table, content table, indexed key columns)
_FTS = (
    ("articles_fts", "articles", ("title_key", "match_key")),
    ("claims_fts", "claims", ("search_key",)),
)
_TRIGRAM_INDEXES = (
    ("ix_articles_title_key_trgm", "articles", "title_key"),
    ("ix_articles_match_key_trgm", "articles", "match_key"),
    ("ix_claims_search_key_trgm", "claims", "search_key"),
)


def _sqlite_has_trigram() -> bool:
    try:
        op.execute("CREATE VIRTUAL TABLE temp.marsad_probe USING fts5(x, tokenize='trigram')")
    except sa.exc.OperationalError:
        return False
    op.execute("DROP TABLE temp.marsad_probe")
    return True


def _create_fts(name: str, table: str, columns: tuple[str, ...]) -> None:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='{table}', "
        f"content_rowid='id', tokenize='trigram')"
    )
    # The external-content pattern of the FTS5 documentation: the index is told what
    # each row held before and after a change (only of the key columns).
    insert = f"INSERT INTO {name}(rowid, {listed}) VALUES (new.id, {new});"
    remove = f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    op.execute(f"CREATE TRIGGER {name}_ai AFTER INSERT ON {table} BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER {name}_ad AFTER DELETE ON {table} BEGIN {remove} END")
    op.execute(
        f"CREATE TRIGGER {name}_au AFTER UPDATE OF {listed} ON {table} BEGIN {remove} {insert} END"
    )
    op.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # On SQLite each table is copied anew, with AUTOINCREMENT; elsewhere, altered.
    rebuilt: dict[str, object] = (
        {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
        if dialect == "sqlite"
        else {}
    )
    with op.batch_alter_table("stories", **rebuilt):  # type: ignore[arg-type]
        pass
    with op.batch_alter_table("articles", **rebuilt) as batch:  # type: ignore[arg-type]
        batch.add_column(sa.Column("title_key", sa.Text(), nullable=True))
    with op.batch_alter_table("claims", **rebuilt) as batch:  # type: ignore[arg-type]
        batch.add_column(sa.Column("search_key", sa.Text(), nullable=True))
    if dialect == "sqlite" and _sqlite_has_trigram():
        for name, table, columns in _FTS:
            _create_fts(name, table, columns)
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in _TRIGRAM_INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, _, _ in _FTS:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {name}")
    elif dialect == "postgresql":
        for name, _, _ in _TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("search_key")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("title_key")
