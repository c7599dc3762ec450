"""The plugin manager factory: built-ins, entry points, disabling, strict mode, describe()."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pluggy
import pytest

from marsad.core import hookspecs
from marsad.core.plugins import (
    BUILTIN_PLUGINS,
    ENTRY_POINT_GROUP,
    PluginLoadError,
    Plugins,
    make_plugins,
    marsad_version,
)
from marsad.core.settings import Settings
from marsad.core.stages import StageOrderError

TESTS = Path(__file__).resolve().parent
BUILTIN_NAMES = set(BUILTIN_PLUGINS)
BUILTIN_STAGES = {
    "parse",
    "normalize",
    "dedupe",
    "extract",
    "link",
    "cluster",
    "translate",
    "index",
}


def hookspec_names() -> list[str]:
    return sorted(
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("marsad_")
    )


class FakeDistribution:
    """What an entry point needs of the distribution that declared it."""

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version
        self.metadata = {"Name": name}


def entry_point(name: str, module: str, version: str | None = None) -> EntryPoint:
    point = EntryPoint(name=name, value=f"plugins_fixture.{module}", group=ENTRY_POINT_GROUP)
    if version is not None:
        point = point._for(FakeDistribution(f"marsad-{name}", version))  # type: ignore[attr-defined]
    return point


@pytest.fixture
def fake_entry_points(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EntryPoint]]:
    """Entry points of the ``marsad`` group are whatever the test puts in this list."""
    points: list[EntryPoint] = []
    monkeypatch.syspath_prepend(str(TESTS))

    def entry_points(*, group: str) -> list[EntryPoint]:
        return [point for point in points if point.group == group]

    monkeypatch.setattr("marsad.core.plugins.entry_points", entry_points)
    yield points


def plugin_names(plugins: Plugins) -> set[str]:
    return {name for name, _plugin in plugins.manager.list_name_plugin()}


def test_builtins_are_registered_as_ordinary_plugins() -> None:
    plugins = make_plugins(Settings(), load_entry_points=False)
    assert plugin_names(plugins) == BUILTIN_NAMES
    assert not plugins.load_errors
    stages = {registered.name: registered.plugin for registered in plugins.stages()}
    assert set(stages) == BUILTIN_STAGES
    assert stages["parse"] == "parse"
    assert stages["translate"] == "translate"
    assert set(plugins.readers()) >= {"text", "jsonl"}


def test_builtin_translator_is_registered() -> None:
    settings = Settings()
    plugins = make_plugins(settings, load_entry_points=False)
    batches = plugins.hook.marsad_register_translators(settings=settings)
    engines = [engine for batch in batches for engine in batch]
    assert "offline-glossary" in {engine.name for engine in engines}


def test_disable_plugins_from_environment() -> None:
    settings = Settings.from_env({"MARSAD_DISABLE_PLUGINS": " translate , cluster,"})
    assert settings.disabled_plugins == {"translate", "cluster"}
    plugins = make_plugins(settings, load_entry_points=False)
    assert plugin_names(plugins) == BUILTIN_NAMES - {"translate", "cluster"}
    assert {s.name for s in plugins.stages()} == BUILTIN_STAGES - {"translate", "cluster"}


def test_disabling_a_stage_others_depend_on_names_the_dependency() -> None:
    settings = Settings.from_env({"MARSAD_DISABLE_PLUGINS": "extract"})
    plugins = make_plugins(settings, load_entry_points=False)
    with pytest.raises(StageOrderError, match="extract"):
        plugins.stages()


def test_broken_entry_point_is_reported_and_skipped(fake_entry_points: list[EntryPoint]) -> None:
    from plugins_fixture import good

    fake_entry_points.extend(
        [
            entry_point("broken", "broken"),
            entry_point("good", "good", version="2.3.4"),
            entry_point("typo", "unknown_hook"),
            entry_point("signature", "bad_signature"),
        ]
    )
    plugins = make_plugins(Settings())

    assert plugin_names(plugins) == BUILTIN_NAMES | {"good"}
    assert set(plugins.load_errors) == {"broken", "typo", "signature"}
    assert "RuntimeError" in plugins.load_errors["broken"]
    assert "missing its configuration" in plugins.load_errors["broken"]
    assert "marsad_register_stagez" in plugins.load_errors["typo"]
    assert "colour" in plugins.load_errors["signature"]

    ordered = [registered.name for registered in plugins.stages()]
    assert ordered.index("shout") > ordered.index("parse")
    assert {r.name: r.plugin for r in plugins.stages()}["shout"] == "good"
    assert plugins.versions["good"] == "2.3.4"
    # The good plugin's observer is wired in: calling the hook reaches it.
    good.seen_batches.clear()
    plugins.hook.marsad_before_stage(stage=plugins.stages()[0].stage, ctx=None, articles=[])
    assert good.seen_batches == [("parse", 0)]


def test_strict_mode_turns_a_broken_plugin_into_an_error(
    fake_entry_points: list[EntryPoint],
) -> None:
    fake_entry_points.extend([entry_point("good", "good"), entry_point("broken", "broken")])
    settings = Settings.from_env({"MARSAD_STRICT_PLUGINS": "true"})
    assert settings.strict_plugins
    with pytest.raises(PluginLoadError, match="broken") as raised:
        make_plugins(settings)
    assert "missing its configuration" in str(raised.value)


def test_disabled_entry_point_is_not_even_imported(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(entry_point("broken", "broken"))
    settings = Settings(disabled_plugins=frozenset({"broken"}), strict_plugins=True)
    plugins = make_plugins(settings)
    assert plugin_names(plugins) == BUILTIN_NAMES
    assert not plugins.load_errors


def test_entry_point_cannot_take_a_builtin_name(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(entry_point("parse", "good"))
    plugins = make_plugins(Settings())
    assert "parse" in plugins.load_errors
    assert "already loaded" in plugins.load_errors["parse"]
    assert "shout" not in {registered.name for registered in plugins.stages()}


def test_describe_lists_hooks_stages_and_versions(fake_entry_points: list[EntryPoint]) -> None:
    fake_entry_points.append(entry_point("good", "good", version="2.3.4"))
    plugins = make_plugins(Settings())
    infos = {info.name: info for info in plugins.describe()}

    assert set(infos) == BUILTIN_NAMES | {"good"}
    assert infos["parse"].builtin
    assert infos["parse"].version == marsad_version()
    assert infos["parse"].hooks == ("marsad_register_stages",)
    assert infos["link"].hooks == ("marsad_register_commands", "marsad_register_stages")
    assert infos["eval"].hooks == ("marsad_register_commands",)
    assert infos["parse"].stages == ("parse",)
    assert infos["readers"].hooks == ("marsad_register_readers",)
    assert infos["readers"].stages == ()
    assert "marsad_register_translators" in infos["translate"].hooks
    assert infos["translate"].stages == ("translate",)

    good = infos["good"]
    assert not good.builtin
    assert good.version == "2.3.4"
    assert good.hooks == ("marsad_before_stage", "marsad_register_stages")
    assert good.stages == ("shout",)
    json.dumps([info.__dict__ for info in infos.values()])


def test_every_hookspec_has_documentation() -> None:
    names = hookspec_names()
    assert names, "no hook specifications found"
    for name in names:
        doc = inspect.getdoc(getattr(hookspecs, name))
        assert doc and len(doc) > 40, f"hook {name} has no documentation"


def test_every_hookspec_is_marked_and_prefixed() -> None:
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        marked = hasattr(function, "marsad_spec")
        assert marked == name.startswith("marsad_"), name


def test_every_hookspec_is_exercised_by_a_test() -> None:
    # Like datasette's test_docs: a new hook without a test makes this fail.
    sources = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("test_*.py"))
    )
    untested = [name for name in hookspec_names() if name not in sources]
    assert not untested, f"hooks without a test: {untested}"


def test_plugin_author_surface_is_small() -> None:
    import marsad.core as core

    public: dict[str, Any] = {name: getattr(core, name) for name in core.__all__}
    assert public["hookimpl"] is hookspecs.hookimpl
    assert "hookspec" not in public


def test_a_bad_extra_plugin_is_not_blamed_on_an_entry_point(
    fake_entry_points: list[EntryPoint],
) -> None:
    from plugins_fixture import unknown_hook

    fake_entry_points.append(entry_point("good", "good"))
    with pytest.raises(pluggy.PluginValidationError, match="marsad_register_stagez"):
        make_plugins(Settings(strict_plugins=True), extra=(unknown_hook,))


def test_describe_works_while_the_stage_graph_is_broken() -> None:
    # `marsad plugins` is how a user debugs a broken setup, so it must not need one.
    plugins = make_plugins(
        Settings(disabled_plugins=frozenset({"extract"})), load_entry_points=False
    )
    with pytest.raises(StageOrderError):
        plugins.stages()
    described = {info.name: info.stages for info in plugins.describe()}
    assert described["link"] == ("link",) and "extract" not in described
