"""One record format: every reader, the GraphQL mutation and plugins build an article's
record with marsad.core.article_record, so the same article stored twice by two paths
is stored once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import MakeApp

from marsad.api.ingest import json_record, store_article
from marsad.core import InputError, article_record
from marsad.core.readers import ReadOptions
from marsad.plugins.readers import record_or_error

FIELDS = {"title": "صواريخ", "text": "سقطت ثلاثة صواريخ", "published": "2021-02-16T10:00:00Z"}


def test_the_record_is_sorted_utf8_json() -> None:
    record = article_record(FIELDS, "here")
    assert record.media_type == "application/json" and record.source == "here"
    assert record.content == json.dumps(FIELDS, ensure_ascii=False, sort_keys=True).encode()
    assert record == record_or_error("here", dict(FIELDS), ReadOptions())
    assert record.content == json_record(FIELDS, "here").content


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"text": 3}, 'field "text" must be a string, not a number'),
        ({"text": "  "}, 'record has no "text"'),
        ({"text": "x", "published": "yesterday"}, 'field "published"'),
    ],
)
def test_what_cannot_be_an_article_names_the_input(fields: dict[str, object], problem: str) -> None:
    with pytest.raises(InputError, match=problem) as raised:
        article_record(fields, "feed.jsonl:7")
    assert raised.value.source == "feed.jsonl:7"


def test_a_file_and_the_mutation_store_one_article(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(FIELDS, ensure_ascii=False) + "\n", encoding="utf-8")
    assert app.ingest([path]).stored == 1
    stored = store_article(app.write_session_factory, json_record(FIELDS, "graphql"))
    assert stored.created is False
