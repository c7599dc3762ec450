"""The claims report on the seeds is a test: the targets of the issue, asserted.

Gold items are located by their evidence strings (see marsad.eval.claims),
so these tests hold while parsing and normalisation change the article texts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GOLD, SEEDS
from sqlalchemy import select
from typer.testing import CliRunner

from marsad.core import Citation, Claim
from marsad.core.application import Marsad
from marsad.eval import claims as claims_eval


@pytest.fixture
def report(seeded_app: Marsad) -> claims_eval.ClaimsReport:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with seeded_app.session_factory() as session:
        return claims_eval.evaluate(session, gold)


def at_least(value: float | None, target: float) -> bool:
    return value is not None and value >= target


def test_targets_on_the_seeds(report: claims_eval.ClaimsReport) -> None:
    for category in ("quote groups", "quantities", "contradictions"):
        assert at_least(report[category].recall, 0.9), report[category].as_dict()
    assert at_least(report["contradictions"].precision, 0.9), report["contradictions"].misses
    assert report["compatible pairs"].recall == 1.0  # "at least 3" vs 4 is not flagged


def test_speakers_citations_and_aliases(report: claims_eval.ClaimsReport) -> None:
    assert at_least(report["single-source quotes"].recall, 0.75), report["single-source quotes"]
    assert at_least(report["citations"].recall, 0.8), report["citations"].misses
    assert at_least(report["entity aliases"].recall, 0.8), report["entity aliases"].misses
    assert at_least(report["entity aliases"].precision, 0.8), report["entity aliases"].misses


def test_a_wrong_link_lowers_the_score(seeded_app: Marsad) -> None:
    """The report can fail: with the contradiction links gone, recall drops to zero."""
    from marsad.core import ClaimLink, ClaimLinkKind

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with seeded_app.session_factory() as session:
        for link in session.scalars(select(ClaimLink)):
            if link.kind is ClaimLinkKind.CONTRADICTS:
                session.delete(link)
        session.flush()
        assert claims_eval.evaluate(session, gold)["contradictions"].recall == 0.0
        session.rollback()


def test_citations_are_per_claim_and_span_the_text(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        rows = list(session.scalars(select(Citation)))
        assert rows
        for row in rows:
            text = session.get_one(Claim, row.claim_id).article.text if row.claim_id else None
            assert text is not None and 0 <= row.start < row.end <= len(text)
        rt = [r for r in rows if r.source == "RT"]
        assert rt and all(r.source_kind == "site" for r in rt)
        assert {"tweet", "agency", "statement"} <= {r.source_kind for r in rows}


def test_eval_command_prints_the_table_and_json(tmp_path: Path) -> None:
    from marsad.core.cli import app, eval_app
    from marsad.eval.commands import marsad_register_commands

    marsad_register_commands(eval_cli=eval_app)
    runner = CliRunner()
    result = runner.invoke(
        app, ["eval", "claims", "--gold", str(GOLD), "--articles", str(SEEDS), "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = {s["category"]: s for s in json.loads(result.output)["scores"]}
    assert scores["quantities"]["recall"] >= 0.9
    missing = runner.invoke(app, ["eval", "claims", "--gold", str(tmp_path / "none.json")])
    assert missing.exit_code != 0
    assert "none.json" in str(missing.exception) or "none.json" in missing.output
