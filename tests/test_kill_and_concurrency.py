"""Never lose work: a killed ingest run again, and two ingests at once, give what one
clean run gives, on SQLite and on PostgreSQL.

The inputs are real SaudiNewsNet articles of a day with wire copies (so dedupe, link
and cluster have cross-article work to do), written as JSON Lines files. Results are
compared by natural keys (an input's fingerprint, spans, kinds), never by ids, which
differ between databases.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import INSTALLED_PLUGINS, PostgresServer, corpus_path, require_postgres
from sqlalchemy import select

from marsad.core.db import make_engine, make_session_factory
from marsad.core.models import Article, ArticleLink, Claim, ClaimLink, RawInput, StageRun
from marsad.core.schema import upgrade

MARSAD = Path(sys.executable).with_name("marsad")
ARTICLES = 120  # enough to kill mid-stage and to share slots; bench/durability.py runs 2,000
FILES = 6
# When each of three runs in a row is killed, as shares of a clean run's time: while
# storing, then in processing (each run goes on from where the last one stopped).
KILL_AFTER = (0.1, 0.25, 0.25)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not MARSAD.exists(), reason="the marsad script is not installed"),
]


def write_inputs(folder: Path, articles: int, files: int) -> list[Path]:
    """``articles`` articles of 2015-08-10 (wire and papers; then 2015-08-01 when more
    are asked for) in ``files`` JSONL files."""
    items: list[dict[str, Any]] = []
    for day in ("2015-08-10", "2015-08-01"):
        with zipfile.ZipFile(corpus_path("saudinewsnet", f"{day}.zip")) as zipped:
            (member,) = zipped.namelist()
            items += [i for i in json.loads(zipped.read(member)) if str(i.get("content")).strip()]
    folder.mkdir(parents=True, exist_ok=True)
    per_file = -(-articles // files)
    paths = []
    for number in range(files):
        path = folder / f"part-{number}.jsonl"
        chunk = items[:articles][number * per_file : (number + 1) * per_file]
        lines = (
            json.dumps(
                {
                    "title": item["title"],
                    "text": item["content"],
                    "url": item["url"],
                    "outlet": item["source"],
                    "published": item["date_extracted"],
                },
                ensure_ascii=False,
            )
            for item in chunk
        )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_inputs(tmp_path_factory.mktemp("inputs"), ARTICLES, FILES)


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Makes upgraded empty databases of one kind: ``new_database(name) -> url``."""
    postgres: PostgresServer | None = None
    if request.param == "postgresql":
        postgres = require_postgres(request.getfixturevalue("postgres"))

    def make(name: str) -> str:
        if postgres is None:
            url = f"sqlite:///{tmp_path / f'{name}.db'}"
        else:
            url = postgres.create_database()
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url

    yield make


def start(url: str, *paths: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "MARSAD_DATABASE_URL": url, "NO_COLOR": "1", "MARSAD_BATCH_SIZE": "20"}
    env["MARSAD_DISABLE_PLUGINS"] = ",".join(INSTALLED_PLUGINS)  # marsad as shipped
    return subprocess.Popen(
        [str(MARSAD), "ingest", *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> str:
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    return stderr


# Relations without a direction are stored with the later-stored side as source, and
# which side was stored later is a race between two concurrent ingests: compare them
# as unordered pairs. Copies and reuse keep their direction (copy -> likely original).
SYMMETRIC = {"same_story", "same_quote", "corroborates", "contradicts"}


def pair(source: Any, target: Any, kind: str) -> tuple[Any, ...]:
    if kind in SYMMETRIC:
        return (*sorted((source, target)), kind)
    return (source, target, kind)


def digest(value: str | None) -> str:
    return hashlib.sha256((value or "").encode()).hexdigest()


def snapshot(url: str) -> dict[str, Any]:
    """Everything the analyst sees, by natural keys."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            key = {
                article_id: sha
                for article_id, sha in session.execute(
                    select(Article.id, RawInput.sha256).join(RawInput)
                )
            }
            articles = {
                key[a.id]: (
                    a.title,
                    a.published_at,
                    hashlib.sha256((a.text or "").encode()).hexdigest(),
                )
                for a in session.scalars(select(Article))
            }
            claims = {
                c.id: (key[c.article_id], c.kind.value, c.start, c.end, c.slot_key)
                for c in session.scalars(select(Claim))
            }
            article_links = {
                pair(key[link.source_id], key[link.target_id], link.kind.value)
                for link in session.scalars(select(ArticleLink))
            }
            claim_links = {
                pair(claims[link.source_id], claims[link.target_id], link.kind.value)
                for link in session.scalars(select(ClaimLink))
            }
            stories: dict[int, set[str]] = {}
            for article_id, story_id in session.execute(select(Article.id, Article.story_id)):
                if story_id is not None:
                    stories.setdefault(story_id, set()).add(key[article_id])
            not_ok = session.scalars(select(StageRun.stage).where(StageRun.status != "ok")).all()
            runs = len(session.scalars(select(StageRun.id)).all())
    finally:
        engine.dispose()
    return {
        "articles": articles,
        "claims": sorted(claims.values()),
        "article_links": article_links,
        "claim_links": claim_links,
        "stories": sorted(sorted(members) for members in stories.values()),
        "failed_runs": sorted(not_ok),
        "runs": runs,
    }


def assert_same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    for part in ("articles", "claims", "article_links", "claim_links", "stories", "failed_runs"):
        assert got[part] == expected[part], f"{part} differ"


_clean_runs: dict[str, dict[str, Any]] = {}


@pytest.fixture
def clean_run(
    request: pytest.FixtureRequest, new_database: Any, inputs: list[Path]
) -> dict[str, Any]:
    """One uninterrupted ingest of the inputs, made once per kind of database."""
    kind = request.node.callspec.params["new_database"]
    if kind not in _clean_runs:
        url = new_database("clean")
        started = time.monotonic()
        finish(start(url, *inputs))
        result = {**snapshot(url), "seconds": time.monotonic() - started}
        assert len(result["articles"]) == ARTICLES
        assert result["article_links"] and result["claims"], "the sample must exercise links"
        _clean_runs[kind] = result
    return _clean_runs[kind]


def test_a_killed_ingest_run_again_gives_the_clean_result(
    new_database: Any, inputs: list[Path], clean_run: dict[str, Any]
) -> None:
    url = new_database("killed")
    for share in KILL_AFTER:
        process = start(url, *inputs)
        time.sleep(share * clean_run["seconds"])
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    interrupted = snapshot(url)
    assert interrupted["runs"] < clean_run["runs"], "the kills came too late to interrupt"
    finish(start(url, *inputs))
    assert_same(snapshot(url), clean_run)


def test_two_ingests_of_overlapping_inputs_give_the_result_of_one(
    new_database: Any, inputs: list[Path], clean_run: dict[str, Any]
) -> None:
    url = new_database("concurrent")
    first = start(url, *inputs[:4])
    second = start(url, *inputs[2:])
    finish(first)
    finish(second)
    assert_same(snapshot(url), clean_run)
