"""Helpers for the API tests (no tests here): an HTTP client and a few extra rows.

Requests go through httpx's ASGI transport, so the whole Starlette app is exercised
without a server. The seeds may not yield claims or links yet, so ``add_claims``
inserts some directly to give those resolvers something to resolve.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx
from sqlalchemy import event, select

from marsad.api import create_app
from marsad.core import models as db
from marsad.core.application import Marsad


class ApiClient:
    def __init__(self, marsad: Marsad) -> None:
        self.app = create_app(marsad)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return await c.request(method, path, **kwargs)

        return anyio.run(send)

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.request(
            "POST", "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        result: dict[str, Any] = response.json()
        return result

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.execute(query, variables)
        assert not result.get("errors"), result["errors"]
        data: dict[str, Any] = result["data"]
        return data

    def error(self, query: str, variables: dict[str, Any] | None = None) -> str:
        result = self.execute(query, variables)
        assert result.get("errors"), result
        return "; ".join(error["message"] for error in result["errors"])


# Not queries for data: SQLite's explicit BEGIN (core.db) and the statement timeout
# each PostgreSQL read sets for its transaction (api.db).
NOT_COUNTED = ("BEGIN", "SELECT set_config('statement_timeout'")


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith(NOT_COUNTED):
            self.statements.append(statement)


@contextmanager
def counting_statements(marsad: Marsad) -> Iterator[StatementCounter]:
    """Every statement that reads or writes data on ``marsad``'s engine meanwhile."""
    counter = StatementCounter()
    event.listen(marsad.engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(marsad.engine, "before_cursor_execute", counter)


@dataclass(frozen=True)
class Extra:
    first_article: int
    second_article: int
    statement: int
    quantity: int
    outlet: str = "Test Outlet"
    speaker: str = "جو بايدن"
    alias: str = "الرئيس الأمريكي"


def add_claims(marsad: Marsad) -> Extra:
    """Two claims that contradict each other, a speaker with an alias, an outlet, a link."""
    with marsad.session_factory() as session, session.begin():
        first, second = session.scalars(select(db.Article).order_by(db.Article.id).limit(2))
        outlet = db.Outlet(name=Extra.outlet)
        first.outlet = outlet
        first.published_at = datetime(2021, 4, 1, 12, tzinfo=UTC)
        speaker = db.Entity(type="person", key="test-biden", name=Extra.speaker)
        speaker.aliases.append(db.EntityAlias(alias=Extra.alias))
        statement = db.Claim(
            article=first,
            kind=db.ClaimKind.STATEMENT,
            text="test statement",
            start=0,
            end=5,
            speaker=speaker,
            verb="قال",
            direct=True,
        )
        quantity = db.Claim(
            article=second,
            kind=db.ClaimKind.QUANTITY,
            text="test quantity",
            start=0,
            end=5,
            speaker_text="مصدر أمني",
            quantity_value=3.0,
            quantity_unit="صاروخ",
            qualifier=db.Qualifier.AT_LEAST,
        )
        session.add_all([statement, quantity])
        session.flush()
        session.add(
            db.ClaimLink(
                source_id=statement.id,
                target_id=quantity.id,
                kind=db.ClaimLinkKind.CONTRADICTS,
                score=0.9,
                evidence={"values": [4, 3]},
            )
        )
        exists = session.scalar(
            select(db.ArticleLink.id).where(
                db.ArticleLink.source_id == second.id,
                db.ArticleLink.target_id == first.id,
                db.ArticleLink.kind == db.ArticleLinkKind.REUSES,
            )
        )
        if exists is None:
            session.add(
                db.ArticleLink(
                    source_id=second.id,
                    target_id=first.id,
                    kind=db.ArticleLinkKind.REUSES,
                    score=0.8,
                    evidence={"test": True},
                )
            )
        return Extra(first.id, second.id, statement.id, quantity.id)
