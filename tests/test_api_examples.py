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
    disputes = [d for edge in data["stories"]["edges"] for d in edge["node"]["disputes"]]
    by_label = {d["slot"]["label"]: {v["label"]: v for v in d["values"]} for d in disputes}
    rockets = by_label["عدد الصواريخ في المنطقة الخضراء"]
    assert set(rockets) >= {"2", "3", "3 على الأقل", "4"}
    assert (rockets["4"]["value"], rockets["4"]["qualifier"]) == (4.0, "EXACT")
    assert rockets["3 على الأقل"]["qualifier"] == "AT_LEAST"
    assert [o["name"] for o in rockets["3"]["outlets"]] == ["الخليج الجديد", None]
    assert "RT" in rockets["4"]["citedSources"]
    # an article without an outlet says so, and which article it is
    [unknown] = rockets["4"]["outlets"]
    assert unknown["known"] is False and unknown["article"]["title"]
    assert unknown["source"].endswith(".txt") and "seeds" in unknown["source"]
    # injuries at two sites are two disputes, each with an identity of its own
    assert set(by_label["عدد المصابين في قاعدة بلد"]) == {"1", "2"}
    assert set(by_label["عدد المصابين في المنطقة الخضراء"]) == {"عدد غير محدد", "لا شيء"}
    keys = [d["slot"]["key"] for d in disputes]
    assert len(keys) == len(set(keys)) == len(by_label)


def test_dispute_labels_in_english_and_an_unknown_language(seeded_app: Marsad) -> None:
    query = (ROOT / "examples" / "queries" / "story_disputes.graphql").read_text(encoding="utf-8")
    api = ApiClient(seeded_app)
    data = api.data(query, {"language": "EN"})
    disputes = [d for edge in data["stories"]["edges"] for d in edge["node"]["disputes"]]
    labels = {d["slot"]["label"]: {v["label"] for v in d["values"]} for d in disputes}
    assert {"2", "3", "at least 3", "4"} <= labels["Number of rockets at the Green Zone"]
    assert labels["Number of injured at the Green Zone"] == {"some", "none"}
    assert "labels are written in ar and en, not 'fr'" in api.error(query, {"language": "fr"})


def test_story_timeline_says_who_reported_each_rocket_figure_first(seeded_app: Marsad) -> None:
    query = (ROOT / "examples" / "queries" / "story_timeline.graphql").read_text(encoding="utf-8")
    data = ApiClient(seeded_app).data(query)
    slots = [slot for edge in data["stories"]["edges"] for slot in edge["node"]["timeline"]]
    (slot,) = [slot for slot in slots if slot["slot"]["label"].startswith("عدد الصواريخ")]
    rockets = {value["label"]: value for value in slot["values"]}
    three = rockets["3"]
    assert (three["firstOutlet"], three["firstReportedAt"]) == (
        "الخليج الجديد",
        "2021-02-24T03:34:00+00:00",
    )
    assert [report["repeats"] for report in three["reports"]] == [False, True]
