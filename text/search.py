"""What a search asks for, and where it matched in a text: pure functions.

A search compares match keys (:func:`marsad.text.arabic.match_key`), so the spellings
outlets mix (أ إ آ ا, ى ي, ة ه, tatweel, diacritics, Eastern digits) all find each
other. Each word must occur in the key, also inside a longer word (the clitics of
والكاظمي or بالصواريخ stay attached in Arabic); a phrase in double quotes must occur
whole.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from marsad.text.arabic import fold, key_span_to_text, match_key

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
_PARTS = re.compile(r'"([^"]*)"|(\S+)')
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


class QueryError(ValueError):
    """A search that cannot be run as written; the message says why."""


def query_terms(query: str) -> list[str]:
    """The keys a search needs, each once: a quoted phrase whole, every other word
    alone (without the punctuation around it)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"a search is at most {MAX_QUERY_CHARS} characters, not {len(query)}")
    terms: list[str] = []
    for phrase, word in _PARTS.findall(query):
        # A word's key without the punctuation around it (الكاظمي، is الكاظمي), unless
        # that is all it is: % is looked for as written.
        key = match_key(phrase or word)
        if not phrase:
            key = _EDGE_PUNCTUATION.sub("", key) or key.strip('"')
        if key and key not in terms:
            terms.append(key)
    if not terms:
        raise QueryError(f"the search {query!r} has no word to look for")
    if len(terms) > MAX_TERMS:
        raise QueryError(f"a search has at most {MAX_TERMS} words or phrases, not {len(terms)}")
    return terms


def _in_word(character: str) -> bool:
    # Letters, marks (diacritics) and digits; tatweel is a letter modifier (Lm).
    return unicodedata.category(character)[0] in "LMN"


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to the words it touches: marking part of an Arabic word would
    break its letters' joining (الأميركي|ة)."""
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    while end < len(text) and _in_word(text[end]):
        end += 1
    return start, end


def matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """The words of ``text`` where one of ``terms`` occurs, by key, as spans; sorted,
    not overlapping."""
    key, offsets = fold(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        start = key.find(term)
        while start >= 0:
            found.append(_whole_words(text, *key_span_to_text(offsets, start, start + len(term))))
            start = key.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Snippet:
    start: int  # where ``text`` begins in the whole text
    end: int
    text: str
    highlights: list[tuple[int, int]]  # spans of ``text``


def snippet(text: str, terms: list[str], width: int = 240) -> Snippet | None:
    """About ``width`` characters of ``text`` around its first match, cut at spaces,
    with every match inside highlighted; None when nothing matches."""
    spans = matches(text, terms)
    if not spans:
        return None
    first = spans[0][0]
    start = 0 if len(text) <= width else max(0, first - width // 3)
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space > 0 else end
    shown = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    return Snippet(start=start, end=end, text=text[start:end], highlights=shown)
