"""The model enums as GraphQL enums: lower-case values stored, upper-case names shown.

Registered once, here, before any type refers to them; every API module that names
one imports this module first.
"""

from __future__ import annotations

import strawberry

from marsad.core.models import (
    ArticleLinkKind,
    ClaimKind,
    ClaimLinkKind,
    Qualifier,
    QuantityKind,
    RunStatus,
)

strawberry.enum(ClaimKind, name="ClaimKind", description="What a claim asserts.")
strawberry.enum(Qualifier, name="Qualifier", description="How exact a quantity is.")
strawberry.enum(
    QuantityKind,
    name="QuantityKind",
    description="What a quantity measures: a count, money, a percentage, a measure, a fraction.",
)
strawberry.enum(ArticleLinkKind, name="ArticleLinkKind", description="How two articles relate.")
strawberry.enum(ClaimLinkKind, name="ClaimLinkKind", description="How two claims relate.")
strawberry.enum(RunStatus, name="RunStatus", description="How a stage run ended.")

__all__ = [
    "ArticleLinkKind",
    "ClaimKind",
    "ClaimLinkKind",
    "Qualifier",
    "QuantityKind",
    "RunStatus",
]
