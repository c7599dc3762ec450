"""``marsad disputes``: where the reports of a story disagree, from the command line."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import aliased

from marsad.core import Article, Claim, ClaimLink, Story
from marsad.core.application import Marsad
from marsad.core.models import ClaimLinkKind
from marsad.plugins.link.disputes import LANGUAGES, DisputeRows, story_disputes


def disputed_stories(marsad: Marsad) -> list[int]:
    """Every story holding two claims that contradict each other."""
    source, target = aliased(Claim), aliased(Claim)
    query = (
        select(Article.story_id)
        .join(source, source.article_id == Article.id)
        .join(ClaimLink, ClaimLink.source_id == source.id)
        .join(target, target.id == ClaimLink.target_id)
        .where(ClaimLink.kind == ClaimLinkKind.CONTRADICTS, Article.story_id.is_not(None))
        .distinct()
    )
    with marsad.session_factory() as session:
        return sorted(story_id for story_id in session.scalars(query) if story_id is not None)


def as_data(story_id: int, title: str | None, found: list[DisputeRows]) -> dict[str, Any]:
    return {
        "story": story_id,
        "title": title,
        "disputes": [
            {
                "slot": {
                    "key": dispute.slot.key,
                    "kind": dispute.slot.kind,
                    "unit": dispute.slot.unit,
                    "subject": dispute.slot.subject,
                    "event": dispute.slot.event,
                    "label": {language: dispute.slot.label(language) for language in LANGUAGES},
                },
                "values": [
                    {
                        "value": value.number,
                        "unit": value.unit,
                        "qualifier": value.qualifier.value if value.qualifier else None,
                        "negated": value.negated,
                        "text": value.text,
                        "label": {language: value.label(language) for language in LANGUAGES},
                        "outlets": [
                            {"name": b.outlet, "article": b.article_id, "source": b.source}
                            for b in value.backers
                        ],
                        "cited_sources": list(value.cited_sources),
                        "first_reported_at": value.first.published_at.isoformat()
                        if value.first.published_at
                        else None,
                        "first_reported_time_known": value.first.time_known_if_dated,
                        "first_outlet": value.first.outlet,
                        "first_article": value.first.claim.article_id,
                        "claims": [claim.id for claim in value.claims],
                    }
                    for value in dispute.values
                ],
            }
            for dispute in found
        ],
    }


def _backer(outlet: dict[str, Any]) -> str:
    if outlet["name"]:
        return str(outlet["name"])
    return f"outlet unknown (article {outlet['article']}: {outlet['source']})"


def disputes_command(
    stories: Annotated[
        list[int] | None,
        typer.Argument(metavar="[STORY]...", help="Story ids (default: every disputed story)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Where the reports of a story disagree: each disputed slot's values, the outlets
    and cited sources behind each, and who reported it first."""
    marsad = Marsad()
    try:
        marsad.check_schema()
        ids = stories or disputed_stories(marsad)
        with marsad.session_factory() as session:
            found_titles = session.execute(select(Story.id, Story.title).where(Story.id.in_(ids)))
            titles = {story_id: title for story_id, title in found_titles}
            unknown = sorted(set(ids) - set(titles))
            if unknown:
                raise typer.BadParameter(f"no story has the id {', '.join(map(str, unknown))}")
            found = story_disputes(session, ids)
        reports = [as_data(i, titles[i], rows) for i, rows in zip(ids, found, strict=True)]
    finally:
        marsad.close()
    if as_json:
        typer.echo(json.dumps(reports, ensure_ascii=False, indent=2))
        return
    for report in reports:
        typer.echo(f"story {report['story']}: {report['title'] or ''}")
        if not report["disputes"]:
            typer.echo("  no dispute")
        for dispute in report["disputes"]:
            slot = dispute["slot"]
            typer.echo(f"  {slot['label']['en']} ({slot['label']['ar']}) [{slot['key']}]")
            for value in dispute["values"]:
                backers = "; ".join(_backer(outlet) for outlet in value["outlets"])
                cited = (
                    f"; cites {', '.join(value['cited_sources'])}" if value["cited_sources"] else ""
                )
                first = value["first_outlet"] or f"article {value['first_article']}"
                typer.echo(f"    {value['label']['en']}: {backers}{cited} (first: {first})")
