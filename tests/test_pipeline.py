"""The pipeline runner: failures stay with their article, observers observe, runs are recorded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from conftest import SEEDS, MakeApp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marsad.core import Article, Outlet, RunStatus, Stage, StageContext, StageRun, hookimpl
from marsad.core.application import Marsad
from marsad.core.pipeline import articles_to_reprocess
from marsad.core.stages import downstream_of


class Boom(Stage):
    """Writes a row and a field for every article; fails on the ones it is told to."""

    name = "boom"
    after = ("parse",)
    version = "7.1"

    def __init__(self, plugin: BoomPlugin) -> None:
        self.plugin = plugin

    def process(self, ctx: StageContext, article: Article) -> None:
        # A table no built-in stage rewrites, so what is there afterwards is boom's.
        ctx.session.add(Outlet(name=f"boom-{article.id}"))
        article.extra = {**article.extra, "boom": self.version}
        ctx.session.flush()
        if article.id in self.plugin.fail_on:
            raise ValueError(f"cannot handle article {article.id}\nsecond line of detail")


class AfterBoom(Stage):
    name = "after_boom"
    after = ("boom",)
    version = "0.2"

    def process(self, ctx: StageContext, article: Article) -> None:
        article.extra = {**article.extra, "after_boom": True}


class BoomPlugin:
    """A plugin object with two stages and the three lifecycle hooks, recording calls."""

    __name__ = "boom_plugin"

    def __init__(self) -> None:
        self.fail_on: set[int] = set()
        self.before: list[tuple[str, list[int]]] = []
        self.after: list[tuple[str, list[int], list[tuple[int, RunStatus]]]] = []
        self.errors: list[tuple[str, int, BaseException]] = []
        self.after_stage_checks: list[tuple[str, int, int]] = []
        self.other_session: Any = None

    @hookimpl
    def marsad_register_stages(self) -> list[Stage]:
        return [Boom(self), AfterBoom()]

    @hookimpl
    def marsad_before_stage(
        self, stage: Stage, ctx: StageContext, articles: Sequence[Article]
    ) -> None:
        assert isinstance(ctx, StageContext)
        self.before.append((stage.name, [article.id for article in articles]))

    @hookimpl
    def marsad_after_stage(
        self,
        stage: Stage,
        ctx: StageContext,
        articles: Sequence[Article],
        runs: Sequence[StageRun],
    ) -> None:
        self.after.append(
            (stage.name, [a.id for a in articles], [(r.article_id, r.status) for r in runs])
        )
        if stage.name == "boom" and self.other_session is not None:
            # Flushed in the batch's transaction, not yet visible to anyone else.
            inside = ctx.session.scalar(
                select(func.count(StageRun.id)).where(StageRun.stage == "boom")
            )
            with self.other_session() as other:
                outside = other.scalar(
                    select(func.count(StageRun.id)).where(StageRun.stage == "boom")
                )
            self.after_stage_checks.append((stage.name, inside or 0, outside or 0))

    @hookimpl
    def marsad_on_stage_error(
        self, stage: Stage, ctx: StageContext, article: Article, error: BaseException
    ) -> None:
        self.errors.append((stage.name, article.id, error))


class NoisyObserver:
    """Every lifecycle hook raises: the pipeline and the other observers must not notice."""

    __name__ = "noisy"

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl
    def marsad_before_stage(self, stage: Stage) -> None:
        self.calls += 1
        raise RuntimeError("observer broke before")

    @hookimpl
    def marsad_after_stage(self, stage: Stage) -> None:
        self.calls += 1
        raise RuntimeError("observer broke after")

    @hookimpl
    def marsad_on_stage_error(self, stage: Stage) -> None:
        self.calls += 1
        raise RuntimeError("observer broke on error")


def runs_of(session: Session, stage: str) -> dict[int, StageRun]:
    return {
        run.article_id: run
        for run in session.scalars(select(StageRun).where(StageRun.stage == stage))
    }


@pytest.fixture
def boom() -> BoomPlugin:
    return BoomPlugin()


@pytest.fixture
def boom_app(make_app: MakeApp, boom: BoomPlugin) -> Marsad:
    return make_app(extra=(boom,))


def ingest_seeds(app: Marsad) -> list[int]:
    report = app.ingest([SEEDS])
    assert report.stored == 5
    return report.article_ids


def test_a_failing_article_is_recorded_and_the_rest_goes_on(
    boom_app: Marsad, boom: BoomPlugin
) -> None:
    ids = ingest_seeds(boom_app)
    bad = ids[2]
    boom.fail_on = {bad}

    report = boom_app.pipeline().run(ids)

    assert [(f.article_id, f.stage) for f in report.failures] == [(bad, "boom")]
    assert report.failures[0].error == f"ValueError: cannot handle article {bad}"
    assert report.count(RunStatus.FAILED) == 1
    assert report.count(RunStatus.SKIPPED) == 1
    with boom_app.session_factory() as session:
        boom_runs = runs_of(session, "boom")
        assert boom_runs[bad].status is RunStatus.FAILED
        assert boom_runs[bad].error == f"ValueError: cannot handle article {bad}"
        assert "\n" not in (boom_runs[bad].error or "")
        dependent = runs_of(session, "after_boom")
        assert dependent[bad].status is RunStatus.SKIPPED
        assert "boom" in (dependent[bad].error or "")
        for article_id in ids:
            if article_id != bad:
                assert boom_runs[article_id].status is RunStatus.OK
                assert boom_runs[article_id].error is None
                assert dependent[article_id].status is RunStatus.OK
        # Built-in stages do not depend on boom: they succeeded for every article.
        for stage in ("parse", "normalize", "extract", "translate"):
            assert {run.status for run in runs_of(session, stage).values()} == {RunStatus.OK}

        # The failing article's partial work was rolled back; the others' was stored.
        rows = session.scalars(select(Outlet.name).where(Outlet.name.like("boom-%")))
        assert sorted(rows) == sorted(f"boom-{i}" for i in set(ids) - {bad})
        for article in session.scalars(select(Article).where(Article.id.in_(ids))):
            if article.id == bad:
                assert "boom" not in article.extra
                assert "after_boom" not in article.extra
                assert article.title  # parse's work for it is kept
            else:
                assert article.extra["boom"] == "7.1"
                assert article.extra["after_boom"] is True


def test_lifecycle_hooks_get_the_right_arguments(make_app: MakeApp, boom: BoomPlugin) -> None:
    app = make_app(extra=(boom,), batch_size=2)
    ids = ingest_seeds(app)
    bad = ids[3]
    boom.fail_on = {bad}
    stage_names = [registered.name for registered in app.pipeline().stages]

    app.pipeline().run(ids)

    batches = [ids[0:2], ids[2:4], ids[4:5]]
    assert boom.before == [(name, batch) for batch in batches for name in stage_names]
    assert [(name, batch) for name, batch, _runs in boom.after] == boom.before
    after_boom = [runs for name, _batch, runs in boom.after if name == "boom"]
    assert after_boom[1] == [(ids[2], RunStatus.OK), (bad, RunStatus.FAILED)]
    assert [(stage, article_id) for stage, article_id, _error in boom.errors] == [("boom", bad)]
    error = boom.errors[0][2]
    assert isinstance(error, ValueError)
    assert f"article {bad}" in str(error)


def test_observer_exceptions_do_not_stop_the_pipeline_or_other_observers(
    make_app: MakeApp, boom: BoomPlugin
) -> None:
    noisy = NoisyObserver()
    # pluggy calls the last registered first: the noisy one runs before the recorder.
    app = make_app(extra=(boom, noisy))
    ids = ingest_seeds(app)
    boom.fail_on = {ids[0]}

    report = app.pipeline().run(ids)

    stages = len(app.pipeline().stages)
    assert noisy.calls == 2 * stages + 1
    assert len(boom.before) == stages
    assert len(boom.after) == stages
    assert [(stage, article_id) for stage, article_id, _ in boom.errors] == [("boom", ids[0])]
    assert [(f.article_id, f.stage) for f in report.failures] == [(ids[0], "boom")]
    assert report.count(RunStatus.OK) == stages * len(ids) - 2


def test_reprocess_failed_after_a_fix(boom_app: Marsad, boom: BoomPlugin) -> None:
    ids = ingest_seeds(boom_app)
    bad = ids[1]
    boom.fail_on = {bad}
    pipeline = boom_app.pipeline()
    pipeline.run(ids)

    with boom_app.session_factory() as session:
        assert articles_to_reprocess(session, failed_only=True) == [bad]
        assert articles_to_reprocess(session, failed_only=True, stages=["parse"]) == []
        assert articles_to_reprocess(session, failed_only=True, stages=["after_boom"]) == [bad]
        assert articles_to_reprocess(session, failed_only=False) == sorted(ids)

    boom.fail_on = set()
    only = downstream_of(["boom"], pipeline.stages)
    assert only == {"boom", "after_boom"}
    with boom_app.session_factory() as session:
        again = articles_to_reprocess(session, failed_only=True, stages=only)
    # ``only`` may be any iterable, a generator included.
    report = pipeline.run(again, only=(name for name in sorted(only)))

    assert not report.failures
    assert report.runs == {RunStatus.OK.value: 2}
    with boom_app.session_factory() as session:
        assert articles_to_reprocess(session, failed_only=True) == []
        boom_runs = runs_of(session, "boom")
        assert boom_runs[bad].status is RunStatus.OK
        assert boom_runs[bad].error is None
        assert boom_runs[bad].attempts == 2
        assert runs_of(session, "after_boom")[bad].attempts == 2
        assert runs_of(session, "after_boom")[bad].status is RunStatus.OK
        assert all(boom_runs[i].attempts == 1 for i in ids if i != bad)
        assert runs_of(session, "parse")[bad].attempts == 1
        article = session.get(Article, bad)
        assert article is not None and article.extra["after_boom"] is True
        # Repeating a stage replaces nothing twice: one run record per article and stage.
        assert session.scalar(select(func.count(StageRun.id))) == len(ids) * len(pipeline.stages)


def test_runs_record_plugin_and_stage_version(boom_app: Marsad) -> None:
    ids = ingest_seeds(boom_app)
    pipeline = boom_app.pipeline()
    pipeline.run(ids)
    versions = {r.name: (r.plugin, r.stage.version) for r in pipeline.stages}
    assert versions["boom"] == ("boom_plugin", "7.1")
    assert versions["after_boom"] == ("boom_plugin", "0.2")
    with boom_app.session_factory() as session:
        for run in session.scalars(select(StageRun)):
            assert (run.plugin, run.version) == versions[run.stage]
            assert run.status is RunStatus.OK
            assert run.duration_ms >= 0
            assert run.finished_at is not None
            assert run.attempts == 1


def test_each_stage_batch_is_one_transaction(boom_app: Marsad, boom: BoomPlugin) -> None:
    ids = ingest_seeds(boom_app)
    boom.other_session = boom_app.session_factory
    boom_app.pipeline().run(ids)
    # In marsad_after_stage the batch's runs are flushed but not committed.
    assert boom.after_stage_checks == [("boom", len(ids), 0)]
    with boom_app.session_factory() as session:
        assert len(runs_of(session, "boom")) == len(ids)


class BrokenBatch(Stage):
    name = "broken_batch"
    after = ("parse",)

    def begin_batch(self, ctx: StageContext, articles: Sequence[Article]) -> None:
        raise OSError("index unavailable")

    def process(self, ctx: StageContext, article: Article) -> None:
        raise AssertionError("never called when the batch could not be prepared")


class BrokenBatchPlugin:
    __name__ = "broken_batch_plugin"

    @hookimpl
    def marsad_register_stages(self) -> list[Stage]:
        return [BrokenBatch()]


def test_a_batch_that_cannot_be_prepared_fails_its_articles_only(make_app: MakeApp) -> None:
    app = make_app(extra=(BrokenBatchPlugin(),))
    ids = ingest_seeds(app)
    report = app.pipeline().run(ids)
    assert {(f.stage, f.error) for f in report.failures} == {
        ("broken_batch", "OSError: index unavailable")
    }
    assert len(report.failures) == len(ids)
    with app.session_factory() as session:
        assert {r.status for r in runs_of(session, "broken_batch").values()} == {RunStatus.FAILED}
        assert {r.status for r in runs_of(session, "translate").values()} == {RunStatus.OK}


def test_running_only_a_downstream_stage_uses_earlier_runs(
    boom_app: Marsad, boom: BoomPlugin
) -> None:
    ids = ingest_seeds(boom_app)
    pipeline = boom_app.pipeline()
    report = pipeline.run(ids, only=["after_boom"])
    # boom has never run: after_boom is skipped for every article, saying why.
    assert report.runs == {RunStatus.SKIPPED.value: len(ids)}
    with boom_app.session_factory() as session:
        for run in runs_of(session, "after_boom").values():
            assert run.error is not None and "boom" in run.error and "not run" in run.error
    pipeline.run(ids, only=["parse", "boom"])
    report = pipeline.run(ids, only=["after_boom"])
    assert report.runs == {RunStatus.OK.value: len(ids)}
