"""``marsad plugin new NAME``: a plugin package that installs, registers, migrates and
passes its own tests as generated, for an author to change from there."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from string import Template

from marsad.core.plugins import marsad_version
from marsad.core.settings import plugin_prefix

PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

# Template file -> where it goes in the package ($package is the import name).
LAYOUT = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "init.py.tmpl": "src/$package/__init__.py",
    "models.py.tmpl": "src/$package/models.py",
    "plugin.py.tmpl": "src/$package/plugin.py",
    "migrations_init.py.tmpl": "src/$package/migrations/__init__.py",
    "migration_0001.py.tmpl": "src/$package/migrations/0001_word_counts.py",
    "test_plugin.py.tmpl": "tests/test_$name.py",
}


class PluginNameError(ValueError):
    """The name cannot be a plugin's, or its folder already exists."""


def new_plugin(name: str, parent: Path) -> Path:
    """Write the package ``marsad-NAME`` under ``parent``; return its folder."""
    if not PLUGIN_NAME.match(name):
        raise PluginNameError(
            f"{name!r} cannot name a plugin: use 2 to 40 lower-case letters, digits and "
            "underscores, starting with a letter (it becomes a Python package, a table "
            "prefix and a settings prefix)"
        )
    target = parent / f"marsad-{name}"
    if target.exists():
        raise PluginNameError(f"{target} already exists: choose another name or folder")
    values = {
        "name": name,
        "package": f"marsad_{name}",
        "field": _camel(name) + "WordCount",
        "setting_prefix": plugin_prefix(name).removeprefix("MARSAD_"),
        "marsad_version": _release(marsad_version()),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    templates = files("marsad.core") / "plugin_template"
    for source, destination in LAYOUT.items():
        path = target / Template(destination).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = Template(templates.joinpath(source).read_text(encoding="utf-8"))
        path.write_text(text.substitute(values), encoding="utf-8")
    return target


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _release(version: str) -> str:
    """The release part of marsad's version (``0.1.0`` of ``0.1.0.dev3+g12``)."""
    match = re.match(r"\d+(\.\d+)*", version)
    return match.group(0) if match else "0"
