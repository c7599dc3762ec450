"""Engines and sessions for the configured database.

SQLite allows one writer at a time. A transaction that starts by reading and then
writes (every stage, every store) would, under SQLite's default deferred BEGIN, fail
at once with "database is locked" when another process wrote in between, whatever the
busy timeout. Sessions that write therefore start with ``BEGIN IMMEDIATE``, which
waits (up to the busy timeout) for the write lock before reading anything; sessions
that only read keep the deferred BEGIN, so the API never waits for a writer (WAL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

# How long a SQLite connection waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 120_000
# SQLite's page cache per connection, in KiB (its default is 2 MiB).
SQLITE_CACHE_KIB = 65_536
_BEGIN_OPTION = "marsad_sqlite_begin"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("postgresql"):
        # JIT compiling pays off for long analytic queries only. marsad's are short, and
        # on tables that grew since they were last analyzed (every ingest) the planner
        # overestimates them and compiles each one: 107 ms of JIT for 3 ms of work was
        # measured on the stories stage's term counts.
        connect_args = dict(kwargs.get("connect_args", {}))
        connect_args["options"] = f"{connect_args.get('options', '')} -c jit=off".strip()
        kwargs["connect_args"] = connect_args
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite, and deletes must cascade as in
    # PostgreSQL. WAL lets the API read while a pipeline writes. In WAL mode
    # synchronous=NORMAL keeps the database consistent through any crash; a power cut
    # may undo the last commits, which the pipeline then redoes (pending work is read
    # from the database). A larger page cache and temporary tables in memory help the
    # stages' bulk writes. bench/sqlite_settings.py measures each.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()
    # The driver's own implicit BEGIN is always deferred; SQLAlchemy emits ours instead.
    dbapi_connection.isolation_level = None


def _begin_sqlite(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading (and for writes that need no lock ordering)."""
    return sessionmaker(engine, expire_on_commit=False)


def make_write_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose transactions take SQLite's write lock first (see the module doc)."""
    if engine.dialect.name == "sqlite":
        engine = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
    return sessionmaker(engine, expire_on_commit=False)


def insert_ignoring_duplicates(session: Session) -> Callable[..., Any]:
    """The dialect's ``insert`` whose ``on_conflict_do_nothing()`` skips a row whose
    unique key is already stored: how rows shared between articles (outlets,
    entities, inputs) are created by several workers at once without failing."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql_insert
    if dialect == "sqlite":
        return sqlite_insert
    raise NotImplementedError(f"marsad does not support {dialect} databases")


T = TypeVar("T")


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``: values for one IN list each, under the
    database's limit of bound variables."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
