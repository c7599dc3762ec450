"""Long commands are not silent where their output goes to a log or a pipe."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import marsad.core.cli as cli


def lines_printed(terminal: bool, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(cli, "PROGRESS_LINE_SECONDS", 0.0)
    output = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=output, force_terminal=terminal, width=80))
    with cli._progress() as progress:
        task = progress.add_task("processing", total=3)
        for _ in range(3):
            progress.advance(task)
    return [line for line in output.getvalue().splitlines() if line.startswith("processing ")]


def test_a_log_gets_a_line_now_and_then(monkeypatch: pytest.MonkeyPatch) -> None:
    printed = lines_printed(False, monkeypatch)
    assert [line.split(" after ")[0] for line in printed] == [
        "processing 1/3",
        "processing 2/3",
        "processing 3/3",
    ]


def test_a_terminal_gets_the_bar_and_no_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    assert all("/3 after" not in line for line in lines_printed(True, monkeypatch))
