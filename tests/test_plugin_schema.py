"""Plugins' own tables: migrated after the core's, in a version table of their own,
checked like the core's, and never allowed to alter a core table (SQLite and
PostgreSQL, each test on a new database)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from plugins_fixture import altering, boom, squatting
from sqlalchemy import inspect, text

from marsad.core import hookimpl
from marsad.core.application import Marsad
from marsad.core.plugins import make_plugins
from marsad.core.schema import (
    CORE,
    PluginMigrationError,
    SchemaOutOfDate,
    current_revision,
    downgrade,
    upgrade,
)
from marsad.core.settings import Settings

ALTERING = re.escape("plugin 'plugins_fixture.altering'")


def make(url: str, *extra: object) -> Marsad:
    settings = Settings(database_url=url)
    return Marsad(settings, plugins=make_plugins(settings, extra=extra, load_entry_points=False))


@pytest.fixture
def app(fresh_db_url: str) -> Iterator[Marsad]:
    marsad = make(fresh_db_url, altering)
    yield marsad
    marsad.close()


def columns(marsad: Marsad, table: str) -> list[str]:
    return [column["name"] for column in inspect(marsad.engine).get_columns(table)]


def tables(marsad: Marsad) -> set[str]:
    return set(inspect(marsad.engine).get_table_names())


def test_a_plugin_table_is_created_after_the_core_and_checked(app: Marsad) -> None:
    [history] = app.plugin_histories()
    upgrade(app.engine)
    with pytest.raises(SchemaOutOfDate, match=f"{ALTERING}.*marsad db upgrade"):
        app.check_schema()
    upgrade(app.engine, "0001", history)
    with pytest.raises(SchemaOutOfDate, match=f"the tables of {ALTERING} at revision 0001"):
        app.check_schema()
    assert "altering_notes" in tables(app)
    assert current_revision(app.engine, history) == "0001"
    assert current_revision(app.engine) == current_revision(app.engine, CORE)
    with app.engine.connect() as connection:
        versions = connection.execute(
            text("SELECT version_num FROM alembic_version_plugins_fixture_altering")
        )
        assert versions.scalars().all() == ["0001"]


def test_a_revision_that_alters_a_core_table_is_rolled_back(app: Marsad) -> None:
    [history] = app.plugin_histories()
    upgrade(app.engine)
    upgrade(app.engine, "0001", history)
    claims_before = columns(app, "claims")
    with pytest.raises(PluginMigrationError, match=f"{ALTERING}.*claims.*rolled back"):
        upgrade(app.engine, "head", history)
    assert columns(app, "claims") == claims_before
    # Nothing of the refused revision stays: not its own table, not its version.
    assert "altering_more" not in tables(app)
    assert current_revision(app.engine, history) == "0001"
    with pytest.raises(PluginMigrationError, match="claims"):
        app.upgrade()
    assert columns(app, "claims") == claims_before


def test_a_failing_revision_is_one_error_naming_the_plugin(fresh_db_url: str) -> None:
    marsad = make(fresh_db_url, boom)
    try:
        upgrade(marsad.engine)
        with pytest.raises(PluginMigrationError) as raised:
            marsad.upgrade()
        message = str(raised.value)
        assert "plugin 'plugins_fixture.boom'" in message and "boom in migration" in message
        assert "rolled back" in message and "\n" not in message
        assert "boom_rows" not in tables(marsad)
    finally:
        marsad.close()


def test_a_plugin_cannot_declare_a_core_table(fresh_db_url: str) -> None:
    marsad = make(fresh_db_url, squatting)
    try:
        with pytest.raises(
            PluginMigrationError, match=re.escape("plugin 'plugins_fixture.squatting'") + ".*claims"
        ):
            marsad.plugin_histories()
    finally:
        marsad.close()


def test_downgrading_a_plugin_leaves_the_core_alone(app: Marsad) -> None:
    [history] = app.plugin_histories()
    upgrade(app.engine)
    upgrade(app.engine, "0001", history)
    core = current_revision(app.engine)
    downgrade(app.engine, "base", history)
    assert "altering_notes" not in tables(app)
    assert current_revision(app.engine) == core
    assert current_revision(app.engine, history) is None


class NoTables:
    @hookimpl
    def marsad_register_schema(self) -> None:
        return None


def test_a_plugin_without_tables_has_no_history(fresh_db_url: str) -> None:
    marsad = make(fresh_db_url, NoTables(), altering)
    try:
        assert [h.plugin for h in marsad.plugin_histories()] == ["plugins_fixture.altering"]
    finally:
        marsad.close()
