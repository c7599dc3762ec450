"""``marsad relate``: how two short texts relate, with the pipeline's own rules."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from marsad.core import InputError, hookimpl
from marsad.text.claims.relate import relate


def relate_pairs(path: Path) -> tuple[list[str], list[str]]:
    """One JSON line per row of a CSV with columns s1,s2, and one error line per bad row."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise InputError(path, f"cannot open ({error.strerror})") from None
    lines: list[str] = []
    errors: list[str] = []
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"s1", "s2"} <= set(reader.fieldnames):
            raise InputError(path, "needs the columns s1 and s2")
        for row in reader:
            s1, s2 = row.get("s1"), row.get("s2")
            if not s1 or not s2 or not s1.strip() or not s2.strip() or None in row:
                errors.append(f"{path}:{reader.line_num}: malformed row (needs s1 and s2)")
                continue
            lines.append(
                json.dumps({"line": reader.line_num, **relate(s1, s2)}, ensure_ascii=False)
            )
    return lines, errors


def _relate_command(
    texts: Annotated[list[str] | None, typer.Argument(help="TEXT_A TEXT_B")] = None,
    pairs: Annotated[Path | None, typer.Option("--pairs", help="A CSV with columns s1,s2.")] = None,
) -> None:
    """Print how two short texts relate (corroborates / contradicts / unrelated) as JSON."""
    if pairs is not None:
        lines, errors = relate_pairs(pairs)
        for line in lines:
            typer.echo(line)
        for error in errors:
            typer.echo(f"error: {error}", err=True)
        if errors:
            raise typer.Exit(1)
        return
    if not texts or len(texts) != 2:
        raise typer.BadParameter("give two texts, or --pairs FILE.csv")
    for name, text in zip(("TEXT_A", "TEXT_B"), texts, strict=True):
        if not text.strip():
            raise typer.BadParameter(f"{name} is empty: nothing to relate")
    typer.echo(json.dumps(relate(texts[0], texts[1]), ensure_ascii=False, indent=2))


@hookimpl
def marsad_register_commands(cli: typer.Typer) -> None:
    cli.command("relate")(_relate_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run through the marsad command")
