"""Detect the encoding of Arabic news text from its bytes, never from the file name.

Accepted: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark,
and the legacy Arabic Windows code page (windows-1256). windows-1256 maps almost every
byte to some character, so it is accepted only when the result reads as Arabic text.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY = "windows-1256"
MIN_ARABIC_SHARE = 0.6  # of the letters, for windows-1256 to count as a match


class UndecodableText(ValueError):
    """The bytes are not text in any accepted encoding."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode(content: bytes) -> Decoded:
    """Decode ``content``; raise :class:`UndecodableText` saying why it cannot be."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                return Decoded(content.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise UndecodableText(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(offset {error.start})"
                ) from None
    if b"\0" in content[:8192]:
        raise UndecodableText("binary file (contains NUL bytes), not text")
    try:
        return Decoded(content.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    text = content.decode(LEGACY, errors="replace")
    if "\ufffd" not in text and _arabic_share(text) >= MIN_ARABIC_SHARE:
        return Decoded(text, LEGACY)
    raise UndecodableText(
        f"not valid UTF-8 (byte 0x{content[utf8_error.start]:02x} at offset "
        f"{utf8_error.start}) and not Arabic windows-1256 text"
    )


def _arabic_share(text: str) -> float:
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return 0.0
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return arabic / len(letters)
