"""Plugins add commands to the `marsad` CLI through marsad_register_commands."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import typer

import marsad.core.cli as cli
from marsad.core import hookimpl
from marsad.core.plugins import Plugins, make_plugins
from marsad.core.settings import Settings


class GreetingPlugin:
    @hookimpl
    def marsad_register_commands(self, cli: typer.Typer, eval_cli: typer.Typer) -> None:
        @cli.command("greet")
        def greet(name: str) -> None:
            typer.echo(f"salam {name}")

        @eval_cli.command("nothing")
        def nothing() -> None:
            typer.echo("score 1.0")


@pytest.fixture
def with_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(settings: Settings, **kwargs: Any) -> Plugins:
        return make_plugins(settings, extra=(GreetingPlugin(),), load_entry_points=False)

    monkeypatch.setattr(cli, "make_plugins", build)
    # A fresh app per test: commands registered by one test must not leak into another.
    app = typer.Typer(no_args_is_help=True)
    eval_app = typer.Typer(no_args_is_help=True)
    app.add_typer(eval_app, name="eval")
    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr(cli, "eval_app", eval_app)


@pytest.mark.parametrize(
    ("argv", "printed"), [(["greet", "Ahmad"], "salam Ahmad"), (["eval", "nothing"], "score 1.0")]
)
def test_plugin_commands_run(
    with_plugin: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    printed: str,
) -> None:
    monkeypatch.setattr(sys, "argv", ["marsad", *argv])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == printed


def test_builtin_cli_has_an_eval_group() -> None:
    names = {group.name for group in cli.app.registered_groups}
    assert {"db", "eval"} <= names
