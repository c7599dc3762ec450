"""Errors the client caused, and which errors reach the client unmasked."""

from __future__ import annotations

from graphql import GraphQLError


class UserError(Exception):
    """A request that cannot be answered as asked: a bad cursor, a page too large, a
    missing token. Its message is meant for the client and is never masked; a
    ``code`` goes into the error's ``extensions`` for clients to act on."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        # graphql-core copies an original error's ``extensions`` into the GraphQL error.
        self.extensions = {"code": code} if code else None


class QueryTimeout(UserError):
    """The query ran past the API's time limit and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the query ran longer than this server's limit of {seconds:g} s and was "
            "stopped; ask for fewer items or fields (MARSAD_API_TIMEOUT)"
        )


def should_mask_error(error: GraphQLError) -> bool:
    """Mask everything except errors the client can act on.

    Parse and validation errors (depth, tokens, aliases, unknown fields) carry no
    original exception, and a variable's invalid value carries graphql-core's own
    description of it; they describe the query, not the server, so they stay.
    """
    original = error.original_error
    if original is None:
        return False
    return not isinstance(original, UserError | GraphQLError)
