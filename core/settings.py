"""Settings, read from the environment once per application instance."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "sqlite:///marsad.db"


def _names(value: str) -> frozenset[str]:
    return frozenset(name.strip() for name in value.split(",") if name.strip())


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """``MARSAD_DATABASE_URL``: SQLAlchemy URL (default: ``marsad.db`` in the working dir).
    ``MARSAD_DISABLE_PLUGINS``: comma-separated plugin names not to load.
    ``MARSAD_STRICT_PLUGINS``: a plugin that fails to load is an error, not a warning.
    ``MARSAD_API_TOKEN``: bearer token for GraphQL mutations (unset: mutations refused).
    ``MARSAD_BATCH_SIZE``: articles per pipeline batch and transaction.
    """

    database_url: str = DEFAULT_DATABASE_URL
    disabled_plugins: frozenset[str] = field(default_factory=frozenset)
    strict_plugins: bool = False
    api_token: str | None = None
    batch_size: int = 50

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("MARSAD_DATABASE_URL") or DEFAULT_DATABASE_URL,
            disabled_plugins=_names(env.get("MARSAD_DISABLE_PLUGINS", "")),
            strict_plugins=_flag(env.get("MARSAD_STRICT_PLUGINS", "")),
            api_token=env.get("MARSAD_API_TOKEN") or None,
            batch_size=int(env.get("MARSAD_BATCH_SIZE") or 50),
        )
