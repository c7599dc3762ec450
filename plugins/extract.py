"""The ``extract`` stage (placeholder until the real extractor lands)."""

from __future__ import annotations

from marsad.core import Article, Stage, StageContext, hookimpl


class Extract(Stage):
    name = "extract"
    after = ("normalize",)

    def process(self, ctx: StageContext, article: Article) -> None:
        pass


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Extract()]
