"""The pipeline runner: every stage over batches of articles, one run record each.

Pending work is derived from the database, never from what a process remembers: a
stage is due on an article when it has no run there, when its run was made by
another version of the stage, when a stage it depends on ran after it, or when it
failed fewer than ``max_attempts`` times. So ``marsad ingest`` after a killed run
finishes what was left, a newly installed stage catches up on stored articles, and a
new stage version redoes what the old one made. Several processes share the work
through :mod:`marsad.core.coordination`.

A batch is processed stage by stage; each stage's work on the batch is one
transaction. A stage that implements ``process_batch`` does the whole batch in one
savepoint and a time budget for the batch; if it raises or runs out of time, the batch
is rolled back and done again one article at a time, so an article that fails is
recorded alone and the others still land. A stage that implements ``process`` runs
each article inside a savepoint and a time budget of its own. Stages that depend on a
stage that did not succeed for an article are skipped for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased, sessionmaker

from marsad.core.budget import time_budget
from marsad.core.compute import Compute
from marsad.core.coordination import Coordinator
from marsad.core.models import Article, RunStatus, StageRun, utcnow
from marsad.core.plugins import Plugins
from marsad.core.settings import Settings, SettingsError
from marsad.core.stages import ArticleRefused, Outcome, RegisteredStage, Stage, StageContext

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
    kind = "refused" if isinstance(error, ArticleRefused) else type(error).__name__
    return f"{kind}: {text[0]}" if text else kind


@dataclass(frozen=True)
class Due:
    """Which stage runs count as work to do.

    ``force``: every selected stage runs again. ``retry_failed``: failed and skipped
    runs are due however often they failed (``marsad reprocess --failed``).
    """

    force: bool = False
    retry_failed: bool = False
    max_attempts: int = 3

    def is_due(
        self,
        registered: RegisteredStage,
        article_id: int,
        runs: dict[tuple[int, str], StageRun],
    ) -> bool:
        run = runs.get((article_id, registered.name))
        if self.force or run is None or run.version != registered.stage.version:
            return True
        for dependency in registered.stage.after:
            earlier = runs.get((article_id, dependency))
            if earlier is not None and earlier.finished_at > run.finished_at:
                return True
        if run.status is RunStatus.OK:
            return False
        return self.retry_failed or run.attempts < self.max_attempts

    def condition(self, registered: RegisteredStage) -> ColumnElement[bool]:
        """SQL for "this stage is due on ``Article``", the same rule as :meth:`is_due`."""
        name, version = registered.name, registered.stage.version
        if self.force:
            return true()
        settled = StageRun.status == RunStatus.OK
        if not self.retry_failed:
            settled = or_(settled, StageRun.attempts >= self.max_attempts)
        current = exists().where(
            StageRun.article_id == Article.id,
            StageRun.stage == name,
            StageRun.version == version,
            settled,
        )
        reasons: list[ColumnElement[bool]] = [~current]
        if registered.stage.after:
            dependency = aliased(StageRun)
            reasons.append(
                exists().where(
                    StageRun.article_id == Article.id,
                    StageRun.stage == name,
                    dependency.article_id == Article.id,
                    dependency.stage.in_(registered.stage.after),
                    dependency.finished_at > StageRun.finished_at,
                )
            )
        return or_(*reasons)


class Pipeline:
    def __init__(
        self,
        plugins: Plugins,
        session_factory: sessionmaker[Session],
        settings: Settings,
        coordinator: Coordinator | None = None,
        compute: Compute | None = None,
    ) -> None:
        self.plugins = plugins
        self.session_factory = session_factory
        self.settings = settings
        self.coordinator = coordinator or Coordinator()
        self.compute = compute or Compute()
        self.stages = plugins.stages()

    def _selected(self, only: Iterable[str] | None) -> list[RegisteredStage]:
        """The stages this run takes, each having checked its settings."""
        wanted = None if only is None else set(only)  # once: ``only`` may be an iterator
        selected = [s for s in self.stages if wanted is None or s.name in wanted]
        for registered in selected:
            registered.stage.check_settings(self.settings)
        return selected

    def _due(self, force: bool, retry_failed: bool) -> Due:
        return Due(force, retry_failed, self.settings.max_attempts)

    def run(
        self,
        article_ids: Sequence[int],
        *,
        only: Iterable[str] | None = None,
        force: bool = False,
        retry_failed: bool = False,
        on_batch: Callable[[int], None] | None = None,
    ) -> PipelineReport:
        """Run the due stages (of all, or only those named) over the given articles.

        Without ``force`` only due work is done (see :class:`Due`), so calling this
        again on the same articles does nothing. Articles another process is working
        on are waited for. ``on_batch`` is called with the number of articles after
        each batch.
        """
        selected = self._selected(only)
        due = self._due(force, retry_failed)
        report = PipelineReport()
        size = self.settings.batch_size
        for begin in range(0, len(article_ids), size):
            batch = article_ids[begin : begin + size]
            with self.coordinator.claim(batch, wait=True) as claimed:
                self._run_batch(claimed, selected, due, report)
            if on_batch is not None:
                on_batch(len(batch))
        return report

    def run_pending(
        self,
        *,
        only: Iterable[str] | None = None,
        retry_failed: bool = False,
        on_batch: Callable[[int], None] | None = None,
    ) -> PipelineReport:
        """Find the due work in the whole database and do it, batch by batch.

        Articles another process holds are left to it. ``on_batch`` is called with
        the number of articles looked at after each batch.
        """
        selected = self._selected(only)
        due = self._due(False, retry_failed)
        report = PipelineReport()
        names = [registered.name for registered in selected]  # ``only`` may be an iterator
        for candidates in self.pending_batches(only=names, retry_failed=retry_failed):
            with self.coordinator.claim(candidates, wait=False) as claimed:
                if claimed:
                    self._run_batch(claimed, selected, due, report)
            if on_batch is not None:
                on_batch(len(candidates))
        return report

    def pending_batches(
        self, *, only: Iterable[str] | None = None, retry_failed: bool = False
    ) -> Iterator[list[int]]:
        """The ids of the articles with due work, a batch at a time in id order, each
        looked up when the one before is done (so work done meanwhile is not offered)."""
        query = pending_query(self._selected(only), self._due(False, retry_failed))
        after = 0
        while True:
            with self.session_factory() as session:
                batch = list(
                    session.scalars(
                        query.where(Article.id > after)
                        .order_by(Article.id)
                        .limit(self.settings.batch_size)
                    )
                )
            if not batch:
                return
            after = batch[-1]
            yield batch

    def pending_ids(
        self, *, only: Iterable[str] | None = None, retry_failed: bool = False
    ) -> set[int]:
        """The ids of every article with due work."""
        query = pending_query(self._selected(only), self._due(False, retry_failed))
        with self.session_factory() as session:
            return set(session.scalars(query))

    def count_pending(self, *, only: Iterable[str] | None = None) -> int:
        """How many articles have due work (for progress bars and ``marsad status``)."""
        selected = self._selected(only)
        query = pending_query(selected, self._due(False, False))
        with self.session_factory() as session:
            return session.scalar(select(func.count()).select_from(query.subquery())) or 0

    def _run_batch(
        self,
        ids: Sequence[int],
        selected: list[RegisteredStage],
        due: Due,
        report: PipelineReport,
    ) -> None:
        if not ids:
            return
        with self.session_factory() as session:
            runs = {
                (run.article_id, run.stage): run
                for run in session.scalars(select(StageRun).where(StageRun.article_id.in_(ids)))
            }
            touched: set[int] = set()
            for registered in selected:
                wanted = [i for i in ids if due.is_due(registered, i, runs)]
                if not wanted:
                    continue
                if registered.stage.reads_other_articles:
                    # First in the transaction: the stage reads what its other runs wrote.
                    self.coordinator.lock_stage(session, registered.name)
                articles = session.scalars(
                    select(Article).where(Article.id.in_(wanted)).order_by(Article.id)
                ).all()
                touched.update(a.id for a in articles)
                ctx = StageContext(
                    session=session,
                    settings=self.settings,
                    hook=self.plugins.hook,
                    log=logging.getLogger(f"marsad.stage.{registered.name}"),
                    pool=self.compute,
                    turns=self.coordinator.lock_stage,
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
            report.articles += len(touched)

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
        blocked = self._blocked(stage, articles, runs)
        runnable = [a for a in articles if a.id not in blocked]
        started = time.perf_counter()
        if stage.batched:
            outcomes = self._outcomes_of_batch(stage, ctx, runnable)
            # A batch stage's time is shared out evenly: it did the articles together.
            share_ms = (time.perf_counter() - started) * 1000 / max(1, len(runnable))
            durations = dict.fromkeys(outcomes, share_ms)
        else:
            outcomes, durations = self._outcomes_one_by_one(stage, ctx, runnable)

        batch_runs = []
        for article in articles:
            outcome = outcomes.get(article.id)
            status, error_text, note = RunStatus.OK, None, None
            if article.id in blocked:
                status, error_text = RunStatus.SKIPPED, blocked[article.id]
            elif isinstance(outcome, BaseException):
                status, error_text = RunStatus.FAILED, _describe(outcome)
                self._notify(
                    "marsad_on_stage_error", stage=stage, ctx=ctx, article=article, error=outcome
                )
            elif isinstance(outcome, str):
                note = outcome
            run = self._record(runs, ctx.session, article.id, registered, status, error_text)
            run.duration_ms = durations.get(article.id, 0.0)
            # Trying again cannot help a refusal, nor a skip behind a stage that will
            # not be tried again (until `reprocess --failed`, or a new run of that
            # stage, which makes this one due again).
            if isinstance(outcome, ArticleRefused) or (
                status is RunStatus.SKIPPED and self._waits_for_settled(stage, article.id, runs)
            ):
                run.attempts = max(run.attempts, self.settings.max_attempts)
            run.note = note
            batch_runs.append(run)
            report.runs[status.value] = report.runs.get(status.value, 0) + 1
            if status is RunStatus.FAILED and error_text is not None:
                report.failures.append(Failure(article.id, stage.name, error_text))
        return batch_runs

    @staticmethod
    def _blocked(
        stage: Stage, articles: Sequence[Article], runs: dict[tuple[int, str], StageRun]
    ) -> dict[int, str]:
        """Articles a stage must skip, with why: a stage it runs after did not succeed."""
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
        return blocked

    def _waits_for_settled(
        self, stage: Stage, article_id: int, runs: dict[tuple[int, str], StageRun]
    ) -> bool:
        """Whether a stage this one runs after failed on the article for good."""
        for dependency in stage.after:
            previous = runs.get((article_id, dependency))
            if (
                previous is not None
                and previous.status is not RunStatus.OK
                and previous.attempts >= self.settings.max_attempts
            ):
                return True
        return False

    def _outcomes_of_batch(
        self, stage: Stage, ctx: StageContext, articles: Sequence[Article]
    ) -> dict[int, Outcome]:
        """A batch stage on the whole batch; if it raises, on each article alone."""
        if not articles:
            return {}
        timeout = self.settings.stage_timeout
        try:
            with ctx.session.begin_nested(), time_budget(timeout * len(articles)):
                return self._complete(stage.process_batch(ctx, articles), articles)
        except SettingsError:
            raise  # the configuration is wrong, not the articles: the run stops
        except Exception:
            log.debug(
                "stage %s failed on a batch; trying its articles alone", stage.name, exc_info=True
            )
        outcomes: dict[int, Outcome] = {}
        for article in articles:
            try:
                with ctx.session.begin_nested(), time_budget(timeout):
                    outcomes.update(self._complete(stage.process_batch(ctx, [article]), [article]))
            except SettingsError:
                raise
            except Exception as error:
                log.debug("stage %s failed on article %s", stage.name, article.id, exc_info=True)
                outcomes[article.id] = error
        return outcomes

    @staticmethod
    def _complete(outcomes: dict[int, Outcome], articles: Sequence[Article]) -> dict[int, Outcome]:
        missing = [a.id for a in articles if a.id not in outcomes]
        if missing:  # a plugin's bug: say so rather than record success for nothing
            raise RuntimeError(f"process_batch gave no outcome for articles {missing[:5]}")
        return outcomes

    def _outcomes_one_by_one(
        self, stage: Stage, ctx: StageContext, articles: Sequence[Article]
    ) -> tuple[dict[int, Outcome], dict[int, float]]:
        """A one-article stage on each article, in a savepoint and a time budget each."""
        outcomes: dict[int, Outcome] = {}
        durations: dict[int, float] = {}
        try:
            with ctx.session.begin_nested():
                stage.begin_batch(ctx, articles)
        except Exception as error:
            log.exception("stage %s failed to prepare its batch", stage.name)
            return dict.fromkeys((a.id for a in articles), error), durations
        for article in articles:
            started = time.perf_counter()
            try:
                with ctx.session.begin_nested(), time_budget(self.settings.stage_timeout):
                    outcomes[article.id] = stage.process(ctx, article)
            except SettingsError:
                raise  # the configuration is wrong, not the article: the run stops
            except Exception as error:
                log.debug("stage %s failed on article %s", stage.name, article.id, exc_info=True)
                outcomes[article.id] = error
            durations[article.id] = (time.perf_counter() - started) * 1000
        return outcomes, durations

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
        elif run.version != registered.stage.version:
            run.attempts = 0  # a new version of the stage gets its own tries
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


def pending_query(selected: Sequence[RegisteredStage], due: Due) -> Select[Any]:
    """Ids of the articles on which at least one of ``selected`` is due."""
    if not selected:
        return select(Article.id).where(false())
    return select(Article.id).where(or_(*(due.condition(stage) for stage in selected)))


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
