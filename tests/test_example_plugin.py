"""The example third-party plugin in examples/plugin works through the public API."""

from __future__ import annotations

import importlib
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, MakeApp
from sqlalchemy import select

from marsad.core.models import Article, RunStatus, StageRun

EXAMPLE = ROOT / "examples" / "plugin"


@pytest.fixture
def example_plugin() -> Iterator[ModuleType]:
    sys.path.insert(0, str(EXAMPLE))
    try:
        yield importlib.import_module("marsad_example.plugin")
    finally:
        sys.path.remove(str(EXAMPLE))


def test_entry_point_is_declared() -> None:
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["marsad"] == {"example": "marsad_example.plugin"}


def test_csv_and_keywords(make_app: MakeApp, example_plugin: ModuleType, tmp_path: Path) -> None:
    app = make_app(extra=(example_plugin,))
    data = tmp_path / "export.csv"
    data.write_text(
        "title,text,outlet\n"
        "صواريخ على بغداد,سقطت صواريخ على بغداد وصواريخ أخرى قرب بغداد,واع\n"
        "بلا نص,,واع\n",
        encoding="utf-8",
    )
    report = app.ingest([data])
    assert report.stored == 1
    assert [str(error) for error in report.errors] == [f'{data}:3: row has no "text"']
    pipeline = app.pipeline().run(report.article_ids)
    assert not pipeline.failures
    with app.session_factory() as session:
        article = session.scalars(select(Article)).one()
        assert article.outlet is not None and article.outlet.name == "واع"
        assert article.extra["keywords"][0] == "بغداد"
        run = session.scalars(select(StageRun).where(StageRun.stage == "keywords")).one()
        assert (run.status, run.plugin) == (RunStatus.OK, "marsad_example.plugin")
