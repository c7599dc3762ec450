"""One marsad application instance: settings, database, plugins, pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Engine, delete
from sqlalchemy.exc import ArgumentError

from marsad.core.compute import Compute
from marsad.core.coordination import make_coordinator
from marsad.core.db import make_engine, make_session_factory, make_write_session_factory
from marsad.core.ingest import AUTO, IngestReport, ingest
from marsad.core.models import StageRun
from marsad.core.pipeline import Pipeline
from marsad.core.plugins import Plugins, make_plugins
from marsad.core.readers import ReadOptions
from marsad.core.schema import History, check_schema, plugin_histories, upgrade_all
from marsad.core.settings import Settings, SettingsError


class Marsad:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        engine: Engine | None = None,
        plugins: Plugins | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.engine = engine or _engine(self.settings.database_url)
        # Reads never wait for a writer; writes take SQLite's lock first (core.db).
        self.session_factory = make_session_factory(self.engine)
        self.write_session_factory = make_write_session_factory(self.engine)
        self.coordinator = make_coordinator(self.engine)
        self.plugins = plugins or make_plugins(self.settings)

    def plugin_histories(self) -> list[History]:
        """The migration histories of installed plugins' own tables, in upgrade order."""
        return plugin_histories(self.plugins.schemas())

    def check_schema(self) -> None:
        check_schema(self.engine, self.plugin_histories())

    def forget_stage_runs(self, plugin: str) -> int:
        """Delete the run records of ``plugin``'s stages, so they run again on every
        article: what they stored went with the plugin's tables. Returns how many."""
        stages = [r.name for r in self.plugins.registered_stages() if r.plugin == plugin]
        if not stages:
            return 0
        with self.write_session_factory.begin() as session:
            result = session.execute(delete(StageRun).where(StageRun.stage.in_(stages)))
        return int(getattr(result, "rowcount", 0) or 0)

    def upgrade(self) -> None:
        """The core's tables and every installed plugin's to their newest revision."""
        upgrade_all(self.engine, self.plugin_histories())

    def pipeline(self, compute: Compute | None = None) -> Pipeline:
        """The pipeline on this database; ``compute`` runs stages' pure work (default:
        in this process; a :class:`~marsad.core.compute.PoolCompute` for more cores)."""
        return Pipeline(
            self.plugins, self.write_session_factory, self.settings, self.coordinator, compute
        )

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        fmt: str = AUTO,
        outlet: str | None = None,
        options: ReadOptions | None = None,
        on_file: Callable[[Path], None] | None = None,
    ) -> IngestReport:
        return ingest(
            paths,
            session_factory=self.write_session_factory,
            readers=self.plugins.readers(),
            fmt=fmt,
            outlet=outlet,
            options=options or ReadOptions(max_input_bytes=self.settings.max_input_bytes),
            on_file=on_file,
        )

    def close(self) -> None:
        self.coordinator.close()
        self.engine.dispose()


def _engine(url: str) -> Engine:
    try:
        return make_engine(url)
    except ArgumentError as error:  # an unknown dialect or driver, a malformed URL
        raise SettingsError(
            f"MARSAD_DATABASE_URL={url!r} is not a database URL marsad can use ({error})"
        ) from error
