"""Arabic text helpers shared by the built-in stages: display text, match keys, sentences.

The match key is for comparing, never for showing: every function that folds text
also returns, for each character it produced, the offset of the character it came
from, so a span found in the key maps back to the exact span of the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
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


def display_map(text: str) -> tuple[str, list[int]]:
    """What a person reads, and per character its offset in ``text``.

    NFC, invisible controls and tatweel removed, no-break and other spaces turned into
    plain ones, runs of spaces collapsed, lines stripped. Like :func:`fold`, the
    offsets have one extra entry, ``len(text)``.
    """
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        if ch in INVISIBLE or ch == TATWEEL:
            continue
        if ch in SPACES:
            ch = " "
        elif ch == "\r":
            if text[index + 1 : index + 2] == "\n":
                continue
            ch = "\n"
        elif unicodedata.combining(ch) and chars:
            # Compose with the previous character where NFC would (ا + ٔ -> أ).
            composed = unicodedata.normalize("NFC", chars[-1] + ch)
            if len(composed) == 1:
                chars[-1] = composed
                continue
        chars.append(ch)
        offsets.append(index)
    out: list[str] = []
    out_offsets: list[int] = []
    for ch, offset in zip(chars, offsets, strict=True):
        if ch == " " and (not out or out[-1] in " \n"):
            continue  # collapse runs, and no space at a line's start
        if ch == "\n":
            while out and out[-1] == " ":  # no space at a line's end
                out.pop()
                out_offsets.pop()
            if not out or out[-1] == "\n":
                continue  # no empty lines (and none at the start)
        out.append(ch)
        out_offsets.append(offset)
    while out and out[-1] in " \n":
        out.pop()
        out_offsets.pop()
    result = unicodedata.normalize("NFC", "".join(out))
    if len(result) != len(out):
        # NFC composed across characters this loop kept apart, or split a character it
        # never composes (क़ U+0958, יִ U+FB1D): rare outside Arabic and Latin. The
        # offsets of the normalized text are approximate from here on, but one per
        # character, in order.
        out_offsets = out_offsets[: len(result)]
        last = out_offsets[-1] if out_offsets else 0
        out_offsets += [last] * (len(result) - len(out_offsets))
    out_offsets.append(len(text))
    return result, out_offsets


_DISPLAY_TABLE = str.maketrans(
    {**{ch: None for ch in INVISIBLE}, TATWEEL: None, **{ch: " " for ch in SPACES}}
)
_SPACE_RUNS = re.compile(r" {2,}")


def display_text(text: str) -> str:
    """:func:`display_map` without the offsets, at C speed (the normalize stage's path)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DISPLAY_TABLE)
    lines = (_SPACE_RUNS.sub(" ", line).strip(" ") for line in text.split("\n"))
    return unicodedata.normalize("NFC", "\n".join(line for line in lines if line))


def fold(text: str) -> tuple[str, list[int]]:
    """The match key of ``text`` and, per key character, its offset in ``text``.

    The key is :func:`match_key`'s: characters dropped, mapped and casefolded, every run
    of whitespace one space, none at the ends. The returned offsets have one extra entry
    (``len(text)``) so ``offsets[end]`` is valid for a span that ends at the end of the
    key.
    """
    mapped = text.translate(_KEY_TABLE)
    folded = mapped.casefold()
    key = " ".join(folded.split())
    # Most characters give one key character at their own offset, and so does a lone
    # whitespace between two of them: only the other places need a Python step.
    irregular = _IRREGULAR
    if len(folded) != len(mapped):
        irregular = _irregular_with_wide(text)
    length = len(text)
    # A lone whitespace at either end gives no space (longer runs there are gaps, below).
    done = 1 if text[:1].isspace() else 0
    stop = length - 1 if text[-1:].isspace() else length
    offsets: list[int] = []
    for found in irregular.finditer(text):
        start, end = found.span()
        offsets.extend(range(done, start))
        if found.lastgroup == "wide":
            offsets.extend([start] * len(_KEY_MAP.get(text[start], text[start]).casefold()))
        elif start > 0 and end < length and found.group().translate(_KEY_TABLE):
            # A gap between two key characters with whitespace in it (something is left
            # once the dropped characters are gone) is one space, at the offset just
            # before the next key character (as the loop this replaced put it).
            offsets.append(end - 1)
        done = end
    offsets.extend(range(done, stop))
    offsets.append(length)
    return _spelling_variants(key, offsets)


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


_DROPPED = DIACRITICS | INVISIBLE | {TATWEEL}
# A gap character gives no key character of its own. \s is str.isspace(), what
# str.split() splits on (SPACES are all in it).
_GAP = rf"[\s{_char_class(_DROPPED)[1:-1]}]"
# Where the key and the text are not one to one: a run of two or more gap characters
# (taken whole, greedily), or a lone dropped one. Written to start with one character
# class so the regex engine can skip ahead to candidates fast.
_IRREGULAR_SOURCE = rf"{_GAP}(?:{_GAP}+|(?<={_char_class(_DROPPED)}))"
_IRREGULAR = re.compile(_IRREGULAR_SOURCE)


def _irregular_with_wide(text: str) -> re.Pattern[str]:
    """:data:`_IRREGULAR` and the characters of ``text`` that casefold to more than one
    (ß -> ss); rare, so looked for only when the key came out longer than the text."""
    wide = {ch for ch in set(text) - _DROPPED if len(_KEY_MAP.get(ch, ch).casefold()) > 1}
    return re.compile(rf"{_IRREGULAR_SOURCE}|(?P<wide>{_char_class(wide)})")


# Words outlets spell in more than one way, as key fragments: variant -> the form
# used. Same lengths, so the offsets stay as they are.
SPELLING_VARIANTS = {"اميرك": "امريك"}  # الأميركية / الأمريكية
_VARIANT_PATTERN = re.compile("|".join(map(re.escape, SPELLING_VARIANTS)))
assert all(len(a) == len(b) for a, b in SPELLING_VARIANTS.items())


def _spelling_variants(key: str, offsets: list[int]) -> tuple[str, list[int]]:
    return _VARIANT_PATTERN.sub(lambda m: SPELLING_VARIANTS[m.group()], key), offsets


_KEY_CHANGES = str.maketrans(
    {**{ch: None for ch in DIACRITICS | INVISIBLE}, TATWEEL: None, **_KEY_MAP}
)
# The same as a list indexed by code point over the Basic Multilingual Plane: for
# Arabic text str.translate looks it up twice as fast as the dict (about 2.5 MB). A
# code point past its end raises IndexError, a LookupError, which translate takes as
# "keep the character" - right, since every one it changes is in the plane (one
# past it would fail the assignment below, at import).
_KEY_TABLE: list[int | str | None] = list(range(0x10000))
for _code, _change in _KEY_CHANGES.items():
    _KEY_TABLE[_code] = _change


def match_key(text: str) -> str:
    """:func:`fold` without the offsets, at C speed; a test checks they agree."""
    key = " ".join(text.translate(_KEY_TABLE).casefold().split())
    return _VARIANT_PATTERN.sub(lambda m: SPELLING_VARIANTS[m.group()], key)


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


_ENDERS = ".!?؟…"
_CLOSERS = '"”»’)]'
_OPENERS = "“«"  # always open a quote
_TOGGLES = '"”'  # open or close by position: some outlets use ” on both sides
_QUOTE_START = '"“”«'


_SENTENCE_MARKS = re.compile(
    "[" + re.escape("".join(sorted(set("\n:»" + _ENDERS + _OPENERS + _TOGGLES)))) + "]"
)


def sentences(text: str) -> list[Sentence]:
    """Split display text into sentences with their offsets in ``text``.

    A sentence ends at . ! ? ؟ … (with any closing quotes after it), at a colon that
    introduces a quotation, and at every line break. It does not end inside a number
    (3.5), after a one-letter abbreviation (د. for doctor), or inside quote marks.
    """
    found: list[Sentence] = []
    begin = 0
    quoted = False
    index = 0
    length = len(text)
    while True:
        # Only these characters change anything below: jump from one to the next.
        mark = _SENTENCE_MARKS.search(text, index)
        if mark is None:
            break
        index = mark.start()
        ch = text[index]
        if ch == "\n":
            _append_sentence(found, text, begin, index)
            begin, quoted = index + 1, False
        elif ch in _OPENERS:
            quoted = True
        elif ch in _TOGGLES:
            quoted = not quoted
        elif ch in "»":
            quoted = False
        elif not quoted and ch in _ENDERS and not _inside_token(text, index):
            end = index + 1
            while end < length and text[end] in _CLOSERS:
                end += 1
            _append_sentence(found, text, begin, end)
            begin = index = end
            continue
        elif not quoted and ch == ":" and text[index + 1 : index + 3].lstrip()[:1] in _QUOTE_START:
            _append_sentence(found, text, begin, index + 1)
            begin = index + 1
        index += 1
    _append_sentence(found, text, begin, length)
    return found


def _inside_token(text: str, index: int) -> bool:
    """Whether the mark at ``index`` is part of a number or an abbreviation."""
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if before.isdigit() and after.isdigit():
        return True
    if text[index] != ".":
        return False
    # "د." (doctor), "م." (engineer), "U.S.": a lone letter before the dot.
    two_before = text[index - 2] if index > 1 else " "
    return before.isalpha() and not two_before.isalnum()


def _append_sentence(found: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    start += len(piece) - len(piece.lstrip())
    found.append(Sentence(start, start + len(stripped), stripped))
