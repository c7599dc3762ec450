"""Commands for claims: ``marsad relate`` and ``marsad eval claims``."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from marsad.core import InputError, hookimpl
from marsad.plugins import claims_eval
from marsad.plugins.relate import relate


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


def _eval_command(
    gold: Annotated[Path, typer.Option("--gold", help="The gold JSON file.")] = Path(
        "tests/data/seeds.json"
    ),
    articles: Annotated[
        Path | None,
        typer.Option(
            help="Folder of the gold's articles: the seeds, or the SaudiNewsNet zips "
            "(default: beside the gold's folder)."
        ),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(help="Database URL (default: a temporary SQLite; seeds format only)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    misses: Annotated[
        int, typer.Option("--misses", min=0, help="Print the first N misses and false finds.")
    ] = 0,
) -> None:
    """Precision and recall of claims, links, citations and aliases against a gold file.

    Reads the seeds' format (tests/data/seeds.json: runs the pipeline on a database)
    and the SaudiNewsNet format of claims_dev.json (runs the claim finder alone).
    """
    report = claims_eval.run(gold, articles=articles, database=database)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    _print_table(report.scores)
    if report.breakdowns:
        typer.echo("")
        _print_table(report.breakdowns)
    if report.seconds is not None:
        typer.echo(f"\nthe report took {report.seconds:.1f} s")
    if misses:
        for score in report.scores + report.breakdowns:
            _print_misses(score, misses)


def _print_table(scores: list[claims_eval.Score]) -> None:
    width = max(22, *(len(score.category) for score in scores))
    typer.echo(f"{'category':<{width}} {'precision':>9} {'recall':>7}  found/gold  right/judged")
    for score in scores:
        typer.echo(
            f"{score.category:<{width}} {_pct(score.precision):>9} {_pct(score.recall):>7}"
            f"  {score.found:>5}/{score.expected:<4}  {score.correct:>5}/{score.predicted}"
        )


def _print_misses(score: claims_eval.Score, limit: int) -> None:
    for label, items in (("misses", score.misses), ("false finds", score.false_finds)):
        if not items:
            continue
        typer.echo(f"\n{score.category}: {label} (first {min(limit, len(items))} of {len(items)})")
        for item in items[:limit]:
            typer.echo(f"  {_describe(item)}")


def _describe(item: object) -> str:
    if not isinstance(item, dict):
        return str(item)
    return " | ".join(f"{key}={value}" for key, value in item.items())


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@hookimpl
def marsad_register_commands(cli: typer.Typer, eval_cli: typer.Typer) -> None:
    cli.command("relate")(_relate_command)
    eval_cli.command("claims")(_eval_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run through the marsad command")
