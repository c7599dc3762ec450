"""What a query costs before it runs: page sizes multiplied down each path, summed.

Depth, token and alias limits bound how a query is written, not how much it asks
for: 29 aliases of ``articles(first: 100)`` with text, paragraphs, claims and links
pass all three and ask for about a hundred thousand objects. The cost counts them.

The model, for the one operation that is about to run:

- every field costs 1 for each time it is resolved (``__typename`` costs nothing);
- a field's selections are resolved once per item of the field: a list field under
  a paged field (``edges`` under ``articles(first: 50)``) has that page's size,
  ``first`` or ``last`` as given (a variable's value or default included) or the
  field's default page size when absent; any other list of objects (an article's
  claims, a story's disputes) is estimated at ``list_estimate`` items;
- a fragment counts once per use; its cost is computed once per page size it is
  used at and remembered, so fragments that spread each other many times cost linear
  time, not exponential.

Fields skipped with ``@skip``/``@include`` still count: the estimate errs on the side
of the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInt,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    Undefined,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_input_type,
    is_list_type,
    type_from_ast,
    value_from_ast,
)

PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True)
class CostModel:
    default_page_size: int
    list_estimate: int


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    model: CostModel,
) -> int:
    """The cost of the operation ``operation_name`` selects (0 when there is none)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    values = _variable_values(schema, operation, variables or {})
    walker = _Walker(schema, fragments, values, model)
    return walker.selection_set(root, operation.selection_set, page=None)


def _variable_values(
    schema: GraphQLSchema, operation: OperationDefinitionNode, given: Mapping[str, Any]
) -> dict[str, Any]:
    """The values given for the operation's variables, else their declared defaults."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        declared = type_from_ast(schema, definition.type)
        if name in given:
            values[name] = given[name]
        elif definition.default_value is not None and is_input_type(declared):
            values[name] = value_from_ast(definition.default_value, declared)
    return values


@dataclass
class _Walker:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    model: CostModel
    # (fragment name, page size it is used at) -> cost of one use
    known: dict[tuple[str, int | None], int] = field(default_factory=dict)

    def selection_set(
        self, parent: GraphQLNamedType, selections: SelectionSetNode, page: int | None
    ) -> int:
        """``page``: the page size of the paged field these selections belong to."""
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(inner or parent, selection.selection_set, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key not in self.known:
            self.known[key] = 0  # a cycle (refused by validation anyway) ends here
            definition = self.fragments.get(name)
            if definition is not None:
                kind = self.schema.get_type(definition.type_condition.name.value)
                if kind is not None:
                    self.known[key] = self.selection_set(kind, definition.selection_set, page)
        return self.known[key]

    def field(self, parent: GraphQLNamedType, node: FieldNode, page: int | None) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        definition = _field_definition(self.schema, parent, name)
        if definition is None or node.selection_set is None:
            return 1
        own_page = self.page_size(definition, node)
        items = 1
        if is_list_type(get_nullable_type(definition.type)):
            items = self.list_size(own_page, page)
        inner = get_named_type(definition.type)
        return 1 + items * self.selection_set(inner, node.selection_set, own_page)

    def list_size(self, own_page: int | None, parent_page: int | None) -> int:
        """Items in a list: its own page, else its connection's page, else the estimate."""
        if own_page is not None:
            return own_page
        if parent_page is not None:
            return parent_page
        return self.model.list_estimate

    def page_size(self, definition: GraphQLField, node: FieldNode) -> int | None:
        """The page size a field asks for; None for a field that is not paged."""
        for name in PAGE_ARGUMENTS:
            if name not in definition.args:
                continue
            value = self.argument(node, name)
            if value is Undefined:
                value = definition.args[name].default_value
            return _count(value, self.model.default_page_size)
        return None

    def argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, VariableNode):
                return self.variables.get(argument.value.name.value, Undefined)
            return value_from_ast(argument.value, GraphQLInt, self.variables)
        return Undefined


def _field_definition(
    schema: GraphQLSchema, parent: GraphQLNamedType, name: str
) -> GraphQLField | None:
    if parent is schema.query_type and name == "__schema":
        return SchemaMetaFieldDef
    if parent is schema.query_type and name == "__type":
        return TypeMetaFieldDef
    fields: dict[str, GraphQLField] = getattr(parent, "fields", {})
    return fields.get(name)


def _count(value: Any, default: int) -> int:
    """A page size as the resolver will see it; ``null`` or absent is the default."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default  # null, absent, or a value the execution will refuse anyway
    return max(0, int(value))
