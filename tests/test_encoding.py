"""Encoding detection from bytes: the accepted encodings round-trip, the rest is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.text.encoding import LEGACY, UndecodableText, decode

ARABIC = "قال رئيس الوزراء العراقي مصطفى الكاظمي إن الصواريخ العبثية محاولة لإعاقة الحكومة."


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (ARABIC.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARABIC.encode("utf-8"), "utf-8-sig"),
        (ARABIC.encode("utf-16"), "utf-16"),  # Python writes a BOM
        (b"\xfe\xff" + ARABIC.encode("utf-16-be"), "utf-16"),
        (ARABIC.encode(LEGACY), LEGACY),
    ],
)
def test_accepted_encodings(content: bytes, encoding: str) -> None:
    decoded = decode(content)
    assert (decoded.text, decoded.encoding) == (ARABIC, encoding)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x00\x01\x02PNG data", "binary file"),
        ("Grüße aus Köln, schöne Straße".encode("latin-1"), "not valid UTF-8 (byte 0xfc"),
        (b"\xff\xfe\x00\xd8", "utf-16 byte-order mark"),
    ],
)
def test_refused_with_the_reason(content: bytes, problem: str) -> None:
    with pytest.raises(UndecodableText, match=problem.replace("(", r"\(")):
        decode(content)


@given(st.text())
def test_any_utf8_text_round_trips(text: str) -> None:
    if "\0" in text or text.startswith("\ufeff"):
        return
    assert decode(text.encode("utf-8")).text == text
