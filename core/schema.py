"""Schema migrations through Alembic, with the configuration built in code.

The migration scripts ship inside the package (``marsad.migrations``), so an installed
marsad can upgrade a database without a checkout or an ``alembic.ini``. Each plugin
with tables of its own has a history of its own (:class:`History`): its revisions live
in its package and its revision in its own version table, and one revision of it that
alters a core table is rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, MetaData, inspect
from sqlalchemy.engine import make_url

from marsad.core.extending import PluginSchema
from marsad.core.models import Base

UPGRADE_COMMAND = "marsad db upgrade"


class SchemaOutOfDate(Exception):
    """The database schema is not at the revision this version of marsad needs."""


class SchemaDrift(SchemaOutOfDate):
    """The database is at the right revision but its tables differ from the models."""


class PluginMigrationError(Exception):
    """A plugin's revision would alter the core's tables; it was rolled back."""


@dataclass(frozen=True)
class History:
    """One line of migrations: the core's (``plugin`` None) or one plugin's."""

    plugin: str | None = None
    schema: PluginSchema | None = None

    @property
    def version_table(self) -> str:
        if self.plugin is None:
            return "alembic_version"
        return "alembic_version_" + re.sub(r"\W+", "_", self.plugin).lower()

    @property
    def metadata(self) -> MetaData:
        return Base.metadata if self.schema is None else self.schema.metadata

    def comparable_metadata(self) -> MetaData:
        """What the live tables are compared with: for a plugin, its tables beside
        copies of the core's, which its foreign keys name (only its own are compared)."""
        if self.schema is None:
            return Base.metadata
        combined = MetaData()
        for table in [*Base.metadata.tables.values(), *self.schema.metadata.tables.values()]:
            table.to_metadata(combined)
        return combined

    def include_object(
        self, _object: Any, name: str | None, kind: str, _reflected: bool, _other: Any
    ) -> bool:
        """For Alembic's comparisons: only this history's own tables are compared, and
        not the search indexes that revision 0007 makes outside the models."""
        if kind == "index":
            return name not in SEARCH_INDEXES
        return kind != "table" or name in self.metadata.tables

    @property
    def label(self) -> str:
        return "marsad" if self.plugin is None else f"plugin {self.plugin!r}"

    @property
    def tables(self) -> str:
        """How messages name this history's tables."""
        return "marsad's tables" if self.plugin is None else f"the tables of {self.label}"

    def downgrade_command(self, revision: str) -> str:
        option = "" if self.plugin is None else f"--plugin {self.plugin} "
        return f"marsad db downgrade {option}{revision}"


# PostgreSQL's trigram indexes for search (revision 0007): expressions of operator
# classes that the models do not describe, so autogenerate must not drop them.
SEARCH_INDEXES = frozenset(
    {"ix_articles_title_key_trgm", "ix_articles_match_key_trgm", "ix_claims_search_key_trgm"}
)

CORE = History()


def plugin_histories(schemas: Iterable[tuple[str, PluginSchema]]) -> list[History]:
    """The histories of plugins' tables, refusing a plugin table named like a core one."""
    histories = []
    for plugin, schema in schemas:
        taken = sorted(set(schema.metadata.tables).intersection(Base.metadata.tables))
        if taken:
            raise PluginMigrationError(
                f"plugin {plugin!r} declares tables the core owns: {', '.join(taken)}"
            )
        histories.append(History(plugin, schema))
    return histories


def alembic_config(
    connection: Connection | None = None, url: str | None = None, history: History = CORE
) -> Config:
    config = Config()
    # Config values go through configparser interpolation: a literal "%" must be doubled.
    location = str(files("marsad.migrations"))
    config.set_main_option("script_location", location.replace("%", "%%"))
    if history.schema is not None:
        versions = str(files(history.schema.migrations))
        # One location: split on the OS's path separator only, never on spaces.
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", versions.replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    config.attributes["history"] = history
    return config


def head_revision(history: History = CORE) -> str:
    heads = ScriptDirectory.from_config(alembic_config(history=history)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(
            f"the migration history of {history.label} has {len(heads)} heads: {heads}"
        )
    return heads[0]


def current_revision(engine: Engine, history: History = CORE) -> str | None:
    with engine.connect() as connection:
        return _current(connection, history)


def _current(connection: Connection, history: History) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": history.version_table})
    return context.get_current_revision()


def upgrade(engine: Engine, revision: str = "head", history: History = CORE) -> None:
    with (
        _plugin_failures(history, f"upgrade to {revision}"),
        _migrating(engine) as connection,
        _core_untouched(connection, history),
    ):
        command.upgrade(alembic_config(connection, history=history), revision)


def downgrade(engine: Engine, revision: str, history: History = CORE) -> None:
    with (
        _plugin_failures(history, f"downgrade to {revision}"),
        _migrating(engine) as connection,
        _core_untouched(connection, history),
    ):
        command.downgrade(alembic_config(connection, history=history), revision)


@contextmanager
def _plugin_failures(history: History, what: str) -> Iterator[None]:
    """A plugin's failing revision is a usage error naming the plugin, not a traceback;
    its transaction is rolled back, so the database is as it was."""
    if history.plugin is None:
        yield
        return
    try:
        yield
    except (PluginMigrationError, CommandError):
        raise
    except Exception as error:
        raise PluginMigrationError(
            f"the {what} of {history.tables} failed and was rolled back: "
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        ) from error


def upgrade_all(engine: Engine, histories: Iterable[History]) -> None:
    """The core to its newest revision, then each plugin's tables to theirs, in order."""
    upgrade(engine)
    for history in histories:
        upgrade(engine, history=history)


@contextmanager
def _core_untouched(connection: Connection, history: History) -> Iterator[None]:
    """Raise (and so roll back) when a plugin's revisions changed a core table."""
    if history.plugin is None:
        yield
        return
    before = _core_shape(connection)
    yield
    after = _core_shape(connection)
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    if changed:
        raise PluginMigrationError(
            f"a migration of {history.label} altered core tables ({', '.join(changed)}); "
            "it was rolled back: a plugin may only create and change tables of its own"
        )


def _core_shape(connection: Connection) -> dict[str, Any]:
    """Columns, indexes, keys and constraints of every core table, comparable as is."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names())
    shape: dict[str, Any] = {}
    for name in [*Base.metadata.tables, CORE.version_table]:
        if name not in present:
            shape[name] = None
            continue
        shape[name] = repr(
            (
                [
                    (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                    for c in inspector.get_columns(name)
                ],
                sorted(map(repr, inspector.get_indexes(name))),
                sorted(map(repr, inspector.get_foreign_keys(name))),
                sorted(map(repr, inspector.get_unique_constraints(name))),
                inspector.get_pk_constraint(name).get("constrained_columns"),
            )
        )
    return shape


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for migrations.

    On SQLite, foreign keys are off meanwhile: a revision that changes a column
    rebuilds its table (Alembic's batch mode), and dropping the old table would fire
    the ON DELETE actions of every table that refers to it (articles would lose their
    story, claims their links). They are checked once the migration is done.
    """
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where SQLite takes this pragma
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def revision_is_below(target: str, current: str, history: History = CORE) -> bool:
    """Whether going to ``target`` from ``current`` is a downgrade."""
    if target == current:
        return False
    if target == "base":
        return True
    script = ScriptDirectory.from_config(alembic_config(history=history))
    try:
        below = {r.revision for r in script.iterate_revisions(current, "base")}
        resolved = script.get_revision(target)
    except CommandError:
        return False  # unknown or relative targets: alembic names the problem itself
    return resolved is not None and resolved.revision in below


def _known_revision(revision: str, history: History) -> bool:
    try:
        script = ScriptDirectory.from_config(alembic_config(history=history))
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def check_schema(engine: Engine, plugins: Iterable[History] = ()) -> None:
    """Raise :class:`SchemaOutOfDate` unless the core's and each plugin's tables are at
    their newest revision and as their models say.

    The message names the upgrade command, or the tables and columns that differ.
    """
    for history in [CORE, *plugins]:
        current = current_revision(engine, history)
        expected = head_revision(history)
        if current == expected:
            check_schema_matches(engine, history)
            continue
        where = make_url(str(engine.url)).render_as_string(hide_password=True)
        owner = "marsad" if history.plugin is None else history.label
        if current is not None and not _known_revision(current, history):
            raise SchemaOutOfDate(
                f"the database {where} has {history.tables} at revision {current}, which "
                f"this installation does not know (it needs {expected}): it was upgraded "
                f"by a newer {owner}; use that version, or its "
                f"`{history.downgrade_command(expected)}`"
            )
        state = (
            f"has no {owner} schema"
            if current is None
            else f"has {history.tables} at revision {current}"
        )
        raise SchemaOutOfDate(
            f"the database {where} {state}, but this installation needs revision "
            f"{expected}; run `{UPGRADE_COMMAND}` (with the same MARSAD_DATABASE_URL) to "
            "upgrade it"
        )


# What the database may hold beyond the models without harm: other tables (a plugin's,
# an operator's), and indexes or constraints the comparison cannot see alike on both
# databases. Missing tables and columns, extra required columns and other column types
# all break marsad at run time, so they are reported.
_REPORTED = {"add_table", "add_column", "remove_column", "modify_type", "modify_nullable"}


def _describe_difference(difference: tuple[Any, ...]) -> str | None:
    kind = difference[0]
    if kind not in _REPORTED:
        return None
    if kind == "add_table":
        return f"table {difference[1].name} is missing"
    if kind == "add_column":
        return f"column {difference[2]}.{difference[3].name} is missing"
    if kind == "remove_column":
        column = difference[3]
        if column.nullable or column.server_default is not None:
            return None  # an extra optional column harms nothing
        return f"column {difference[2]}.{column.name} is not in this marsad's schema"
    _, _, table, column, _, old, new = difference
    what = "type" if kind == "modify_type" else "nullable"
    return f"column {table}.{column} has {what} {old}, expected {new}"


def schema_differences(engine: Engine, history: History = CORE) -> list[str]:
    """How the live tables differ from the models, one readable line each."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": engine.dialect.name == "sqlite",
                "include_object": history.include_object,
            },
        )
        differences = compare_metadata(context, history.comparable_metadata())
    lines: list[str] = []
    for item in differences:
        # Column changes come grouped in a list per column.
        for difference in item if isinstance(item, list) else [item]:
            line = _describe_difference(tuple(difference))
            if line is not None:
                lines.append(line)
    return sorted(set(lines))


def check_schema_matches(engine: Engine, history: History = CORE) -> None:
    """Raise :class:`SchemaDrift` naming every table and column that differs."""
    differences = schema_differences(engine, history)
    if not differences:
        return
    where = make_url(str(engine.url)).render_as_string(hide_password=True)
    if history.plugin is not None:
        raise SchemaDrift(
            f"the database {where} has {history.tables} at revision "
            f"{current_revision(engine, history)} but they differ from the plugin's models: "
            f"{'; '.join(differences)}. The plugin changed its models without a revision: "
            "its author adds one (docs/plugins.md), then `marsad db upgrade`"
        )
    raise SchemaDrift(
        f"the database {where} has {history.tables} at revision "
        f"{current_revision(engine, history)} but they differ from it: "
        f"{'; '.join(differences)}. It was made or altered by another "
        "program or by an unreleased marsad; marsad will not use it. Store the inputs "
        "again in a new database (`marsad db upgrade` on an empty one)"
    )
