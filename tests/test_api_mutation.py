"""ingestArticle: behind the API token, stores an article and runs the pipeline on it;
a resubmission returns the stored article, and a busy database is a retryable error."""

from __future__ import annotations

from typing import Any

import pytest
from api_client import ApiClient
from conftest import MakeApp
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from marsad.api.ingest import json_record
from marsad.core import Article, Stage, StageContext, hookimpl
from marsad.core import models as db
from marsad.core.ingest import store_records
from marsad.core.pipeline import Pipeline

TOKEN = "s3cret-token"

INGEST = """mutation($input: IngestArticleInput!) { ingestArticle(input: $input) {
    created
    error { code retryable message }
    article { id title url publishedAt publishedTimeKnown outlet { name } paragraphs { text }
              runs { stage status } }
} }"""

ARTICLE: dict[str, Any] = {
    "title": "سقوط ثلاثة صواريخ قرب المطار",
    "text": "قال المتحدث إن ثلاثة صواريخ سقطت قرب المطار.\n\nولم تسجل إصابات.",
    "url": "https://example.org/news/1",
    "outlet": "وكالة الاختبار",
    "published": "2021-03-03T10:00:00+00:00",
}


def ingest(api: ApiClient, article: dict[str, Any] = ARTICLE) -> dict[str, Any]:
    result = api.execute(INGEST, {"input": article}, token=TOKEN)
    assert not result.get("errors"), result
    payload: dict[str, Any] = result["data"]["ingestArticle"]
    return payload


def processed(article: dict[str, Any]) -> bool:
    stages = {run["stage"] for run in article["runs"]}
    return stages >= {"parse", "normalize", "dedupe"} and all(
        run["status"] == "OK" for run in article["runs"]
    )


def test_mutations_are_refused_without_a_configured_token(make_app: MakeApp) -> None:
    api = ApiClient(make_app())
    result = api.execute(INGEST, {"input": ARTICLE}, token=TOKEN)
    assert "MARSAD_API_TOKEN" in result["errors"][0]["message"]
    assert result["errors"][0]["extensions"] == {"code": "MUTATIONS_DISABLED"}
    assert result["data"] is None


def test_mutations_need_the_right_token(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_token=TOKEN))
    for token in (None, "wrong"):
        result = api.execute(INGEST, {"input": ARTICLE}, token=token)
        assert "Authorization: Bearer" in result["errors"][0]["message"]
        assert result["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert api.data("{ articles { totalCount } }")["articles"]["totalCount"] == 0


def test_ingest_article_stores_and_processes_it_once(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_token=TOKEN))
    payload = ingest(api)
    article = payload["article"]
    assert payload["created"] is True and payload["error"] is None
    assert article["title"] == ARTICLE["title"]
    assert article["url"] == ARTICLE["url"]
    assert article["outlet"] == {"name": ARTICLE["outlet"]}
    assert article["publishedAt"].startswith("2021-03-03T10:00:00")
    assert article["paragraphs"]
    assert processed(article)

    again = ingest(api)
    assert again == {**payload, "created": False}
    assert api.data("{ articles { totalCount } }")["articles"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("published", "stored", "time_known"),
    [
        ("2021-03-03", "2021-03-03T00:00:00+00:00", False),
        ("2021-03-03T00:00:00Z", "2021-03-03T00:00:00+00:00", True),
        ("2021-03-03T13:00:00+03:00", "2021-03-03T10:00:00+00:00", True),
    ],
)
def test_a_date_sent_alone_is_stored_as_known_to_the_day(
    make_app: MakeApp, published: str, stored: str, time_known: bool
) -> None:
    api = ApiClient(make_app(api_token=TOKEN))
    article = ingest(api, {**ARTICLE, "published": published})["article"]
    assert (article["publishedAt"], article["publishedTimeKnown"]) == (stored, time_known)


def test_a_stored_but_unprocessed_article_is_processed_on_resubmission(
    make_app: MakeApp,
) -> None:
    # What a request that stored the input and then lost the database left behind.
    app = make_app(api_token=TOKEN)
    with app.session_factory() as session, session.begin():
        (stored,) = store_records(session, [json_record(ARTICLE)])
        assert stored is not None
        article_id = stored.id

    payload = ingest(ApiClient(app))
    assert payload["created"] is False and payload["error"] is None
    assert (
        payload["article"]["id"]
        == ApiClient(app).data(f'{{ article(id: "{article_id}") {{ id }} }}')["article"]["id"]
    )
    assert payload["article"]["title"] == ARTICLE["title"]
    assert processed(payload["article"])


def test_a_busy_database_is_a_retryable_error_and_the_retry_completes(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(api_token=TOKEN)
    api = ApiClient(app)
    run = Pipeline.run

    def locked(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(Pipeline, "run", locked)
    failed = ingest(api)
    assert failed["article"] is None
    assert failed["error"]["code"] == "DATABASE_BUSY"
    assert failed["error"]["retryable"] is True
    assert "database is locked" in failed["error"]["message"]

    monkeypatch.setattr(Pipeline, "run", run)
    retried = ingest(api)
    assert retried["error"] is None
    assert retried["created"] is False  # the first request had stored it
    assert processed(retried["article"])
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(db.Article)) == 1


class Refuses(Stage):
    name = "refuses"
    after = ("parse",)

    def process(self, ctx: StageContext, article: Article) -> None:
        raise ValueError(f"refusing article {article.id}")


class RefusingPlugin:
    __name__ = "refusing_plugin"

    @hookimpl
    def marsad_register_stages(self) -> list[Stage]:
        return [Refuses()]


def test_a_failed_stage_is_reported_and_not_retryable(make_app: MakeApp) -> None:
    api = ApiClient(make_app(extra=(RefusingPlugin(),), api_token=TOKEN))
    payload = ingest(api)
    assert payload["created"] is True
    assert payload["article"]["title"] == ARTICLE["title"]
    error = payload["error"]
    assert error["code"] == "PROCESSING_FAILED" and error["retryable"] is False
    assert "refuses: ValueError: refusing article" in error["message"]


def test_ingest_article_rejects_empty_text(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_token=TOKEN))
    payload = ingest(api, {**ARTICLE, "text": "  "})
    assert payload["article"] is None and payload["created"] is False
    assert payload["error"]["code"] == "INVALID_INPUT"
    assert payload["error"]["retryable"] is False
    assert "must not be empty" in payload["error"]["message"]
