"""The ``index`` stage: the match keys that search compares, for titles and claims.

The body's key is normalize's ``Article.match_key``; this stage adds the key of the
title with the subtitle (``Article.title_key``) and of each claim's text with its
speaker, source and channel as written (``Claim.search_key``). The database's search
indexes (migration 0007) follow these columns.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from marsad.core import Article, Claim, Stage, StageContext, hookimpl
from marsad.core.stages import Outcome
from marsad.text.arabic import match_key


def joined_key(*parts: str | None) -> str | None:
    """The match key of the parts given, one after another; None when all are empty."""
    return match_key("\n".join(part for part in parts if part)) or None


class Index(Stage):
    name = "index"
    after = ("normalize", "extract")  # titles as shown, claims as found
    version = "0.1.0"
    reads_other_articles = False

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        session = ctx.session
        titles = [
            {"id": article.id, "title_key": joined_key(article.title, article.subtitle)}
            for article in articles
        ]
        session.execute(update(Article), titles)
        claims = session.execute(
            select(
                Claim.id,
                Claim.text,
                Claim.speaker_text,
                Claim.cited_source,
                Claim.channel,
                Claim.search_key,
            ).where(Claim.article_id.in_([article.id for article in articles]))
        )
        changed = [
            {"id": claim.id, "search_key": key}
            for claim in claims
            if claim.search_key
            != (
                key := joined_key(claim.text, claim.speaker_text, claim.cited_source, claim.channel)
            )
        ]
        if changed:
            session.execute(update(Claim), changed)
        return dict.fromkeys(article.id for article in articles)


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Index()]
