"""The ``cluster`` stage: each article into the story of the event it reports.

It decides the article's SAME_STORY links (see :mod:`marsad.plugins.cluster.stories`), then
places it, and every article whose links changed with it, in stories again: the
stories of their connected group are computed anew, joining, splitting and keeping
their ids as the links say. It also places the articles whose copy links the dedupe
stage changed since they were placed (``story_changes``), so a story follows copy
links found later. Only this stage writes stories, under its turn.
"""

from __future__ import annotations

from collections.abc import Sequence

from marsad.core import Article, Stage, StageContext, hookimpl
from marsad.core.stages import Outcome
from marsad.plugins.cluster.stories import (
    Profiles,
    link_same_story,
    place_in_stories,
    take_story_changes,
)


class Cluster(Stage):
    name = "cluster"
    after = ("dedupe",)  # it reads copy links
    version = "0.5.4"

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        session = ctx.session
        ids = [article.id for article in articles]
        changed = link_same_story(session, articles, Profiles(session))
        place_in_stories(session, ids, again={*changed, *take_story_changes(session)})
        return dict.fromkeys(ids)


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Cluster()]
