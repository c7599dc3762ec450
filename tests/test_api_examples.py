"""Every query in examples/queries runs against the processed seeds without errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_client import ApiClient, add_claims
from conftest import ROOT

from marsad.core.application import Marsad

QUERIES = sorted((ROOT / "examples" / "queries").glob("*.graphql"))


def test_there_are_example_queries() -> None:
    assert len(QUERIES) >= 4


@pytest.mark.parametrize("path", QUERIES, ids=[path.stem for path in QUERIES])
def test_example_query_runs(seeded_app: Marsad, path: Path) -> None:
    add_claims(seeded_app)
    data = ApiClient(seeded_app).data(path.read_text(encoding="utf-8"))
    assert data and all(value is not None for value in data.values())


def test_story_disputes_answer_three_rockets_or_four(seeded_app: Marsad) -> None:
    query = (ROOT / "examples" / "queries" / "story_disputes.graphql").read_text(encoding="utf-8")
    data = ApiClient(seeded_app).data(query)
    disputes = {
        dispute["slot"]: {value["value"]: value for value in dispute["values"]}
        for edge in data["stories"]["edges"]
        for dispute in edge["node"]["disputes"]
    }
    rockets = disputes["unit:صاروخ"]
    assert {"3 صاروخ (exact)", "4 صاروخ (exact)", "2 صاروخ (exact)"} <= set(rockets)
    assert rockets["3 صاروخ (exact)"]["outlets"] == ["الخليج الجديد"]
    assert "RT" in rockets["4 صاروخ (exact)"]["citedSources"]
