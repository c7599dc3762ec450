"""Detect the encoding of Arabic news text from its bytes, never from the file name.

Accepted: UTF-8 (with or without a byte-order mark), UTF-16 (with a byte-order mark, or
without one when its NUL bytes show which byte order it is), and the legacy Arabic
Windows code page (windows-1256).

windows-1256 maps every byte to some character, so it is accepted only when the bytes
read as Arabic text as a whole, and never for bytes that are mostly valid UTF-8: real
windows-1256 Arabic hardly ever forms a valid UTF-8 multi-byte sequence (a letter's
byte, 0xC1-0xFE, is almost never followed by a 0x80-0xBF byte), so a file whose
non-ASCII bytes mostly are valid UTF-8 is damaged UTF-8 and refused, naming the first
bad byte, instead of being turned into mojibake.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY = "windows-1256"
MIN_ARABIC_SHARE = 0.6  # of the letters, for windows-1256 to count as a match
# Of the non-ASCII characters: at or above this share of valid UTF-8 sequences, bytes
# that are not valid UTF-8 are damaged UTF-8. Real windows-1256 Arabic (SaudiNewsNet
# articles re-encoded) stays below 0.01; UTF-8 with a few bad bytes is close to 1.
MIN_UTF8_SHARE = 0.5
SAMPLE_BYTES = 8192  # looked at for NUL bytes
# In UTF-16 text every ASCII character (space, digit, newline, punctuation) has a NUL
# high byte: in Arabic text at least one character in twenty. A few NUL low bytes
# (U+0100, U+0600 and the like) may fall on the other side.
MIN_UTF16_NUL_SHARE = 0.05
MAX_OTHER_SIDE_NULS = 0.05
MAX_CONTROL_SHARE = 0.01  # of the characters of decoded UTF-16, for it to count as text

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a bad byte
_NON_ASCII = re.compile("[^\x00-\x7f]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\0", "a SQLite database"),
)


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
    if b"\0" in content[:SAMPLE_BYTES]:
        utf16 = _utf16_without_bom(content)
        if utf16 is None:
            raise UndecodableText(_binary_problem(content))
        return utf16
    try:
        return Decoded(content.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as error:
        first_bad = error.start
    valid, invalid = _utf8_evidence(content)
    if valid / (valid + invalid) >= MIN_UTF8_SHARE:
        raise UndecodableText(
            f"damaged UTF-8: byte 0x{content[first_bad]:02x} at offset {first_bad} is not "
            f"valid UTF-8 ({_count(invalid, 'bad byte')} among {valid} valid multi-byte "
            f"characters, so not windows-1256 either)"
        )
    text = content.decode(LEGACY, errors="replace")
    if "\ufffd" not in text and _arabic_share(text) >= MIN_ARABIC_SHARE:
        return Decoded(text, LEGACY)
    raise UndecodableText(
        f"not valid UTF-8 (byte 0x{content[first_bad]:02x} at offset "
        f"{first_bad}) and not Arabic windows-1256 text"
    )


def _utf8_evidence(content: bytes) -> tuple[int, int]:
    """How many valid UTF-8 multi-byte characters and how many bad bytes ``content`` has."""
    text = content.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED_BYTE.findall(text))
    return len(_NON_ASCII.findall(text)) - invalid, invalid


def _utf16_without_bom(content: bytes) -> Decoded | None:
    """UTF-16 told by its NUL bytes: the high byte of every ASCII character is NUL.

    In little-endian text they fall on odd offsets, in big-endian text on even ones;
    binary data has NUL bytes on both.
    """
    if len(content) % 2:
        return None
    sample = content[:SAMPLE_BYTES]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = len(sample) // 2 * MIN_UTF16_NUL_SHARE
    if odd >= enough and even <= odd * MAX_OTHER_SIDE_NULS:
        encoding = "utf-16-le"
    elif even >= enough and odd <= even * MAX_OTHER_SIDE_NULS:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\0" in text or len(_CONTROLS.findall(text)) > len(text) * MAX_CONTROL_SHARE:
        return None
    return Decoded(text, encoding)


def _binary_problem(content: bytes) -> str:
    """What was seen that makes ``content`` binary, for the error message."""
    sample = content[:SAMPLE_BYTES]
    kind = next((name for magic, name in _SIGNATURES if content.startswith(magic)), None)
    looks = f"starts like {kind}; " if kind else ""
    return (
        f"binary file, not text ({looks}{_count(sample.count(0), 'NUL byte')} in the first "
        f"{len(sample):,} bytes, the first at offset {sample.index(0)}, and not UTF-16)"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _arabic_share(text: str) -> float:
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return 0.0
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return arabic / len(letters)
