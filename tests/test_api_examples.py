"""Every query in examples/queries runs against the processed seeds without errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_client import ApiClient, add_claims

from marsad.core.application import Marsad

QUERIES = sorted(
    (Path(__file__).resolve().parent.parent / "examples" / "queries").glob("*.graphql")
)


def test_there_are_example_queries() -> None:
    assert len(QUERIES) >= 4


@pytest.mark.parametrize("path", QUERIES, ids=[path.stem for path in QUERIES])
def test_example_query_runs(seeded_app: Marsad, path: Path) -> None:
    add_claims(seeded_app)
    data = ApiClient(seeded_app).data(path.read_text(encoding="utf-8"))
    assert data and all(value is not None for value in data.values())
