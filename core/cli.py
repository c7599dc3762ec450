"""The ``marsad`` command line."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from alembic.util import CommandError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from marsad.core.application import Marsad
from marsad.core.executors import (
    EXECUTORS,
    Executor,
    InProcess,
    Work,
    make_executor,
)
from marsad.core.ingest import find_files
from marsad.core.pipeline import PipelineReport, articles_to_reprocess
from marsad.core.plugin_new import PluginNameError, new_plugin
from marsad.core.plugins import PluginLoadError, make_plugins
from marsad.core.readers import RECORD_FIELDS, InputError, ReadOptions
from marsad.core.removal import delete_articles, stages_to_refresh
from marsad.core.schema import (
    CORE,
    History,
    PluginMigrationError,
    SchemaOutOfDate,
    current_revision,
    downgrade,
    head_revision,
    revision_is_below,
    schema_differences,
    upgrade,
)
from marsad.core.settings import Settings, SettingsError
from marsad.core.stages import StageOrderError, downstream_of
from marsad.core.status import stage_status

console = Console(stderr=True)
out = Console()
app = typer.Typer(help="marsad: read the news across outlets.", no_args_is_help=True)
db_app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
eval_app = typer.Typer(help="Measure output against hand-made gold files.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
plugin_app = typer.Typer(help="Start a plugin of your own.", no_args_is_help=True)
app.add_typer(plugin_app, name="plugin")

# Exit codes: 0 all good; 1 some inputs or stage runs failed, or the database failed
# during the run; 2 usage or configuration (arguments, settings, schema, plugins).
EXIT_FAILURES, EXIT_USAGE = 1, 2
USAGE_ERRORS = (
    SchemaOutOfDate,
    StageOrderError,
    PluginLoadError,
    PluginMigrationError,
    SettingsError,
    CommandError,
)
RUN_ERRORS = (InputError, SQLAlchemyError)
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


PROGRESS_LINE_SECONDS = 10.0


class _Progress(Progress):
    """A bar in a terminal; where the output goes to a log or a pipe, which shows no
    bar, a line every ``PROGRESS_LINE_SECONDS`` instead, so a long run is not silent."""

    def __init__(self, *columns: ProgressColumn | str, **options: Any) -> None:
        super().__init__(*columns, **options)
        self._last_line = time.monotonic()  # the first line after a full interval

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        if self.console.is_terminal:
            return
        now = time.monotonic()
        if now - self._last_line < PROGRESS_LINE_SECONDS:
            return
        self._last_line = now
        task = self._tasks[task_id]
        total = f"/{task.total:,.0f}" if task.total is not None else ""
        self.console.print(
            f"{task.description} {task.completed:,.0f}{total} after {task.elapsed or 0:,.0f} s"
        )


def _progress() -> Progress:
    return _Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    )


PluginOption = Annotated[
    str | None,
    typer.Option("--plugin", metavar="NAME", help="A plugin's own tables, not the core's."),
]


def _history(marsad: Marsad, plugin: str | None) -> History:
    if plugin is None:
        return CORE
    histories = marsad.plugin_histories()
    for history in histories:
        if history.plugin == plugin:
            return history
    with_tables = ", ".join(h.plugin or "" for h in histories) or "none"
    raise typer.BadParameter(
        f"no installed plugin named {plugin!r} has tables of its own "
        f"(plugins with tables: {with_tables})"
    )


def _print_revisions(marsad: Marsad, histories: list[History]) -> None:
    for history in histories:
        current = current_revision(marsad.engine, history) or "none"
        out.print(f"{history.label}: at {current}, newest {head_revision(history)}")


@db_app.command("upgrade")
def db_upgrade(
    revision: str = typer.Argument("head", help="Target revision."), plugin: PluginOption = None
) -> None:
    """Upgrade the database to the newest schema (creates it if needed): the core's
    tables, then each installed plugin's; with --plugin, that plugin's only."""
    marsad = _app(check=False)
    history = _history(marsad, plugin)
    if plugin is None and revision == "head":
        marsad.upgrade()  # the core's, then every plugin's
        _print_revisions(marsad, [CORE, *marsad.plugin_histories()])
        return
    upgrade(marsad.engine, revision, history)
    _print_revisions(marsad, [history])


@db_app.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument(..., help="Target revision, or 'base'."),
    plugin: PluginOption = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask: drop what the newer schema added.")
    ] = False,
) -> None:
    """Downgrade the database schema to an older revision (drops tables and data); with
    --plugin, that plugin's tables. Going to 'base' drops the plugins' tables first."""
    marsad = _app(check=False)
    history = _history(marsad, plugin)
    current = current_revision(marsad.engine, history)
    if current is not None and revision_is_below(revision, current, history) and not yes:
        owner = "marsad" if plugin is None else f"plugin {plugin!r}"
        loss = (
            f"every {owner} table and all its data"
            if revision == "base"
            else "the tables and columns added since, with their data"
        )
        warning = f"downgrading {owner} from {current} to {revision} drops {loss}"
        if not sys.stdin.isatty():
            console.print(f"[red]error:[/red] {warning}; pass --yes to do it", soft_wrap=True)
            raise typer.Exit(EXIT_USAGE)
        if not typer.confirm(f"{warning.capitalize()}. Go on?", err=True):
            console.print("nothing changed")
            raise typer.Exit(EXIT_USAGE)
    histories = [history]
    if plugin is None and revision == "base":
        # Plugins' tables refer to the core's: they go first, the last created first.
        histories = [*reversed(marsad.plugin_histories()), CORE]
        for each in histories[:-1]:
            downgrade(marsad.engine, "base", each)
    downgrade(marsad.engine, revision, history)
    if plugin is not None and current is not None and revision != current:
        forgotten = marsad.forget_stage_runs(plugin)
        if forgotten:
            console.print(
                f"{forgotten} run records of its stages cleared: after `marsad db upgrade`, "
                "`marsad process` runs them again on every article",
                soft_wrap=True,
            )
    _print_revisions(marsad, histories)


@db_app.command("check")
def db_check() -> None:
    """Compare the revision and tables of the core and of each plugin with this
    installation's schema."""
    marsad = _app(check=False)
    out_of_date = differ = False
    for history in [CORE, *marsad.plugin_histories()]:
        current, head = current_revision(marsad.engine, history), head_revision(history)
        out.print(f"{history.label}: at {current or 'none'}, newest {head}")
        if current != head:
            console.print(f"[red]out of date[/red]: {history.label}; run `marsad db upgrade`")
            out_of_date = True
            continue
        for difference in schema_differences(marsad.engine, history):
            console.print(f"[red]differs[/red] {history.label}: {difference}", soft_wrap=True)
            differ = True
    if out_of_date or differ:
        raise typer.Exit(EXIT_USAGE)
    out.print("schema matches")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the core's and each plugin's tables, and the newest."""
    marsad = _app(check=False)
    _print_revisions(marsad, [CORE, *marsad.plugin_histories()])


def _process(
    marsad: Marsad,
    ids: list[int] | None = None,
    only: set[str] | None = None,
    *,
    force: bool = False,
    retry_failed: bool = False,
    executor: Executor | None = None,
) -> PipelineReport:
    """Run the given articles' due stages, or, without ``ids``, all due work stored."""
    work = Work(ids, None if only is None else frozenset(only), force, retry_failed)
    with executor or InProcess() as running, _progress() as progress:
        total = marsad.pipeline().count_pending(only=only) if ids is None else len(ids)
        task = progress.add_task("processing", total=total)
        report = running.run(marsad, work, on_batch=lambda n: progress.advance(task, n))
    _print_failures(report)
    console.print(_summary(report))
    return report


def _print_failures(report: PipelineReport) -> None:
    for failure in report.failures[:50]:
        where = f"article {failure.article_id}, stage {failure.stage}"
        # One line per failure, also when the output is a log file.
        console.print(f"[red]error[/red] {where}: {failure.error}", soft_wrap=True)
    if len(report.failures) > 50:
        console.print(f"... and {len(report.failures) - 50} more failed runs")


def _executor(
    marsad: Marsad, executor: str | None, workers: int | None, scheduler: str | None
) -> Executor:
    return make_executor(marsad.settings, executor, workers=workers, scheduler=scheduler)


ExecutorOption = Annotated[
    str | None,
    typer.Option(
        "--executor",
        metavar="|".join(EXECUTORS),
        help="Where batches run: in this process (the default), in local worker processes "
        "(the default with --workers), or on Dask (PostgreSQL only).",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        metavar="N",
        help="Worker processes (with --executor dask: of the local cluster). On SQLite "
        "this process writes and the workers do the stages' pure work.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="With --executor dask: the scheduler to use (default: a local cluster).",
    ),
]


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Files or directories to ingest.")
    ],
    outlet: Annotated[str | None, typer.Option(help="Outlet of every record.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Input format, or auto.")] = "auto",
    process: Annotated[
        bool, typer.Option(help="Then run the pipeline on everything pending.")
    ] = True,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks", help="Follow links that point out of the directories given."
        ),
    ] = False,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="Where a JSON record keeps a field, as NAME=KEY (e.g. text=body); "
            "NAME is one of title, subtitle, text, url, outlet, published.",
        ),
    ] = None,
    executor: ExecutorOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Store articles from files, directories, JSON, JSONL, HTML and SaudiNewsNet zips,
    then do all pending work (what is new, and what an earlier run left)."""
    marsad = _app()
    # Usage errors before anything is stored.
    running = _executor(marsad, executor, workers, scheduler)
    formats = marsad.plugins.readers()
    if fmt != "auto" and fmt not in formats:
        raise typer.BadParameter(
            f"unknown format {fmt!r} (one of: auto, {', '.join(sorted(formats))})",
            param_hint="--format",
        )
    options = ReadOptions(
        fields=_field_names(field or []),
        max_input_bytes=marsad.settings.max_input_bytes,
        follow_symlinks=follow_symlinks,
    )
    # The tree is walked once: the files found are counted for the progress bar and
    # then read; paths that are not files are reported with the readers' errors.
    found = list(find_files(paths, follow_symlinks=follow_symlinks))
    files = [item for item in found if isinstance(item, Path)]
    with _progress() as progress:
        task = progress.add_task("reading", total=len(files))
        report = marsad.ingest(
            files,
            fmt=fmt,
            outlet=outlet,
            options=options,
            on_file=lambda _path: progress.advance(task),
        )
    report.errors[:0] = [item for item in found if isinstance(item, InputError)]
    for error in report.errors:
        console.print(f"[red]error[/red] {error}", soft_wrap=True)
    console.print(
        f"stored {report.stored}, skipped {report.skipped} already stored, "
        f"failed {len(report.errors)}"
    )
    failed_runs = 0
    if process:
        # Everything due, not only what this run stored: the work a killed or
        # concurrent run left, and stages of newly installed plugins, are done too.
        failed_runs = len(_process(marsad, executor=running).failures)
    if report.errors or failed_runs:
        raise typer.Exit(EXIT_FAILURES)


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


def _selected_stages(marsad: Marsad, stage: list[str] | None) -> set[str] | None:
    """``--stage`` names and every stage downstream of them; None for all."""
    if not stage:
        return None
    known = marsad.pipeline().stages
    unknown = set(stage) - {s.name for s in known}
    if unknown:
        raise StageOrderError(f"no stage named {', '.join(sorted(unknown))}")
    return downstream_of(stage, known)


StageOption = Annotated[
    list[str] | None, typer.Option("--stage", help="Run this stage and its dependents.")
]


@app.command()
def process(
    stage: StageOption = None,
    executor: ExecutorOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Do all pending work: every article x stage without a successful run at the
    stage's current version (what a killed run left, a new plugin's stages)."""
    marsad = _app()
    running = _executor(marsad, executor, workers, scheduler)
    report = _process(marsad, only=_selected_stages(marsad, stage), executor=running)
    if report.failures:
        raise typer.Exit(EXIT_FAILURES)


@app.command()
def reprocess(
    failed: Annotated[
        bool, typer.Option("--failed", help="Only failed and skipped runs, however often.")
    ] = False,
    stage: StageOption = None,
    executor: ExecutorOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Run stages again on stored articles (all of them, or only what failed)."""
    marsad = _app()
    running = _executor(marsad, executor, workers, scheduler)
    only = _selected_stages(marsad, stage)
    with marsad.session_factory() as session:
        ids = articles_to_reprocess(session, failed_only=failed, stages=only)
    report = _process(marsad, ids, only, force=not failed, retry_failed=failed, executor=running)
    if report.failures:
        raise typer.Exit(EXIT_FAILURES)


def _article_number(value: str) -> int | None:
    """An article's number from its id as the API gives it (``QXJ0aWNsZTo1``) or as
    pages show it (``5``); None for anything else."""
    if value.isdigit():
        return int(value)
    try:
        kind, _, number = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(number) if kind == "Article" and number.isdigit() else None


@app.command()
def delete(
    article_ids: Annotated[
        list[str], typer.Argument(help="Articles to delete: numbers, or ids from the API.")
    ],
) -> None:
    """Delete articles with all that was computed from them and their raw input (so the
    same input can be ingested again); the articles they were linked to, or shared a
    story with, are linked and placed in stories again without them."""
    numbers = {value: _article_number(value) for value in article_ids}
    marsad = _app()
    refresh = stages_to_refresh(marsad.pipeline())
    wanted = [number for number in numbers.values() if number is not None]
    with marsad.write_session_factory() as session, session.begin():
        deletion = delete_articles(session, wanted, refresh)
    failed = False
    for value, number in numbers.items():
        if number is None:
            console.print(f"[red]error[/red] {value!r} is not an article's number or id")
        elif number not in deletion.deleted:
            console.print(f"[red]error[/red] article {value}: no article has this id")
        else:
            continue
        failed = True
    console.print(
        f"deleted {len(deletion.deleted)} article(s); "
        f"placing {len(deletion.neighbours)} other(s) again"
    )
    if deletion.neighbours:
        failed |= bool(_process(marsad, deletion.neighbours, refresh).failures)
    if failed:
        raise typer.Exit(EXIT_FAILURES)


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Per stage: articles done, pending, failed and skipped."""
    marsad = _app()
    rows = stage_status(marsad.pipeline())
    if as_json:
        out.print_json(json.dumps([row.__dict__ for row in rows]))
        return
    table = Table("stage", "version", "done", "pending", "failed", "skipped", "gave up")
    for row in rows:
        counts = (row.done, row.pending, row.failed, row.skipped, row.gave_up)
        table.add_row(row.stage, row.version, *map(str, counts))
    out.print(table)


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


@plugin_app.command("new")
def plugin_new(
    name: Annotated[str, typer.Argument(help="The plugin's name: lower case, digits, _.")],
    directory: Annotated[
        Path, typer.Option("--directory", help="Where to write marsad-NAME/.")
    ] = Path(),
) -> None:
    """Write a plugin package (a stage, its table and migration, a GraphQL field, a
    setting and tests) that installs and passes its tests as it is."""
    taken = {info.name for info in _app(check=False).plugins.describe()}
    if name in taken:
        raise typer.BadParameter(f"a plugin named {name!r} is already installed")
    try:
        target = new_plugin(name, directory)
    except PluginNameError as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(f"wrote {target}")
    typer.echo(f"next: pip install -e '{target}[test]' && marsad db upgrade && pytest {target}")


def _guarded(function: Callable[[], T]) -> T:
    try:
        return function()
    except USAGE_ERRORS + RUN_ERRORS as error:
        if _state["debug"]:
            raise
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        # Escaped: a message is text, not console markup ("marsad[dask]", "[1, 2]").
        console.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
        if isinstance(error, SQLAlchemyError):
            console.print("(run with --debug for details)")
        raise SystemExit(EXIT_USAGE if isinstance(error, USAGE_ERRORS) else EXIT_FAILURES) from None


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
