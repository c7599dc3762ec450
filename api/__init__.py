"""The GraphQL API: a Strawberry schema served by Starlette.

``create_app(marsad)`` builds the ASGI application; the schema itself lives in
:mod:`marsad.api.schema` and is exported to ``schema.graphql`` next to this file.
"""

from marsad.api.app import create_app

__all__ = ["create_app"]
