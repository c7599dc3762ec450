"""The ASGI application: GraphQL at /graphql, health at /healthz, GraphiQL's assets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from marsad.api.graphiql import STATIC_PATH, GraphQLView
from marsad.api.schema import schema
from marsad.core.application import Marsad

STATIC_DIR = Path(__file__).resolve().parent / "static" / "graphiql"


def create_app(marsad: Marsad) -> Starlette:
    """The API over ``marsad``'s database; raises ``SchemaOutOfDate`` unless it is upgraded."""
    marsad.check_schema()

    def database_reachable() -> bool:
        try:
            with marsad.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any failure means the same to a health check: not reachable
            return False
        return True

    async def healthz(_request: Request) -> JSONResponse:
        database = await run_in_threadpool(database_reachable)
        return JSONResponse(
            {"ok": database, "database": database}, status_code=200 if database else 503
        )

    app = Starlette(
        routes=[
            Route("/graphql", GraphQLView(marsad, schema), methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="graphiql-static"),
        ]
    )
    app.state.marsad = marsad
    return app


def app_from_env() -> Starlette:
    """For ``uvicorn --factory marsad.api.app:app_from_env``: settings from MARSAD_* vars."""
    return create_app(Marsad())
