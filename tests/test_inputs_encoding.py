"""Encodings are decided from evidence, said where the user sees them, never guessed silently.

Damaged UTF-8 is an error naming the first bad byte (it used to become windows-1256
mojibake); UTF-16 without a byte-order mark is read (it used to be "binary"); the
chosen encoding ends up in ``Article.extra["encoding"]``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from conftest import corpus_path
from sqlalchemy import select

from marsad.core import Article
from marsad.core.application import Marsad
from marsad.text.encoding import LEGACY, UndecodableText, decode

TITLE = "بايدن يتباحث مع الكاظمي"
BODY = "قال البيت الأبيض إن الرئيس بحث مع رئيس الوزراء الهجمات الصاروخية على أربيل."
ARTICLE = f"{TITLE}\n{BODY}\n"


def damaged_utf8() -> tuple[bytes, int]:
    """UTF-8 Arabic with one byte cut out of a character: the bytes and the bad offset."""
    content = ARTICLE.encode("utf-8")
    cut = len(TITLE.encode("utf-8")) + 6  # the second byte of the body's third letter
    return content[:cut] + content[cut + 1 :], cut - 1


def test_utf8_with_one_bad_byte_is_refused_naming_the_offset() -> None:
    content, offset = damaged_utf8()
    with pytest.raises(UndecodableText, match=f"damaged UTF-8: byte 0x.. at offset {offset}"):
        decode(content)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(encoding: str) -> None:
    decoded = decode(ARTICLE.encode(encoding))
    assert (decoded.text, decoded.encoding) == (ARTICLE, encoding)


def test_binary_says_what_was_seen() -> None:
    with pytest.raises(UndecodableText) as caught:
        decode(b"GIF89a\x00\x01\x02\x00\xff\xfe title\n")
    message = str(caught.value)
    assert "binary file" in message and "GIF image" in message
    assert "2 NUL bytes in the first 19 bytes, the first at offset 6" in message


def test_odd_nul_bytes_are_still_binary() -> None:
    # NUL bytes on both even and odd offsets: not UTF-16 of either byte order.
    with pytest.raises(UndecodableText, match="binary file"):
        decode(b"\x00\x01ab\x00\x00cd" * 10)


def test_utf8_with_a_stray_nul_byte_is_not_taken_for_utf16() -> None:
    content = ARTICLE.encode("utf-8")
    for at in (10, 11):  # an even and an odd offset
        with pytest.raises(UndecodableText, match="binary file"):
            decode(content[:at] + b"\0" + content[at:])


def test_real_windows_1256_is_read_and_damaged_real_utf8_is_refused() -> None:
    """Real articles re-encoded: windows-1256 passes whole; one bad UTF-8 byte never does."""
    path = corpus_path("saudinewsnet", "2015-08-10.zip")
    with zipfile.ZipFile(path) as archive:
        items = json.loads(archive.read(archive.namelist()[0]))
    texts = [item["content"] for item in items if len(item.get("content") or "") > 200][:300]
    legacy = 0
    for text in texts:
        try:
            encoded = text.encode(LEGACY)
        except UnicodeEncodeError:
            continue  # a character windows-1256 does not have
        assert decode(encoded).encoding == LEGACY
        legacy += 1
        damaged = text.encode("utf-8")
        damaged = damaged[:101] + b"\xff" + damaged[102:]
        with pytest.raises(UndecodableText, match="damaged UTF-8"):
            decode(damaged)
    assert legacy > 200


def stored_article(app: Marsad) -> Article:
    with app.session_factory() as session:
        article = session.scalars(select(Article)).one()
        session.expunge(article)
        return article


def test_damaged_utf8_file_is_one_error_and_nothing_is_stored(app: Marsad, tmp_path: Path) -> None:
    content, offset = damaged_utf8()
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    report = app.ingest([path])
    assert report.stored == 0
    assert [error.source for error in report.errors] == [str(path)]
    assert f"offset {offset}" in str(report.errors[0])


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", LEGACY, "utf-8"])
def test_the_chosen_encoding_is_kept_with_the_article(
    app: Marsad, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    report = app.ingest([path])
    assert report.stored == 1 and not report.errors
    assert not app.pipeline().run(report.article_ids).failures
    article = stored_article(app)
    assert (article.title, article.text) == (TITLE, BODY)
    assert article.extra["encoding"] == encoding


def test_a_json_lines_file_in_windows_1256_says_so(app: Marsad, tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    record = {"title": TITLE, "text": BODY}
    path.write_bytes(json.dumps(record, ensure_ascii=False).encode(LEGACY) + b"\n")
    report = app.ingest([path])
    assert report.stored == 1 and not report.errors
    assert not app.pipeline().run(report.article_ids).failures
    article = stored_article(app)
    assert (article.title, article.text) == (TITLE, BODY)
    assert article.extra["encoding"] == LEGACY
