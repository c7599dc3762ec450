"""The pipeline runner: every stage over batches of articles, one run record each.

A batch is processed stage by stage; each stage's work on the batch is one
transaction. Each article runs inside a savepoint, so an exception rolls back that
article's work for that stage alone, is recorded, and the batch goes on. Stages that
depend on a stage that did not succeed for an article are skipped for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from marsad.core.models import Article, RunStatus, StageRun, utcnow
from marsad.core.plugins import Plugins
from marsad.core.settings import Settings
from marsad.core.stages import RegisteredStage, StageContext

log = logging.getLogger(__name__)


@dataclass
class Failure:
    article_id: int
    stage: str
    error: str


@dataclass
class PipelineReport:
    articles: int = 0
    runs: dict[str, int] = field(default_factory=dict)  # status value -> count
    failures: list[Failure] = field(default_factory=list)

    def count(self, status: RunStatus) -> int:
        return self.runs.get(status.value, 0)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


class Pipeline:
    def __init__(
        self, plugins: Plugins, session_factory: sessionmaker[Session], settings: Settings
    ) -> None:
        self.plugins = plugins
        self.session_factory = session_factory
        self.settings = settings
        self.stages = plugins.stages()

    def run(
        self,
        article_ids: Sequence[int],
        *,
        only: Iterable[str] | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> PipelineReport:
        """Run the stages (all, or only those named) over the articles, in batches.

        ``on_batch`` is called with the number of articles after each batch.
        """
        wanted = None if only is None else set(only)  # once: ``only`` may be an iterator
        selected = [s for s in self.stages if wanted is None or s.name in wanted]
        report = PipelineReport(articles=len(article_ids))
        size = max(1, self.settings.batch_size)
        for begin in range(0, len(article_ids), size):
            batch = list(article_ids[begin : begin + size])
            self._run_batch(batch, selected, report)
            if on_batch is not None:
                on_batch(len(batch))
        return report

    def _run_batch(
        self, ids: list[int], selected: list[RegisteredStage], report: PipelineReport
    ) -> None:
        with self.session_factory() as session:
            runs = {
                (run.article_id, run.stage): run
                for run in session.scalars(select(StageRun).where(StageRun.article_id.in_(ids)))
            }
            for registered in selected:
                articles = session.scalars(
                    select(Article).where(Article.id.in_(ids)).order_by(Article.id)
                ).all()
                ctx = StageContext(
                    session=session,
                    settings=self.settings,
                    hook=self.plugins.hook,
                    log=logging.getLogger(f"marsad.stage.{registered.name}"),
                )
                batch_runs = self._run_stage(registered, ctx, articles, runs, report)
                session.flush()
                self._notify(
                    "marsad_after_stage",
                    stage=registered.stage,
                    ctx=ctx,
                    articles=articles,
                    runs=batch_runs,
                )
                session.commit()

    def _run_stage(
        self,
        registered: RegisteredStage,
        ctx: StageContext,
        articles: Sequence[Article],
        runs: dict[tuple[int, str], StageRun],
        report: PipelineReport,
    ) -> list[StageRun]:
        stage = registered.stage
        self._notify("marsad_before_stage", stage=stage, ctx=ctx, articles=articles)

        blocked: dict[int, str] = {}
        for article in articles:
            for dependency in stage.after:
                previous = runs.get((article.id, dependency))
                if previous is None:
                    blocked[article.id] = f"skipped: stage {dependency!r} has not run"
                elif previous.status is not RunStatus.OK:
                    blocked[article.id] = f"skipped: stage {dependency!r} {previous.status.value}"
                if article.id in blocked:
                    break

        runnable = [a for a in articles if a.id not in blocked]
        batch_error: str | None = None
        try:
            with ctx.session.begin_nested():
                stage.begin_batch(ctx, runnable)
        except Exception as error:
            log.exception("stage %s failed to prepare its batch", stage.name)
            batch_error = _describe(error)

        batch_runs = []
        for article in articles:
            started = time.perf_counter()
            status, error_text = RunStatus.OK, blocked.get(article.id) or batch_error
            if article.id in blocked:
                status = RunStatus.SKIPPED
            elif batch_error is not None:
                status = RunStatus.FAILED
            else:
                try:
                    with ctx.session.begin_nested():
                        stage.process(ctx, article)
                except Exception as error:
                    log.debug(
                        "stage %s failed on article %s", stage.name, article.id, exc_info=True
                    )
                    status, error_text = RunStatus.FAILED, _describe(error)
                    self._notify(
                        "marsad_on_stage_error", stage=stage, ctx=ctx, article=article, error=error
                    )
            duration_ms = (time.perf_counter() - started) * 1000
            run = self._record(runs, ctx.session, article.id, registered, status, error_text)
            run.duration_ms = duration_ms
            batch_runs.append(run)
            report.runs[status.value] = report.runs.get(status.value, 0) + 1
            if status is RunStatus.FAILED and error_text is not None:
                report.failures.append(Failure(article.id, stage.name, error_text))
        return batch_runs

    @staticmethod
    def _record(
        runs: dict[tuple[int, str], StageRun],
        session: Session,
        article_id: int,
        registered: RegisteredStage,
        status: RunStatus,
        error: str | None,
    ) -> StageRun:
        run = runs.get((article_id, registered.name))
        if run is None:
            run = StageRun(article_id=article_id, stage=registered.name, attempts=0)
            session.add(run)
            runs[(article_id, registered.name)] = run
        run.plugin = registered.plugin
        run.version = registered.stage.version
        run.status = status
        run.error = error
        run.attempts += 1
        run.finished_at = utcnow()
        return run

    def _notify(self, hook_name: str, **kwargs: object) -> None:
        # Observers must not break the pipeline nor keep the others from being called
        # (pluggy stops at the first exception), so each is called on its own.
        caller = getattr(self.plugins.hook, hook_name)
        impls = caller.get_hookimpls()
        if any(impl.hookwrapper or impl.wrapper for impl in impls):
            try:  # wrappers need pluggy's own call loop
                caller(**kwargs)
            except Exception:
                log.exception("a %s hook implementation failed", hook_name)
            return
        for impl in reversed(impls):  # pluggy's order: last registered first
            try:
                impl.function(*(kwargs[name] for name in impl.argnames))
            except Exception:
                log.exception("plugin %r failed in %s", impl.plugin_name, hook_name)


def articles_to_reprocess(
    session: Session, *, failed_only: bool, stages: Iterable[str] | None = None
) -> list[int]:
    """Ids of the articles to run again: all, or those with a failed or skipped run."""
    if not failed_only:
        return list(session.scalars(select(Article.id).order_by(Article.id)))
    query = select(StageRun.article_id).where(StageRun.status != RunStatus.OK)
    if stages is not None:
        query = query.where(StageRun.stage.in_(list(stages)))
    return sorted(set(session.scalars(query)))
