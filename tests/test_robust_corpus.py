"""Every stage over one whole SaudiNewsNet day: no run fails but parse's refusals.

Issue 9, "No stage may crash on real text". The smallest daily dump (2015-07-23:
1,302 stored articles, 14 outlets) goes through every built-in stage on SQLite (one
database is enough: the stages are the same code on both, and a day takes a while);
every FAILED run must be a refusal that parse documents, and every article that
parse took must have an OK run of every stage. About 90 s on the shared 2-core
machine.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import corpus_path
from sqlalchemy import func, select

from marsad.core import Article
from marsad.core.application import Marsad
from marsad.core.models import RunStatus, StageRun
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

DAY = "2015-07-23.zip"  # the smallest of the ten daily zips
# What parse refuses, as it says it (plugins/parse.py): an article with nothing to read.
PARSE_REFUSALS = (
    "refused: no body text",
    "refused: no main text found in the HTML page",
    "refused: unreadable publication time",
    "refused: body of ",
    "refused: stored record is ",
)


@pytest.mark.corpus
def test_every_stage_runs_over_a_whole_saudinewsnet_day(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'day.db'}")
    app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    try:
        upgrade(app.engine)
        report = app.ingest([corpus_path("saudinewsnet", DAY)])
        assert report.stored > 1000
        app.pipeline().run(report.article_ids)
        with app.session_factory() as session:
            failed = session.execute(
                select(StageRun.article_id, StageRun.stage, StageRun.error, Article.url)
                .join(Article, Article.id == StageRun.article_id)
                .where(StageRun.status == RunStatus.FAILED)
            ).all()
            unexpected = [
                (article_id, url, stage, error)
                for article_id, stage, error, url in failed
                if stage != "parse" or not (error or "").startswith(PARSE_REFUSALS)
            ]
            assert not unexpected, unexpected
            refused = {article_id for article_id, *_ in failed}
            ok = Counter(
                dict(
                    session.execute(
                        select(StageRun.stage, func.count(StageRun.id))
                        .where(StageRun.status == RunStatus.OK)
                        .group_by(StageRun.stage)
                    ).all()
                )
            )
        stages = [registered.name for registered in app.pipeline().stages]
        assert len(stages) >= 7
        assert {stage: ok[stage] for stage in stages} == dict.fromkeys(
            stages, report.stored - len(refused)
        )
    finally:
        app.close()
