"""Where the pipeline's batches run: in this process, in a local process pool, or on Dask.

The database stays the source of truth. The driver (the ``marsad`` process) finds the
due articles in the database batch by batch, in id order, and hands each batch to a
worker; the worker runs :meth:`Pipeline.run` on it, which claims the articles through
the :mod:`~marsad.core.coordination` locks and does what is still due, so a batch
handed out twice is done once. The driver merges the workers' reports and, at the
end, looks in the database again and does in its own process whatever is still due
on an article no batch finished (a batch whose workers kept dying), so a run leaves
nothing behind.

A worker that dies mid-batch loses nothing: its transaction rolls back and the server
drops its locks. The process pool notices a broken pool, starts a new one and hands
out the unfinished batches again (at most :data:`MAX_TRIES` times each); Dask
reschedules the task on another worker itself (``distributed.scheduler.allowed-failures``).

Dask needs PostgreSQL: its workers may run on other machines, and a SQLite database
is a file on this one. On SQLite, which one process may write at a time, ``--workers N``
keeps the batches in this process and runs the stages' pure work (finding claims,
parsing, shingling) on N worker processes instead (:class:`~marsad.core.compute.PoolCompute`).
"""

from __future__ import annotations

import logging
import os
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing import get_context
from types import TracebackType
from typing import Any

from marsad.core.application import Marsad
from marsad.core.compute import Compute, PoolCompute
from marsad.core.pipeline import PipelineReport
from marsad.core.settings import Settings, SettingsError

log = logging.getLogger(__name__)

IN_PROCESS, PROCESSES, DASK = "inprocess", "processes", "dask"
EXECUTORS = (IN_PROCESS, PROCESSES, DASK)
# Times a batch is handed to a new process pool after the pool broke under it.
MAX_TRIES = 3
# How often a process pool's workers are looked at while no batch finishes.
WATCH_SECONDS = 5.0

OnBatch = Callable[[int], None]
Batches = Iterator[list[int]]


class ExecutorUsageError(SettingsError):
    """An executor that cannot be used as asked (a usage error: exit 2, one line)."""


@dataclass(frozen=True)
class Work:
    """What to run: the due stages (all, or ``only`` those; see :class:`Due`) of ``ids``,
    or, when ``ids`` is None, of every article with due work."""

    ids: Sequence[int] | None = None
    only: frozenset[str] | None = None
    force: bool = False
    retry_failed: bool = False


@dataclass
class BatchResult:
    """What a worker sends back: the batch, its report, and which process ran it."""

    ids: list[int]
    report: PipelineReport
    pid: int


Done = Callable[[BatchResult], None]


def merge(into: PipelineReport, part: PipelineReport) -> None:
    into.articles += part.articles
    for status, count in part.runs.items():
        into.runs[status] = into.runs.get(status, 0) + count
    into.failures.extend(part.failures)


# One application per worker process and database, built on its first batch: plugins
# and the engine's connections are reused by every later batch.
_apps: dict[Settings, Marsad] = {}
_apps_guard = threading.Lock()


def _worker_app(settings: Settings) -> Marsad:
    with _apps_guard:
        app = _apps.get(settings)
        if app is None:
            app = _apps[settings] = Marsad(settings)
        return app


def run_batch(settings: Settings, ids: list[int], work: Work) -> BatchResult:
    """Run one batch in a worker (module level, so process pools and Dask can ship it)."""
    report = (
        _worker_app(settings)
        .pipeline()
        .run(ids, only=work.only, force=work.force, retry_failed=work.retry_failed)
    )
    return BatchResult(ids, report, os.getpid())


def _init_worker(level: int) -> None:
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


class Executor(ABC):
    """Runs the due stages of the given articles, or of every article with due work."""

    name: str

    @abstractmethod
    def run(self, marsad: Marsad, work: Work, on_batch: OnBatch | None = None) -> PipelineReport:
        """``on_batch`` is called with each finished batch's size."""

    @abstractmethod
    def close(self) -> None:
        """Stop the workers this executor started."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class InProcess(Executor):
    """The pipeline in this process, exactly as without executors; with ``compute``,
    the stages' pure work runs on that pool's processes (see core.compute)."""

    name = IN_PROCESS

    def __init__(self, compute: Compute | None = None) -> None:
        self.compute = compute

    def run(self, marsad: Marsad, work: Work, on_batch: OnBatch | None = None) -> PipelineReport:
        pipeline = marsad.pipeline(self.compute)
        if work.ids is None:  # articles another process holds are left to it
            return pipeline.run_pending(
                only=work.only, retry_failed=work.retry_failed, on_batch=on_batch
            )
        return pipeline.run(
            work.ids,
            only=work.only,
            force=work.force,
            retry_failed=work.retry_failed,
            on_batch=on_batch,
        )

    def close(self) -> None:
        if self.compute is not None:
            self.compute.close()


def _batches(marsad: Marsad, work: Work) -> Batches:
    """The given ids in batches, or the pending articles, looked up one batch at a time."""
    size = marsad.settings.batch_size
    if work.ids is not None:
        for begin in range(0, len(work.ids), size):
            yield list(work.ids[begin : begin + size])
        return
    yield from marsad.pipeline().pending_batches(only=work.only, retry_failed=work.retry_failed)


def _last_split(batches: Batches, parts: int) -> Batches:
    """The batches, the last one cut in ``parts``: at the end each worker gets a share of
    it, rather than one worker doing a whole batch while the others wait."""
    current = next(batches, None)
    while current is not None:
        following = next(batches, None)
        if following is None and parts > 1:
            size = -(-len(current) // parts)  # rounded up: at most ``parts`` pieces
            yield from (current[begin : begin + size] for begin in range(0, len(current), size))
        else:
            yield current
        current = following


class _Distributed(Executor):
    """The driver's side, shared by the process pool and Dask: hand out batches (a few
    at a time, so the pending work is read as it is needed), merge the reports, and at
    the end do in this process what no batch finished."""

    def run(self, marsad: Marsad, work: Work, on_batch: OnBatch | None = None) -> PipelineReport:
        report = PipelineReport()
        finished: set[int] = set()

        def done(result: BatchResult) -> None:
            merge(report, result.report)
            finished.update(result.ids)
            if on_batch is not None:
                on_batch(len(result.ids))

        # Workers get the batches' ids, not the whole list again with each batch.
        shipped = replace(work, ids=None)
        batches = _last_split(_batches(marsad, work), self._parallelism())
        lost = self._drive(marsad.settings, shipped, batches, done)
        due = self._still_due(marsad, work) - finished if work.ids is None else set()
        left = sorted(set(lost) | due)
        if left:
            log.warning("%d articles still have due work: processing them here", len(left))
            rest = marsad.pipeline().run(
                left, only=work.only, force=work.force, retry_failed=work.retry_failed
            )
            merge(report, rest)
            if on_batch is not None:
                on_batch(len(left))
        # Completion order is the workers' race; the summary reads better by article.
        report.failures.sort(key=lambda failure: failure.article_id)
        return report

    @staticmethod
    def _still_due(marsad: Marsad, work: Work) -> set[int]:
        # Articles a finished batch left due (a failure with tries left) are not tried
        # again: one run gives each article one try, as in-process.
        return marsad.pipeline().pending_ids(only=work.only, retry_failed=work.retry_failed)

    @abstractmethod
    def _parallelism(self) -> int:
        """How many batches the workers run at once."""

    @abstractmethod
    def _drive(self, settings: Settings, work: Work, batches: Batches, done: Done) -> list[int]:
        """Run every batch through the workers; return the ids of batches given up."""


class ProcessPool(_Distributed):
    """``workers`` local processes (``concurrent.futures``), each with its own
    application. A worker that dies breaks the pool: a new one is started and the
    batches that were in flight are handed out again."""

    name = PROCESSES

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.restarts = 0  # pools started again after a worker died
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the driver has threads (progress bar, connection pools)
            # and open connections that a forked child must not inherit.
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(logging.getLogger().getEffectiveLevel(),),
            )
        return self._pool

    def _parallelism(self) -> int:
        return self.workers

    def worker_pids(self) -> list[int]:
        """The pool's worker processes (started as batches are handed out)."""
        # concurrent.futures has no public accessor; _processes maps pid -> process.
        processes: dict[int, Any] = getattr(self._pool, "_processes", None) or {}
        return sorted(processes)

    def _drive(self, settings: Settings, work: Work, batches: Batches, done: Done) -> list[int]:
        lost: list[int] = []
        again: deque[tuple[list[int], int]] = deque()  # (batch, tries so far)
        in_flight: dict[Future[BatchResult], tuple[list[int], int]] = {}
        while True:
            # As many batches as workers: each one handed out is being worked on, so
            # when the pool breaks, only those are charged a try.
            while len(in_flight) < self.workers:
                if again:
                    ids, tries = again.popleft()
                else:
                    following = next(batches, None)
                    if following is None:
                        break
                    ids, tries = following, 0
                in_flight[self._start().submit(run_batch, settings, ids, work)] = (ids, tries)
            if not in_flight:
                return lost
            finished, broken = self._wait(in_flight)
            if broken:  # every batch in flight is lost with the pool: collect them all
                finished = set(in_flight)
            for future in finished:
                ids, tries = in_flight.pop(future)
                error = future.exception() if future.done() else BrokenProcessPool()
                if error is None:
                    done(future.result())
                elif not isinstance(error, BrokenProcessPool):
                    raise error
                elif tries + 1 < MAX_TRIES:
                    again.append((ids, tries + 1))
                else:
                    log.warning(
                        "workers died %d times on articles %d..%d", MAX_TRIES, ids[0], ids[-1]
                    )
                    lost.extend(ids)
            if broken:
                log.warning("a worker process died: starting new workers")
                self._abandon()
                self.restarts += 1

    def _wait(self, in_flight: dict[Future[BatchResult], Any]) -> tuple[set[Future[Any]], bool]:
        """The batches that finished, and whether the pool broke.

        A worker that died is also looked for every ``WATCH_SECONDS``: the pool does not
        always say so (CPython's executor can wait forever when a worker is killed while
        it holds the queue between the processes; seen here in the kill test), and a
        run must not wait for work no process does any more.
        """
        while True:
            finished, _ = wait(in_flight, timeout=WATCH_SECONDS, return_when=FIRST_COMPLETED)
            if finished:
                return finished, any(
                    isinstance(future.exception(), BrokenProcessPool) for future in finished
                )
            processes: dict[int, Any] = getattr(self._pool, "_processes", None) or {}
            if any(process.exitcode is not None for process in processes.values()):
                return set(), True

    def _abandon(self) -> None:
        """Drop a broken pool without waiting on it, its remaining workers stopped."""
        if self._pool is None:
            return
        processes: dict[int, Any] = getattr(self._pool, "_processes", None) or {}
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in list(processes.values()):
            if process.is_alive():
                process.kill()
        self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ExecutorUsageError(
            "--executor dask needs dask.distributed: pip install 'marsad[dask]'"
        ) from None
    return distributed


class Dask(_Distributed):
    """Batches as Dask tasks: on the scheduler at ``scheduler``, or on a
    ``distributed.LocalCluster`` of ``workers`` processes started for the run."""

    name = DASK

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        self.scheduler = scheduler
        self.workers = workers
        # distributed's Client is only partly typed: Any, like the module itself.
        self._client: Any = None
        self._cluster: Any = None

    def client(self) -> Any:
        if self._client is None:
            distributed = _distributed()
            # distributed sets its loggers to INFO: the driver logs as the CLI asks.
            level = logging.getLogger().getEffectiveLevel()
            logging.getLogger("distributed").setLevel(max(level, logging.WARNING))
            if self.scheduler is not None:
                self._client = distributed.Client(self.scheduler)
            else:
                self._cluster = distributed.LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1,
                    # One thread each: the stage time budget (SIGALRM) is not enforced
                    # on worker threads anyway, and a process is the unit of loss.
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port, not a fixed one another run holds
                    silence_logs=logging.ERROR,
                )
                self._client = distributed.Client(self._cluster)
        return self._client

    def worker_pids(self) -> dict[str, int]:
        """Worker address -> process id."""
        pids: dict[str, int] = self.client().run(os.getpid)
        return pids

    def _parallelism(self) -> int:
        threads: dict[str, int] = self.client().nthreads()
        return max(1, sum(threads.values()))

    def _drive(self, settings: Settings, work: Work, batches: Batches, done: Done) -> list[int]:
        distributed = _distributed()
        client = self.client()
        # Two batches per worker thread, so a worker never waits for the driver.
        window = 2 * self._parallelism()
        in_flight: dict[Any, list[int]] = {}

        def submit() -> Any:
            batch = next(batches, None)
            if batch is None:
                return None
            # pure=False: the same batch handed out again is new work, not a cached result.
            future = client.submit(run_batch, settings, batch, work, pure=False)
            in_flight[future] = batch
            return future

        started = [f for f in (submit() for _ in range(window)) if f is not None]
        lost: list[int] = []
        completed = distributed.as_completed(started)
        for future in completed:
            ids = in_flight.pop(future)
            try:
                result: BatchResult = future.result()
            except distributed.KilledWorker:
                # The scheduler rescheduled it until allowed-failures ran out.
                log.warning("workers died on articles %d..%d: batch given up", ids[0], ids[-1])
                lost.extend(ids)
            except BaseException:
                client.cancel(list(in_flight))
                raise
            else:
                done(result)
            following = submit()
            if following is not None:
                completed.add(following)
        return lost

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_executor(
    settings: Settings,
    executor: str | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Executor:
    """The executor the command line asks for, or :class:`ExecutorUsageError`.

    ``executor`` None: processes when ``workers`` is given, else in-process. Nothing
    is started here; workers start with the first batch.
    """
    kind = executor or (PROCESSES if workers is not None else IN_PROCESS)
    if kind not in EXECUTORS:
        raise ExecutorUsageError(f"--executor {kind!r}: expected one of {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise ExecutorUsageError(f"--workers {workers}: at least 1 worker is needed")
    if scheduler is not None and kind != DASK:
        raise ExecutorUsageError(
            "--scheduler is the address of a Dask scheduler: add --executor dask"
        )
    if kind == IN_PROCESS:
        if workers not in (None, 1):
            raise ExecutorUsageError(
                "--workers with --executor inprocess: use --executor processes"
            )
        return InProcess()
    if kind == PROCESSES:
        count = workers or os.cpu_count() or 1
        if settings.database_url.startswith("sqlite"):
            # One process may write SQLite: whole batches in several processes would
            # only take turns. This one writes; the workers do the stages' pure work.
            return InProcess(PoolCompute(count) if count > 1 else None)
        return ProcessPool(count)
    _distributed()
    if not settings.database_url.startswith("postgresql"):
        raise ExecutorUsageError(
            "--executor dask needs PostgreSQL (set MARSAD_DATABASE_URL=postgresql+psycopg://...): "
            "Dask workers may run on other machines, and a SQLite database is a local file"
        )
    if scheduler is not None and workers is not None:
        raise ExecutorUsageError(
            "--workers starts a local Dask cluster of that size; a --scheduler has its own workers"
        )
    return Dask(scheduler, workers)
