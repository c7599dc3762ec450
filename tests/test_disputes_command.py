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
    values = {v["value"] for d in story["disputes"] for v in d["values"]}
    assert {"2 صاروخ (exact)", "3 صاروخ (exact)", "4 صاروخ (exact)"} <= values
    assert {"no مصاب", "1 مصاب (exact)", "2 مصاب (exact)"} <= values
    rockets = next(d for d in story["disputes"] if d["slot"] == "unit:صاروخ")
    assert any("RT" in v["cited_sources"] for v in rockets["values"])

    text = disputes(db_url, str(story["story"]))
    assert text.returncode == 0 and "unit:صاروخ" in text.stdout


def test_an_unknown_story_is_a_usage_error(make_app: MakeApp, db_url: str) -> None:
    make_app()
    result = disputes(db_url, "99999")
    assert result.returncode == 2
    assert "no story has the id 99999" in result.stderr
