"""Bounds on one request: the bytes it may send, the time it may run, and /healthz
answering while queries hold every worker thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest
from api_client import ApiClient
from conftest import MakeApp
from sqlalchemy import text
from sqlalchemy.orm import Session

from marsad.api import loaders
from marsad.api.db import Reads
from marsad.api.errors import QueryTimeout
from marsad.core.application import Marsad
from marsad.core.settings import Settings

LIMIT = 10_000
QUERY = "{ articles(first: 1) { totalCount } }"


def padded_body(size: int) -> bytes:
    """A valid GraphQL request of about ``size`` bytes (the padding is a variable)."""
    return json.dumps({"query": QUERY, "variables": {"pad": "x" * size}}).encode()


def assert_refused(response: httpx.Response, status: int, what: str) -> None:
    assert response.status_code == status, response.text
    (error,) = response.json()["errors"]
    assert f"the {what} is larger than this server's limit of 10,000 bytes" in error["message"]


def test_a_body_over_the_limit_is_refused_with_413(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_max_body_bytes=LIMIT))
    headers = {"content-type": "application/json"}
    small = api.request("POST", "/graphql", content=padded_body(LIMIT - 200), headers=headers)
    assert small.status_code == 200 and small.json()["data"]["articles"]["totalCount"] == 0
    large = api.request("POST", "/graphql", content=padded_body(2 * LIMIT), headers=headers)
    assert_refused(large, 413, "request body")


def test_a_body_without_a_length_is_counted_as_it_streams(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_max_body_bytes=LIMIT))
    body = padded_body(50 * LIMIT)
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for start in range(0, len(body), 1000):
            sent += 1000
            yield body[start : start + 1000]

    response = api.request(
        "POST", "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_refused(response, 413, "request body")
    assert sent <= 2 * LIMIT  # refused as soon as the limit passed, not at the end


def test_a_query_string_over_the_limit_is_refused_with_414(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_max_body_bytes=LIMIT))
    ok = api.request("GET", "/graphql", params={"query": QUERY})
    assert ok.status_code == 200, ok.text
    padded = "{ articles(first: 1) { totalCount } }" + " " * 2 * LIMIT
    assert_refused(api.request("GET", "/graphql", params={"query": padded}), 414, "query string")


def test_the_default_body_limit_is_a_megabyte() -> None:
    assert Settings().api_max_body_bytes == 1_000_000
    assert Settings.from_env({"MARSAD_API_MAX_BODY_BYTES": "5000"}).api_max_body_bytes == 5000


# Counts to a very large number: runs for minutes unless the database stops it.
ENDLESS = text(
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) "
    "SELECT count(*) FROM n"
)


def test_the_database_stops_a_statement_that_outruns_the_deadline(app: Marsad) -> None:
    reads = Reads(app.session_factory, deadline=time.monotonic() + 0.5, limit_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"limit of 0\.5 s"):
        anyio.run(reads.run, lambda session: session.scalar(ENDLESS))
    assert time.monotonic() - started < 3
    # The connection goes back to the pool without the limit.
    with app.session_factory() as session:
        assert session.scalar(text("SELECT 1")) == 1


def test_a_query_past_the_time_limit_gets_a_clear_error(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless(*_args: Any) -> Callable[[Session, list[int]], list[Any]]:
        return lambda session, _keys: [session.scalar(ENDLESS)]

    monkeypatch.setattr(loaders, "one_row_each", endless)
    api = ApiClient(make_app(api_timeout=0.5))
    started = time.monotonic()
    result = api.execute('{ article(id: "1") { title } }')
    assert time.monotonic() - started < 3
    messages = [error["message"] for error in result["errors"]]
    assert messages and all("ran longer than this server's limit of 0.5 s" in m for m in messages)


def test_a_query_waiting_past_the_time_limit_is_cancelled(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never(*_args: Any) -> None:
        await anyio.sleep(60)

    monkeypatch.setattr(Reads, "run", never)
    api = ApiClient(make_app(api_timeout=0.5))
    started = time.monotonic()
    result = api.execute("{ articles(first: 1) { totalCount } }")
    assert time.monotonic() - started < 3
    assert result["data"] is None
    (error,) = result["errors"]
    assert "ran longer than this server's limit of 0.5 s" in error["message"]
    assert "MARSAD_API_TIMEOUT" in error["message"]


def test_healthz_answers_while_queries_hold_every_worker_thread(
    seeded_app: Marsad, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = ApiClient(seeded_app)
    entered, release = threading.Event(), threading.Event()
    group = loaders.many_per_key

    def blocked(*args: Any) -> Any:  # under the `runs` loader, in a worker thread
        entered.set()
        release.wait(30)
        return group(*args)

    monkeypatch.setattr(loaders, "many_per_key", blocked)
    heavy = {"query": "{ articles(first: 1) { edges { node { runs { stage } } } } }"}

    async def scenario() -> tuple[httpx.Response, float]:
        # The shared pool gets one thread, which the query then holds.
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        transport = httpx.ASGITransport(app=api.app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
            anyio.create_task_group() as tasks,
        ):
            tasks.start_soon(lambda: client.post("/graphql", json=heavy))
            try:
                with anyio.fail_after(10):
                    while not entered.is_set():
                        await anyio.sleep(0.01)
                started = time.monotonic()
                with anyio.fail_after(5):
                    health = await client.get("/healthz")
                return health, time.monotonic() - started
            finally:
                release.set()

    health, seconds = anyio.run(scenario)
    assert health.status_code == 200 and health.json() == {"ok": True, "database": True}
    assert seconds < 2
