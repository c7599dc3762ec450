"""Pure work of a batch on several cores: ``ctx.compute(function, items)``.

A batch stage spends most of its time in pure functions of each article's text
(finding claims, shingling, parsing HTML). :meth:`StageContext.compute` runs such a
function over the batch's items, results in order: in this process by default, or on
a pool of worker processes (``marsad ingest --workers N`` on SQLite) while this
process keeps the database, which SQLite lets only one process write at a time.

The function must be pure and picklable: defined at module level, given one item,
returning one value, touching no database. An exception it raises reaches the stage
as if it had been raised in this process; a function that can fail on one article
should rather return the error as its value, so the rest of the batch goes on.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class Compute:
    """Runs the work in this process (the default)."""

    workers = 1

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        return [function(item) for item in items]

    def close(self) -> None:
        """Stop the workers, if any."""


class PoolCompute(Compute):
    """Runs the work on ``workers`` processes of a pool started on first use.

    A worker that dies (killed, out of memory) breaks the pool: a new pool is started
    and the work handed out again once; if that breaks too, the work is done here.
    """

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: a fork of this process would copy its database connections
            # and threads; the server forks workers from a clean process instead.
            self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("forkserver"))
        return self._pool

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        work = list(items)
        if len(work) < 2:
            return [function(item) for item in work]
        # A few chunks per worker: few round trips, and a slow chunk does not idle the rest.
        chunk = max(1, math.ceil(len(work) / (self.workers * 4)))
        for _attempt in range(2):
            try:
                return list(self._executor().map(function, work, chunksize=chunk))
            except BrokenProcessPool:
                log.warning("a compute worker died; starting a new pool")
                self._discard()
        log.warning("the compute pool keeps breaking; doing this batch's work in this process")
        return [function(item) for item in work]

    def _discard(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
