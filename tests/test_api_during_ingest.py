"""ingestArticle while another process ingests into the same database (as `marsad
ingest` does): the article is stored and processed, and the ingest loses nothing (on
SQLite this once answered "Unexpected error" and left articles stored with no text and
no runs)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from api_client import ApiClient
from conftest import SEEDS, MakeApp
from test_api_mutation import ARTICLE, TOKEN, ingest, processed


def many_articles(folder: Path, count: int) -> Path:
    """``count`` text files made of the seeds' paragraphs, shuffled with a fixed seed."""
    paragraphs = [
        line
        for seed in sorted(SEEDS.glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").splitlines()
        if len(line.split()) > 8
    ]
    chooser = random.Random(9)
    folder.mkdir()
    for number in range(count):
        body = "\n\n".join(chooser.sample(paragraphs, 6))
        (folder / f"{number:03d}.txt").write_text(f"خبر رقم {number}\n{body}\n", "utf-8")
    return folder


# Another process ingests the folder as `marsad ingest` does (store, then process
# what is pending), and after its first batch waits for the test to say go: so the
# mutations surely start while it runs, however fast this machine is (with a plain
# `marsad ingest` of 160 articles, the ingest sometimes ended first).
BACKGROUND_INGEST = """
import sys, time
from pathlib import Path
from marsad.core.application import Marsad
from marsad.core.settings import Settings

folder, started, go = (Path(arg) for arg in sys.argv[1:4])
app = Marsad(Settings.from_env())

def after_batch(_looked_at):
    if not started.exists():
        started.touch()
        deadline = time.monotonic() + 120
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

app.ingest([folder])
report = app.pipeline().run_pending(on_batch=after_batch)
app.close()
sys.exit(1 if report.failures else 0)
"""


def test_ingest_article_while_an_ingest_runs(
    make_app: MakeApp, db_url: str, tmp_path: Path
) -> None:
    app = make_app(api_token=TOKEN)
    api = ApiClient(app)
    folder = many_articles(tmp_path / "inbox", 80)
    started, go = tmp_path / "started", tmp_path / "go"
    env = {**os.environ, "MARSAD_DATABASE_URL": db_url, "MARSAD_BATCH_SIZE": "10"}
    background = subprocess.Popen(
        [sys.executable, "-c", BACKGROUND_INGEST, str(folder), str(started), str(go)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not started.exists():  # its first batch is done, the rest is pending
            assert time.monotonic() < deadline and background.poll() is None
            time.sleep(0.05)
        first = ingest(api, {**ARTICLE, "url": "https://example.org/1"})
        go.touch()  # the ingest goes on beside the second mutation
        second = ingest(api, {**ARTICLE, "url": "https://example.org/2"})
        answers = [first, second]
    finally:
        go.touch()
        _, stderr = background.communicate(timeout=600)
    assert background.returncode == 0, stderr
    for answer in answers:
        assert answer["error"] is None and answer["created"], answer
        assert processed(answer["article"]), answer["article"]["runs"]
    assert app.pipeline().count_pending() == 0
