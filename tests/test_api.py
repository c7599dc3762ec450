"""The GraphQL API over the processed seeds: queries, pagination, ids, filters, app routes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from api_client import ApiClient, Extra, add_claims
from strawberry.relay import to_base64

from marsad.api.export_schema import SCHEMA_FILE, schema_sdl
from marsad.api.limits import MAX_PAGE_SIZE
from marsad.core.application import Marsad
from marsad.core.plugins import make_plugins
from marsad.core.schema import SchemaOutOfDate
from marsad.core.settings import Settings


@pytest.fixture
def api(seeded_app: Marsad) -> ApiClient:
    return ApiClient(seeded_app)


@pytest.fixture
def extra(seeded_app: Marsad) -> Extra:
    return add_claims(seeded_app)


ARTICLE_IDS = """query($first: Int, $after: String) { articles(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title } }
} }"""


def test_articles_lists_the_seeds_with_titles(api: ApiClient) -> None:
    articles = api.data(ARTICLE_IDS)["articles"]
    assert articles["totalCount"] == 5
    assert len(articles["edges"]) == 5
    assert all(edge["node"]["title"] for edge in articles["edges"])
    assert articles["pageInfo"]["hasNextPage"] is False


def test_pages_follow_each_other_without_gaps_or_repeats(api: ApiClient) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = api.data(ARTICLE_IDS, {"first": 2, "after": after})["articles"]
        pages += 1
        assert page["totalCount"] == 5
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5


def test_page_size_is_limited_and_says_so(api: ApiClient) -> None:
    message = api.error(ARTICLE_IDS, {"first": MAX_PAGE_SIZE + 1})
    assert f"at most {MAX_PAGE_SIZE}" in message
    assert "cursor" in api.error(ARTICLE_IDS, {"after": "not-a-cursor"})
    empty = api.data(ARTICLE_IDS, {"first": 0})["articles"]
    assert empty["edges"] == [] and empty["pageInfo"]["hasNextPage"] is True


def test_node_round_trips_global_ids(api: ApiClient, extra: Extra) -> None:
    edges = api.data("{ articles(first: 1) { edges { node { id title story { id } } } } }")
    article = edges["articles"]["edges"][0]["node"]
    found = api.data(
        "query($id: ID!) { node(id: $id) { id ... on Article { title } } }", {"id": article["id"]}
    )
    assert found["node"] == {"id": article["id"], "title": article["title"]}
    story = api.data(
        "query($id: ID!) { node(id: $id) { __typename id } }", {"id": article["story"]["id"]}
    )
    assert story["node"] == {"__typename": "Story", "id": article["story"]["id"]}
    claim_id = to_base64("Claim", extra.statement)
    claim = api.data(
        "query($id: ID!) { node(id: $id) { ... on Claim { text } } }", {"id": claim_id}
    )
    assert claim["node"] == {"text": "test statement"}
    by_number = api.data(f'{{ article(id: "{extra.first_article}") {{ id }} }}')
    assert by_number["article"]["id"] == to_base64("Article", extra.first_article)
    missing = api.data(f'{{ node(id: "{to_base64("Article", 10**6)}") {{ id }} }}')
    assert missing["node"] is None
    assert "not a global id" in api.error('{ node(id: "%%%") { id } }')
    assert "not of an Article" in api.error(f'{{ article(id: "{claim_id}") {{ id }} }}')


def _titles(api: ApiClient, filter_: dict[str, object]) -> list[str]:
    data = api.data(
        "query($f: ArticleFilter) { articles(filter: $f) { totalCount edges { node { title } } } }",
        {"f": filter_},
    )
    titles = [edge["node"]["title"] for edge in data["articles"]["edges"]]
    assert data["articles"]["totalCount"] == len(titles)
    return titles


def test_article_filters(api: ApiClient, extra: Extra) -> None:
    everything = _titles(api, {})
    first_title = everything[0]
    assert len(_titles(api, {"language": "ar"})) == 5
    assert _titles(api, {"language": "xx"}) == []
    assert _titles(api, {"outlet": extra.outlet}) == [first_title]
    assert _titles(api, {"outlet": "nobody"}) == []
    assert _titles(api, {"publishedAfter": "2021-03-01T00:00:00Z"}) == [first_title]
    assert _titles(api, {"publishedBefore": "2021-01-01T00:00:00Z"}) == []
    # 003 carries its date in the text ("الأربعاء 2021/02/24"); parse reads it.
    assert "توافق بين بايدن والكاظمي على كبح جماح الميليشيات في العراق" in _titles(
        api, {"publishedBefore": "2021-03-01T00:00:00Z"}
    )
    word = max(first_title.split(), key=len)
    assert first_title in _titles(api, {"search": word})
    assert _titles(api, {"search": "لا توجد هذه الكلمة في أي خبر"}) == []
    assert _titles(api, {"search": "%"}) == []  # a LIKE wildcard is searched for literally
    story = api.data(
        f'{{ article(id: "{extra.first_article}") {{ story {{ id articles {{ title }} }} }} }}'
    )["article"]["story"]
    in_story = _titles(api, {"story": story["id"]})
    assert first_title in in_story
    assert in_story == [article["title"] for article in story["articles"]]


def _claim_ids(api: ApiClient, filter_: dict[str, object]) -> set[str]:
    data = api.data(
        "query($f: ClaimFilter) { claims(first: 100, filter: $f) { edges { node { id } } } }",
        {"f": filter_},
    )
    return {edge["node"]["id"] for edge in data["claims"]["edges"]}


def test_claim_filters(api: ApiClient, extra: Extra) -> None:
    statement, quantity = to_base64("Claim", extra.statement), to_base64("Claim", extra.quantity)
    assert {statement, quantity} <= _claim_ids(api, {})
    kinds = _claim_ids(api, {"kind": "STATEMENT"})
    assert statement in kinds and quantity not in kinds
    assert statement in _claim_ids(api, {"speaker": "بايدن"})
    assert statement in _claim_ids(api, {"speaker": "الأمريكي"})  # an alias
    assert quantity in _claim_ids(api, {"speaker": "مصدر"})  # the name as written
    by_article = _claim_ids(api, {"article": to_base64("Article", extra.second_article)})
    assert quantity in by_article and statement not in by_article
    assert {statement, quantity} <= _claim_ids(api, {"disputed": True})
    assert not {statement, quantity} & _claim_ids(api, {"disputed": False})


def test_claims_and_links_resolve(api: ApiClient, extra: Extra) -> None:
    data = api.data(
        """query($id: ID!) { article(id: $id) {
            outlet { name }
            claims { kind text verb direct negated quantity { value }
                     speaker { name aliases }
                     article { id }
                     links { kind score evidence outgoing claim {
                         text quantity { value unit qualifier } speaker { name aliases } } }
                     contradicts: links(kind: CONTRADICTS) { kind }
                     quotes: links(kind: SAME_QUOTE) { kind } }
            links { kind score evidence outgoing article { id } }
            reuses: links(kind: REUSES) { kind }
            duplicates: links(kind: DUPLICATE) { kind }
            runs { stage plugin version status error durationMs }
            translation(language: "en") { language engine engineVersion title paragraphs }
        } }""",
        {"id": str(extra.first_article)},
    )["article"]
    assert data["outlet"] == {"name": extra.outlet}
    claim = next(c for c in data["claims"] if c["text"] == "test statement")
    assert claim["kind"] == "STATEMENT" and claim["verb"] == "قال" and claim["direct"] is True
    assert claim["quantity"] is None
    assert claim["speaker"] == {"name": extra.speaker, "aliases": [extra.alias]}
    assert claim["article"]["id"] == to_base64("Article", extra.first_article)
    link = next(link for link in claim["links"] if link["kind"] == "CONTRADICTS")
    assert link["outgoing"] is True and link["score"] == 0.9
    assert link["evidence"] == {"values": [4, 3]}
    assert link["claim"]["quantity"] == {"value": 3.0, "unit": "صاروخ", "qualifier": "AT_LEAST"}
    assert link["claim"]["speaker"] == {"name": "مصدر أمني", "aliases": []}
    assert claim["contradicts"] and not claim["quotes"]
    # The second article reuses the first: seen from the first, the link points here.
    second = to_base64("Article", extra.second_article)
    reuse = next(
        link
        for link in data["links"]
        if link["kind"] == "REUSES" and link["article"]["id"] == second
    )
    assert reuse["outgoing"] is False
    assert data["reuses"] and all(link["kind"] == "DUPLICATE" for link in data["duplicates"])
    stages = [run["stage"] for run in data["runs"]]
    assert {"parse", "normalize"} <= set(stages)
    assert all(run["status"] == "OK" for run in data["runs"])
    translation = data["translation"]
    assert translation["language"] == "en" and translation["title"] and translation["paragraphs"]
    assert (translation["engine"], translation["engineVersion"]) == ("offline-glossary", "2")


def test_stories_and_plugins(api: ApiClient) -> None:
    data = api.data(
        "{ stories(first: 100) { totalCount edges { node { id title articles { id } } } }"
        "  plugins { name version builtin hooks stages } }"
    )
    stories = data["stories"]
    assert stories["totalCount"] == len(stories["edges"]) >= 1
    assert sum(len(edge["node"]["articles"]) for edge in stories["edges"]) == 5
    parse = next(plugin for plugin in data["plugins"] if plugin["name"] == "parse")
    assert parse["builtin"] is True and "parse" in parse["stages"]
    assert "marsad_register_stages" in parse["hooks"]


def test_graphiql_is_served_from_this_server(api: ApiClient) -> None:
    page = api.request("GET", "/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "GraphiQL" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assets = [url for url in urls if not url.startswith("data:")]
    assert {url.rsplit("/", 1)[-1] for url in assets} >= {
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
    }
    for url in assets:
        assert url.startswith("/static/graphiql/"), url
        asset = api.request("GET", url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    assert api.request("GET", "/static/graphiql/nothing.js").status_code == 404


def test_healthz(api: ApiClient) -> None:
    response = api.request("GET", "/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": True}


def test_refuses_to_start_on_a_database_that_is_not_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    settings = Settings(database_url=url)
    marsad = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    try:
        with pytest.raises(SchemaOutOfDate, match="marsad db upgrade"):
            ApiClient(marsad)
    finally:
        marsad.close()


def test_committed_sdl_matches_the_schema() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_sdl(), (
        f"{SCHEMA_FILE} is out of date with the schema; if the change is intended, run "
        "`python -m marsad.api.export_schema` and commit the file"
    )


def test_a_query_link_opens_the_editor_in_a_browser_and_runs_for_clients(api: ApiClient) -> None:
    query = "{ stories(first: 1) { totalCount } }"
    params = {"query": query, "variables": '{"a": 1}'}
    browser = api.request(
        "GET", "/graphql", params=params, headers={"Accept": "text/html,application/xhtml+xml"}
    )
    assert browser.status_code == 200 and "GraphiQL" in browser.text
    assert 'params.get("query")' in browser.text and 'params.get("variables")' in browser.text
    for accept in ("application/json", "*/*"):
        client = api.request("GET", "/graphql", params={"query": query}, headers={"Accept": accept})
        assert client.status_code == 200, accept
        assert client.json()["data"]["stories"]["totalCount"] >= 0
