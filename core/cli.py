"""The ``marsad`` command line."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from marsad.core.application import Marsad
from marsad.core.ingest import find_files
from marsad.core.models import Article
from marsad.core.pipeline import PipelineReport, articles_to_reprocess
from marsad.core.plugins import PluginLoadError, make_plugins
from marsad.core.readers import RECORD_FIELDS, InputError, ReadOptions
from marsad.core.schema import SchemaOutOfDate, current_revision, downgrade, head_revision, upgrade
from marsad.core.settings import Settings
from marsad.core.stages import StageOrderError, downstream_of

console = Console(stderr=True)
out = Console()
app = typer.Typer(help="marsad: read the news across outlets.", no_args_is_help=True)
db_app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
eval_app = typer.Typer(help="Measure output against hand-made gold files.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

EXPECTED_ERRORS = (SchemaOutOfDate, StageOrderError, PluginLoadError, InputError, SQLAlchemyError)
_state: dict[str, Any] = {"debug": False}

T = TypeVar("T")


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
) -> None:
    _state["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _app(check: bool = True) -> Marsad:
    marsad = Marsad(plugins=_state.get("plugins"))
    if check:
        marsad.check_schema()
    return marsad


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Upgrade the database to the newest schema (creates it if needed)."""
    marsad = _app(check=False)
    upgrade(marsad.engine, revision)
    console.print(f"database at revision {current_revision(marsad.engine)}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Target revision, or 'base'.")) -> None:
    """Downgrade the database schema to an older revision."""
    marsad = _app(check=False)
    downgrade(marsad.engine, revision)
    console.print(f"database at revision {current_revision(marsad.engine) or 'base'}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and the one this marsad needs."""
    marsad = _app(check=False)
    out.print(f"current: {current_revision(marsad.engine) or 'none'}  head: {head_revision()}")


def _run_pipeline(marsad: Marsad, ids: list[int], only: set[str] | None = None) -> PipelineReport:
    pipeline = marsad.pipeline()
    with _progress() as progress:
        task = progress.add_task("processing", total=len(ids))
        report = pipeline.run(ids, only=only, on_batch=lambda n: progress.advance(task, n))
    return report


def _print_failures(report: PipelineReport) -> None:
    for failure in report.failures[:50]:
        console.print(
            f"[red]error[/red] article {failure.article_id}, stage {failure.stage}: {failure.error}"
        )
    if len(report.failures) > 50:
        console.print(f"... and {len(report.failures) - 50} more failed runs")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to ingest.")],
    outlet: Annotated[str | None, typer.Option(help="Outlet of every record.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Input format, or auto.")] = "auto",
    process: Annotated[bool, typer.Option(help="Run the pipeline on what was stored.")] = True,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="Where a JSON record keeps a field, as NAME=KEY (e.g. text=body); "
            "NAME is one of title, subtitle, text, url, outlet, published.",
        ),
    ] = None,
) -> None:
    """Store articles from files, directories, JSON, JSONL, HTML and SaudiNewsNet zips,
    then process the new ones."""
    options = ReadOptions(fields=_field_names(field or []))
    marsad = _app()
    files = [item for item in find_files(paths) if isinstance(item, Path)]
    with _progress() as progress:
        task = progress.add_task("reading", total=len(files))
        report = marsad.ingest(
            paths,
            fmt=fmt,
            outlet=outlet,
            options=options,
            on_file=lambda _path: progress.advance(task),
        )
    for error in report.errors:
        console.print(f"[red]error[/red] {error}", soft_wrap=True)
    console.print(
        f"stored {report.stored}, skipped {report.skipped} already stored, "
        f"failed {len(report.errors)}"
    )
    if process and report.article_ids:
        pipeline_report = _run_pipeline(marsad, report.article_ids)
        _print_failures(pipeline_report)
        console.print(_summary(pipeline_report))
    if report.errors:
        raise typer.Exit(1)


def _field_names(pairs: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for pair in pairs:
        name, sep, key = pair.partition("=")
        if not sep or name not in RECORD_FIELDS or not key:
            raise typer.BadParameter(
                f"{pair!r}: expected NAME=KEY with NAME one of {', '.join(RECORD_FIELDS)}",
                param_hint="--field",
            )
        names[name] = key
    return names


def _summary(report: PipelineReport) -> str:
    counts = ", ".join(f"{count} {status}" for status, count in sorted(report.runs.items()))
    return f"processed {report.articles} articles: {counts or 'no stage runs'}"


@app.command()
def reprocess(
    failed: Annotated[
        bool, typer.Option("--failed", help="Only articles with failed runs.")
    ] = False,
    stage: Annotated[
        list[str] | None, typer.Option("--stage", help="Run this stage and its dependents.")
    ] = None,
) -> None:
    """Run stages again on stored articles."""
    marsad = _app()
    pipeline = marsad.pipeline()
    only = downstream_of(stage, pipeline.stages) if stage else None
    if stage:
        unknown = set(stage) - {s.name for s in pipeline.stages}
        if unknown:
            raise StageOrderError(f"no stage named {', '.join(sorted(unknown))}")
    with marsad.session_factory() as session:
        ids = articles_to_reprocess(session, failed_only=failed, stages=only)
    report = _run_pipeline(marsad, ids, only)
    _print_failures(report)
    console.print(_summary(report))


@app.command()
def plugins(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List loaded plugins with their version, hooks and stages."""
    marsad = _app(check=False)
    infos = marsad.plugins.describe()
    if as_json:
        payload = {
            "plugins": [info.__dict__ for info in infos],
            "errors": marsad.plugins.load_errors,
        }
        out.print_json(json.dumps(payload, default=list))
        return
    table = Table("plugin", "version", "hooks", "stages")
    for info in infos:
        table.add_row(info.name, info.version, "\n".join(info.hooks), ", ".join(info.stages))
    out.print(table)
    for name, error in marsad.plugins.load_errors.items():
        console.print(f"[red]failed[/red] {name}: {error}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the GraphQL API (with GraphiQL) over HTTP."""
    import uvicorn

    from marsad.api.app import create_app

    marsad = _app()
    with marsad.session_factory() as session:
        count = session.scalar(select(func.count(Article.id)))
    console.print(f"{count} articles; GraphiQL at http://{host}:{port}/graphql")
    uvicorn.run(create_app(marsad), host=host, port=port, log_level="info")


def _guarded(function: Callable[[], T]) -> T:
    try:
        return function()
    except EXPECTED_ERRORS as error:
        if _state["debug"]:
            raise
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        console.print(f"[red]error:[/red] {message}", soft_wrap=True)
        if isinstance(error, SQLAlchemyError):
            console.print("(run with --debug for details)")
        raise SystemExit(1) from None


def main() -> None:
    _state["debug"] = "--debug" in sys.argv

    def run() -> None:
        # Plugins are loaded before the arguments are parsed so they can add commands.
        plugins = make_plugins(Settings.from_env())
        _state["plugins"] = plugins
        plugins.hook.marsad_register_commands(cli=app, eval_cli=eval_app)
        app(standalone_mode=True)

    _guarded(run)


if __name__ == "__main__":
    main()
