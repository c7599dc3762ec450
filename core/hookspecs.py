"""Hook specifications: everything a marsad plugin can implement.

A plugin is any module or object with functions named like the hooks below and
decorated with ``marsad.core.hookimpl``. Implement only the hooks you need; every
argument is optional, so declare just the ones your implementation uses. Plugins are
found through the ``marsad`` entry-point group::

    [project.entry-points.marsad]
    my_plugin = "my_package.plugin"
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer

    from marsad.core.models import Article, StageRun
    from marsad.core.readers import Reader
    from marsad.core.stages import Stage, StageContext
    from marsad.core.translation import Translator

PROJECT_NAME = "marsad"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def marsad_register_stages() -> Iterable[Stage]:
    """Return the pipeline stages this plugin provides.

    Each stage is an instance of a :class:`marsad.core.Stage` subclass with a unique
    ``name`` and the names of the stages it runs ``after``. The core sorts all stages
    by those dependencies; an unknown dependency or a cycle stops the pipeline with an
    error naming the stages. The built-in stages are ``parse``, ``normalize``,
    ``dedupe``, ``extract``, ``link``, ``cluster`` and ``translate``.
    """


@hookspec
def marsad_register_readers() -> Iterable[Reader]:
    """Return readers for input formats that ``marsad ingest`` should accept.

    A reader's ``name`` is what ``--format`` takes; with ``--format auto`` the first
    reader whose ``detect(path, head)`` returns true reads the file. Readers only split
    input into raw records: turning a record into an article is the ``parse`` stage's
    job, so reprocessing can re-parse stored input without the original files.
    """


@hookspec
def marsad_register_translators() -> Iterable[Translator]:
    """Return translation engines for the ``translate`` stage.

    The stage asks each engine whether it ``supports`` the language pair and uses the
    first that does, preferring engines of plugins other than the built-in offline
    stub. The engine's ``name`` is stored with every translation it produced.
    """


@hookspec
def marsad_register_commands(cli: typer.Typer, eval_cli: typer.Typer) -> None:
    """Add commands to the ``marsad`` command line.

    ``cli`` is the top-level Typer app; ``eval_cli`` is the ``marsad eval`` group, for
    commands that measure output against a hand-made gold file. Register commands with
    ``@cli.command()``; a command that needs the database builds
    ``marsad.core.application.Marsad()``, which reads the same settings. Raise
    :class:`marsad.core.InputError` (or ``typer.BadParameter``) for bad input: the CLI
    prints it as one line, with a traceback only under ``--debug``.
    """


@hookspec
def marsad_before_stage(stage: Stage, ctx: StageContext, articles: Sequence[Article]) -> None:
    """Called before ``stage`` processes a batch of ``articles``.

    For observers (metrics, logging, tracing); return nothing. An exception here is
    logged and does not stop the pipeline.
    """


@hookspec
def marsad_after_stage(
    stage: Stage, ctx: StageContext, articles: Sequence[Article], runs: Sequence[StageRun]
) -> None:
    """Called after ``stage`` processed a batch, with the run record of each article.

    The batch's results are flushed but not yet committed. An exception here is logged
    and does not stop the pipeline.
    """


@hookspec
def marsad_on_stage_error(
    stage: Stage, ctx: StageContext, article: Article, error: BaseException
) -> None:
    """Called when ``stage`` raised ``error`` while processing ``article``.

    The article's work for this stage has already been rolled back and its run is
    recorded as failed; stages that depend on this one are skipped for the article.
    An exception here is logged and does not stop the pipeline.
    """
