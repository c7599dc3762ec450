"""Plugins add fields to the core GraphQL types through marsad_register_api_fields: the
schema is composed at start-up, the fields resolve with per-request loaders, and the
core's own schema (the committed SDL) stays the core's alone."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import strawberry
from api_client import ApiClient
from conftest import SEEDS, MakeApp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marsad.api.context import Info
from marsad.api.export_schema import SCHEMA_FILE, schema_sdl
from marsad.api.plugin_fields import PluginFieldError
from marsad.core import ApiField, hookimpl
from marsad.core import models as db

batches: list[list[int]] = []


@strawberry.type
class Size:
    characters: int


def sizes(session: Session, article_ids: list[int]) -> Mapping[int, Size]:
    batches.append(sorted(article_ids))
    rows = session.execute(
        select(db.Article.id, func.length(db.Article.text)).where(db.Article.id.in_(article_ids))
    )
    return {article_id: Size(characters=length or 0) for article_id, length in rows}


async def size(root: strawberry.Parent[object], info: Info) -> Size | None:
    article_id: int = getattr(root, "id")  # noqa: B009
    return await info.context.load("test.sizes", sizes, article_id)


def shouted_title(root: strawberry.Parent[object]) -> str | None:
    title = getattr(root, "title")  # noqa: B009
    return title.upper() if title else None


class Fields:
    @hookimpl
    def marsad_register_api_fields(self) -> list[ApiField]:
        return [
            ApiField(on="Article", name="size", resolver=size, description="Its length."),
            ApiField(on="Story", name="shoutedTitle", resolver=shouted_title),
        ]


class Clashing:
    @hookimpl
    def marsad_register_api_fields(self) -> list[ApiField]:
        return [ApiField(on="Claim", name="text", resolver=shouted_title)]


class Elsewhere:
    @hookimpl
    def marsad_register_api_fields(self) -> list[ApiField]:
        return [ApiField(on="Outlet", name="x", resolver=shouted_title)]  # type: ignore[arg-type]


class BadName:
    @hookimpl
    def marsad_register_api_fields(self) -> list[ApiField]:
        return [ApiField(on="Claim", name="word-count", resolver=shouted_title)]


def untyped(root):  # type: ignore[no-untyped-def]
    return None


class Unannotated:
    @hookimpl
    def marsad_register_api_fields(self) -> list[ApiField]:
        return [ApiField(on="Claim", name="untyped", resolver=untyped)]


class Twice:
    """A second plugin adding a field the first one adds."""

    @hookimpl
    def marsad_register_api_fields(self) -> list[ApiField]:
        return [ApiField(on="Story", name="shoutedTitle", resolver=shouted_title)]


def test_plugin_fields_resolve_in_one_query_per_page(make_app: MakeApp) -> None:
    app = make_app(extra=(Fields(),))
    report = app.ingest([SEEDS])
    assert not app.pipeline().run(report.article_ids).failures
    batches.clear()
    query = "{ articles(first: 5) { edges { node { text size { characters } %s } } } }"
    result = ApiClient(app).execute(query % "story { shoutedTitle }")
    assert "errors" not in result, result
    nodes = [edge["node"] for edge in result["data"]["articles"]["edges"]]
    assert [n["size"]["characters"] for n in nodes] == [len(n["text"]) for n in nodes]
    assert all(n["story"]["shoutedTitle"] for n in nodes)
    assert len(batches) == 1 and len(batches[0]) == 5


def test_the_core_schema_stays_the_cores(make_app: MakeApp) -> None:
    app = make_app(extra=(Fields(),))
    ApiClient(app)  # composes a schema with the plugin's fields
    sdl = schema_sdl()
    assert "shoutedTitle" not in sdl and "size: Size" not in sdl
    assert sdl == SCHEMA_FILE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("plugin", "problem"),
    [
        (Clashing(), "already has a core field of that name"),
        (Elsewhere(), "not one of Article"),
        (BadName(), "a GraphQL name has only letters"),
        (Unannotated(), "its resolver cannot be used"),
        (Twice(), "which plugin '.+' adds too"),
    ],
)
def test_a_field_that_cannot_be_added_stops_the_api(
    make_app: MakeApp, plugin: object, problem: str
) -> None:
    extra = (Fields(), plugin) if isinstance(plugin, Twice) else (plugin,)
    with pytest.raises(PluginFieldError, match=problem):
        ApiClient(make_app(extra=extra))
