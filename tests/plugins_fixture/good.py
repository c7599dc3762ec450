"""A well-behaved third-party plugin: one stage and one observer hook."""

from __future__ import annotations

from collections.abc import Sequence

from marsad.core import Article, Stage, StageContext, hookimpl

__version__ = "2.3.4"

seen_batches: list[tuple[str, int]] = []


class Shout(Stage):
    name = "shout"
    after = ("parse",)
    version = "2.3.4"

    def process(self, ctx: StageContext, article: Article) -> None:
        article.extra = {**article.extra, "shout": (article.title or "").upper()}


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Shout()]


@hookimpl
def marsad_before_stage(stage: Stage, articles: Sequence[Article]) -> None:
    seen_batches.append((stage.name, len(articles)))
