"""The plugin manager factory: one manager per application instance, never a global.

Built-in plugins are registered from a tuple exactly as third-party ones are found
through entry points; each entry point is loaded on its own so one broken plugin is
reported and skipped instead of stopping all of them.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points, version
from types import ModuleType
from typing import Any, cast

import pluggy

from marsad.core import hookspecs
from marsad.core.extending import ApiField, PluginSchema
from marsad.core.hookspecs import PROJECT_NAME
from marsad.core.readers import Reader
from marsad.core.settings import Settings
from marsad.core.stages import RegisteredStage, Stage, order_stages

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "marsad"

# Built-in plugins by name, registered as third-party ones are: by name, from a module.
BUILTIN_PLUGINS: dict[str, str] = {
    "readers": "marsad.plugins.readers",
    "saudinewsnet": "marsad.plugins.saudinewsnet",
    "parse": "marsad.plugins.parse",
    "normalize": "marsad.plugins.normalize",
    "dedupe": "marsad.plugins.dedupe",
    "extract": "marsad.plugins.extract",
    "link": "marsad.plugins.link",
    "relate": "marsad.plugins.relate",
    "cluster": "marsad.plugins.cluster",
    "translate": "marsad.plugins.translate",
    "search": "marsad.plugins.search",
    # `marsad eval parse|claims|stories`.
    "eval": "marsad.eval.commands",
    # The API's commands (`marsad serve`, `marsad schema`): core never imports the API.
    "api": "marsad.api.serve",
}


class PluginLoadError(Exception):
    """A plugin could not be loaded (raised only in strict mode)."""


def marsad_version() -> str:
    try:
        return version("marsad")
    except Exception:  # running from a source tree that is not installed
        return "0+unknown"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    builtin: bool
    hooks: tuple[str, ...]
    stages: tuple[str, ...]


@dataclass
class Plugins:
    """The loaded plugins of one application, with the errors of those that failed."""

    manager: pluggy.PluginManager
    load_errors: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def hook(self) -> Any:
        return self.manager.hook

    def registered_stages(self) -> list[RegisteredStage]:
        """Every stage each plugin registers, in no particular order."""
        registered: list[RegisteredStage] = []
        for impl in self.manager.hook.marsad_register_stages.get_hookimpls():
            stages = cast(Iterable[Stage], impl.function() or ())
            registered.extend(
                RegisteredStage(stage=stage, plugin=impl.plugin_name) for stage in stages
            )
        return registered

    def stages(self) -> list[RegisteredStage]:
        """All registered stages in dependency order, each with its plugin's name."""
        return order_stages(self.registered_stages())

    def readers(self) -> dict[str, Reader]:
        """Readers by format name; a later-registered plugin cannot shadow an earlier one."""
        readers: dict[str, Reader] = {}
        for impl in self.manager.hook.marsad_register_readers.get_hookimpls():
            provided = cast(Iterable[Reader], impl.function() or ())
            for reader in provided:
                readers.setdefault(reader.name, reader)
        return readers

    def schemas(self) -> list[tuple[str, PluginSchema]]:
        """Each plugin's own tables, by plugin name, in the order they must be created:
        after the plugins each names in ``after``, otherwise by name."""
        declared: dict[str, PluginSchema] = {}
        for impl in self.manager.hook.marsad_register_schema.get_hookimpls():
            schema = impl.function()
            if schema is not None:
                declared[impl.plugin_name] = cast(PluginSchema, schema)
        ordered: list[tuple[str, PluginSchema]] = []
        placing: set[str] = set()

        def place(name: str, wanted_by: str | None) -> None:
            if name not in declared:
                raise PluginLoadError(
                    f"plugin {wanted_by!r} creates its tables after those of plugin "
                    f"{name!r}, which is not installed or has no tables"
                )
            if any(placed == name for placed, _ in ordered):
                return
            if name in placing:
                raise PluginLoadError(f"plugins' tables wait on each other in a cycle: {name!r}")
            placing.add(name)
            for other in declared[name].after:
                place(other, name)
            ordered.append((name, declared[name]))

        for name in sorted(declared):
            place(name, None)
        return ordered

    def api_fields(self) -> list[tuple[str, ApiField]]:
        """Every GraphQL field plugins add to the core types, with the plugin's name."""
        fields: list[tuple[str, ApiField]] = []
        for impl in self.manager.hook.marsad_register_api_fields.get_hookimpls():
            provided = cast(Iterable[ApiField], impl.function() or ())
            fields.extend((impl.plugin_name, extra) for extra in provided)
        return fields

    def describe(self) -> list[PluginInfo]:
        stage_plugins: dict[str, list[str]] = {}
        # Unordered on purpose: listing plugins must work while the stage graph is broken.
        for registered in self.registered_stages():
            stage_plugins.setdefault(registered.plugin, []).append(registered.name)
        infos = []
        for name, plugin in sorted(self.manager.list_name_plugin()):
            callers = self.manager.get_hookcallers(plugin) or []
            infos.append(
                PluginInfo(
                    name=name,
                    version=self.versions.get(name) or _own_version(plugin),
                    builtin=name in _builtin_names(),
                    hooks=tuple(sorted(caller.name for caller in callers)),
                    stages=tuple(stage_plugins.get(name, ())),
                )
            )
        return infos


def _own_version(plugin: object) -> str:
    declared = getattr(plugin, "__version__", None)
    return declared if isinstance(declared, str) else marsad_version()


def _import_builtin(module_name: str) -> ModuleType:
    """A built-in plugin; one that cannot be imported means a broken installation."""
    try:
        return importlib.import_module(module_name)
    except Exception as error:
        raise PluginLoadError(
            f"built-in plugin {module_name!r} cannot be imported "
            f"({type(error).__name__}: {error}); the installation is incomplete: "
            "reinstall marsad with its dependencies (pip install --upgrade pip, then "
            "pip install marsad)"
        ) from error


def _builtin_names() -> set[str]:
    return set(BUILTIN_PLUGINS)


def make_plugins(
    settings: Settings,
    *,
    extra: tuple[ModuleType | object, ...] = (),
    load_entry_points: bool = True,
) -> Plugins:
    """Build the plugin manager: built-ins, then ``extra`` (tests), then entry points.

    Plugins named in ``settings.disabled_plugins`` are not registered. A plugin that
    fails to import or register is logged and skipped, or raises
    :class:`PluginLoadError` when ``settings.strict_plugins`` is set.
    """
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    plugins = Plugins(manager=manager)

    def fail(name: str, error: BaseException) -> None:
        message = f"{type(error).__name__}: {error}"
        if settings.strict_plugins:
            raise PluginLoadError(f"plugin {name!r} failed to load: {message}") from error
        log.warning("plugin %r failed to load and is skipped: %s", name, message)
        plugins.load_errors[name] = message

    for name, module_name in BUILTIN_PLUGINS.items():
        if name not in settings.disabled_plugins:
            manager.register(_import_builtin(module_name), name=name)

    for plugin in extra:
        manager.register(plugin)
    # Validate these first, so a bad built-in or extra hook is not blamed on the first
    # entry point checked below (and that good plugin unregistered for it).
    manager.check_pending()

    found = entry_points(group=ENTRY_POINT_GROUP) if load_entry_points else ()
    for name in sorted(settings.disabled_plugins - _builtin_names() - {e.name for e in found}):
        log.warning("MARSAD_DISABLE_PLUGINS names %r, but no plugin has that name", name)

    if load_entry_points:
        for entry_point in found:
            if entry_point.name in settings.disabled_plugins:
                continue
            if manager.has_plugin(entry_point.name):
                fail(entry_point.name, ValueError("a plugin of this name is already loaded"))
                continue
            try:
                manager.register(entry_point.load(), name=entry_point.name)
                manager.check_pending()
            except Exception as error:
                if manager.has_plugin(entry_point.name):
                    manager.unregister(name=entry_point.name)
                fail(entry_point.name, error)
                continue
            if entry_point.dist is not None:
                plugins.versions[entry_point.name] = entry_point.dist.version

    manager.check_pending()
    return plugins
