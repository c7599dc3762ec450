"""Reading the ids clients send: Relay global ids, or plain database ids."""

from __future__ import annotations

from strawberry.relay import GlobalID, GlobalIDValueError

from marsad.api.errors import UserError


def parse_global_id(value: str) -> GlobalID:
    try:
        return GlobalID.from_id(value)
    except GlobalIDValueError:
        raise UserError(f"{value!r} is not a global id (as returned in `id` fields)") from None


def database_id(value: str, type_name: str) -> int:
    """The row id behind ``value``: a global id of ``type_name``, or the bare number."""
    if value.isdigit():
        return int(value)
    global_id = parse_global_id(value)
    if global_id.type_name != type_name or not global_id.node_id.isdigit():
        raise UserError(f"{value!r} is the id of {_a(global_id.type_name)}, not of {_a(type_name)}")
    return int(global_id.node_id)


def _a(name: str) -> str:
    return f"an {name}" if name[:1] in "AEIOU" else f"a {name}"
