"""Settings, read from the environment once per application instance."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from marsad.core.readers import MAX_INPUT_BYTES

DEFAULT_DATABASE_URL = "sqlite:///marsad.db"


def _names(value: str) -> frozenset[str]:
    return frozenset(name.strip() for name in value.split(",") if name.strip())


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class SettingsError(Exception):
    """A setting has a value marsad cannot use; the message names the variable."""


# Larger values are typing mistakes, and would overflow a database integer.
_LARGEST = 2**31 - 1


def _number(
    env: Mapping[str, str],
    name: str,
    default: float,
    *,
    minimum: float = 0,
    maximum: float = _LARGEST,
) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a number") from None
    if not minimum <= number <= maximum:  # also refuses nan
        raise SettingsError(
            f"{name}={value!r} must be between {_shown(minimum)} and {_shown(maximum)}"
        )
    return number


def _shown(bound: float) -> str:
    return str(int(bound)) if bound == int(bound) else f"{bound:g}"


@dataclass(frozen=True)
class PluginSettings:
    """One plugin's settings: the ``MARSAD_<PLUGIN>_<KEY>`` variables, read once.

    A stage reads them through ``ctx.settings.plugin("myplugin")``, never from
    ``os.environ``, so tests and the API pass settings explicitly. Keys are given in
    lower case (``threshold`` reads ``MARSAD_MYPLUGIN_THRESHOLD``); a value that is
    not what the getter needs raises :class:`SettingsError` naming the variable.
    """

    plugin: str
    values: Mapping[str, str] = field(default_factory=dict)

    def variable(self, key: str) -> str:
        return f"{plugin_prefix(self.plugin)}{key.upper()}"

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.values.get(self.variable(key), "").strip()
        return value or default

    def number(
        self, key: str, default: float, *, minimum: float = 0, maximum: float = _LARGEST
    ) -> float:
        return _number(self.values, self.variable(key), default, minimum=minimum, maximum=maximum)

    def integer(self, key: str, default: int, *, minimum: int = 0, maximum: int = _LARGEST) -> int:
        value = self.number(key, default, minimum=minimum, maximum=maximum)
        if value != int(value):
            raise SettingsError(f"{self.variable(key)}={self.text(key)!r} is not a whole number")
        return int(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.text(key)
        return default if value is None else _flag(value)

    def names(self, key: str, default: frozenset[str] = frozenset()) -> frozenset[str]:
        """A comma-separated list; an empty value means the empty set, unset the default."""
        variable = self.variable(key)
        return _names(self.values[variable]) if variable in self.values else default


def plugin_prefix(plugin: str) -> str:
    """``MARSAD_CHECK_WORTHY_`` for a plugin named ``check-worthy`` or ``check_worthy``."""
    return f"MARSAD_{re.sub(r'[^A-Za-z0-9]+', '_', plugin).upper()}_"


@dataclass(frozen=True)
class Settings:
    """``MARSAD_DATABASE_URL``: SQLAlchemy URL (default: ``marsad.db`` in the working dir).
    ``MARSAD_DISABLE_PLUGINS``: comma-separated plugin names not to load.
    ``MARSAD_STRICT_PLUGINS``: a plugin that fails to load is an error, not a warning.
    ``MARSAD_API_TOKEN``: bearer token for GraphQL mutations (unset: mutations refused).
    ``MARSAD_API_MAX_COST``: the most a GraphQL query may cost (``marsad.api.cost``);
    0: no limit.
    ``MARSAD_API_MAX_BODY_BYTES``: the largest request body, and query string, accepted.
    ``MARSAD_API_TIMEOUT``: seconds a GraphQL query may run before it is cancelled
    (0: no limit; mutations are not cut off).
    ``MARSAD_API_INTROSPECTION``, ``MARSAD_API_SUGGESTIONS``: answer schema introspection
    and add "Did you mean ...?" to errors (on for the explorer; turn off in production).
    ``MARSAD_BATCH_SIZE``: articles per pipeline batch and transaction.
    ``MARSAD_STAGE_TIMEOUT``: seconds one stage may spend on one article (0: no limit);
    a stage that processes whole batches gets that times the batch's articles.
    ``MARSAD_MAX_ATTEMPTS``: runs of a failing stage on one article before it is left
    alone until ``marsad reprocess --failed``.
    ``MARSAD_MAX_INPUT_BYTES``: the largest input file or archive member read.
    ``MARSAD_<PLUGIN>_<KEY>``: a plugin's own settings (:meth:`plugin`).
    """

    database_url: str = DEFAULT_DATABASE_URL
    disabled_plugins: frozenset[str] = field(default_factory=frozenset)
    strict_plugins: bool = False
    api_token: str | None = None
    api_max_cost: int = 75_000
    api_max_body_bytes: int = 1_000_000
    api_timeout: float = 30.0
    api_introspection: bool = True
    api_suggestions: bool = True
    batch_size: int = 50
    stage_timeout: float = 120.0
    max_attempts: int = 3
    max_input_bytes: int = MAX_INPUT_BYTES
    # Every MARSAD_* variable as it was read, for plugins' own settings.
    environment: Mapping[str, str] = field(default_factory=dict, compare=False)

    def plugin(self, name: str) -> PluginSettings:
        """The settings of plugin ``name`` (its ``MARSAD_<NAME>_*`` variables)."""
        prefix = plugin_prefix(name)
        values = {k: v for k, v in self.environment.items() if k.startswith(prefix)}
        return PluginSettings(plugin=name, values=values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("MARSAD_DATABASE_URL") or DEFAULT_DATABASE_URL,
            disabled_plugins=_names(env.get("MARSAD_DISABLE_PLUGINS", "")),
            strict_plugins=_flag(env.get("MARSAD_STRICT_PLUGINS", "")),
            api_token=env.get("MARSAD_API_TOKEN") or None,
            api_max_cost=int(_number(env, "MARSAD_API_MAX_COST", 75_000)),
            api_max_body_bytes=int(_number(env, "MARSAD_API_MAX_BODY_BYTES", 1_000_000, minimum=1)),
            api_timeout=_number(env, "MARSAD_API_TIMEOUT", 30.0),
            api_introspection=_flag(env.get("MARSAD_API_INTROSPECTION") or "1"),
            api_suggestions=_flag(env.get("MARSAD_API_SUGGESTIONS") or "1"),
            batch_size=int(_number(env, "MARSAD_BATCH_SIZE", 50, minimum=1, maximum=10_000)),
            stage_timeout=_number(env, "MARSAD_STAGE_TIMEOUT", 120.0),
            max_attempts=int(_number(env, "MARSAD_MAX_ATTEMPTS", 3, minimum=1)),
            max_input_bytes=int(_number(env, "MARSAD_MAX_INPUT_BYTES", MAX_INPUT_BYTES, minimum=1)),
            environment={name: value for name, value in env.items() if name.startswith("MARSAD_")},
        )
