"""Composing the GraphQL schema from the core's types and the fields plugins add.

Strawberry reads a type's fields when a schema is built from it. The plugins' fields
are added to the core types' definitions only while the schema is built, then taken
away again, so a schema built later without them (the committed SDL, another
application in the same process) is the core's alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import strawberry
from strawberry.schema.name_converter import NameConverter
from strawberry.types.base import get_object_definition
from strawberry.types.field import UNRESOLVED, StrawberryField

from marsad.api.types import Article, Claim, Story
from marsad.core.extending import ApiField
from marsad.core.plugins import PluginLoadError

EXTENSIBLE: dict[str, type[Any]] = {"Article": Article, "Claim": Claim, "Story": Story}


class PluginFieldError(PluginLoadError):
    """A plugin's field cannot be added: an unknown type or a name already taken."""


GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")


@contextmanager
def plugin_fields(fields: Sequence[tuple[str, ApiField]]) -> Iterator[None]:
    """The core types carry ``fields`` (plugin name, field) until the block ends."""
    names = NameConverter()
    originals: dict[type[Any], list[StrawberryField]] = {}
    owners: dict[tuple[str, str], str] = {}  # (type, field name) -> plugin that added it
    try:
        for plugin, extra in fields:
            owner = EXTENSIBLE.get(extra.on)
            where = f"plugin {plugin!r} adds field {extra.name!r} to {extra.on!r}"
            if owner is None:
                raise PluginFieldError(f"{where}, which is not one of {', '.join(EXTENSIBLE)}")
            if not GRAPHQL_NAME.match(extra.name):
                raise PluginFieldError(
                    f"{where}: a GraphQL name has only letters, digits and _, "
                    "and does not start with a digit"
                )
            definition = get_object_definition(owner, strict=True)
            originals.setdefault(owner, definition.fields)
            earlier = owners.get((extra.on, extra.name))
            if earlier is not None:
                raise PluginFieldError(f"{where}, which plugin {earlier!r} adds too")
            if extra.name in {names.get_graphql_name(f) for f in originals[owner]}:
                raise PluginFieldError(f"{where}, which already has a core field of that name")
            try:
                added = strawberry.field(
                    resolver=extra.resolver, name=extra.name, description=extra.description
                )
                # Resolving its types now, so a resolver without annotations is named here.
                if added.type is UNRESOLVED:
                    raise TypeError("its return type is not annotated")
                added.arguments  # noqa: B018
            except Exception as error:
                raise PluginFieldError(
                    f"{where}, but its resolver cannot be used: {error}"
                ) from None
            # A Python name no core field can have, so two plugins never collide on it.
            added.python_name = f"plugin__{plugin}__{extra.name}"
            owners[(extra.on, extra.name)] = plugin
            definition.fields = [*definition.fields, added]
        yield
    finally:
        for owner_type, original in originals.items():
            get_object_definition(owner_type, strict=True).fields = original
