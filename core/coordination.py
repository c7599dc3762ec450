"""Several marsad processes on one database: which process works on which articles.

Every process works out the pending work itself from the database (see
:mod:`marsad.core.pipeline`); this module only keeps two of them from working on the
same articles, or on the same stage, at the same moment. The locks it takes are
released by the database server or the operating system when a process dies, so a
killed run never leaves work that nobody may take.

- PostgreSQL: a batch's articles are claimed with session-level advisory locks held
  on a connection of the coordinator's own; a worker looking for pending work skips
  the articles another one holds. Each stage's transaction also takes a
  transaction-level advisory lock on the stage's name, because a stage reads what its
  runs on other articles wrote (the text-reuse index, claims on a slot, stories): two
  batches of one stage never interleave, while different stages run side by side.
- SQLite has one writer at a time anyway: a batch is processed under an exclusive
  ``flock`` on a file beside the database, so processes take turns batch by batch.
- Anything else (an in-memory SQLite database, another dialect): no coordination;
  run one process at a time.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer

log = logging.getLogger(__name__)

# Advisory lock keys are pairs of 32-bit integers: these say "marsad article" and
# "marsad stage", so other applications' locks on the same server cannot collide.
ARTICLE_LOCKS = 0x6D617273
STAGE_LOCKS = 0x6D617274

_IDS = bindparam("ids", type_=ARRAY(Integer))


class Coordinator:
    """No coordination: for a database only one process uses."""

    def claim(self, ids: Sequence[int], *, wait: bool) -> AbstractContextManager[list[int]]:
        """Hold the articles of ``ids`` this process may work on, for a ``with`` block.

        ``wait``: wait for articles another process holds (sorted, so two waiting
        processes cannot deadlock) instead of leaving them out.
        """
        return nullcontext(list(ids))

    def lock_stage(self, session: Session, stage: str) -> None:
        """Called first in each stage transaction; held until it ends."""

    def close(self) -> None:
        """Release whatever the coordinator still holds."""


class PostgresCoordinator(Coordinator):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One lock connection per thread: the API runs pipelines on several threads,
        # and a connection must never be used by two at once.
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._guard = threading.Lock()

    def _locks(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None or connection.closed:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._local.connection = connection
            with self._guard:
                self._connections.append(connection)
        return connection

    @contextmanager
    def _claim(self, ids: Sequence[int], wait: bool) -> Iterator[list[int]]:
        connection = self._locks()
        ordered = sorted(set(ids))
        if wait:
            connection.execute(
                text("SELECT pg_advisory_lock(:ns, k) FROM unnest(:ids) AS k").bindparams(_IDS),
                {"ns": ARTICLE_LOCKS, "ids": ordered},
            )
            held = ordered
        else:
            held = list(
                connection.scalars(
                    text(
                        "SELECT k FROM unnest(:ids) AS k WHERE pg_try_advisory_lock(:ns, k)"
                    ).bindparams(_IDS),
                    {"ns": ARTICLE_LOCKS, "ids": ordered},
                )
            )
        try:
            yield held
        finally:
            if held and not connection.closed:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:ns, k) FROM unnest(:ids) AS k").bindparams(
                        _IDS
                    ),
                    {"ns": ARTICLE_LOCKS, "ids": held},
                )

    def claim(self, ids: Sequence[int], *, wait: bool) -> AbstractContextManager[list[int]]:
        return self._claim(ids, wait)

    def lock_stage(self, session: Session, stage: str) -> None:
        session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:stage))"),
            {"ns": STAGE_LOCKS, "stage": stage},
        )

    def close(self) -> None:
        with self._guard:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()  # the server drops the session's locks with it


class SqliteCoordinator(Coordinator):
    def __init__(self, lock_path: Path) -> None:
        self.lock_path = lock_path

    @contextmanager
    def _turn(self, ids: Sequence[int]) -> Iterator[list[int]]:
        with self.lock_path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("waiting for another marsad process to finish its batch")
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield list(ids)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def claim(self, ids: Sequence[int], *, wait: bool) -> AbstractContextManager[list[int]]:
        # Waiting or not, a turn is taken: within it the pipeline skips what another
        # process finished meanwhile, since it reads the runs after taking the lock.
        return self._turn(ids)


def make_coordinator(engine: Engine) -> Coordinator:
    if engine.dialect.name == "postgresql":
        return PostgresCoordinator(engine)
    database = engine.url.database or ""
    on_disk = database not in ("", ":memory:") and not database.startswith("file:")
    if engine.dialect.name == "sqlite" and on_disk:
        return SqliteCoordinator(Path(os.path.abspath(database) + ".marsad-lock"))
    return Coordinator()
