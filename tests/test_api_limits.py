"""What one request may cost: statements per page, depth, masked internal errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_client import ApiClient, StatementCounter, add_claims, counting_statements

from marsad.api import loaders
from marsad.api.limits import MAX_ALIASES, MAX_DEPTH
from marsad.core.application import Marsad

PAGE = """query($first: Int!) { articles(first: $first) { totalCount edges { node {
    title
    outlet { name }
    story { title }
    paragraphs { text start end }
    claims { text speaker { name aliases } links { kind claim { text article { title } } } }
    links { kind score article { title outlet { name } } }
    runs { stage status durationMs }
} } } }"""


@pytest.fixture
def api(seeded_app: Marsad) -> ApiClient:
    return ApiClient(seeded_app)


@pytest.fixture
def counter(seeded_app: Marsad) -> Iterator[StatementCounter]:
    with counting_statements(seeded_app) as counter:
        yield counter


def test_a_page_costs_the_same_statements_whatever_its_size(
    seeded_app: Marsad, api: ApiClient, counter: StatementCounter
) -> None:
    add_claims(seeded_app)
    api.data(PAGE, {"first": 5})  # warm up: connections, dialect checks
    counts = {}
    for first in (1, 2, 5):
        counter.statements.clear()
        data = api.data(PAGE, {"first": first})
        assert len(data["articles"]["edges"]) == first
        counts[first] = len(counter.statements)
    # page + count + one per loader (the speaker loader reads entities and aliases),
    # whatever the size; fewer when the page already holds the rows a link leads to.
    assert max(counts.values()) <= 14, counts
    assert counts[5] <= counts[1], counts


def _nested(depth: int) -> str:
    # articles > edges > node make three levels; each claims > article pair adds two.
    inner = "title"
    for _ in range((depth - 3) // 2):
        inner = f"claims {{ article {{ {inner} }} }}"
    return f"{{ articles(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


def test_depth_limit_rejects_deep_queries(api: ApiClient) -> None:
    api.data(_nested(MAX_DEPTH - 1))
    message = api.error(_nested(MAX_DEPTH + 4))
    assert "exceeds maximum operation depth" in message


def test_alias_limit(api: ApiClient) -> None:
    aliases = " ".join(f"a{i}: plugins {{ name }}" for i in range(MAX_ALIASES + 1))
    assert "aliases" in api.error(f"{{ {aliases} }}")


def test_token_limit(api: ApiClient) -> None:
    fields = " ".join("__typename" for _ in range(3000))
    assert "token" in api.error(f"{{ {fields} }}").lower()


def test_internal_errors_are_masked(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("password=hunter2 in the connection string")

    monkeypatch.setattr(loaders, "many_per_key", broken)  # under the `runs` loader
    result = api.execute("{ articles(first: 1) { edges { node { title runs { stage } } } } }")
    assert [error["message"] for error in result["errors"]] == ["Unexpected error."]
    assert "hunter2" not in str(result)


def test_client_errors_are_not_masked(api: ApiClient) -> None:
    assert "Cannot query field" in api.error("{ articles { nope } }")
    assert "at most" in api.error("{ claims(first: 1000) { totalCount } }")


STORIES = """query($first: Int!) { stories(first: $first) { edges { node {
    title
    claims { text citations { source sourceKind speaker } }
    disputes { slot { key label } values { value outlets { name } citedSources claims { text } } }
    articles { citations { source sourceKind start end } }
} } } }"""


def test_story_claims_disputes_and_citations_cost_constant_statements(
    seeded_app: Marsad, api: ApiClient, counter: StatementCounter
) -> None:
    api.data(STORIES, {"first": 5})
    counter.statements.clear()
    data = api.data(STORIES, {"first": 5})
    stories = [edge["node"] for edge in data["stories"]["edges"]]
    assert stories and any(story["disputes"] for story in stories)
    disputed = [d for story in stories for d in story["disputes"]]
    rockets = [d for d in disputed if d["slot"]["key"].startswith("unit:")]
    assert rockets and all(len(d["values"]) >= 2 for d in rockets)
    cited = {s for d in rockets for v in d["values"] for s in v["citedSources"]}
    assert "RT" in cited
    # page + count + stories' claims + claim citations + disputes (claims, links,
    # outlets, sources) + articles + article citations: none per story or claim.
    assert len(counter.statements) <= 12, counter.statements
