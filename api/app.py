"""The ASGI application: pages at /, /stories/{id} and /articles/{id}; GraphQL at
/graphql; health at /healthz; GraphiQL's assets."""

from __future__ import annotations

import gc
from pathlib import Path

import anyio
import anyio.to_thread
from anyio import CapacityLimiter
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from marsad.api.body_limit import BodyLimit
from marsad.api.graphiql import STATIC_PATH, GraphQLView
from marsad.api.pages import Pages
from marsad.api.schema import build_schema
from marsad.core.application import Marsad

STATIC_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
# Seconds /healthz waits for the database before it answers that it is unreachable.
HEALTH_TIMEOUT = 5.0


def create_app(marsad: Marsad) -> Starlette:
    """The API over ``marsad``'s database; raises ``SchemaOutOfDate`` unless it is upgraded."""
    marsad.check_schema()
    # Composed once, at start-up: the core's types and every plugin's fields.
    schema = build_schema(marsad.plugins.api_fields())
    # Health checks get threads of their own: queries that hold every thread of the
    # shared pool must not make a load balancer think the server is dead.
    health_threads = CapacityLimiter(2)

    def database_reachable() -> bool:
        try:
            with marsad.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any failure means the same to a health check: not reachable
            return False
        return True

    async def healthz(_request: Request) -> JSONResponse:
        database = False
        with anyio.move_on_after(HEALTH_TIMEOUT):
            database = await anyio.to_thread.run_sync(
                database_reachable, limiter=health_threads, abandon_on_cancel=True
            )
        return JSONResponse(
            {"ok": database, "database": database}, status_code=200 if database else 503
        )

    pages = Pages(marsad, schema)
    app = Starlette(
        routes=[
            *pages.routes(),
            Route("/graphql", GraphQLView(marsad, schema), methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="graphiql-static"),
        ],
        middleware=[Middleware(BodyLimit, max_bytes=marsad.settings.api_max_body_bytes)],
        exception_handlers={404: pages.not_found},
    )
    app.state.marsad = marsad
    return app


# A request builds hundreds of thousands of short-lived objects (rows, GraphQL values):
# at Python's default thresholds the collector ran some 34 times per page of 50
# articles and took a fifth of its CPU time (57 of 261 ms, 100,000 articles in
# PostgreSQL), mostly scanning the long-lived objects of the schema and the modules.
GC_THRESHOLDS = (20_000, 50, 100)


def tune_garbage_collector() -> None:
    """For a process that serves the API (``marsad serve``), once the app is built:
    what exists now is kept out of every collection, and collections come rarer.
    Measured side by side: 8 instead of 57 ms of collection per page, 200 instead of
    270 ms of CPU. Process-wide, so the library leaves it to whoever runs the server."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def app_from_env() -> Starlette:
    """For ``uvicorn --factory marsad.api.app:app_from_env``: settings from MARSAD_* vars."""
    app = create_app(Marsad())
    tune_garbage_collector()
    return app
