"""Executors: the same inputs processed in this process, by a local process pool and by
Dask give the same database; a worker killed mid-batch loses nothing; misuse is a
one-line usage error.

Results are compared with :func:`snapshot.comparable` (every table by natural keys,
ids inside values too). Each ingest of the seeds plus 1,000 SaudiNewsNet articles takes a minute or
more, so each executor runs it once; the worker-loss trials use 200 articles.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import INSTALLED_PLUGINS, SEEDS, PostgresServer, require_postgres
from snapshot import comparable, differences
from test_kill_and_concurrency import write_inputs

from marsad.core import cli, executors
from marsad.core.application import Marsad
from marsad.core.db import make_engine
from marsad.core.executors import Dask, Executor, InProcess, ProcessPool, Work, _last_split
from marsad.core.pipeline import PipelineReport
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

MARSAD = Path(sys.executable).with_name("marsad")
ARTICLES = 1000
LOSS_ARTICLES = 200
LOSS_BATCH = 20  # small batches: several in flight when a worker is killed

needs_script = pytest.mark.skipif(not MARSAD.exists(), reason="the marsad script is not installed")


def new_database(server: PostgresServer) -> str:
    url = server.create_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def marsad(url: str, *args: str, batch_size: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MARSAD_DATABASE_URL": url, "NO_COLOR": "1"}
    env["MARSAD_DISABLE_PLUGINS"] = ",".join(INSTALLED_PLUGINS)  # marsad as shipped
    env.pop("MARSAD_BATCH_SIZE", None)
    if batch_size is not None:
        env["MARSAD_BATCH_SIZE"] = str(batch_size)
    return subprocess.run(
        [str(MARSAD), *args], env=env, capture_output=True, text=True, timeout=1800
    )


def summary(stderr: str) -> list[str]:
    """The run's summary and failure lines (the progress bar is left out)."""
    return [line for line in stderr.splitlines() if line.startswith(("processed", "error"))]


# --- the same result from every executor ------------------------------------------

EXECUTOR_ARGS = {
    "inprocess": (),
    "processes": ("--workers", "2"),
    "dask": ("--executor", "dask", "--workers", "2"),
}
_ingests: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def corpus_inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [SEEDS, *write_inputs(tmp_path_factory.mktemp("inputs"), ARTICLES, 4)]


def ingest_with(kind: str, postgres: PostgresServer | None, inputs: list[Path]) -> dict[str, Any]:
    """One ``marsad ingest`` of the inputs with an executor, made once per executor."""
    if kind not in _ingests:
        url = new_database(require_postgres(postgres))
        result = marsad(url, "ingest", *EXECUTOR_ARGS[kind], *map(str, inputs))
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        _ingests[kind] = {
            "snapshot": comparable(url),
            "summary": summary(result.stderr),
            "returncode": result.returncode,
        }
    return _ingests[kind]


@pytest.mark.corpus
@needs_script
@pytest.mark.parametrize("kind", ["processes", "dask"])
def test_every_executor_stores_what_the_in_process_run_stores(
    kind: str, postgres: PostgresServer | None, corpus_inputs: list[Path]
) -> None:
    expected = ingest_with("inprocess", postgres, corpus_inputs)
    assert len(expected["snapshot"]["articles"]) == ARTICLES + 5
    assert expected["snapshot"]["article_links"], "the sample must exercise links"
    got = ingest_with(kind, postgres, corpus_inputs)
    assert_same(got["snapshot"], expected["snapshot"])
    # The merged report: the same counts and failures as one process finds.
    assert got["summary"] == expected["summary"]
    assert got["returncode"] == expected["returncode"]


# --- a worker killed mid-batch ---------------------------------------------------

_loss_reference: dict[str, Any] = {}


@pytest.fixture(scope="module")
def loss_inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [SEEDS, *write_inputs(tmp_path_factory.mktemp("loss"), LOSS_ARTICLES, 2)]


def process_with(
    executor: Executor,
    postgres: PostgresServer | None,
    inputs: list[Path],
    on_batch: Callable[[int], None] | None = None,
) -> tuple[str, PipelineReport]:
    url = new_database(require_postgres(postgres))
    settings = Settings(
        database_url=url,
        batch_size=LOSS_BATCH,
        disabled_plugins=frozenset(INSTALLED_PLUGINS),  # marsad as shipped, in every worker
    )
    app = Marsad(settings)
    try:
        assert not app.ingest(inputs).errors
        with executor:
            report = executor.run(app, Work(), on_batch)
    finally:
        app.close()
    return url, report


def loss_reference(postgres: PostgresServer | None, inputs: list[Path]) -> dict[str, Any]:
    if not _loss_reference:
        url, report = process_with(InProcess(), postgres, inputs)
        _loss_reference.update(snapshot=comparable(url), failures=report.failures)
    return _loss_reference


def assert_same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    found = differences(got, expected)
    assert not found, "\n".join(found)


def kill_once(pids: Callable[[], list[int]]) -> tuple[Callable[[int], None], list[int]]:
    """An ``on_batch`` that kills one worker when the first batch is back (the others
    are in flight then), and the list of pids it killed."""
    killed: list[int] = []

    def on_batch(_size: int) -> None:
        if not killed:
            victim = pids()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    return on_batch, killed


@pytest.mark.corpus
def test_a_process_pool_worker_killed_mid_batch_loses_nothing(
    postgres: PostgresServer | None, loss_inputs: list[Path]
) -> None:
    expected = loss_reference(postgres, loss_inputs)
    pool = ProcessPool(2)
    on_batch, killed = kill_once(pool.worker_pids)
    url, report = process_with(pool, postgres, loss_inputs, on_batch)
    assert killed and pool.restarts >= 1, "the kill must have broken the pool"
    assert_same(comparable(url), expected["snapshot"])
    assert report.failures == expected["failures"]


@pytest.mark.corpus
def test_a_dask_worker_killed_mid_batch_loses_nothing(
    postgres: PostgresServer | None, loss_inputs: list[Path]
) -> None:
    expected = loss_reference(postgres, loss_inputs)
    dask = Dask(workers=2)
    on_batch, killed = kill_once(lambda: sorted(dask.worker_pids().values()))
    url, report = process_with(dask, postgres, loss_inputs, on_batch)
    assert killed
    assert_same(comparable(url), expected["snapshot"])
    assert report.failures == expected["failures"]


# --- usage errors ---------------------------------------------------------------


def one_line_usage_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'marsad.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@needs_script
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("process", "--executor", "dask"), "MARSAD_DATABASE_URL"),
        (("ingest", "--workers", "0", str(SEEDS)), "--workers 0"),
        (("reprocess", "--scheduler", "tcp://127.0.0.1:8786"), "--executor dask"),
        (("process", "--executor", "threads"), "expected one of"),
    ],
)
def test_misuse_is_a_one_line_usage_error(
    sqlite_url: str, args: tuple[str, ...], expected: str
) -> None:
    one_line_usage_error(marsad(sqlite_url, *args), expected)
    if args[0] == "ingest":
        status = marsad(sqlite_url, "status", "--json")
        assert '"pending": 0' in status.stdout, "nothing was stored before the error"


def test_dask_not_installed_says_what_to_install(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    monkeypatch.setenv("MARSAD_DATABASE_URL", sqlite_url)
    monkeypatch.setattr(sys, "argv", ["marsad", "process", "--executor", "dask"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "pip install 'marsad[dask]'" in lines[0], lines


@pytest.mark.corpus
@needs_script
def test_compute_workers_on_sqlite_store_what_one_process_stores(
    corpus_inputs: list[Path], tmp_path: Path
) -> None:
    """On SQLite ``--workers 2`` keeps the batches in the driver and computes on two
    workers: everything stored, entity names too, is what one process stores."""
    runs = {}
    for name, args in (("one", ()), ("workers", ("--workers", "2"))):
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        result = marsad(url, "ingest", *args, *map(str, corpus_inputs))
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        runs[name] = (comparable(url), summary(result.stderr))
    assert len(runs["one"][0]["articles"]) == ARTICLES + 5
    assert_same(runs["workers"][0], runs["one"][0])
    assert runs["workers"][1] == runs["one"][1]


def test_the_last_batch_is_shared_between_the_workers() -> None:
    assert list(_last_split(iter([[1, 2, 3, 4], [5, 6, 7, 8, 9]]), 2)) == [
        [1, 2, 3, 4],
        [5, 6, 7],
        [8, 9],
    ]
    assert list(_last_split(iter([[1, 2, 3]]), 1)) == [[1, 2, 3]]
    assert list(_last_split(iter([[1]]), 3)) == [[1]]
    assert list(_last_split(iter([]), 2)) == []


def test_a_pool_that_never_says_a_worker_died_is_seen_broken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # CPython's executor can wait forever after a worker is killed at the wrong moment
    # (the kill test hung so once): the run looks at the workers itself.
    monkeypatch.setattr(executors, "WATCH_SECONDS", 0.01)
    pool = ProcessPool(2)

    class Dead:
        exitcode = -9

        def is_alive(self) -> bool:
            return False

    class Hung:
        _processes: ClassVar[dict[int, Dead]] = {123: Dead()}

        def shutdown(self, wait: bool, cancel_futures: bool) -> None:
            assert not wait, "a hung pool must not be waited on"

    pool._pool = Hung()  # type: ignore[assignment]
    never: Future[Any] = Future()
    assert pool._wait({never: ([1], 0)}) == (set(), True)
    pool._abandon()
    assert pool._pool is None
