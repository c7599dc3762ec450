"""The ``link`` stage (placeholder until the real linker lands)."""

from __future__ import annotations

from marsad.core import Article, Stage, StageContext, hookimpl


class Link(Stage):
    name = "link"
    after = ("extract",)

    def process(self, ctx: StageContext, article: Article) -> None:
        pass


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Link()]
