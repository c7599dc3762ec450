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

    from marsad.core.extending import ApiField, PluginSchema
    from marsad.core.models import Article, StageRun
    from marsad.core.readers import Reader
    from marsad.core.settings import Settings
    from marsad.core.stages import Stage, StageContext
    from marsad.core.translation import Translator

PROJECT_NAME = "marsad"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def marsad_register_stages() -> Iterable[Stage]:
    """Return the pipeline stages this plugin provides.

    Called each time the pipeline is built (``marsad ingest``, ``process``,
    ``reprocess``, ``status``, ``plugins``). Returns instances of
    :class:`marsad.core.Stage` subclasses, each with a ``name`` unique across all plugins
    and the names of the stages it runs ``after``. The core sorts all stages by those
    dependencies; an unknown dependency or a cycle stops the pipeline with an error
    naming the stages. The built-in stages are ``parse``, ``normalize``, ``dedupe``,
    ``extract``, ``link``, ``cluster`` and ``translate``. Example::

        class Shouting(Stage):
            name = "shouting"
            after = ("normalize",)

            def process(self, ctx, article):
                article.extra = {**article.extra, "shouts": article.text.count("!")}

        @hookimpl
        def marsad_register_stages():
            return [Shouting()]
    """


@hookspec
def marsad_register_readers() -> Iterable[Reader]:
    """Return readers for input formats that ``marsad ingest`` should accept.

    Called when files are ingested. Returns :class:`marsad.core.Reader` instances; a
    reader's ``name`` is what ``--format`` takes, and with ``--format auto`` the first
    reader whose ``detect(path, head)`` returns true reads the file. Readers only split
    input into raw records: turning a record into an article is the ``parse`` stage's
    job, so reprocessing can re-parse stored input without the original files. Example::

        class CsvReader(Reader):
            name = "csv"
            suffixes = (".csv",)

            def read(self, path, options):
                for row in csv.DictReader(path.open(encoding="utf-8")):
                    record = options.canonical(row)
                    yield RawRecord(json.dumps(record).encode(), "application/json", str(path))

        @hookimpl
        def marsad_register_readers():
            return [CsvReader()]
    """


@hookspec
def marsad_register_translators(settings: Settings) -> Iterable[Translator]:
    """Return translation engines for the ``translate`` stage.

    Called by the ``translate`` stage for each batch, with the ``settings`` (an engine
    reads its own there, and returns nothing while it is not configured). Returns
    :class:`marsad.core.Translator` instances. Engines are tried in the order
    ``MARSAD_TRANSLATE_ENGINES`` names (default: by name, the built-in offline glossary
    last); the first that ``supports`` the language pair and does not raise translates.
    Its ``name`` and ``version`` are stored with every translation, and what it
    translated is cached, so it is never asked for the same text twice. Example::

        class Upper(Translator):
            name = "upper"
            version = "1"

            def supports(self, source, target):
                return target == "en"

            def translate(self, texts, source, target):
                return [text.upper() for text in texts]

        @hookimpl
        def marsad_register_translators(settings):
            return [Upper()] if settings.plugin("upper").flag("enabled") else []
    """


@hookspec
def marsad_register_schema() -> PluginSchema | None:
    """Return the plugin's own tables and the package of revisions that create them.

    Called by ``marsad db upgrade``, ``downgrade``, ``current`` and ``check``, and
    whenever a command or the API checks the database before using it. Returns a
    :class:`marsad.core.PluginSchema`, or None for no tables. ``marsad db upgrade``
    applies the core's revisions, then each plugin's, in the order their ``after``
    names; each plugin's revision is recorded in a table of its own,
    ``alembic_version_<plugin>``, and ``marsad db downgrade --plugin NAME REV`` takes it
    back. Commands and the API refuse a database where an installed plugin's tables
    are not at its newest revision. A revision that alters a core table (columns,
    indexes, keys) is rolled back with an error naming the table. Example::

        class Base(DeclarativeBase):
            pass

        class Score(Base):
            __tablename__ = "myplugin_scores"
            claim_id: Mapped[int] = mapped_column(
                ForeignKey(Claim.id, ondelete="CASCADE"), primary_key=True
            )

        @hookimpl
        def marsad_register_schema():
            return PluginSchema(metadata=Base.metadata, migrations="myplugin.migrations")
    """


@hookspec
def marsad_register_api_fields() -> Iterable[ApiField]:
    """Return fields to add to the core GraphQL types ``Article``, ``Claim``, ``Story``.

    Called once when the API starts (and by ``marsad schema``): the schema is composed
    from the core's types and every plugin's fields. Returns
    :class:`marsad.core.ApiField` instances. A field's resolver receives ``root`` (its
    ``id`` is the database id) and may ask for ``info``; for one query per request
    whatever the page size, read through ``info.context.load(name, batch, root.id)``,
    where ``batch`` takes a session and a list of ids and returns a dict by id. Two
    fields of one name on one type stop the API at start-up. Example::

        @strawberry.type
        class Score:
            value: float

        def scores(session, claim_ids):
            rows = session.scalars(select(ScoreRow).where(ScoreRow.claim_id.in_(claim_ids)))
            return {row.claim_id: Score(value=row.value) for row in rows}

        async def score(root: strawberry.Parent[object], info: Info) -> Score | None:
            return await info.context.load("myplugin.scores", scores, root.id)

        @hookimpl
        def marsad_register_api_fields():
            return [ApiField(on="Claim", name="score", resolver=score)]
    """


@hookspec
def marsad_register_commands(cli: typer.Typer, eval_cli: typer.Typer) -> None:
    """Add commands to the ``marsad`` command line.

    Called once when ``marsad`` starts, before its arguments are read; returns nothing.
    ``cli`` is the top-level Typer app; ``eval_cli`` is the ``marsad eval`` group, for
    commands that measure output against a hand-made gold file. Register commands with
    ``@cli.command()``; a command that needs the database builds
    ``marsad.core.application.Marsad()``, which reads the same settings. Raise
    :class:`marsad.core.InputError` (or ``typer.BadParameter``) for bad input: the CLI
    prints it as one line, with a traceback only under ``--debug``. Example::

        @hookimpl
        def marsad_register_commands(cli):
            @cli.command()
            def hello(name: str) -> None:
                print(f"salam {name}")
    """


@hookspec
def marsad_before_stage(stage: Stage, ctx: StageContext, articles: Sequence[Article]) -> None:
    """Called before ``stage`` processes a batch of ``articles``; returns nothing.

    For observers (metrics, logging, tracing). ``ctx`` is the batch's context (its
    session is inside the batch's transaction). An exception here is logged and does
    not stop the pipeline. Example::

        @hookimpl
        def marsad_before_stage(stage, articles):
            log.info("%s: %d articles", stage.name, len(articles))
    """


@hookspec
def marsad_after_stage(
    stage: Stage, ctx: StageContext, articles: Sequence[Article], runs: Sequence[StageRun]
) -> None:
    """Called after ``stage`` processed a batch of ``articles``, with the batch's ``ctx``
    and the run record of each article in ``runs``; returns nothing.

    The batch's results are flushed but not yet committed. An exception here is logged
    and does not stop the pipeline. Example::

        @hookimpl
        def marsad_after_stage(stage, runs):
            for run in runs:
                metrics.observe(stage.name, run.status.value, run.duration_ms)
    """


@hookspec
def marsad_on_stage_error(
    stage: Stage, ctx: StageContext, article: Article, error: BaseException
) -> None:
    """Called when ``stage`` raised ``error`` while processing ``article``, with the
    batch's ``ctx``; returns nothing.

    The article's work for this stage has already been rolled back and its run is
    recorded as failed; stages that depend on this one are skipped for the article.
    An exception here is logged and does not stop the pipeline. Example::

        @hookimpl
        def marsad_on_stage_error(stage, article, error):
            alerts.send(f"{stage.name} failed on article {article.id}: {error}")
    """
