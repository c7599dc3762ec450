"""Running synchronous SQLAlchemy work from async resolvers, within a time limit.

The engine is synchronous, so every query runs in a worker thread with a Session of
its own that lives only as long as that query: resolvers run concurrently, and a
Session must never be shared between threads.

A thread cannot be killed, so cancelling a request that waits on one does not stop
the database work. Once a request has a deadline, the database itself stops a
statement that would run past it: PostgreSQL through ``statement_timeout`` set for
the transaction, SQLite through a progress handler that interrupts the statement.
Other databases get no per-statement limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from marsad.api.errors import QueryTimeout

T = TypeVar("T")

# SQLite calls the progress handler every this many virtual machine instructions:
# often enough to stop within milliseconds, rarely enough to cost nothing measurable.
SQLITE_PROGRESS_STEPS = 10_000
POSTGRESQL_QUERY_CANCELED = "57014"


@dataclass
class Reads:
    """Read sessions for one request. ``deadline`` (a ``time.monotonic()`` value, set
    when a query starts executing) bounds every statement the request runs."""

    factory: sessionmaker[Session]
    deadline: float | None = None
    limit_seconds: float = 0.0

    async def run(self, work: Callable[[Session], T]) -> T:
        deadline, seconds = self.deadline, self.limit_seconds

        def run() -> T:
            with self.factory() as session:
                if deadline is None:
                    return work(session)
                try:
                    with statement_deadline(session, deadline, seconds):
                        return work(session)
                except DBAPIError as error:
                    if _was_cancelled(error):
                        raise QueryTimeout(seconds) from None
                    raise

        return await run_in_threadpool(run)


@contextmanager
def statement_deadline(session: Session, deadline: float, seconds: float) -> Iterator[None]:
    """Have the database stop statements of ``session`` that run past ``deadline``."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise QueryTimeout(seconds)
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # Local to the transaction: it ends with the session, the pooled connection
        # goes back without it.
        milliseconds = max(1, int(remaining * 1000))
        session.execute(
            text("SELECT set_config('statement_timeout', :value, true)"),
            {"value": f"{milliseconds}ms"},
        )
        yield
        return
    if dialect != "sqlite":
        yield
        return
    driver: Any = connection.connection.driver_connection
    driver.set_progress_handler(lambda: int(time.monotonic() > deadline), SQLITE_PROGRESS_STEPS)
    try:
        yield
    finally:
        driver.set_progress_handler(None, 0)


def _was_cancelled(error: DBAPIError) -> bool:
    """Whether the database stopped a statement because of the deadline."""
    original = error.orig
    if getattr(original, "sqlstate", None) == POSTGRESQL_QUERY_CANCELED:
        return True
    return str(original) == "interrupted"  # sqlite3's message for a progress-handler stop
