"""Limits on what one request may ask for, so a single query cannot exhaust the server.

The fixed limits (depth, tokens, aliases, page size) are constants; the ones an
operator tunes come from the settings of the application serving the request
(``MARSAD_API_MAX_COST``, ``MARSAD_API_TIMEOUT``, ``MARSAD_API_INTROSPECTION``,
``MARSAD_API_SUGGESTIONS``), read through the request's context.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING

import anyio
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit
from strawberry.types.execution import ExecutionContext
from strawberry.types.graphql import OperationType

from marsad.api.cost import CostModel, operation_cost
from marsad.api.errors import QueryTimeout, should_mask_error
from marsad.core.settings import Settings

if TYPE_CHECKING:
    from marsad.api.context import Context

MAX_DEPTH = 10
# Distinct query texts whose parse and validation are kept: clients (and the pages)
# send the same few queries again and again; bounded, so unique texts cannot grow it.
QUERY_CACHE_SIZE = 256
MAX_TOKENS = 2000
MAX_ALIASES = 30
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# SQLite (before 3.32) allows 999 bound parameters per statement; a loader batch
# may bind its keys twice (links in both directions), so stay well under half.
MAX_BATCH_SIZE = 450
# How many items a list without paging (an article's claims, paragraphs or links, a
# story's disputes) is taken to hold when a query's cost is estimated: about what an
# article of the seeds has.
LIST_ESTIMATE = 10
COST_MODEL = CostModel(default_page_size=DEFAULT_PAGE_SIZE, list_estimate=LIST_ESTIMATE)

_SUGGESTION = re.compile(r"\s*Did you mean .*\?\s*$", re.DOTALL)


def _context(execution: ExecutionContext) -> Context:
    context: Context = execution.context
    return context


def _settings(execution: ExecutionContext) -> Settings:
    return _context(execution).marsad.settings


class QueryCostLimit(SchemaExtension):
    """Refuses an operation that costs more than ``MARSAD_API_MAX_COST`` before any
    resolver runs (:mod:`marsad.api.cost`).

    Checked when execution starts rather than by a validation rule: validation
    results may be cached per document, but the cost depends on the variables.
    """

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        limit = _settings(execution).api_max_cost
        document = execution.graphql_document
        if limit > 0 and document is not None:
            cost = operation_cost(
                execution.schema._schema,
                document,
                execution.operation_name,
                execution.variables,
                COST_MODEL,
            )
            if cost > limit:
                # A result set here is returned as it is: nothing is executed.
                refusal = _cost_error(cost, limit)
                execution.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield


def _cost_error(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"this query would cost {cost:,}, more than this server's limit of {limit:,} "
        "(MARSAD_API_MAX_COST): ask for smaller pages (`first`) or fewer nested lists, "
        "or split it into several queries",
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": limit},
    )


class QueryTimeLimit(SchemaExtension):
    """Cancels a query that runs past ``MARSAD_API_TIMEOUT`` seconds and answers with
    :class:`QueryTimeout`.

    Statements already running in a worker thread cannot be cancelled, so the same
    deadline is handed to the request's reads, which have the database stop them
    (:mod:`marsad.api.db`). Mutations are not cut off: they store and process an
    article, and stopping them halfway would only leave work for a retry.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        seconds = _settings(execution).api_timeout
        if seconds <= 0 or execution.operation_type is not OperationType.QUERY:
            yield
            return
        reads = _context(execution).reads
        reads.deadline = time.monotonic() + seconds
        reads.limit_seconds = seconds
        try:
            with anyio.fail_after(seconds):
                yield
        except TimeoutError:
            raise QueryTimeout(seconds) from None


class SchemaVisibility(SchemaExtension):
    """Introspection and "Did you mean ...?" suggestions, as the settings say: both
    help a person in the explorer and help an attacker map the schema."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        settings = _settings(execution)
        if not settings.api_introspection:
            execution.validation_rules = (
                *execution.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield
        result = execution.result
        if settings.api_suggestions or result is None:
            return
        for error in result.errors or ():
            error.message = _SUGGESTION.sub("", error.message)


class MaskInternalErrors(MaskErrors):
    """Errors from inside the server read "Unexpected error." unless the request
    carries the API token: its holder runs the server and needs the detail."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error)

    def on_operation(self) -> Iterator[None]:
        if _context(self.execution_context).has_token:
            yield
            return
        yield from super().on_operation()


# The depth and alias limits as validation rules, made once: validation is cached per
# query text and set of rules, so every request must bring the same rule objects.
LIMIT_RULES: list[type[ASTValidationRule]] = [
    depth_limit(MAX_DEPTH, None, None),
    alias_limit(MAX_ALIASES),
]


def schema_extensions() -> list[Callable[[], SchemaExtension]]:
    """Classes and factories, not instances: Strawberry builds fresh extensions for
    each request, and each reads the settings of the app that serves it."""
    return [
        lambda: ParserCache(maxsize=QUERY_CACHE_SIZE),
        lambda: ValidationCache(maxsize=QUERY_CACHE_SIZE),
        lambda: AddValidationRules(LIMIT_RULES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        SchemaVisibility,
        QueryCostLimit,
        QueryTimeLimit,
        MaskInternalErrors,
    ]
