"""The plugin in the pipeline, its table and its GraphQL field, through marsad's own
test fixtures (``marsad_app``, ``marsad_run``, ``marsad_graphql``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from marsad_checkworthy.models import ClaimScore
from sqlalchemy import select

from marsad.core import Settings
from marsad.core.application import Marsad

REPORT = (
    "قال رئيس الوزراء مصطفى الكاظمي إن ثلاثة صواريخ سقطت على المنطقة الخضراء، "
    "ولم تسجل أي إصابات. وأضاف أن الهجوم هو الأعنف منذ أشهر."
)
CLAIMS = """{ claims(first: 50) { edges { node { text checkWorthiness {
    score worthy reasons } } } } }"""


def scores(app: Marsad) -> list[ClaimScore]:
    with app.session_factory() as session:
        return list(session.scalars(select(ClaimScore).order_by(ClaimScore.claim_id)))


def test_every_claim_is_scored_with_its_reasons(
    marsad_app: Marsad, marsad_run: Callable[..., list[int]]
) -> None:
    marsad_run({"title": "صواريخ على بغداد", "text": REPORT})
    stored = scores(marsad_app)
    assert stored, "the stage stored no score"
    figures = [row for row in stored if any(r.startswith("figure: 3") for r in row.reasons)]
    assert figures and all(0 < row.score <= 1 for row in stored)


def test_a_rerun_replaces_the_scores(
    marsad_app: Marsad, marsad_run: Callable[..., list[int]]
) -> None:
    [article_id] = marsad_run(REPORT)
    before = [(row.claim_id, row.score) for row in scores(marsad_app)]
    marsad_app.pipeline().run([article_id], only={"checkworthy"}, force=True)
    assert [(row.claim_id, row.score) for row in scores(marsad_app)] == before


def test_claims_show_their_check_worthiness_in_graphql(
    marsad_run: Callable[..., list[int]], marsad_graphql: Callable[..., dict[str, Any]]
) -> None:
    marsad_run(REPORT)
    nodes = [edge["node"] for edge in marsad_graphql(CLAIMS)["claims"]["edges"]]
    assert nodes and all(node["checkWorthiness"] is not None for node in nodes)
    figure = next(n for n in nodes if any("figure" in r for r in n["checkWorthiness"]["reasons"]))
    assert figure["checkWorthiness"]["score"] >= 0.35


@pytest.fixture
def marsad_settings(marsad_settings: Settings) -> Settings:
    # marsad's settings for tests, with a threshold at which any cue is check-worthy.
    return replace(marsad_settings, environment={"MARSAD_CHECKWORTHY_THRESHOLD": "0.1"})


def test_the_threshold_is_a_setting(
    marsad_app: Marsad, marsad_run: Callable[..., list[int]]
) -> None:
    marsad_run(REPORT)
    assert all(row.worthy == (row.score >= 0.1) for row in scores(marsad_app))
    assert any(row.worthy and row.score < 0.5 for row in scores(marsad_app))
