"""Tokens of one line of display text, found on its match key, with offsets back.

Extraction matches on the match key (hamza, ta marbuta, quote marks and Eastern
digits folded) so that one lexicon entry covers every spelling, and maps each span
back through :func:`marsad.text.arabic.fold`'s offsets so claims point into the
text a person reads. Lines are handled one at a time because the key folds line
breaks into spaces, and a quote never spans a paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from typing import NamedTuple

from marsad.text.arabic import fold, key_span_to_text, match_key

_WORD_PATTERN = r"[^\W\d_]+"
_NUMBER_PATTERN = r"\d+(?:[.,]\d+)?"
_TOKEN = re.compile(
    rf"(?P<word>{_WORD_PATTERN})|(?P<num>{_NUMBER_PATTERN})|(?P<quote>\")|(?P<punct>[^\w\s])"
)
SENTENCE_END = frozenset(".!?")
QUOTE = '"'


class Token(NamedTuple):
    """A named tuple, not a dataclass: a line makes hundreds, and a tuple is made
    several times faster than a frozen dataclass."""

    text: str  # as in the match key
    start: int  # offsets in the line's key
    end: int
    kind: str  # "word", "num", "quote" or "punct"


def tokenize(key: str) -> list[Token]:
    return [
        Token(m.group(), m.start(), m.end(), m.lastgroup or "punct") for m in _TOKEN.finditer(key)
    ]


# The "word" (and "num") alternatives of ``_TOKEN`` alone find the same texts as
# ``tokenize`` does for those kinds: no other alternative starts on a letter or a
# digit, and each consumes one character. ``findall`` makes no token to throw away.
_WORD = re.compile(_WORD_PATTERN)
_WORD_OR_NUMBER = re.compile(f"{_WORD_PATTERN}|{_NUMBER_PATTERN}")


def word_texts(key: str, *, numbers: bool = False) -> list[str]:
    """The texts of the "word" tokens of ``tokenize(key)`` (with ``numbers``, of the
    "num" tokens too), in order, without their offsets."""
    return (_WORD_OR_NUMBER if numbers else _WORD).findall(key)


def pair_quotes(tokens: list[Token]) -> list[tuple[int, int]]:
    """Pairs of quote-mark token indexes, paired by position (first with second...).

    Outlets use ” to open as well as to close, so the shape of a mark says nothing;
    an odd mark left at the end of a line is ignored.
    """
    marks = [i for i, token in enumerate(tokens) if token.kind == "quote"]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


@dataclass
class Line:
    """One line of ``Article.text``: its key, tokens, quote pairs and sentences."""

    text: str
    base: int  # offset of the line in the article text
    key: str = field(init=False)
    offsets: list[int] = field(init=False)
    tokens: list[Token] = field(init=False)

    def __post_init__(self) -> None:
        self.key, self.offsets = fold(self.text)
        self.tokens = tokenize(self.key)

    @cached_property
    def quotes(self) -> list[tuple[int, int]]:
        return pair_quotes(self.tokens)

    @cached_property
    def quote_of(self) -> dict[int, tuple[int, int]]:
        """Token index -> the quote pair it lies strictly inside."""
        inside: dict[int, tuple[int, int]] = {}
        for pair in self.quotes:
            for index in range(pair[0] + 1, pair[1]):
                inside[index] = pair
        return inside

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Token index ranges [begin, end) of sentences; a quote never splits one."""
        ranges: list[tuple[int, int]] = []
        closing = {pair[1] for pair in self.quotes}
        begin = 0
        for index, token in enumerate(self.tokens):
            if token.kind == "punct" and token.text in SENTENCE_END and index not in self.quote_of:
                end = index + 1
                # A closing quote right after the stop belongs to the sentence.
                while end < len(self.tokens) and end in closing:
                    end += 1
                if end > begin:
                    ranges.append((begin, end))
                begin = end
        if begin < len(self.tokens):
            ranges.append((begin, len(self.tokens)))
        return [r for r in ranges if r[1] > r[0]]

    @cached_property
    def _sentence_begins(self) -> list[int]:
        return [begin for begin, _ in self.sentences]

    def sentence_of(self, index: int) -> tuple[int, int]:
        # Bisected, not scanned: a line of thousands of sentences asks this per token.
        position = bisect_right(self._sentence_begins, index) - 1
        if position >= 0:
            begin, end = self.sentences[position]
            if begin <= index < end:
                return begin, end
        return index, index + 1

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The article-text span from token ``first`` to token ``last`` (inclusive)."""
        start, end = key_span_to_text(self.offsets, self.tokens[first].start, self.tokens[last].end)
        return self.base + start, self.base + end

    def words(self, begin: int, end: int) -> list[str]:
        return [t.text for t in self.tokens[begin:end] if t.kind in ("word", "num")]


def lines(text: str) -> list[Line]:
    found: list[Line] = []
    offset = 0
    for raw in text.split("\n"):
        if raw.strip():
            found.append(Line(raw, offset))
        offset += len(raw) + 1
    return found


_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ك")


def bare(word: str) -> str:
    """A key word without its clitics (و ف, then ب ل ك, then ال), for lexicon lookups."""
    if len(word) > 3 and word[0] in _CONJUNCTIONS:
        word = word[1:]
    if word.startswith("لل") and len(word) > 4:  # ل + ال: للصحافيين
        return word[2:]
    if len(word) > 3 and word[0] in _PREPOSITIONS:
        word = word[1:]
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    return word


def strip_conjunction(word: str) -> str:
    if len(word) > 2 and word[0] in _CONJUNCTIONS:
        return word[1:]
    return word


def read_lexicon(name: str) -> list[str]:
    """Lines of ``marsad/text/lexicons/<name>`` without comments and blank lines."""
    text = files("marsad.text").joinpath("lexicons", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def keys(words: str) -> frozenset[str]:
    """A set of match keys from a space-separated word list written as in the text."""
    return frozenset(match_key(word) for word in words.split())
