"""Stages that process whole batches: fast, and a bad article still fails alone.

A batch stage writes for all its articles at once; when it raises, the pipeline rolls
the batch back and runs it again one article at a time, so the good articles land and
the bad one is recorded with its own error. An article the stage refuses in its
outcomes fails alone without that retry.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from conftest import SEEDS, MakeApp, PostgresServer, require_postgres
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from marsad.core import Article, ArticleRefused, Outlet, RunStatus, Stage, StageContext, hookimpl
from marsad.core.application import Marsad
from marsad.core.coordination import STAGE_LOCKS
from marsad.core.models import StageRun
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.core.stages import Outcome, RegisteredStage, StageOrderError, order_stages


class Stamp(Stage):
    """Writes one outlet row per article in one bulk statement; raises on ``poison``
    when it is in the batch, refuses ``refused`` in its outcomes."""

    name = "stamp"
    after = ("parse",)
    version = "1.0"

    def __init__(self) -> None:
        self.poison: set[int] = set()
        self.refused: set[int] = set()
        self.calls: list[list[int]] = []

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        ids = [a.id for a in articles]
        self.calls.append(ids)
        outcomes: dict[int, Outcome] = {
            i: ArticleRefused(f"article {i} is not for stamping") for i in ids if i in self.refused
        }
        kept = [i for i in ids if i not in outcomes]
        ctx.session.add_all(Outlet(name=f"stamp-{i}") for i in kept)
        ctx.session.flush()
        if self.poison.intersection(ids):
            raise ValueError(f"cannot stamp {sorted(self.poison.intersection(ids))}")
        outcomes.update({i: f"stamped {i}" for i in kept})
        return outcomes


class StampPlugin:
    __name__ = "stamp_plugin"

    def __init__(self) -> None:
        self.stage = Stamp()

    @hookimpl
    def marsad_register_stages(self) -> list[Stage]:
        return [self.stage]


@pytest.fixture
def stamp() -> StampPlugin:
    return StampPlugin()


@pytest.fixture
def stamp_app(make_app: MakeApp, stamp: StampPlugin) -> Marsad:
    # Only parse and the stamp stage matter here.
    heavy = {"dedupe", "extract", "link", "cluster", "translate", "normalize", "search"}
    return make_app(
        extra=(stamp,),
        batch_size=10,
        disabled_plugins=frozenset(heavy),
    )


def stamp_runs(session: Session) -> dict[int, StageRun]:
    rows = session.scalars(select(StageRun).where(StageRun.stage == "stamp"))
    return {run.article_id: run for run in rows}


def stamped(session: Session) -> set[str]:
    return set(session.scalars(select(Outlet.name).where(Outlet.name.like("stamp-%"))))


def test_a_batch_is_processed_in_one_call(stamp_app: Marsad, stamp: StampPlugin) -> None:
    ids = stamp_app.ingest([SEEDS]).article_ids

    report = stamp_app.pipeline().run(ids)

    assert stamp.stage.calls == [sorted(ids)]
    assert not report.failures
    with stamp_app.session_factory() as session:
        runs = stamp_runs(session)
        assert {run.status for run in runs.values()} == {RunStatus.OK}
        assert {runs[i].note for i in ids} == {f"stamped {i}" for i in ids}
        assert stamped(session) == {f"stamp-{i}" for i in ids}


def test_a_raising_batch_is_retried_article_by_article(
    stamp_app: Marsad, stamp: StampPlugin
) -> None:
    ids = stamp_app.ingest([SEEDS]).article_ids
    bad = ids[1]
    stamp.stage.poison = {bad}

    report = stamp_app.pipeline().run(ids)

    assert stamp.stage.calls == [sorted(ids)] + [[i] for i in sorted(ids)]
    assert [(f.article_id, f.error) for f in report.failures] == [
        (bad, f"ValueError: cannot stamp [{bad}]")
    ]
    with stamp_app.session_factory() as session:
        runs = stamp_runs(session)
        assert runs[bad].status is RunStatus.FAILED
        assert runs[bad].attempts == 1  # may pass on a later try
        assert all(runs[i].status is RunStatus.OK for i in ids if i != bad)
        # The failed batch's writes were rolled back; each good article's landed once.
        assert stamped(session) == {f"stamp-{i}" for i in ids if i != bad}


def test_a_refused_article_fails_alone_without_a_retry(
    stamp_app: Marsad, stamp: StampPlugin
) -> None:
    ids = stamp_app.ingest([SEEDS]).article_ids
    refused = ids[3]
    stamp.stage.refused = {refused}

    report = stamp_app.pipeline().run(ids)

    assert stamp.stage.calls == [sorted(ids)]
    assert [f.article_id for f in report.failures] == [refused]
    with stamp_app.session_factory() as session:
        runs = stamp_runs(session)
        assert runs[refused].error == f"refused: article {refused} is not for stamping"
        assert runs[refused].attempts == stamp_app.settings.max_attempts  # not retried
        assert stamped(session) == {f"stamp-{i}" for i in ids if i != refused}


def test_an_outcome_left_out_is_a_failure_not_a_success(
    stamp_app: Marsad, stamp: StampPlugin, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = stamp_app.ingest([SEEDS]).article_ids
    forgotten = ids[0]
    process_batch = Stamp.process_batch

    def forgetful(
        self: Stamp, ctx: StageContext, articles: Sequence[Article]
    ) -> dict[int, Outcome]:
        outcomes = process_batch(self, ctx, articles)
        outcomes.pop(forgotten, None)
        return outcomes

    monkeypatch.setattr(Stamp, "process_batch", forgetful)

    report = stamp_app.pipeline().run(ids)

    assert [f.article_id for f in report.failures] == [forgotten]
    assert "no outcome" in report.failures[0].error
    with stamp_app.session_factory() as session:
        assert stamped(session) == {f"stamp-{i}" for i in ids if i != forgotten}


def test_a_stage_without_a_process_method_is_refused() -> None:
    class Empty(Stage):
        name = "empty"

    with pytest.raises(StageOrderError, match="implements neither process nor process_batch"):
        order_stages([RegisteredStage(Empty(), "somebody")])


def test_extract_run_again_waits_for_the_link_turn(postgres: PostgresServer | None) -> None:
    """A rerun of extract may drop claim links: it waits while another process links.
    (Stories do not hang on claims: only the cluster stage writes them.)"""
    url = require_postgres(postgres).create_database()
    settings = Settings(database_url=url)
    app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    upgrade(app.engine)
    ids = app.ingest([SEEDS]).article_ids
    app.pipeline().run(ids)

    done = threading.Event()

    def rerun() -> None:
        app.pipeline().run(ids, only=["extract"], force=True)
        done.set()

    with app.engine.connect() as other:  # another process's link batch
        other.execute(text("SELECT pg_advisory_lock(:ns, hashtext('link'))"), {"ns": STAGE_LOCKS})
        worker = threading.Thread(target=rerun)
        worker.start()
        assert not done.wait(2), "the rerun did not wait for the link turn"
        other.execute(text("SELECT pg_advisory_unlock(:ns, hashtext('link'))"), {"ns": STAGE_LOCKS})
        worker.join(60)
    app.close()
    assert done.is_set()
