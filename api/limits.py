"""Limits on what one request may ask for, so a single query cannot exhaust the server."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from marsad.api.errors import should_mask_error

MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_ALIASES = 30
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# SQLite (before 3.32) allows 999 bound parameters per statement; a loader batch
# may bind its keys twice (links in both directions), so stay well under half.
MAX_BATCH_SIZE = 450


def schema_extensions() -> list[Callable[[], SchemaExtension]]:
    """Factories, not instances: Strawberry builds fresh extensions for each request."""
    return [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaskErrors(should_mask_error=should_mask_error),
    ]
