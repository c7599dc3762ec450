"""Alembic environment: uses a connection handed over by marsad, or the configured URL.

The same environment runs the core's revisions and each plugin's: ``marsad.core.schema``
hands over the :class:`~marsad.core.schema.History` to run, which names the version
table and the models that autogenerate compares.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from marsad.core.db import make_engine
from marsad.core.models import BoundedString, CleanText, UTCDateTime
from marsad.core.schema import CORE, History
from marsad.core.settings import Settings

config = context.config
history: History = config.attributes.get("history", CORE)


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not import the models: they describe the schema as it was then.
    if kind != "type":
        return False
    if isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(item, BoundedString):
        return f"sa.String(length={item.length})"
    if isinstance(item, CleanText):
        return "sa.Text()"
    return False


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=history.comparable_metadata(),
        version_table=history.version_table,
        # A plugin's revisions are compared with its own tables only.
        include_object=history.include_object,
        # SQLite cannot alter most of a table in place: batch mode copies it.
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = make_engine(url)
    try:
        with engine.begin() as new_connection:
            run_with(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("marsad migrations run online only: use `marsad db upgrade`")
run_online()
