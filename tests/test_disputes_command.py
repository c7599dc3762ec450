"""`marsad disputes`: the same disputes the API serves, from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS, MakeApp

MARSAD = Path(sys.executable).parent / "marsad"


def disputes(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MARSAD_DATABASE_URL": url, "NO_COLOR": "1"}
    return subprocess.run(
        [str(MARSAD), "disputes", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_seeds_disputes(make_app: MakeApp, db_url: str) -> None:
    app = make_app()
    assert not app.pipeline().run(app.ingest([SEEDS]).article_ids).failures
    result = disputes(db_url, "--json")
    assert result.returncode == 0, result.stderr
    [story] = json.loads(result.stdout)
    by_label = {
        d["slot"]["label"]["en"]: {v["label"]["en"]: v for v in d["values"]}
        for d in story["disputes"]
    }
    rockets = by_label["Number of rockets at the Green Zone"]
    assert {"2", "3", "4", "at least 3"} <= set(rockets)
    assert "RT" in rockets["4"]["cited_sources"]
    # A date line with no time: the day is known, the time of day is not.
    first = rockets["at least 3"]
    assert first["first_reported_at"] == "2021-02-24T00:00:00+00:00"
    assert first["first_reported_time_known"] is False
    assert rockets["3"]["first_reported_time_known"] is True
    assert set(by_label["Number of injured at the Green Zone"]) == {"some", "none"}
    assert {"1", "2"} == set(by_label["Number of injured at Balad Air Base"])

    text = disputes(db_url, str(story["story"]))
    assert text.returncode == 0, text.stderr
    assert "Number of rockets at the Green Zone (عدد الصواريخ في المنطقة الخضراء)" in text.stdout
    # an article whose outlet is unknown is named
    assert "4: outlet unknown (article" in text.stdout and "examples/seeds/" in text.stdout


def test_an_unknown_story_is_a_usage_error(make_app: MakeApp, db_url: str) -> None:
    make_app()
    result = disputes(db_url, "99999")
    assert result.returncode == 2
    assert "no story has the id 99999" in result.stderr
