"""Migrations: they match the models, have one head, and go down and up with data inside.

Every test here runs on a new SQLite file and on a new PostgreSQL database.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select

from marsad.core import (
    Article,
    Claim,
    ClaimKind,
    Outlet,
    Paragraph,
    Qualifier,
    RawInput,
    RunStatus,
    StageRun,
)
from marsad.core.application import Marsad
from marsad.core.db import make_engine, make_session_factory
from marsad.core.models import Base
from marsad.core.plugins import make_plugins
from marsad.core.schema import (
    UPGRADE_COMMAND,
    SchemaOutOfDate,
    alembic_config,
    check_schema,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from marsad.core.settings import Settings


@pytest.fixture
def engine(fresh_db_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_db_url)
    yield engine
    engine.dispose()


def schema_diffs(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "render_as_batch": engine.dialect.name == "sqlite",
                "include_name": lambda name, kind, _parents: not is_search_index(name, kind),
            },
        )
        return list(compare_metadata(context, Base.metadata))


def is_search_index(name: str | None, kind: str) -> bool:
    """What revision 0007 makes beside the models' tables: SQLite's FTS5 tables (with
    their shadow tables) and PostgreSQL's trigram indexes."""
    name = name or ""
    return (kind == "table" and name.startswith(("articles_fts", "claims_fts"))) or (
        kind == "index" and name.endswith("_trgm")
    )


def tables(engine: Engine) -> set[str]:
    """The tables that hold data: not Alembic's, nor the search indexes."""
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_search_index(name, "table")}


def revisions_base_to_head() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_history_has_exactly_one_head_and_no_branches() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    assert head_revision() == script.get_current_head()
    for revision in script.walk_revisions():
        assert not revision.is_merge_point, revision.revision
        assert not revision.is_branch_point, revision.revision
        assert callable(revision.module.downgrade), revision.revision


def test_migrations_match_the_models(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert tables(engine) == set(Base.metadata.tables)
    assert schema_diffs(engine) == []
    # The same check through the shipped env.py, exactly as `alembic check` does it.
    with engine.begin() as connection:
        command.check(alembic_config(connection))


def seed_everything(engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        outlet = Outlet(name="Example Outlet")
        raw = RawInput(
            sha256="0" * 64,
            source="examples/seeds/000.txt",
            media_type="text/plain",
            content="عنوان\nقال الرئيس إن ثلاثة صواريخ سقطت.".encode(),
            hints={"outlet": "Example Outlet"},
        )
        article = Article(raw_input=raw, outlet=outlet, title="عنوان", extra={"k": [1, 2]})
        article.text = "قال الرئيس إن ثلاثة صواريخ سقطت."
        session.add(article)
        session.flush()
        session.add_all(
            [
                Paragraph(article_id=article.id, position=0, start=0, end=5, text="قال ا"),
                Paragraph(article_id=article.id, position=1, start=6, end=10, text="لرئي"),
                Claim(
                    article_id=article.id,
                    kind=ClaimKind.QUANTITY,
                    text="ثلاثة صواريخ",
                    start=15,
                    end=27,
                    quantity_value=3.0,
                    quantity_unit="صاروخ",
                    qualifier=Qualifier.AT_LEAST,
                ),
                StageRun(
                    article_id=article.id,
                    stage="parse",
                    plugin="parse",
                    version="0.1.0",
                    status=RunStatus.OK,
                ),
            ]
        )
        session.commit()


def test_downgrade_to_base_and_up_again_with_data(engine: Engine) -> None:
    upgrade(engine)
    seed_everything(engine)
    with make_session_factory(engine)() as session:
        article = session.scalars(select(Article)).one()
        assert [p.position for p in article.paragraphs] == [0, 1]
        assert article.claims[0].qualifier is Qualifier.AT_LEAST

    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert tables(engine) == set()

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert tables(engine) == set(Base.metadata.tables)
    assert schema_diffs(engine) == []
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count(Article.id))) == 0
    seed_everything(engine)  # the schema works again, constraints and all


def test_every_revision_goes_down_and_up_with_data(engine: Engine) -> None:
    revisions = revisions_base_to_head()
    assert revisions, "no migrations found"
    upgrade(engine)
    seed_everything(engine)
    # Step down one revision at a time with the data in place, then all the way up.
    for revision in reversed(revisions):
        downgrade(engine, "-1")
        assert current_revision(engine) != revision
    assert current_revision(engine) is None
    for revision in revisions:
        upgrade(engine, revision)
        assert current_revision(engine) == revision
    assert schema_diffs(engine) == []


def test_check_schema_on_an_empty_database(engine: Engine) -> None:
    with pytest.raises(SchemaOutOfDate) as raised:
        check_schema(engine)
    message = str(raised.value)
    assert UPGRADE_COMMAND == "marsad db upgrade"
    assert "marsad db upgrade" in message
    assert "no marsad schema" in message
    assert "\n" not in message
    assert engine.url.password is None or engine.url.password not in message


def test_check_schema_after_upgrade_and_downgrade(engine: Engine) -> None:
    upgrade(engine)
    check_schema(engine)
    settings = Settings(database_url=str(engine.url))
    plugins = make_plugins(settings, load_entry_points=False)
    app = Marsad(settings, engine=engine, plugins=plugins)
    app.check_schema()

    downgrade(engine, "base")
    with pytest.raises(SchemaOutOfDate, match="marsad db upgrade"):
        app.check_schema()


def test_check_schema_on_an_unknown_revision(engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff0000'")
    with pytest.raises(SchemaOutOfDate) as raised:
        check_schema(engine)
    message = str(raised.value)
    assert "ffff0000" in message
    assert "newer marsad" in message
    # Upgrading cannot help with a revision this marsad has never heard of.
    assert "marsad db upgrade" not in message


def test_migrations_load_from_a_path_with_a_percent_sign(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marsad.core.schema as schema
    import marsad.migrations

    location = tmp_path / "100%" / "migrations"
    shutil.copytree(
        Path(marsad.migrations.__file__).parent,
        location,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    monkeypatch.setattr(schema, "files", lambda _package: location)
    assert head_revision() == revisions_base_to_head()[-1]
