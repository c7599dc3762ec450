"""The API's commands, added to ``marsad`` through the same hook any plugin uses:
``marsad serve`` and ``marsad schema``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import func, select

from marsad.core import hookimpl
from marsad.core.application import Marsad
from marsad.core.models import Article


@hookimpl
def marsad_register_commands(cli: typer.Typer) -> None:
    @cli.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    ) -> None:
        """Serve the pages (stories, articles, search) and the GraphQL API (with
        GraphiQL) over HTTP."""
        import uvicorn

        from marsad.api.app import create_app, tune_garbage_collector

        marsad = Marsad()
        app = create_app(marsad)  # checks the schema and composes the plugins' fields
        tune_garbage_collector()
        with marsad.session_factory() as session:
            count = session.scalar(select(func.count(Article.id)))
        address = f"http://{host}:{port}"
        Console(stderr=True).print(
            f"{count} articles: open {address}/ to read the stories, {address}/graphql for GraphiQL"
        )
        uvicorn.run(app, host=host, port=port, log_level="info")

    @cli.command()
    def schema() -> None:
        """Print the GraphQL schema (SDL) with the fields installed plugins add."""
        from marsad.api.schema import build_schema

        marsad = Marsad()
        try:
            print(build_schema(marsad.plugins.api_fields()).as_str())
        finally:
            marsad.close()
