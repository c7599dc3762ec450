"""What is done and what is left, per stage, read from the run records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from marsad.core.models import RunStatus, StageRun
from marsad.core.pipeline import Due, Pipeline, pending_query


@dataclass(frozen=True)
class StageStatus:
    stage: str
    version: str
    done: int  # succeeded at the current version (and not stale)
    pending: int  # due: never run, older version, stale, or failed with tries left
    failed: int
    skipped: int
    gave_up: int  # failed or skipped as often as allowed: only `reprocess --failed` retries


def stage_status(pipeline: Pipeline) -> list[StageStatus]:
    due = Due(max_attempts=pipeline.settings.max_attempts)
    rows = []
    with pipeline.session_factory() as session:
        for registered in pipeline.stages:
            name, version = registered.name, registered.stage.version
            pending = session.scalar(
                select(func.count()).select_from(pending_query([registered], due).subquery())
            )
            by_status: dict[RunStatus, int] = {
                status: count
                for status, count in session.execute(
                    select(StageRun.status, func.count())
                    .where(StageRun.stage == name)
                    .group_by(StageRun.status)
                )
            }
            gave_up = session.scalar(
                select(func.count()).where(
                    and_(
                        StageRun.stage == name,
                        StageRun.version == version,
                        StageRun.status != RunStatus.OK,
                        StageRun.attempts >= due.max_attempts,
                    )
                )
            )
            done = session.scalar(
                select(func.count()).where(
                    StageRun.stage == name,
                    StageRun.version == version,
                    StageRun.status == RunStatus.OK,
                )
            )
            rows.append(
                StageStatus(
                    stage=name,
                    version=version,
                    done=done or 0,
                    pending=pending or 0,
                    failed=by_status.get(RunStatus.FAILED, 0),
                    skipped=by_status.get(RunStatus.SKIPPED, 0),
                    gave_up=gave_up or 0,
                )
            )
    return rows
