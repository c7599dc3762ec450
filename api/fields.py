"""Typed spellings of ``strawberry.field(...)`` and ``strawberry.mutation(...)``.

Called with options but no resolver, Strawberry's decorators are typed as ``Any``,
which ``mypy --strict`` rejects on every resolver; these say what they return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def field(description: str) -> Callable[[F], F]:
    decorator: Callable[[F], F] = strawberry.field(description=description)
    return decorator


def mutation(description: str) -> Callable[[F], F]:
    decorator: Callable[[F], F] = strawberry.mutation(description=description)
    return decorator
