"""A plugin implementing a hook that marsad does not define (a typo)."""

from __future__ import annotations

from marsad.core import hookimpl


@hookimpl
def marsad_register_stagez() -> list[object]:
    return []
