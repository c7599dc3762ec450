"""Schema migrations through Alembic, with the configuration built in code.

The migration scripts ship inside the package (``marsad.migrations``), so an installed
marsad can upgrade a database without a checkout or an ``alembic.ini``.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

UPGRADE_COMMAND = "marsad db upgrade"


class SchemaOutOfDate(Exception):
    """The database schema is not at the revision this version of marsad needs."""


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
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def check_schema(engine: Engine) -> None:
    """Raise :class:`SchemaOutOfDate`, naming the upgrade command, unless at head."""
    current = current_revision(engine)
    expected = head_revision()
    if current == expected:
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
