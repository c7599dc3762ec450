"""Arabic text helpers shared by the built-in stages: display text, match keys, sentences.

The match key is for comparing, never for showing: every function that folds text
also returns, for each character it produced, the offset of the character it came
from, so a span found in the key maps back to the exact span of the input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

TATWEEL = "\u0640"
# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks.
DIACRITICS = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"] + [chr(c) for c in range(0x06D6, 0x06EE)]
)
# Zero-width and bidi controls that outlets leave in copied text.
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"
)
SPACES = frozenset(
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
)

_KEY_MAP: dict[str, str] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ک": "ك",
    "ی": "ي",
    "ے": "ي",
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "٫": ".",
    "٬": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‟": '"',
    "″": '"',
    "‘": '"',
    "’": '"',
    "‚": '"',
    "‹": '"',
    "›": '"',
    "'": '"',
    "`": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
}
for _zero, _block in ((0x0660, "arabic-indic"), (0x06F0, "persian")):
    for _digit in range(10):
        _KEY_MAP[chr(_zero + _digit)] = str(_digit)


def display_text(text: str) -> str:
    """What a person reads: NFC, invisible controls and tatweel gone, spaces tidied."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if ch in SPACES else ch for ch in text if ch not in INVISIBLE and ch != TATWEEL
    )
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.splitlines()]
    return "\n".join(lines).strip()


def fold(text: str) -> tuple[str, list[int]]:
    """The match key of ``text`` and, per key character, its offset in ``text``.

    The returned offsets have one extra entry (``len(text)``) so ``offsets[end]`` is
    valid for a span that ends at the end of the key.
    """
    out: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for index, ch in enumerate(text):
        if ch in DIACRITICS or ch in INVISIBLE or ch == TATWEEL:
            continue
        if ch.isspace() or ch in SPACES:
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            offsets.append(index - 1)
            pending_space = False
        out.append(_KEY_MAP.get(ch, ch).lower())
        offsets.append(index)
    offsets.append(len(text))
    return "".join(out), offsets


def match_key(text: str) -> str:
    return fold(text)[0]


def key_span_to_text(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map ``key[start:end]`` to the span of the text the key was folded from."""
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end - 1] + 1


WORD = re.compile(r"[\w\u0600-\u06FF]+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


# A sentence ends at . ! ? ؟ (not between digits, as in 3.5) or at a line break.
_SENTENCE_END = re.compile(r"(?<!\d)[.!?؟](?!\d)[\"”»’)]*|\n+")


def sentences(text: str) -> list[Sentence]:
    """Split display text into sentences with their offsets in ``text``."""
    found: list[Sentence] = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        _append_sentence(found, text, begin, match.end())
        begin = match.end()
    _append_sentence(found, text, begin, len(text))
    return found


def _append_sentence(found: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    start += len(piece) - len(piece.lstrip())
    found.append(Sentence(start, start + len(stripped), stripped))
