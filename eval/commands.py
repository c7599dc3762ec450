"""``marsad eval parse|claims|stories``: the pipeline's output against gold files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from marsad.core import hookimpl
from marsad.eval import claims, parse, stories


def eval_parse(
    gold: Annotated[Path, typer.Option(help="Gold file (seeds.json).")],
    articles: Annotated[
        Path | None, typer.Option(help="Folder of the gold's articles (found if omitted).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score titles, subtitles, datelines, dates, outlets and clean bodies against gold."""
    report = parse.evaluate_parse(gold, articles)
    if as_json:
        typer.echo(parse.report_json(report))
    else:
        for name, score in report.rows():
            typer.echo(f"{name:<11} {score.right}/{score.total}")
            for miss in score.misses:
                typer.echo(f"    miss: {miss}")
    if not report.perfect():
        raise typer.Exit(1)


def eval_claims(
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
    report = claims.run(gold, articles=articles, database=database)
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


def _print_table(scores: list[claims.Score]) -> None:
    width = max(22, *(len(score.category) for score in scores))
    typer.echo(f"{'category':<{width}} {'precision':>9} {'recall':>7}  found/gold  right/judged")
    for score in scores:
        typer.echo(
            f"{score.category:<{width}} {_pct(score.precision):>9} {_pct(score.recall):>7}"
            f"  {score.found:>5}/{score.expected:<4}  {score.correct:>5}/{score.predicted}"
        )


def _print_misses(score: claims.Score, limit: int) -> None:
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


def eval_stories(
    gold: Annotated[Path, typer.Option("--gold", help="The gold JSON file (stories_dev.json).")],
    database: Annotated[
        str | None,
        typer.Option(help="Database URL (default: MARSAD_DATABASE_URL, or marsad.db)."),
    ] = None,
    show: Annotated[
        int,
        typer.Option("--show", min=0, help="List the first N merged, split and wrong stories."),
    ] = 10,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also save the figures as JSON to PATH.")
    ] = None,
) -> None:
    """B-cubed and pairwise scores of the stories against a gold of events, with the
    hard negatives merged, the split events and the wrong merges."""
    try:
        report = stories.run(gold, database)
    except stories.GoldError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(stories.render(report, show))
    if json_path is not None:
        json_path.write_text(
            json.dumps(report.figures(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


@hookimpl
def marsad_register_commands(eval_cli: typer.Typer) -> None:
    eval_cli.command("parse")(eval_parse)
    eval_cli.command("claims")(eval_claims)
    eval_cli.command("stories")(eval_stories)
