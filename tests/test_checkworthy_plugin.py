"""The example third-party plugin (examples/plugins/marsad-checkworthy) as a user installs
it: found through its entry point, run in the pipeline on the seeds, stored in its own
table, shown in GraphQL and by `marsad plugins`, migrated up and down without touching
the core's tables (SQLite and PostgreSQL). `make install` installs it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_client import ApiClient
from conftest import ROOT, SEEDS, PostgresServer, need, require_postgres
from sqlalchemy import func, inspect, select, text

from marsad.core.application import Marsad
from marsad.core.models import Article, Base, Claim
from marsad.core.plugins import make_plugins
from marsad.core.schema import current_revision, downgrade, head_revision, upgrade
from marsad.core.settings import Settings

PLUGIN = ROOT / "examples" / "plugins" / "marsad-checkworthy"
MARSAD = Path(sys.executable).parent / "marsad"
CLAIMS = """{ claims(first: 100) { edges { node { kind text
    checkWorthiness { score worthy reasons } } } } }"""


@pytest.fixture
def app(fresh_db_url: str) -> Iterator[Marsad]:
    settings = Settings(database_url=fresh_db_url)
    marsad = Marsad(settings, plugins=make_plugins(settings))
    names = {info.name for info in marsad.plugins.describe()}
    need("checkworthy" in names, f"marsad-checkworthy is not installed: pip install -e {PLUGIN}")
    yield marsad
    marsad.close()


def core_tables(marsad: Marsad) -> dict[str, object]:
    """Every core table's columns, indexes and keys, and how many rows it holds."""
    inspector = inspect(marsad.engine)
    shape: dict[str, object] = {}
    with marsad.engine.connect() as connection:
        for name in Base.metadata.tables:
            rows = connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
            shape[name] = (
                [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)],
                sorted(i["name"] or "" for i in inspector.get_indexes(name)),
                sorted(map(repr, inspector.get_foreign_keys(name))),
                rows,
            )
    return shape


def scored(marsad: Marsad) -> int:
    with marsad.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM checkworthy_scores")).scalar() or 0


def test_the_seeds_through_the_installed_plugin(app: Marsad) -> None:
    app.upgrade()
    [history] = [h for h in app.plugin_histories() if h.plugin == "checkworthy"]
    assert current_revision(app.engine, history) == "0001"
    app.check_schema()
    report = app.pipeline().run(app.ingest([SEEDS]).article_ids)
    assert not report.failures
    with app.session_factory() as session:
        claims = session.scalar(select(func.count(Claim.id)))
        articles = session.scalar(select(func.count(Article.id)))
    assert articles == 5 and claims and scored(app) == claims

    nodes = [edge["node"] for edge in ApiClient(app).execute(CLAIMS)["data"]["claims"]["edges"]]
    assert nodes and all(node["checkWorthiness"] is not None for node in nodes)
    rockets = [
        node["checkWorthiness"]
        for node in nodes
        if node["kind"] == "QUANTITY" and "صاروخ" in " ".join(node["checkWorthiness"]["reasons"])
    ]
    assert rockets and all(r["score"] >= 0.35 for r in rockets)

    # Down and up again: the core's tables, rows included, do not change.
    before = core_tables(app)
    downgrade(app.engine, "base", history)
    assert "checkworthy_scores" not in inspect(app.engine).get_table_names()
    assert current_revision(app.engine, history) is None
    assert core_tables(app) == before
    upgrade(app.engine, history=history)
    assert core_tables(app) == before and scored(app) == 0
    app.pipeline().run(report_ids(app), only={"checkworthy"}, force=True)
    assert scored(app) == claims


def report_ids(marsad: Marsad) -> list[int]:
    with marsad.session_factory() as session:
        return list(session.scalars(select(Article.id).order_by(Article.id)))


def cli(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MARSAD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "MARSAD_DISABLE_PLUGINS": "",  # conftest disables installed plugins for the rest
        **settings,
    }
    return subprocess.run(
        [str(MARSAD), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_command_line_shows_and_migrates_the_plugin(tmp_path: Path) -> None:
    listed = cli(tmp_path, "plugins", "--json")
    assert listed.returncode == 0, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    need("checkworthy" in plugins, f"marsad-checkworthy is not installed: pip install -e {PLUGIN}")
    assert plugins["checkworthy"]["stages"] == ["checkworthy"]
    assert "marsad_register_api_fields" in plugins["checkworthy"]["hooks"]
    assert "checkWorthiness: CheckWorthiness" in cli(tmp_path, "schema").stdout

    # Not yet upgraded: refused, naming the plugin and the command.
    upgraded = cli(tmp_path, "db", "upgrade", head_revision())  # the core's tables only
    assert upgraded.returncode == 0, upgraded.stderr
    refused = cli(tmp_path, "ingest", str(SEEDS))
    assert refused.returncode == 2
    assert "plugin 'checkworthy'" in refused.stderr and "marsad db upgrade" in refused.stderr

    assert cli(tmp_path, "db", "upgrade").returncode == 0
    current = cli(tmp_path, "db", "current").stdout
    assert "plugin 'checkworthy': at 0001, newest 0001" in current
    # A bad setting stops the run before any article is charged a failure.
    bad = cli(tmp_path, "ingest", str(SEEDS), MARSAD_CHECKWORTHY_THRESHOLD="high")
    assert bad.returncode == 2
    assert "MARSAD_CHECKWORTHY_THRESHOLD='high' is not a number" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert cli(tmp_path, "process").returncode == 0
    status = json.loads(cli(tmp_path, "status", "--json").stdout)
    [row] = [r for r in status if r["stage"] == "checkworthy"]
    assert (row["done"], row["failed"]) == (5, 0)

    # Its tables taken back and made again, its stage runs again on every article.
    down = cli(tmp_path, "db", "downgrade", "--plugin", "checkworthy", "base", "--yes")
    assert down.returncode == 0, down.stderr
    assert "plugin 'checkworthy': at none" in down.stdout
    assert "run records of its stages cleared" in down.stderr
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    assert cli(tmp_path, "process").returncode == 0
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        assert connection.execute("SELECT count(*) FROM checkworthy_scores").fetchone()[0] > 0
    assert cli(tmp_path, "db", "downgrade", "base", "--yes").returncode == 0


def test_the_plugins_own_tests_pass_on_postgresql(postgres: PostgresServer | None) -> None:
    server = require_postgres(postgres)
    env = {**os.environ, "MARSAD_TEST_POSTGRES": server.admin_url}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PLUGIN / "tests")],
        env=env,
        cwd=PLUGIN,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
