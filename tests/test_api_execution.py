"""The API's shortcuts answer exactly what Strawberry's general way answers.

Resolvers called directly (:mod:`marsad.api.execution`), a link's other end answered
from the link when only its ``id`` is asked (:func:`marsad.api.prefetch.asks_only_id`)
and link evidence decoded only when asked: each query here runs with and without them
and must give the same answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_client import ApiClient, add_claims
from conftest import ROOT

from marsad.api import schema as schema_module
from marsad.api import types
from marsad.api.execution import call_resolvers_directly
from marsad.core.application import Marsad

QUERIES = sorted((ROOT / "examples" / "queries").glob("*.graphql"))

LINKS = """{ articles(first: 10) { edges { node { id
  links { kind score evidence outgoing article { id } original { id title }
          sharedPassages { text start end otherStart similarity } }
  claims { id kind text quantity { value unit qualifier } speaker { name }
           links { kind score evidence outgoing claim { id __typename } } } } } } }"""
# Fragments and other fields below the other end take the general way.
LINKS_WITH_MORE = """{ articles(first: 10) { edges { node {
  links { article { ...Id title } } claims { links { claim { id text } } } } } } }
  fragment Id on Article { id }"""


@pytest.fixture
def clients(seeded_app: Marsad, monkeypatch: pytest.MonkeyPatch) -> tuple[ApiClient, ApiClient]:
    """A client with the shortcuts, and one whose schema calls every resolver the
    general way (see :func:`general_answer` for the rest)."""
    add_claims(seeded_app)
    with monkeypatch.context() as patch:
        patch.setattr(schema_module, "call_resolvers_directly", lambda schema: 0)
        general = ApiClient(seeded_app)
    return ApiClient(seeded_app), general


def general_answer(client: ApiClient, query: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The answer without the id-only shortcut either (the resolvers read it at call time)."""
    with monkeypatch.context() as patch:
        patch.setattr(types, "asks_only_id", lambda info: False)
        return client.data(query)


def test_most_resolvers_are_called_directly() -> None:
    built = schema_module.build_schema()
    for type_name, field_name in [("Claim", "id"), ("ClaimLink", "claim"), ("Article", "claims")]:
        resolve = built._schema.type_map[type_name].fields[field_name].resolve
        assert resolve is not None and "_direct_resolver" in resolve.__qualname__
    # Fields with arguments keep Strawberry's resolver.
    articles = built._schema.type_map["Query"].fields["articles"]
    assert articles.resolve is not None and "_direct_resolver" not in articles.resolve.__qualname__
    assert call_resolvers_directly(built) > 20


@pytest.mark.parametrize("path", QUERIES, ids=[path.stem for path in QUERIES])
def test_example_queries_answer_the_same(
    clients: tuple[ApiClient, ApiClient], path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, general = clients
    query = path.read_text(encoding="utf-8")
    assert fast.data(query) == general_answer(general, query, monkeypatch)


@pytest.mark.parametrize("query", [LINKS, LINKS_WITH_MORE], ids=["only ids", "more"])
def test_links_answer_the_same(
    clients: tuple[ApiClient, ApiClient], query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, general = clients
    found = fast.data(query)
    assert found == general_answer(general, query, monkeypatch)
    nodes = [edge["node"] for edge in found["articles"]["edges"]]
    assert any(node["links"] for node in nodes), "the seeds have article links"
    assert any(claim["links"] for node in nodes for claim in node["claims"])
