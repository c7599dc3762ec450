"""What a plugin hands the core to extend the database and the GraphQL API.

Both are plain declarations: the core decides when to migrate and when to compose the
schema, so every plugin's tables and fields follow the same rules as the built-ins'.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import MetaData

# The core GraphQL types a plugin may add fields to.
ExtensibleType = Literal["Article", "Claim", "Story"]


@dataclass(frozen=True)
class PluginSchema:
    """A plugin's own tables and the Alembic revisions that create them.

    ``metadata`` holds the plugin's tables only (its own ``DeclarativeBase`` or
    ``MetaData``); ``migrations`` is the importable package whose modules are the
    plugin's revisions, applied by ``marsad db upgrade`` after the core's and recorded
    in a version table of the plugin's own (``alembic_version_<plugin>``). Tables may
    refer to core tables (``ForeignKey(Claim.id, ondelete="CASCADE")``) but a
    revision that alters a core table is rolled back with an error. ``after`` names the
    plugins whose tables these refer to, so theirs are created first.
    """

    metadata: MetaData
    migrations: str
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiField:
    """A field a plugin adds to a core GraphQL type.

    ``resolver`` is a function or coroutine function taking ``root`` (the core object:
    ``root.id`` is the row's database id) and, if it needs them, ``info`` and field
    arguments, annotated like any Strawberry resolver; its return annotation may be a
    Strawberry type of the plugin's own. ``name`` is the GraphQL name
    (``checkWorthiness``). For many roots in one request, read through
    ``info.context.load(...)`` so they cost one query together.
    """

    on: ExtensibleType
    name: str
    resolver: Callable[..., Any]
    description: str | None = None
