"""Pending work comes from the database: what was stored but not processed, a new
stage, a new stage version, a failure with tries left; nothing else runs twice."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from conftest import SEEDS, MakeApp
from sqlalchemy import select, update

from marsad.core import (
    Article,
    ArticleRefused,
    RunStatus,
    Stage,
    StageContext,
    StageRun,
    hookimpl,
)
from marsad.core.application import Marsad
from marsad.core.ingest import store_records
from marsad.core.readers import RawRecord
from marsad.core.status import stage_status


class Counting(Stage):
    """Counts its runs per article; fails on the articles it is told to."""

    name = "counting"
    after = ("parse",)

    def __init__(self, version: str = "1", fail_on: set[int] | None = None) -> None:
        self.version = version  # type: ignore[misc]
        self.fail_on = fail_on or set()
        self.calls: list[int] = []

    def process(self, ctx: StageContext, article: Article) -> None:
        self.calls.append(article.id)
        if article.id in self.fail_on:
            raise RuntimeError(f"cannot count article {article.id}")


class Plugin:
    def __init__(self, *stages: Stage) -> None:
        self.stages = list(stages)

    @hookimpl
    def marsad_register_stages(self) -> list[Stage]:
        return self.stages


def runs(app: Marsad, stage: str) -> dict[int, StageRun]:
    with app.session_factory() as session:
        rows = session.scalars(select(StageRun).where(StageRun.stage == stage))
        return {run.article_id: run for run in rows}


def stored_seeds(app: Marsad) -> list[int]:
    report = app.ingest([SEEDS])
    assert report.stored == 5
    return report.article_ids


def test_stored_but_unprocessed_articles_are_pending_and_processed_once(app: Marsad) -> None:
    ids = stored_seeds(app)  # stored only, as a killed ingest leaves them
    pipeline = app.pipeline()
    assert pipeline.count_pending() == 5

    report = pipeline.run_pending()
    assert report.articles == 5 and not report.failures
    assert pipeline.count_pending() == 0
    assert set(runs(app, "translate")) == set(ids)
    assert {run.note for run in runs(app, "parse").values()} == {"read as utf-8"}
    finished = {i: run.finished_at for i, run in runs(app, "extract").items()}

    again = pipeline.run_pending()
    assert again.articles == 0 and again.runs == {}
    assert app.pipeline().run(ids).runs == {}  # explicit ids: still only due work
    assert {i: run.finished_at for i, run in runs(app, "extract").items()} == finished


def test_a_new_stage_catches_up_on_stored_articles(make_app: MakeApp) -> None:
    first = make_app()
    ids = stored_seeds(first)
    first.pipeline().run_pending()
    counting = Counting()
    second = make_app(extra=(Plugin(counting),))

    assert second.pipeline().count_pending() == 5
    report = second.pipeline().run_pending()
    assert sorted(counting.calls) == sorted(ids)
    assert report.runs == {"ok": 5}  # nothing else ran again


def test_a_new_stage_version_redoes_its_work_and_what_depends_on_it(make_app: MakeApp) -> None:
    class After(Stage):
        name = "after_counting"
        after = ("counting",)

        def process(self, ctx: StageContext, article: Article) -> None:
            pass

    old = make_app(extra=(Plugin(Counting("1"), After()),))
    stored_seeds(old)
    old.pipeline().run_pending()
    before = runs(old, "after_counting")

    new_counting = Counting("2")
    new = make_app(extra=(Plugin(new_counting, After()),))
    report = new.pipeline().run_pending()
    assert len(new_counting.calls) == 5
    assert report.runs == {"ok": 10}  # counting and after_counting, nothing else
    after = runs(new, "after_counting")
    assert all(after[i].finished_at > before[i].finished_at for i in before)
    assert {run.version for run in runs(new, "counting").values()} == {"2"}


def test_failures_are_retried_until_max_attempts_then_left_for_reprocess_failed(
    make_app: MakeApp,
) -> None:
    first = make_app()
    ids = stored_seeds(first)
    bad = ids[2]
    counting = Counting(fail_on={bad})
    app = make_app(extra=(Plugin(counting),), max_attempts=2)
    pipeline = app.pipeline()

    assert len(pipeline.run_pending().failures) == 1
    assert len(pipeline.run_pending().failures) == 1  # second try
    assert pipeline.run_pending().runs == {}  # gave up: no third automatic try
    assert counting.calls.count(bad) == 2
    (row,) = [r for r in stage_status(pipeline) if r.stage == "counting"]
    assert (row.done, row.failed, row.gave_up, row.pending) == (4, 1, 1, 0)

    counting.fail_on.clear()
    report = pipeline.run(ids, retry_failed=True)  # marsad reprocess --failed
    assert report.runs == {"ok": 1}
    assert runs(app, "counting")[bad].status is RunStatus.OK


def test_a_stage_over_its_time_budget_fails_alone(make_app: MakeApp) -> None:
    class Slow(Stage):
        name = "slow"
        after = ("parse",)

        def __init__(self) -> None:
            self.slow_on: int | None = None

        def process(self, ctx: StageContext, article: Article) -> None:
            if article.id == self.slow_on:
                time.sleep(5)

    slow = Slow()
    app = make_app(extra=(Plugin(slow),), stage_timeout=0.5)
    ids = stored_seeds(app)
    slow.slow_on = ids[1]
    started = time.monotonic()
    report = app.pipeline().run_pending()
    assert time.monotonic() - started < 30
    (failure,) = report.failures
    assert failure.article_id == ids[1] and failure.stage == "slow"
    assert "time budget of 0.5 s" in failure.error
    assert {i for i, run in runs(app, "slow").items() if run.status is RunStatus.OK} == set(ids) - {
        ids[1]
    }


def test_storing_the_same_inputs_twice_at_once_stores_each_once(app: Marsad) -> None:
    records = [RawRecord(f"نص {n}".encode(), "text/plain", f"r{n}") for n in range(3)]
    with app.write_session_factory() as first:
        created = store_records(first, records)
        assert all(article is not None for article in created)
        first.commit()
    with app.write_session_factory() as second:  # what a concurrent process would do
        again = store_records(second, [*records, records[0]])
        second.commit()
    assert again == [None] * 4
    with app.session_factory() as session:
        assert len(session.scalars(select(Article.id)).all()) == 3


def test_a_stage_that_ran_again_makes_its_dependents_pending(app: Marsad) -> None:
    # A run killed after parse ran again and before the stages after it did.
    ids = stored_seeds(app)
    app.pipeline().run_pending()
    with app.write_session_factory() as session:
        session.execute(
            update(StageRun)
            .where(StageRun.article_id == ids[0], StageRun.stage == "parse")
            .values(finished_at=datetime.now(UTC))
        )
        session.commit()
    pipeline = app.pipeline()
    assert pipeline.count_pending() == 1
    report = pipeline.run_pending()
    assert report.articles == 1
    assert report.count(RunStatus.OK) == len(pipeline.stages) - 1  # all but parse
    assert pipeline.count_pending() == 0


@pytest.mark.parametrize("stage", ["parse", "extract"])
def test_a_second_process_finds_nothing_due_after_the_first(app: Marsad, stage: str) -> None:
    # Two pipelines over the same articles (two processes): the claim keeps the
    # second from redoing what the first did, whatever the database.
    ids = stored_seeds(app)
    first, second = app.pipeline(), Marsad(app.settings, plugins=app.plugins).pipeline()
    try:
        first.run(ids)
        assert second.run(ids).runs == {}
    finally:
        second.coordinator.close()
    attempts = {run.attempts for run in runs(app, stage).values()}
    assert attempts == {1}


def test_pipelines_on_several_threads_of_one_application(app: Marsad) -> None:
    # The API processes each submitted article on a worker thread of its own.
    ids = stored_seeds(app)
    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(lambda i: app.pipeline().run([i]), ids))
    assert all(not report.failures for report in reports)
    assert set(runs(app, "translate")) == set(ids)


def test_a_refused_article_is_not_retried_until_reprocess_failed(make_app: MakeApp) -> None:
    class Refusing(Stage):
        name = "refusing"
        after = ("parse",)

        def __init__(self) -> None:
            self.calls: list[int] = []

        def process(self, ctx: StageContext, article: Article) -> None:
            self.calls.append(article.id)
            raise ArticleRefused(f"article {article.id} is over a limit")

    class Downstream(Stage):
        name = "downstream"
        after = ("refusing",)

        def process(self, ctx: StageContext, article: Article) -> None:
            raise AssertionError("a stage after a refused one must not run")

    refusing = Refusing()
    app = make_app(extra=(Plugin(refusing, Downstream()),))
    ids = stored_seeds(app)
    first = app.pipeline().run_pending()
    assert {f.error for f in first.failures} == {
        f"refused: article {i} is over a limit" for i in ids
    }
    assert first.count(RunStatus.SKIPPED) == 5  # downstream, once
    # Retrying cannot help: neither the refused stage nor those after it are due.
    assert app.pipeline().run_pending().runs == {}
    assert len(refusing.calls) == 5
    rows = {r.stage: r for r in stage_status(app.pipeline())}
    assert (rows["refusing"].failed, rows["refusing"].gave_up, rows["refusing"].pending) == (
        5,
        5,
        0,
    )
    assert rows["downstream"].pending == 0
    app.pipeline().run(ids, retry_failed=True)  # marsad reprocess --failed
    assert len(refusing.calls) == 10
