"""ingestArticle: behind the API token, stores an article and runs the pipeline on it."""

from __future__ import annotations

from typing import Any

from api_client import ApiClient
from conftest import MakeApp

TOKEN = "s3cret-token"

INGEST = """mutation($input: IngestArticleInput!) { ingestArticle(input: $input) {
    message
    article { id title url publishedAt outlet { name } paragraphs { text } runs { stage status } }
} }"""

ARTICLE: dict[str, Any] = {
    "title": "سقوط ثلاثة صواريخ قرب المطار",
    "text": "قال المتحدث إن ثلاثة صواريخ سقطت قرب المطار.\n\nولم تسجل إصابات.",
    "url": "https://example.org/news/1",
    "outlet": "وكالة الاختبار",
    "published": "2021-03-03T10:00:00+00:00",
}


def test_mutations_are_refused_without_a_configured_token(make_app: MakeApp) -> None:
    api = ApiClient(make_app())
    result = api.execute(INGEST, {"input": ARTICLE}, token=TOKEN)
    assert "MARSAD_API_TOKEN" in result["errors"][0]["message"]
    assert result["data"] is None


def test_mutations_need_the_right_token(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_token=TOKEN))
    for token in (None, "wrong"):
        result = api.execute(INGEST, {"input": ARTICLE}, token=token)
        assert "Authorization: Bearer" in result["errors"][0]["message"]
    assert api.data("{ articles { totalCount } }")["articles"]["totalCount"] == 0


def test_ingest_article_stores_and_processes_it_once(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_token=TOKEN))
    result = api.execute(INGEST, {"input": ARTICLE}, token=TOKEN)
    assert not result.get("errors"), result
    payload = result["data"]["ingestArticle"]
    article = payload["article"]
    assert payload["message"] is None
    assert article["title"] == ARTICLE["title"]
    assert article["url"] == ARTICLE["url"]
    assert article["outlet"] == {"name": ARTICLE["outlet"]}
    assert article["publishedAt"].startswith("2021-03-03T10:00:00")
    assert article["paragraphs"]
    assert {run["stage"] for run in article["runs"]} >= {"parse", "normalize", "dedupe"}
    assert all(run["status"] == "OK" for run in article["runs"])

    again = api.execute(INGEST, {"input": ARTICLE}, token=TOKEN)
    assert again["data"]["ingestArticle"] == {
        "message": "this article is already stored",
        "article": None,
    }
    assert api.data("{ articles { totalCount } }")["articles"]["totalCount"] == 1


def test_ingest_article_rejects_empty_text(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_token=TOKEN))
    result = api.execute(INGEST, {"input": {**ARTICLE, "text": "  "}}, token=TOKEN)
    assert "must not be empty" in result["errors"][0]["message"]
