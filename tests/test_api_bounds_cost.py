"""The query cost limit: page sizes multiplied down each path, refused before any
resolver runs when the total passes MARSAD_API_MAX_COST."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from api_client import ApiClient
from conftest import ROOT, MakeApp
from graphql import get_introspection_query, parse
from sqlalchemy import event

from marsad.api.cost import operation_cost
from marsad.api.limits import COST_MODEL
from marsad.api.schema import schema
from marsad.core.application import Marsad
from marsad.core.settings import Settings

DEFAULT_MAX_COST = Settings().api_max_cost
EXAMPLES = sorted((ROOT / "examples" / "queries").glob("*.graphql"))

# The finding: 29 aliases of a page of 100 articles with their text, paragraphs,
# claims and links answered 141 MB in 14 s, within the depth, token and alias limits.
ONE_PAGE = (
    "articles(first: 100) { edges { node { title text outlet { name } "
    "paragraphs { text start end } claims { kind text speaker { name } quantity { value unit } } "
    "links { kind score article { title outlet { name } } } } } }"
)
FAN_OUT = "{ " + " ".join(f"a{i}: {ONE_PAGE}" for i in range(29)) + " }"


def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    return operation_cost(schema._schema, parse(query), None, variables, COST_MODEL)


def test_the_29_alias_query_costs_far_more_than_the_limit() -> None:
    assert len(FAN_OUT.encode()) == 6460
    # articles + edges + 100 x (node, title, text, outlet + name, paragraphs + 10 x 3,
    # claims + 10 x (4 + speaker's name + quantity's 2), links + 10 x (2 + article's 3))
    assert cost("{ " + ONE_PAGE + " }") == 2 + 100 * 168 == 16_802
    assert cost(FAN_OUT) == 29 * 16_802 == 487_258
    assert cost(FAN_OUT) > 6 * DEFAULT_MAX_COST


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_every_example_query_is_under_the_default_limit(path: Path) -> None:
    assert cost(path.read_text(encoding="utf-8")) <= DEFAULT_MAX_COST / 2


def test_the_explorers_introspection_query_is_under_the_default_limit() -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
        one_of=True,
    )
    assert cost(query) <= DEFAULT_MAX_COST


PAGE = "query($n: Int) { articles(first: $n) { edges { node { title } } } }"


def test_page_sizes_count_through_variables_and_their_defaults() -> None:
    # articles + edges + n x (node + title)
    assert cost(PAGE, {"n": 100}) == 2 + 2 * 100
    assert cost(PAGE, {"n": None}) == cost(PAGE, {}) == 2 + 2 * 20  # the default page
    assert cost(PAGE.replace("$n: Int", "$n: Int = 7"), {}) == 2 + 2 * 7
    assert cost("{ articles(first: 3) { edges { node { title } } } }") == 2 + 2 * 3
    # pageInfo and totalCount are once per page, not once per item
    assert cost("{ articles(first: 50) { totalCount pageInfo { hasNextPage } } }") == 4


def test_pages_multiply_down_the_path() -> None:
    query = "{ stories(first: 5) { edges { node { articles { claims { text } } } } } }"
    # stories + edges + 5 x (node + articles + 10 x (article's claims + 10 x text))
    assert cost(query) == 2 + 5 * (2 + 10 * (1 + 10 * 1))


def test_fragments_and_inline_fragments_count_once_per_use() -> None:
    spread = """{ a: article(id: "1") { ...Claims } b: article(id: "2") { ...Claims } }
        fragment Claims on Article { claims { text } }"""
    assert cost(spread) == 2 * (1 + 1 + 10)
    inline = '{ node(id: "QXJ0aWNsZTox") { ... on Article { claims { text } } } }'
    assert cost(inline) == 1 + 1 + 10
    on_a_connection = """{ articles(first: 4) { ...Page } }
        fragment Page on ArticleConnection { edges { node { title } } }"""
    assert cost(on_a_connection) == 2 + 4 * 2


def test_fragments_that_spread_each_other_are_not_walked_exponentially() -> None:
    levels = 60
    fragments = ["fragment F0 on Article { title }"] + [
        f"fragment F{i} on Article {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    query = f'{{ article(id: "1") {{ ...F{levels} }} }} ' + " ".join(fragments)
    started = time.perf_counter()
    assert cost(query) == 1 + 2**levels
    assert time.perf_counter() - started < 1


def test_a_costly_query_gets_one_error_before_any_resolver_runs(seeded_app: Marsad) -> None:
    api = ApiClient(seeded_app)  # checks the schema: statements before the test's
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(seeded_app.engine, "before_cursor_execute", record)
    try:
        result = api.execute(FAN_OUT)
    finally:
        event.remove(seeded_app.engine, "before_cursor_execute", record)
    assert result["data"] is None
    (error,) = result["errors"]
    assert "would cost 487,258" in error["message"]
    assert f"limit of {DEFAULT_MAX_COST:,}" in error["message"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 487_258,
        "maxCost": DEFAULT_MAX_COST,
    }
    assert seen == []  # not one statement: nothing was resolved


def test_a_page_size_given_by_a_variable_is_counted(make_app: MakeApp) -> None:
    api = ApiClient(make_app(api_max_cost=500))
    api.data(PAGE, {"n": 100})  # 202
    wider = PAGE.replace("title", "title text subtitle url")
    assert "would cost 502" in api.error(wider, {"n": 100})
    assert api.data(wider, {"n": 99})
    aliases = " ".join(
        f"{name}: articles(first: $n) {{ edges {{ node {{ title }} }} }}" for name in "abc"
    )
    assert "would cost 606" in api.error(f"query($n: Int) {{ {aliases} }}", {"n": 100})


def test_the_limit_is_a_setting_and_zero_turns_it_off(make_app: MakeApp) -> None:
    assert "would cost 11" in ApiClient(make_app(api_max_cost=2)).error("{ plugins { name } }")
    ApiClient(make_app(api_max_cost=0)).data(FAN_OUT)
    assert Settings.from_env({"MARSAD_API_MAX_COST": "1234"}).api_max_cost == 1234
