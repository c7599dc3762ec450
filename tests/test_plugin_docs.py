"""docs/plugins.md and the hook specifications describe the same hooks, each with when
it is called, its arguments, what it returns and an example."""

from __future__ import annotations

import inspect
import re

import pytest
from conftest import ROOT

from marsad.core import hookspecs

DOCS = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
SPECS = {
    name: function
    for name, function in vars(hookspecs).items()
    if name.startswith("marsad_") and callable(function)
}


def section(name: str) -> str:
    """The text under ``### name`` up to the next heading of that level or above."""
    match = re.search(rf"^### {name}\n(.*?)(?=^#{{1,3}} |\Z)", DOCS, re.MULTILINE | re.DOTALL)
    assert match, f"docs/plugins.md has no section for {name}"
    return match.group(1)


def test_the_docs_name_only_real_hooks() -> None:
    documented = set(re.findall(r"^### (marsad_\w+)$", DOCS, re.MULTILINE))
    assert documented == set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_each_hook_is_documented_in_both_places(name: str) -> None:
    spec = inspect.getdoc(SPECS[name]) or ""
    text = section(name)
    for what, place in (("docstring", spec), ("docs/plugins.md", text)):
        assert "Called" in place, f"{name}'s {what} does not say when it is called"
        assert re.search(r"[Rr]eturns?", place), f"{name}'s {what} does not say what it returns"
        for argument in inspect.signature(SPECS[name]).parameters:
            assert f"``{argument}``" in place or f"`{argument}`" in place, (
                f"{name}'s {what} does not describe its argument {argument!r}"
            )
    assert "Example::" in spec, f"{name}'s docstring has no example"
    assert f"def {name}(" in text, f"docs/plugins.md has no example of {name}"
