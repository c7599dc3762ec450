"""The layout keeps its promises: plugins/ holds plugins that import no other plugin,
core imports no API, plugin or evaluation code, and marsad.text is language tooling
with no database (it speaks the core's vocabulary of claims, nothing more)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from marsad.core.plugins import BUILTIN_PLUGINS


def modules(folder: str) -> Iterator[Path]:
    yield from sorted((ROOT / folder).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, with ``from a import b`` as ``a.b`` too."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def plugin_of(path: Path) -> str:
    """The built-in plugin a file under plugins/ belongs to: its module or package."""
    relative = path.relative_to(ROOT / "plugins")
    return relative.parts[0].removesuffix(".py")


def test_every_module_under_plugins_belongs_to_a_registered_plugin() -> None:
    registered = {
        module.rsplit(".", 1)[-1]
        for module in BUILTIN_PLUGINS.values()
        if module.startswith("marsad.plugins.")
    }
    found = {plugin_of(path) for path in modules("plugins")} - {"__init__"}
    assert found == registered


@pytest.mark.parametrize("path", list(modules("plugins")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_plugin_imports_another(path: Path) -> None:
    own = plugin_of(path)
    others = {
        name
        for name in imported(path)
        if name.startswith("marsad.plugins.") and name.split(".")[2] != own
    }
    assert not others, f"{path.relative_to(ROOT)} imports other plugins: {sorted(others)}"


@pytest.mark.parametrize("path", list(modules("core")), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_api_plugin_or_evaluation(path: Path) -> None:
    outside = {
        name
        for name in imported(path)
        if name.split(".")[:2] in (["marsad", "api"], ["marsad", "plugins"], ["marsad", "eval"])
    }
    assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"


# What a claim is (its kinds, qualifiers, relations) and the input error: the core's
# words, which text tooling uses to say what it found.
VOCABULARY = {
    "marsad.core",
    *(f"marsad.core.{name}" for name in ("ClaimKind", "ClaimLinkKind", "Qualifier")),
    *(f"marsad.core.{name}" for name in ("QuantityKind", "InputError")),
}


@pytest.mark.parametrize("path", list(modules("text")), ids=lambda p: str(p.relative_to(ROOT)))
def test_text_is_language_tooling_only(path: Path) -> None:
    forbidden = {
        name
        for name in imported(path)
        if name.split(".")[0] == "sqlalchemy"
        or (name.startswith("marsad.") and not name.startswith("marsad.text"))
    } - VOCABULARY
    assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"
