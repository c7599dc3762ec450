"""Composing the GraphQL schema from the core's types and the fields plugins add.

Strawberry reads a type's fields when a schema is built from it. The plugins' fields
are added to the core types' definitions only while the schema is built, then taken
away again, so a schema built later without them (the committed SDL, another
application in the same process) is the core's alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import strawberry
from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField

from marsad.api.types import Article, Claim, Story
from marsad.core.extending import ApiField
from marsad.core.plugins import PluginLoadError

EXTENSIBLE: dict[str, type[Any]] = {"Article": Article, "Claim": Claim, "Story": Story}


class PluginFieldError(PluginLoadError):
    """A plugin's field cannot be added: an unknown type or a name already taken."""


@contextmanager
def plugin_fields(fields: Sequence[tuple[str, ApiField]]) -> Iterator[None]:
    """The core types carry ``fields`` (plugin name, field) until the block ends."""
    names = NameConverter()
    originals: dict[type[Any], list[StrawberryField]] = {}
    try:
        for plugin, extra in fields:
            owner = EXTENSIBLE.get(extra.on)
            if owner is None:
                raise PluginFieldError(
                    f"plugin {plugin!r} adds field {extra.name!r} to {extra.on!r}, which is "
                    f"not one of {', '.join(EXTENSIBLE)}"
                )
            definition = get_object_definition(owner, strict=True)
            originals.setdefault(owner, definition.fields)
            taken = {names.get_graphql_name(existing) for existing in definition.fields}
            if extra.name in taken:
                raise PluginFieldError(
                    f"plugin {plugin!r} adds field {extra.name!r} to {extra.on}, which "
                    "already has a field of that name"
                )
            added = strawberry.field(
                resolver=extra.resolver, name=extra.name, description=extra.description
            )
            # A Python name no core field can have, so two plugins never collide on it.
            added.python_name = f"plugin__{plugin}__{extra.name}"
            definition.fields = [*definition.fields, added]
        yield
    finally:
        for owner, original in originals.items():
            get_object_definition(owner, strict=True).fields = original
