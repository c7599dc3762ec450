"""Pages for people, rendered on the server: the front page, a story, an article.

Each page runs one GraphQL query (``page_queries/*.graphql``) through the schema,
context and limits that ``/graphql`` uses, so it shows exactly what the API serves,
and links to GraphiQL with that query and its variables filled in. The pages are
Arabic first (``dir="rtl"``), load nothing from outside the server and need no
JavaScript.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from strawberry.relay import GlobalID
from strawberry.schema import BaseSchema

from marsad.api.context import Context
from marsad.api.errors import UserError
from marsad.api.ids import database_id
from marsad.api.marking import Span, highlighted, marked
from marsad.core.application import Marsad
from marsad.text.dates import latest_moment

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
PAGE_SIZE = 30


@cache
def page_query(name: str) -> str:
    return (HERE / "page_queries" / f"{name}.graphql").read_text(encoding="utf-8")


def graphiql_link(request: Request, query: str, variables: dict[str, Any]) -> str:
    """``/graphql`` opened in the editor with ``query`` and ``variables`` in it."""
    params = {"query": query, "variables": json.dumps(variables, ensure_ascii=False)}
    return f"{request.scope.get('root_path', '')}/graphql?{urlencode(params)}"


def when(value: str | None, time_known: bool | None = True) -> Markup:
    """A time as a reader wants it, ``2021-03-03 10:00 UTC``, or the day alone where
    the source gave only the day (``time_known`` false), kept left to right inside
    Arabic text; empty when unknown."""
    if not value:
        return Markup("")
    moment = datetime.fromisoformat(value).astimezone(UTC)
    shown = moment.strftime("%Y-%m-%d" if time_known is False else "%Y-%m-%d %H:%M UTC")
    # A day alone is a valid HTML datetime too, and claims no midnight.
    machine = shown if time_known is False else value
    return Markup('<time dir="ltr" datetime="{}">{}</time>').format(machine, shown)


def where_from(article: dict[str, Any]) -> str:
    """The outlet, or the file the article was read from when its outlet is unknown."""
    outlet = article.get("outlet")
    return outlet["name"] if outlet else Path(article.get("source") or "?").name


def page_id(global_id: str) -> str:
    """The number in a page's address for a global id (``QXJ0aWNsZToy`` -> ``2``)."""
    return GlobalID.from_id(global_id).node_id


def snippet_html(snippet: dict[str, Any]) -> Markup:
    """A search snippet with its matches marked, and … where the text goes on."""
    ranges = [(h["start"], h["end"]) for h in snippet["highlights"]]
    shown = highlighted(snippet["text"], ranges)
    if snippet["field"] != "text":
        return shown
    before = "… " if snippet["start"] > 0 else ""
    return Markup(f"{before}{shown} …")


# Arabic counted nouns: (one, two, 3 to 10, 11 to 99, hundreds and zero).
COUNTED = {
    "خبر": ("خبر واحد", "خبران", "أخبار", "خبرًا", "خبر"),
    "منفذ": ("منفذ واحد", "منفذان", "منافذ", "منفذًا", "منفذ"),
    "قصة": ("قصة واحدة", "قصتان", "قصص", "قصة", "قصة"),
    "خلاف": ("خلاف واحد", "خلافان", "خلافات", "خلافًا", "خلاف"),
    "ادعاء": ("ادعاء واحد", "ادعاءان", "ادعاءات", "ادعاءً", "ادعاء"),
}


def counted(number: int, noun: str) -> str:
    """``number`` of ``noun`` as Arabic says it: خبر واحد, خبران, 3 أخبار, 12 خبرًا."""
    one, two, few, many, hundreds = COUNTED[noun]
    if number == 1:
        return one
    if number == 2:
        return two
    rest = number % 100
    if 3 <= rest <= 10:
        return f"{number} {few}"
    return f"{number} {many if 11 <= rest <= 99 else hundreds}"


# Names of link kinds and channels for readers (the API's are English identifiers).
WORDS = {
    "SAME_QUOTE": "الاقتباس نفسه",
    "CORROBORATES": "يؤيد",
    "CONTRADICTS": "يناقض",
    "DUPLICATE": "نسخة",
    "REUSES": "ينقل نصًا",
    "SAME_STORY": "الحدث نفسه",
    "statement": "بيان",
    "tweet": "تغريدة",
    "press_conference": "مؤتمر صحفي",
    "interview": "مقابلة",
    "agency": "وكالة",
    "tv": "تلفزيون",
    "newspaper": "صحيفة",
    "session": "جلسة",
}

templates.env.filters.update(when=when, where_from=where_from, page_id=page_id, counted=counted)
templates.env.filters["word"] = lambda value: WORDS.get(value, value)
templates.env.filters["basename"] = lambda path: Path(path or "?").name
templates.env.globals["snippet_html"] = snippet_html


class Pages:
    """The page routes of one application."""

    def __init__(self, marsad: Marsad, schema: BaseSchema) -> None:
        self.marsad = marsad
        self.schema = schema

    def routes(self) -> list[Route]:
        return [
            Route("/", self.front, methods=["GET"]),
            # A number, or the global id the API gives (``Story:1`` in base64).
            Route("/stories/{story_id}", self.story, methods=["GET"]),
            Route("/articles/{article_id}", self.article, methods=["GET"]),
        ]

    async def _data(
        self, request: Request, name: str, variables: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, str, str]:
        """The query's data (None when it failed), its GraphiQL link and any error."""
        query = page_query(name)
        context = Context(marsad=self.marsad, request=request, response=None)
        result = await self.schema.execute(query, variable_values=variables, context_value=context)
        link = graphiql_link(request, query, variables)
        if result.errors:
            message = "; ".join(error.message for error in result.errors)
            log.warning("page query %s failed: %s", name, message)
            return None, link, message
        return result.data, link, ""

    async def not_found(self, request: Request, error: Exception) -> Response:
        """A 404 for any address: a page for browsers, plain text for the others."""
        if "text/html" not in request.headers.get("accept", ""):
            return PlainTextResponse("Not Found", status_code=404)
        return self._missing(request, f"لا صفحة في العنوان {request.url.path}")

    def _render(
        self, request: Request, template: str, status: int = 200, **values: Any
    ) -> Response:
        values["root"] = request.scope.get("root_path", "")
        return templates.TemplateResponse(request, template, values, status_code=status)

    def _failed(self, request: Request, link: str, error: str) -> Response:
        title = "تعذّر عرض الصفحة"
        return self._render(request, "error.html", 500, title=title, error=error, link=link)

    def _missing(self, request: Request, what: str) -> Response:
        return self._render(request, "error.html", 404, title="غير موجود", error=what, link="")

    async def front(self, request: Request) -> Response:
        search = request.query_params.get("q", "").strip()
        after = request.query_params.get("after") or None
        name, variables = "index", {"first": PAGE_SIZE, "after": after}
        if search:
            name, variables = "search", {"search": search, **variables}
        data, link, error = await self._data(request, name, variables)
        if data is None:
            # What a reader typed or followed (the search, a cursor), not the server.
            return self._render(
                request, "front.html", 400, search=search, error=error, link=link, page=None
            )
        page = data["articles" if search else "stories"]
        return self._render(request, "front.html", search=search, page=page, link=link, error="")

    async def story(self, request: Request) -> Response:
        story_id = _row_id(request.path_params["story_id"], "Story")
        if story_id is None:
            return await self.not_found(request, LookupError(request.url.path))
        data, link, error = await self._data(request, "story", {"id": str(story_id)})
        if data is None:
            return self._failed(request, link, error)
        story = data["story"]
        if story is None:
            return self._missing(request, f"لا توجد قصة رقمها {story_id}")
        return self._render(request, "story.html", story=story_view(story), link=link)

    async def article(self, request: Request) -> Response:
        article_id = _row_id(request.path_params["article_id"], "Article")
        if article_id is None:
            return await self.not_found(request, LookupError(request.url.path))
        data, link, error = await self._data(request, "article", {"id": str(article_id)})
        if data is None:
            return self._failed(request, link, error)
        article = data["article"]
        if article is None:
            return self._missing(request, f"لا يوجد خبر رقمه {article_id}")
        return self._render(request, "article.html", article=article_view(article), link=link)


def _row_id(value: str, type_name: str) -> int | None:
    """The row id of a page's address, or None when it names no such row."""
    try:
        return database_id(value, type_name)
    except UserError:
        return None


def _publication_order(article: dict[str, Any]) -> tuple[bool, datetime]:
    """Earliest first, a day-only date at its day's end, unknown times last."""
    if not article["publishedAt"]:
        return (True, datetime.min.replace(tzinfo=UTC))
    moment = datetime.fromisoformat(article["publishedAt"])
    return (False, latest_moment(moment, article["publishedTimeKnown"]))


def story_view(story: dict[str, Any]) -> dict[str, Any]:
    """The story's data arranged for its page: slots by claim, reports in time order,
    each pair of articles sharing passages once."""
    slot_of: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for slot in story["slots"]:
        for value in slot["values"]:
            for claim in value["claims"]:
                slot_of[claim["id"]] = (slot, value)
    articles = sorted(story["articles"], key=_publication_order)
    columns = []
    for article in articles:
        grouped: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
        others = []
        for claim in article["claims"]:
            if claim["id"] in slot_of:
                slot, value = slot_of[claim["id"]]
                grouped[slot["slot"]["key"]].append((claim, value))
            else:
                others.append(claim)
            # Disputed slots first; a value the article repeats is shown once.
        slots = [
            (slot, list({id(value): value for _, value in grouped[slot["slot"]["key"]]}.values()))
            for slot in sorted(story["slots"], key=lambda s: not s["disputed"])
            if slot["slot"]["key"] in grouped
        ]
        columns.append({"article": article, "slots": slots, "others": others})
    by_id = {article["id"]: article for article in articles}
    shared: dict[tuple[str, str], dict[str, Any]] = {}
    for article in articles:
        for link in article["copies"] + article["reuses"]:
            if not link["outgoing"]:
                continue  # each pair once, from the side that reuses the other
            other = by_id.get(link["article"]["id"], link["article"])
            other_is_original = (link["original"] or {}).get("id") == other["id"]
            copy, original = (article, other) if other_is_original else (other, article)
            passages = [
                {
                    "copied": p["text"] if other_is_original else p["otherText"],
                    "original": p["otherText"] if other_is_original else p["text"],
                    "similarity": p["similarity"],
                }
                for p in link["sharedPassages"]
            ]
            shared[(copy["id"], original["id"])] = {
                "kind": link["kind"],
                "score": link["score"],
                "copied": copy,  # not "copy": a template's pair.copy is dict.copy
                "original": original,
                "passages": passages,
            }
    disputes = [slot for slot in story["slots"] if slot["disputed"]]
    agreed = [slot for slot in story["slots"] if not slot["disputed"]]
    return {
        **story,
        "disputes": disputes,
        "agreed": agreed,
        "columns": columns,
        "shared": list(shared.values()),
    }


def article_view(article: dict[str, Any]) -> dict[str, Any]:
    """The article's data arranged for its page: the text with every span marked."""
    spans: list[Span] = []
    for number, claim in enumerate(article["claims"], start=1):
        quantity = claim["quantity"]
        if claim["kind"] == "STATEMENT":
            who = (claim["speaker"] or {}).get("name") or claim["citedSource"] or ""
            title = f"تصريح {number}" + (f": {who}" if who else "")
            spans.append(Span(claim["start"], claim["end"], "statement", title, f"claim-{number}"))
            continue
        value = quantity["value"] if quantity else None
        unit = (quantity or {}).get("unit") or ""
        if claim["negated"]:
            figure = f"لا {unit}"
        elif value is None:
            figure = f"{unit} (بلا عدد)"
        else:
            figure = f"{value:g} {unit}"
        title = f"رقم {number}: {figure}".strip()
        spans.append(Span(claim["start"], claim["end"], "quantity", title, f"claim-{number}"))
    for citation in article["citations"]:
        title = f"المصدر: {citation['source']}"
        spans.append(Span(citation["start"], citation["end"], "attribution", title))
    for link in article["links"]:
        if link["kind"] in ("DUPLICATE", "REUSES") and link["article"]:
            title = f"نص مشترك مع {where_from(link['article'])}"
            for passage in link["sharedPassages"]:
                spans.append(Span(passage["start"], passage["end"], "shared", title))
    return {**article, "marked": marked(article["text"] or "", spans)}
