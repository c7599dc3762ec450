"""The SaudiNewsNet reader: real dumps from ../shared/corpus and broken synthetic ones."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from conftest import corpus_path

from marsad.core import InputError, RawRecord, ReadOptions
from marsad.plugins.saudinewsnet import SaudiNewsNetReader


def test_reads_a_real_day() -> None:
    path = corpus_path("saudinewsnet", "2015-08-10.zip")
    reader = SaudiNewsNetReader()
    assert reader.detect(path, path.read_bytes()[:4096])
    items = list(reader.read(path, ReadOptions()))
    records = [item for item in items if isinstance(item, RawRecord)]
    errors = [item for item in items if isinstance(item, InputError)]
    assert len(records) + len(errors) == 1700
    assert errors and all(error.problem == "empty article (no content)" for error in errors)
    outlets = {json.loads(record.content)["outlet"] for record in records}
    assert "was" in outlets
    first = json.loads(records[0].content)
    assert first["text"].strip() and first["published"].startswith("2015-08-10")


def test_bad_members_are_named(tmp_path: Path) -> None:
    path = tmp_path / "day.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.json", "{not json")
        archive.writestr("b.json", json.dumps([{"source": "was", "content": "نص"}, 3]))
    items = list(SaudiNewsNetReader().read(path, ReadOptions()))
    assert isinstance(items[0], InputError) and f"{path}!a.json" in str(items[0])
    assert isinstance(items[1], RawRecord)
    assert isinstance(items[2], InputError)
    assert str(items[2]).startswith(f"{path}!b.json#1: expected a JSON object")


def test_not_a_zip_is_not_detected(tmp_path: Path) -> None:
    path = tmp_path / "fake.zip"
    path.write_bytes(b"PK\x03\x04 broken")
    assert not SaudiNewsNetReader().detect(path, path.read_bytes())
