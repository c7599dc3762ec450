"""A plugin whose hook asks for an argument the hook specification does not have."""

from __future__ import annotations

from marsad.core import hookimpl


@hookimpl
def marsad_before_stage(stage: object, colour: str) -> None:
    pass
