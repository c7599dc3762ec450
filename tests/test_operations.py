"""Safe operations: exit codes, confirmed downgrades, released migrations that never
change, a schema that differs from the models refused by name, readable errors."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from sqlalchemy import inspect, select, text

from marsad.core.application import Marsad
from marsad.core.db import make_engine
from marsad.core.models import Article, Outlet
from marsad.core.schema import SchemaDrift, check_schema, current_revision, upgrade
from marsad.core.settings import Settings

MARSAD = Path(sys.executable).with_name("marsad")
needs_script = pytest.mark.skipif(not MARSAD.exists(), reason="the marsad script is not installed")

# Released revisions never change: a database made by one must be what the file says.
# A schema change is a new revision. (0001 was rewritten in place before its release,
# and databases made by those earlier versions then failed at run time.)
RELEASED = {
    "0001_core_schema.py": "1667569ef1594c51d590413a81516b5b5670bce974336ba6cf8f60d1265b3912",
    "0002_stage_run_notes.py": "342f9f8d9d995a8a374b6882543ee242825bf5b9230b50f276fcba028bdcc2a2",
    "0003_quantity_kind.py": "8db384f771a57e531d5b7224b670c95ba862e67d469f4fc69880afede0fbed59",
    "0004_term_counts.py": "62467694710a2adc86bede35500544a888bb37bad72a136e8227fcd73805c1c7",
    "0005_event_stories.py": "60b1056e6f6dc1cd1c7015988e35288ea7df9e20dd13ea7db93e0a079aeb4775",
    "0006_translation_cache.py": "64f1ff56edca7a138c1da90cf3b5ecf6adba2cc2349e82357e0eb1a09a2d4d3c",
    "0007_search.py": "dc50a39906ad0ed50f8a1460d263f445e7c21134960ba8c02f1754d1ecc3365e",
}


def test_released_migrations_are_never_edited() -> None:
    versions = ROOT / "migrations" / "versions"
    for name, checksum in RELEASED.items():
        content = (versions / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == checksum, (
            f"{name} is released and must not change: write a new revision instead"
        )


def run(tmp_path: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MARSAD_DATABASE_URL": url or f"sqlite:///{tmp_path / 'ops.db'}",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [str(MARSAD), *args],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@needs_script
def test_downgrade_below_head_asks_and_refuses_without_an_answer(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert run(tmp_path, "ingest", str(SEEDS)).returncode == 0

    refused = run(tmp_path, "db", "downgrade", "base")
    assert refused.returncode == 2
    assert "pass --yes" in one_line_error(refused)
    engine = make_engine(f"sqlite:///{tmp_path / 'ops.db'}")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM articles")) == 5

    done = run(tmp_path, "db", "downgrade", "base", "--yes")
    assert done.returncode == 0, done.stderr
    assert "articles" not in inspect(engine).get_table_names()
    engine.dispose()


@needs_script
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("db", "upgrade", "nosuchrevision"), "nosuchrevision"),
        (("ingest", "--field", "nonsense", "x"), "--field"),
        (("reprocess", "--stage", "nosuchstage"), "nosuchstage"),
        (("ingest", "--format", "xml", str(SEEDS)), "unknown format 'xml'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    run(tmp_path, "db", "upgrade")
    result = run(tmp_path, *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr


@needs_script
@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("MARSAD_BATCH_SIZE", "lots", "MARSAD_BATCH_SIZE='lots' is not a number"),
        ("MARSAD_BATCH_SIZE", "99999999999999999999", "must be between 1 and 10000"),
        ("MARSAD_STAGE_TIMEOUT", "nan", "must be between"),
        ("MARSAD_DATABASE_URL", "foo://", "MARSAD_DATABASE_URL='foo://' is not a database URL"),
    ],
)
def test_a_bad_setting_is_a_configuration_error(variable: str, value: str, expected: str) -> None:
    result = subprocess.run(
        [str(MARSAD), "status"],
        env={**os.environ, "MARSAD_DATABASE_URL": "sqlite://", variable: value},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert expected in one_line_error(result)


@needs_script
def test_failed_stage_runs_make_ingest_and_process_exit_1(tmp_path: Path) -> None:
    run(tmp_path, "db", "upgrade")
    os.environ["MARSAD_STAGE_TIMEOUT"] = "0.000001"  # every stage runs out of time
    try:
        failing = run(tmp_path, "ingest", str(SEEDS))
        status = run(tmp_path, "status", "--json")
    finally:
        del os.environ["MARSAD_STAGE_TIMEOUT"]
    assert failing.returncode == 1, failing.stderr
    assert "time budget" in failing.stderr
    assert status.returncode == 0
    parse = next(row for row in json.loads(status.stdout) if row["stage"] == "parse")
    assert (parse["done"], parse["failed"], parse["pending"], parse["gave_up"]) == (0, 5, 5, 0)

    fixed = run(tmp_path, "reprocess", "--failed")
    assert fixed.returncode == 0, fixed.stderr
    assert run(tmp_path, "process").returncode == 0


def test_a_database_missing_a_column_is_refused_by_name(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE articles DROP COLUMN dateline"))
    assert current_revision(engine) is not None
    with pytest.raises(SchemaDrift, match=r"column articles\.dateline is missing"):
        check_schema(engine)
    engine.dispose()


def test_overlong_names_and_nul_are_stored_alike_on_both_databases(app: Marsad) -> None:
    with app.write_session_factory() as session:
        session.add(Outlet(name="و" * 500 + "\x00"))
        session.commit()
        (name,) = session.scalars(select(Outlet.name)).all()
    assert name == "و" * 200
    report = app.ingest([SEEDS])
    with app.write_session_factory() as session:
        article = session.get(Article, report.article_ids[0])
        assert article is not None
        article.title = "عنوان\x00 فيه"
        article.dateline = "x" * 1000
        session.commit()
        session.expire_all()
        article = session.get(Article, report.article_ids[0])
        assert article is not None
        assert (article.title, article.dateline) == ("عنوان فيه", "x" * 200)


def test_a_built_in_plugin_that_cannot_be_imported_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from marsad.core import plugins

    monkeypatch.setattr(
        plugins, "BUILTIN_PLUGINS", {**plugins.BUILTIN_PLUGINS, "nowhere": "marsad.nowhere"}
    )
    with pytest.raises(plugins.PluginLoadError) as raised:
        plugins.make_plugins(Settings(), load_entry_points=False)
    message = str(raised.value)
    assert "'marsad.nowhere' cannot be imported" in message
    assert "reinstall marsad" in message
    assert "\n" not in message


@needs_script
def test_delete_removes_the_articles_found_and_names_the_others(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert run(tmp_path, "ingest", str(SEEDS)).returncode == 0

    result = run(tmp_path, "delete", "QXJ0aWNsZToy", "999", "x")  # Article:2 as the API has it
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "article 999: no article has this id" in result.stderr
    assert "'x' is not an article's number or id" in result.stderr
    assert "deleted 1 article(s); placing 4 other(s) again" in result.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'ops.db'}")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM articles")) == 4
        assert connection.scalar(text("SELECT count(DISTINCT story_id) FROM articles")) == 1
        assert connection.scalar(text("SELECT count(*) FROM story_changes")) == 0
    engine.dispose()
    assert run(tmp_path, "delete", "1").returncode == 0
