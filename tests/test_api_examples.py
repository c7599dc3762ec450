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


def test_story_timeline_says_who_reported_each_rocket_figure_first(seeded_app: Marsad) -> None:
    query = (ROOT / "examples" / "queries" / "story_timeline.graphql").read_text(encoding="utf-8")
    data = ApiClient(seeded_app).data(query)
    slots = [slot for edge in data["stories"]["edges"] for slot in edge["node"]["timeline"]]
    (slot,) = [slot for slot in slots if slot["slot"] == "unit:صاروخ"]
    rockets = {value["value"]: value for value in slot["values"]}
    three = rockets["3 صاروخ (exact)"]
    assert (three["firstOutlet"], three["firstReportedAt"]) == (
        "الخليج الجديد",
        "2021-02-24T03:34:00+00:00",
    )
    assert [report["repeats"] for report in three["reports"]] == [False, True]
