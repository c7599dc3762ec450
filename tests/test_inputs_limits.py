"""Bounded inputs: files and archive members by size before reading, bodies by length.

A 35 MB text file used to be stored as one article and a 200 MB zip member read into
memory; a megabyte of body kept the later stages busy for over ten minutes.
"""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest
from conftest import corpus_path
from sqlalchemy import func, select

from marsad.core import InputError, RawInput, RawRecord, ReadOptions
from marsad.core.application import Marsad
from marsad.core.readers import MAX_INPUT_BYTES, read_input
from marsad.plugins.parse import MAX_BODY_CHARS
from marsad.plugins.readers import HtmlReader, JsonLinesReader, JsonReader, TextReader
from marsad.plugins.saudinewsnet import SaudiNewsNetReader

SENTENCE = "قال المتحدث إن القوات الأمنية عثرت على منصة الإطلاق جنوبي العاصمة.\n"


def stored_inputs(app: Marsad) -> int:
    with app.session_factory() as session:
        return session.scalar(select(func.count(RawInput.id))) or 0


def test_a_35_mb_text_file_is_refused_before_it_is_read(app: Marsad, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = SENTENCE.encode()
    with path.open("wb") as handle:
        handle.write(line * (35 * 1024 * 1024 // len(line) + 1))
    report = app.ingest([path])
    assert report.stored == 0 and stored_inputs(app) == 0
    assert [error.source for error in report.errors] == [str(path)]
    size = path.stat().st_size
    assert report.errors[0].problem == (
        f"{size:,} bytes, over the input limit of {MAX_INPUT_BYTES:,} bytes"
    )


@pytest.mark.parametrize(
    ("reader", "content"),
    [
        (TextReader(), SENTENCE * 40),
        (JsonReader(), json.dumps({"text": SENTENCE * 40})),
        (JsonLinesReader(), json.dumps({"text": SENTENCE * 40}) + "\n"),
        (HtmlReader(), f"<html><body><p>{SENTENCE * 40}</p></body></html>"),
    ],
)
def test_every_reader_keeps_the_limit(
    tmp_path: Path, reader: TextReader | JsonReader | JsonLinesReader | HtmlReader, content: str
) -> None:
    path = tmp_path / "input"
    path.write_text(content, encoding="utf-8")
    size = path.stat().st_size
    with pytest.raises(InputError, match=f"{size:,} bytes, over the input limit of 1,000"):
        list(reader.read(path, ReadOptions(max_input_bytes=1000)))
    assert list(reader.read(path, ReadOptions(max_input_bytes=size)))


def test_read_input_stops_past_the_limit_whatever_stat_said(tmp_path: Path) -> None:
    # A character device has no size to stat; /dev/zero never ends.
    with pytest.raises(InputError, match="more than the input limit of 4,096 bytes"):
        read_input(Path("/dev/zero"), 4096)
    path = tmp_path / "small.txt"
    path.write_bytes(b"x" * 10)
    assert read_input(path, 10) == b"x" * 10


def day_zip(path: Path, members: dict[str, list[dict[str, str]]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, items in members.items():
            archive.writestr(name, json.dumps(items, ensure_ascii=False))
    return path


def test_a_zip_member_over_the_limit_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    items = [{"source": "was", "content": SENTENCE * 20}]
    path = day_zip(tmp_path / "day.zip", {"big.json": items * 50, "small.json": items})
    with zipfile.ZipFile(path) as archive:
        declared = archive.getinfo("big.json").file_size
    read = list(SaudiNewsNetReader().read(path, ReadOptions(max_input_bytes=50_000)))
    assert isinstance(read[0], InputError)
    assert str(read[0]) == (
        f"{path}!big.json: {declared:,} bytes, over the input limit of 50,000 bytes"
    )
    assert isinstance(read[1], RawRecord)


def understate_size(path: Path, member: str, size: int) -> None:
    """Rewrite the zip's headers so ``member`` claims to hold ``size`` bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    data[local + 22 : local + 26] = struct.pack("<I", size)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(member)] != member.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = struct.pack("<I", size)
    path.write_bytes(bytes(data))


def test_a_zip_header_that_understates_a_member_is_that_members_error(tmp_path: Path) -> None:
    items = [{"source": "was", "content": SENTENCE * 20}]
    path = day_zip(tmp_path / "day.zip", {"big.json": items * 50, "small.json": items})
    understate_size(path, "big.json", 1000)
    read = list(SaudiNewsNetReader().read(path, ReadOptions(max_input_bytes=50_000)))
    assert isinstance(read[0], InputError) and str(read[0]).startswith(f"{path}!big.json: ")
    assert isinstance(read[1], RawRecord)


def test_a_body_over_the_limit_fails_its_parse_run_alone(app: Marsad, tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    long = SENTENCE * (MAX_BODY_CHARS // len(SENTENCE) + 1)
    records = [{"title": "طويل", "text": long}, {"title": "قصير", "text": SENTENCE}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    report = app.ingest([path])
    assert report.stored == 2
    pipeline = app.pipeline().run(report.article_ids, only=["parse"])
    assert [failure.stage for failure in pipeline.failures] == ["parse"]
    assert pipeline.failures[0].article_id == report.article_ids[0]
    assert f"body of {len(long):,} characters is over the limit of 100,000" in (
        pipeline.failures[0].error
    )


def test_the_body_limit_leaves_room_above_every_real_article() -> None:
    """The longest SaudiNewsNet article (33,687 characters) is about a third of the limit."""
    longest = 0
    for path in sorted(corpus_path("saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            assert all(info.file_size < MAX_INPUT_BYTES for info in archive.infolist())
            for name in archive.namelist():
                for item in json.loads(archive.read(name)):
                    longest = max(longest, len(item.get("content") or ""))
    assert longest == 33_687
    assert longest * 2.5 < MAX_BODY_CHARS
