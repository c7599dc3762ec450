"""Field resolvers called directly, without Strawberry's per-call argument machinery.

For every field with a resolver, Strawberry wraps the resolver in a chain that, on
each call, converts the GraphQL arguments to Python values, lets the field's
extensions reshape them and chains the extensions around the call. A page of 50
articles with their claims and links calls such resolvers thousands of times (each
claim's ``id``, ``links``, each link's ``claim``), and for fields without arguments
or extensions the chain does nothing but cost: on issue #13's bench it was the
largest part of the gap between the API and hand-written SQL.

:func:`call_resolvers_directly` gives each such field a resolver that builds the
same ``Info`` and passes the same source and info as Strawberry would (``self``,
``root`` or ``parent``, ``info``, as the resolver asks for them), and leaves every
other field (arguments, field extensions, permission classes) to Strawberry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


def call_resolvers_directly(schema: strawberry.Schema) -> int:
    """Give the fields that can take one a direct resolver; how many did.

    None when the schema has exception handlers: Strawberry applies those in the
    chain this leaves out.
    """
    if schema.exception_handlers:
        return 0
    replaced = 0
    info_class = schema.config.info_class
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if isinstance(field, StrawberryField) and not graphql_field.args:
                direct = _direct_resolver(field, info_class)
                if direct is not None:
                    graphql_field.resolve = direct
                    replaced += 1
    return replaced


def _direct_resolver(field: StrawberryField, info_class: type[Any]) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    if resolver is None or field.arguments or field.extensions or field.permission_classes:
        return None
    takes_self = resolver.self_parameter is not None
    source_names = [
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    ]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def resolve(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        kwargs: dict[str, Any] = dict.fromkeys(source_names, source)
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return resolver(source, **kwargs) if takes_self else resolver(**kwargs)

    return resolve
