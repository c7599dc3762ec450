"""pytest fixtures for testing a marsad plugin end to end.

- ``marsad_database_url``: a new, empty database for the test: a SQLite file, or, when
  ``MARSAD_TEST_POSTGRES`` holds a PostgreSQL URL (``postgresql+psycopg://postgres@
  127.0.0.1:5432/test``), a database created on that server for the test and dropped
  after it.
- ``marsad_plugins``: plugin objects to register besides the built-ins and the installed
  ones (override it to test a plugin that is not installed).
- ``marsad_settings``: the settings the application runs with; override it to set a
  plugin's settings (``environment={"MARSAD_MYPLUGIN_LIMIT": "3"}``); it sets an API
  token, which ``marsad_graphql`` sends, so that errors show the server's own text.
- ``marsad_app``: a :class:`marsad.core.application.Marsad` on that database, with the
  core's tables and every plugin's upgraded to their newest revision.
- ``marsad_run``: stores articles (texts, or dicts of record fields such as ``title``,
  ``outlet``, ``published``) and runs every stage on them; returns their ids, and fails
  the test when one could not be stored or a stage failed on it.
- ``marsad_graphql``: runs a GraphQL query on the app's API (with the plugins' fields)
  and returns its ``data``, failing the test with the errors if there are any.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from marsad.core.application import Marsad
from marsad.core.db import make_engine
from marsad.core.plugins import make_plugins
from marsad.core.settings import Settings

POSTGRES_VARIABLE = "MARSAD_TEST_POSTGRES"


@pytest.fixture
def marsad_database_url(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get(POSTGRES_VARIABLE)
    if not server:
        yield f"sqlite:///{tmp_path / 'marsad.db'}"
        return
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    name = f"marsad_plugin_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def marsad_plugins() -> tuple[object, ...]:
    return ()


# The GraphQL client sends it, so errors come back with the server's own text.
API_TOKEN = "marsad-testing"


@pytest.fixture
def marsad_settings(marsad_database_url: str) -> Settings:
    return Settings(database_url=marsad_database_url, api_token=API_TOKEN)


@pytest.fixture
def marsad_app(marsad_settings: Settings, marsad_plugins: tuple[object, ...]) -> Iterator[Marsad]:
    plugins = make_plugins(marsad_settings, extra=marsad_plugins)
    app = Marsad(marsad_settings, plugins=plugins)
    app.upgrade()
    try:
        yield app
    finally:
        app.close()


Article = str | dict[str, str]


@pytest.fixture
def marsad_run(marsad_app: Marsad, tmp_path: Path) -> Callable[..., list[int]]:
    def run(*articles: Article) -> list[int]:
        records = [{"text": item} if isinstance(item, str) else item for item in articles]
        path = tmp_path / f"articles-{uuid.uuid4().hex[:8]}.jsonl"
        path.write_text(
            "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
            encoding="utf-8",
        )
        stored = marsad_app.ingest([path])
        if stored.errors:
            pytest.fail(f"articles not stored: {'; '.join(map(str, stored.errors))}")
        report = marsad_app.pipeline().run(stored.article_ids)
        if report.failures:
            pytest.fail(f"stages failed: {report.failures}")
        return stored.article_ids

    return run


class GraphQL:
    """Queries sent over HTTP to the app's API (plugins' fields included), in process."""

    def __init__(self, app: Marsad) -> None:
        from marsad.api.app import create_app

        self.api = create_app(app)
        token = app.settings.api_token
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        import anyio
        import httpx

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.api)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                payload = {"query": query, "variables": variables}
                return await client.post("/graphql", json=payload, headers=self.headers)

        body: dict[str, Any] = anyio.run(send).json()
        if body.get("errors"):
            pytest.fail(f"GraphQL errors: {body['errors']}")
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def marsad_graphql(marsad_app: Marsad) -> GraphQL:
    return GraphQL(marsad_app)
