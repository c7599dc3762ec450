"""Schema migrations through Alembic, with the configuration built in code.

The migration scripts ship inside the package (``marsad.migrations``), so an installed
marsad can upgrade a database without a checkout or an ``alembic.ini``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

from marsad.core.models import Base

UPGRADE_COMMAND = "marsad db upgrade"


class SchemaOutOfDate(Exception):
    """The database schema is not at the revision this version of marsad needs."""


class SchemaDrift(SchemaOutOfDate):
    """The database is at the right revision but its tables differ from the models."""


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    config = Config()
    # Config values go through configparser interpolation: a literal "%" must be doubled.
    location = str(files("marsad.migrations"))
    config.set_main_option("script_location", location.replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migration history has {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _migrating(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _migrating(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


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


def revision_is_below(target: str, current: str) -> bool:
    """Whether going to ``target`` from ``current`` is a downgrade."""
    if target == current:
        return False
    if target == "base":
        return True
    script = ScriptDirectory.from_config(alembic_config())
    try:
        below = {r.revision for r in script.iterate_revisions(current, "base")}
        resolved = script.get_revision(target)
    except CommandError:
        return False  # unknown or relative targets: alembic names the problem itself
    return resolved is not None and resolved.revision in below


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def check_schema(engine: Engine) -> None:
    """Raise :class:`SchemaOutOfDate` unless the database is at head and as the models say.

    The message names the upgrade command, or the tables and columns that differ.
    """
    current = current_revision(engine)
    expected = head_revision()
    if current == expected:
        check_schema_matches(engine)
        return
    where = make_url(str(engine.url)).render_as_string(hide_password=True)
    if current is not None and not _known_revision(current):
        raise SchemaOutOfDate(
            f"the database {where} is at revision {current}, which this marsad does not "
            f"know (it needs {expected}): it was upgraded by a newer marsad; use that "
            f"version, or its `marsad db downgrade {expected}`"
        )
    state = "has no marsad schema" if current is None else f"is at revision {current}"
    raise SchemaOutOfDate(
        f"the database {where} {state}, but this marsad needs revision {expected}; "
        f"run `{UPGRADE_COMMAND}` (with the same MARSAD_DATABASE_URL) to upgrade it"
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


def schema_differences(engine: Engine) -> list[str]:
    """How the live tables differ from the models, one readable line each."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": engine.dialect.name == "sqlite"},
        )
        differences = compare_metadata(context, Base.metadata)
    lines: list[str] = []
    for item in differences:
        # Column changes come grouped in a list per column.
        for difference in item if isinstance(item, list) else [item]:
            line = _describe_difference(tuple(difference))
            if line is not None:
                lines.append(line)
    return sorted(set(lines))


def check_schema_matches(engine: Engine) -> None:
    """Raise :class:`SchemaDrift` naming every table and column that differs."""
    differences = schema_differences(engine)
    if not differences:
        return
    where = make_url(str(engine.url)).render_as_string(hide_password=True)
    raise SchemaDrift(
        f"the database {where} is at revision {current_revision(engine)} but its schema "
        f"differs from it: {'; '.join(differences)}. It was made or altered by another "
        "program or by an unreleased marsad; marsad will not use it. Store the inputs "
        "again in a new database (`marsad db upgrade` on an empty one)"
    )
