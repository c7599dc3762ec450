"""ingestArticle while a `marsad ingest` works on the same database: the article is
stored and processed, and the ingest loses nothing (on SQLite this once answered
"Unexpected error" and left articles stored with no text and no runs)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from api_client import ApiClient
from conftest import SEEDS, MakeApp
from test_api_mutation import ARTICLE, TOKEN, ingest, processed

from marsad.core.models import StageRun

MARSAD = Path(sys.executable).with_name("marsad")


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


@pytest.mark.skipif(not MARSAD.exists(), reason="the marsad script is not installed")
def test_ingest_article_while_an_ingest_runs(
    make_app: MakeApp, db_url: str, tmp_path: Path
) -> None:
    app = make_app(api_token=TOKEN)
    api = ApiClient(app)
    # Enough that the ingest outlasts the two mutations: with 80, it once ended first.
    folder = many_articles(tmp_path / "inbox", 160)
    env = {**os.environ, "MARSAD_DATABASE_URL": db_url, "MARSAD_BATCH_SIZE": "10"}
    background = subprocess.Popen(
        [str(MARSAD), "ingest", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        with app.session_factory() as session:
            while not session.query(StageRun.id).first():  # processing has begun
                assert time.monotonic() < deadline and background.poll() is None
                time.sleep(0.2)
                session.rollback()
        answers = [ingest(api, {**ARTICLE, "url": f"https://example.org/{n}"}) for n in (1, 2)]
        still_running = background.poll() is None
    finally:
        _, stderr = background.communicate(timeout=600)
    assert still_running, "the ingest ended before the mutations: make it longer"
    assert background.returncode == 0, stderr
    for answer in answers:
        assert answer["error"] is None and answer["created"], answer
        assert processed(answer["article"]), answer["article"]["runs"]
    assert app.pipeline().count_pending() == 0
