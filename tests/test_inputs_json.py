"""JSON inputs: one bad record is that record's error, and fields have the right types.

One line nested too deep used to drop the whole JSON Lines file; text given as a list
or an object was stored as its Python repr.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from marsad.core import Article, InputError, RawRecord, ReadOptions
from marsad.core.application import Marsad
from marsad.core.ingest import store_records
from marsad.plugins.readers import JsonLinesReader, JsonReader
from marsad.plugins.saudinewsnet import SaudiNewsNetReader
from marsad.text.dates import parse_time

TEXT = "قال المتحدث إن القوات الأمنية عثرت على منصة الإطلاق جنوبي العاصمة."
DEEP = "[" * 100_000 + "]" * 100_000


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line(**record: Any) -> str:
    return json.dumps(record, ensure_ascii=False)


def test_a_line_nested_too_deep_is_that_lines_error(app: Marsad, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "news.jsonl", [line(text=TEXT), DEEP, line(text=TEXT + " 2")])
    report = app.ingest([path])
    assert report.stored == 2
    assert [error.source for error in report.errors] == [f"{path}:2"]
    assert "nested too deeply" in report.errors[0].problem


def test_a_json_file_nested_too_deep_is_the_files_error(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text(DEEP)
    with pytest.raises(InputError, match="not usable JSON \\(nested too deeply"):
        list(JsonReader().read(path, ReadOptions()))


def test_an_integer_too_long_to_read_is_that_lines_error(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "news.jsonl", ['{"text": "x", "n": ' + "9" * 5000 + "}"])
    (error,) = JsonLinesReader().read(path, ReadOptions())
    assert isinstance(error, InputError) and error.source == f"{path}:1"


def test_a_zip_member_nested_too_deep_is_that_members_error(tmp_path: Path) -> None:
    path = tmp_path / "day.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.json", DEEP)
        archive.writestr("b.json", json.dumps([{"source": "was", "content": TEXT}]))
    first, second = SaudiNewsNetReader().read(path, ReadOptions())
    assert isinstance(first, InputError) and "nested too deeply" in str(first)
    assert str(first).startswith(f"{path}!a.json: ")
    assert isinstance(second, RawRecord)


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"text": [TEXT, TEXT]}, 'field "text" must be a string, not an array'),
        ({"text": {"ar": TEXT}}, 'field "text" must be a string, not an object'),
        ({"text": 42}, 'field "text" must be a string, not a number'),
        ({"text": TEXT, "title": ["a"]}, 'field "title" must be a string, not an array'),
        ({"text": TEXT, "subtitle": 3}, 'field "subtitle" must be a string, not a number'),
        ({"text": TEXT, "url": {"href": "x"}}, 'field "url" must be a string, not an object'),
        ({"text": TEXT, "outlet": True}, 'field "outlet" must be a string, not true/false'),
        # A number could be seconds or milliseconds since 1970, or a year: not guessed.
        ({"text": TEXT, "published": 1431597600}, 'field "published" must be a string'),
    ],
)
def test_a_field_of_the_wrong_type_is_an_error_naming_it(
    tmp_path: Path, record: dict[str, Any], problem: str
) -> None:
    path = write_lines(tmp_path / "news.jsonl", [line(**record), line(text=TEXT, title=None)])
    error, good = JsonLinesReader().read(path, ReadOptions())
    assert isinstance(error, InputError) and error.source == f"{path}:1"
    assert error.problem.startswith(problem)
    assert isinstance(good, RawRecord)


def test_a_renamed_field_of_the_wrong_type_names_the_key_too(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "news.jsonl", [line(body=["a", "b"])])
    (error,) = JsonLinesReader().read(path, ReadOptions(fields={"text": "body"}))
    assert isinstance(error, InputError)
    assert error.problem == 'field "text" must be a string, not an array (key "body")'


def test_a_saudinewsnet_item_of_the_wrong_type_is_that_items_error(tmp_path: Path) -> None:
    path = tmp_path / "day.zip"
    items = [{"source": "was", "content": [TEXT]}, {"source": "was", "content": TEXT}]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("day.json", json.dumps(items, ensure_ascii=False))
    error, good = SaudiNewsNetReader().read(path, ReadOptions())
    assert isinstance(error, InputError)
    assert str(error) == f'{path}!day.json#0: field "content" must be a string, not an array'
    assert isinstance(good, RawRecord)


def test_parse_refuses_a_stored_record_of_the_wrong_type(app: Marsad) -> None:
    # Records also come from the API and from rows stored by earlier versions.
    payload = json.dumps({"text": [TEXT], "title": "عنوان"}, ensure_ascii=False).encode()
    with app.session_factory() as session:
        (article,) = store_records(session, [RawRecord(payload, "application/json", "old")])
        assert article is not None
        article_id = article.id
        session.commit()
    pipeline = app.pipeline().run([article_id], only=["parse"])
    assert [failure.error for failure in pipeline.failures] == [
        'refused: field "text" must be a string, not an array'
    ]
    with app.session_factory() as session:
        stored = session.scalars(select(Article).where(Article.id == article_id)).one()
        assert stored.text is None


def test_an_unreadable_published_time_is_the_records_error(tmp_path: Path) -> None:
    lines = [line(text=TEXT, published="yesterday"), line(text=TEXT, published="2021-02-23")]
    path = write_lines(tmp_path / "news.jsonl", lines)
    error, good = JsonLinesReader().read(path, ReadOptions())
    assert isinstance(error, InputError) and error.source == f"{path}:1"
    assert error.problem == (
        "field \"published\": unreadable publication time 'yesterday' "
        "(ISO 8601 or RFC 822 expected)"
    )
    assert isinstance(good, RawRecord)


def test_an_unreadable_saudinewsnet_time_is_that_items_error(tmp_path: Path) -> None:
    path = tmp_path / "day.zip"
    items = [
        {"source": "was", "content": TEXT, "date_extracted": "أمس"},
        {"source": "was", "content": TEXT, "date_extracted": "2015-08-10 11:46:01"},
    ]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("day.json", json.dumps(items, ensure_ascii=False))
    error, good = SaudiNewsNetReader().read(path, ReadOptions())
    assert isinstance(error, InputError)
    assert 'day.json#0: field "date_extracted": unreadable publication time' in str(error)
    assert isinstance(good, RawRecord)


@pytest.mark.parametrize(
    "published",
    ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00", "Fri, 31 Dec 9999 23:00:00 -0500"],
)
def test_a_time_with_no_utc_equivalent_is_an_unreadable_time(published: str) -> None:
    # It once reached the database and failed parse with an undocumented StatementError.
    with pytest.raises(ValueError, match="out of range"):
        parse_time(published)
