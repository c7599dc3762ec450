"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a database that this test run creates on 127.0.0.1:5432 and drops
at the end (the server is shared). When the server cannot be reached they skip, except
under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from marsad.core.application import Marsad
from marsad.core.db import make_engine
from marsad.core.models import Base
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
GOLD = ROOT / "tests" / "data" / "seeds.json"
CORPUS = ROOT.parent / "shared" / "corpus"
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_HOST = os.environ.get("MARSAD_TEST_PG_HOST", "127.0.0.1:5432")

# The core's tests run marsad as shipped, in this process and in the processes they
# start: plugins installed beside it (the example one, which `make install` installs)
# are tested by their own tests and by tests/test_checkworthy_plugin.py.
INSTALLED_PLUGINS = sorted({entry.name for entry in entry_points(group="marsad")})
os.environ["MARSAD_DISABLE_PLUGINS"] = ",".join(INSTALLED_PLUGINS)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes seconds (builds a wheel); -m 'not slow'")


def need(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, or fail under CI=true, where nothing may skip."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


def corpus_path(*parts: str) -> Path:
    """A path inside ../shared/corpus, skipping (or failing in CI) when it is absent."""
    path = CORPUS.joinpath(*parts)
    need(path.exists(), f"corpus not found at {path}")
    return path


def _admin_url() -> str | None:
    import psycopg

    for user in ("postgres", "root"):
        url = f"postgresql+psycopg://{user}@{PG_HOST}/test"
        try:
            with psycopg.connect(f"postgresql://{user}@{PG_HOST}/test", connect_timeout=3):
                return url
        except psycopg.Error:
            continue
    return None


class PostgresServer:
    """Creates and drops databases for this test run on the shared server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create_database(self) -> str:
        name = f"marsad_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    url = _admin_url()
    server = PostgresServer(url) if url else None
    yield server
    if server is not None:
        server.drop_all()


def require_postgres(server: PostgresServer | None) -> PostgresServer:
    need(server is not None, f"PostgreSQL is not reachable at {PG_HOST} (database test)")
    assert server is not None
    return server


@pytest.fixture(scope="session")
def postgres_url(postgres: PostgresServer | None) -> Iterator[str]:
    """One upgraded PostgreSQL database for the run's ordinary database tests."""
    server = require_postgres(postgres)
    url = server.create_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url


def _truncate(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An upgraded, empty database: a new SQLite file, or the run's PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'marsad.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _truncate(engine)
    try:
        yield url
    finally:
        _truncate(engine)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database with no schema at all: a SQLite file, or a PostgreSQL database.

    For migration tests; PostgreSQL databases are dropped at the end of the run.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    server = require_postgres(request.getfixturevalue("postgres"))
    return server.create_database()


MakeApp = Callable[..., Marsad]


def saudinewsnet_day(day: str, articles: int) -> list[dict[str, object]]:
    """The first ``articles`` articles with text of a SaudiNewsNet day, as the dump has them."""
    with zipfile.ZipFile(corpus_path("saudinewsnet", f"{day}.zip")) as zipped:
        (member,) = zipped.namelist()
        items = json.loads(zipped.read(member))
    return [item for item in items if str(item.get("content")).strip()][:articles]


def ingest_items(url: str, items: list[dict[str, object]], folder: Path, **settings: Any) -> Marsad:
    """Ingest SaudiNewsNet items, in this order, into a new database at ``url`` and run
    every stage (but ``settings``' disabled plugins); the caller closes the app."""
    path = folder / "day.zip"
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("day.json", json.dumps(items, ensure_ascii=False))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    configured = Settings(database_url=url, **settings)
    app = Marsad(configured, plugins=make_plugins(configured, load_entry_points=False))
    report = app.ingest([path])
    assert not app.pipeline().run(report.article_ids).failures
    return app


@pytest.fixture
def make_app(db_url: str) -> Iterator[MakeApp]:
    """Build a Marsad on the test database; keyword arguments override settings.

    ``extra`` registers additional plugin objects; entry points are not loaded, so the
    tests see only the built-ins and what they register.
    """
    apps: list[Marsad] = []

    def build(extra: tuple[Any, ...] = (), **overrides: Any) -> Marsad:
        settings = Settings(database_url=db_url, **overrides)
        plugins = make_plugins(settings, extra=extra, load_entry_points=False)
        app = Marsad(settings, plugins=plugins)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def app(make_app: MakeApp) -> Marsad:
    return make_app()


@pytest.fixture
def seeded_app(app: Marsad) -> Marsad:
    """The five seed articles ingested and processed by every built-in stage."""
    report = app.ingest([SEEDS])
    assert report.stored == 5 and not report.errors
    pipeline_report = app.pipeline().run(report.article_ids)
    assert not pipeline_report.failures, pipeline_report.failures
    return app
