"""Text-reuse features, free of any database: shingles, MinHash, band keys, anchors.

Everything here works on match keys (``marsad.text.arabic.match_key``), so spelling
variants of one text give the same features. Index keys are 63-bit integers (they fit
a signed BIGINT everywhere) salted with their kind, so one index table holds them all.

Parameters (``bench/dedupe.py`` measures them; figures in ``bench/results/``):

- ``SHINGLE_WORDS = 5``: word 5-grams, the usual choice for news. On the seeds the
  heavily edited pair 003/004 has Jaccard 0.28 / 0.25 / 0.23 at 3 / 4 / 5 words, so
  no shingle size makes it a near duplicate; such pairs are found through anchors
  and sentence keys instead, and MinHash is kept for near-identical texts.
- ``NUM_PERM = 128`` in ``BANDS = 32`` bands of ``ROWS = 4``: ``1 - (1 - J^4)^32`` is
  0.5 at Jaccard ~0.39 and ~0.99 at 0.6, so near copies are almost always candidates
  with only 32 band keys per article. At 1,000 real articles, candidate recall was
  1.0 against exact Jaccard >= 0.5 over all pairs (precision 0.62 before the
  signature check).
- ``ANCHOR_MOD = 4``: one shingle in four (chosen by its hash, so the same text picks
  the same anchors in every article) is indexed to find shared passages inside
  otherwise different articles, which whole-document MinHash cannot see.
- ``affine32`` datasketch MinHash over CRC32 shingle hashes: about 0.09 ms for a
  400-shingle article against 0.6 ms for the ``legacy`` scheme.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

import numpy as np
from datasketch import MinHash

from marsad.text.arabic import WORD, Sentence, fold, match_key

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
ANCHOR_MOD = 4
# Sentences shorter than this recur by chance ("وأضاف أن الوزارة ستعلن ذلك").
SENTENCE_WORDS = 6
# Sentences are compared by word trigrams: one changed word breaks only three of them.
SENTENCE_SHINGLE_WORDS = 3
# Quotation marks as outlets use them: ” opens as well as closes, so marks are paired
# by position within a line, whatever their shape.
QUOTE_MARKS = re.compile('["“”«»„]')
# Quoted strings shorter than this are names or terms ("حزب الله", "RT"), not quotations.
QUOTE_MIN_WORDS = 3
# Names every parameter a stored sketch (signature and packed sentences) depends on;
# a sketch made under another scheme is recomputed from the text, never compared.
SKETCH_SCHEME = (
    f"w{SHINGLE_WORDS}-p{NUM_PERM}-affine32-crc32-s{SENTENCE_WORDS}t{SENTENCE_SHINGLE_WORDS}"
    f"-q{QUOTE_MIN_WORDS}"
)
SENTENCE_MATCH = 0.5  # shared trigrams / trigrams of the shorter sentence

# Kinds of index key; each salts its hashes so equal values never collide across kinds.
BAND = 1
ANCHOR = 2
SENTENCE = 3
# 4: the rare terms of cluster 0.4.0, retired (migration 0005 deletes their rows).
EVENT_WORD = 5

_DIGITS = re.compile(r"\d+")
_MASK63 = (1 << 63) - 1


@cache
def _salted(kind: int) -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=8, salt=kind.to_bytes(16, "big"))


def key63(kind: int, data: bytes) -> int:
    # A copy of the salted hash costs half of making one (anchors hash every shingle).
    hashed = _salted(kind).copy()
    hashed.update(data)
    return int.from_bytes(hashed.digest(), "big") & _MASK63


def words(text: str) -> list[str]:
    """The words of a text's match key."""
    return WORD.findall(match_key(text))


def replaced_runs(
    ours: Sequence[str], theirs: Sequence[str], longest: int = 3
) -> list[tuple[str, str]]:
    """The runs of up to ``longest`` words that one text has where the other has other
    words, when the two (lists of words, as :func:`words` gives them) are aligned word
    by word: the values one copy of a text changed ("جنوبية" where the other has
    "شمالية"), not the clauses it rewrote or added."""
    matcher = SequenceMatcher(a=ours, b=theirs, autojunk=False)
    return [
        (" ".join(ours[i1:i2]), " ".join(theirs[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag == "replace" and i2 - i1 <= longest and j2 - j1 <= longest
    ]


def shingles(tokens: Sequence[str], size: int = SHINGLE_WORDS) -> list[str]:
    """Word n-grams; a text shorter than ``size`` words is one shingle."""
    if not tokens:
        return []
    if len(tokens) <= size:
        return [" ".join(tokens)]
    return [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]


def shingle_hashes(tokens: Sequence[str], size: int = SHINGLE_WORDS) -> list[int]:
    """32-bit hashes of the distinct shingles (CRC32: fast, and stable across runs)."""
    return hashes_of(s.encode() for s in shingles(tokens, size))


def hashes_of(encoded: Iterable[bytes]) -> list[int]:
    """:func:`shingle_hashes` of shingles already encoded."""
    return sorted({zlib.crc32(shingle) for shingle in encoded})


MINHASH_CHUNK = 4096  # shingle hashes per update: a few MB of work arrays


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    perms: tuple[np.ndarray, np.ndarray] = MinHash(
        num_perm=NUM_PERM, seed=1, scheme="affine32"
    ).permutations
    return perms


def minhash(hashes: Iterable[int]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of 32-bit shingle hashes."""
    sketch = MinHash(
        num_perm=NUM_PERM, hashfunc=int, permutations=_permutations(), scheme="affine32"
    )
    batch = list(hashes)
    # In chunks: datasketch builds a NUM_PERM x len(batch) array of 64-bit values,
    # 200 MB for a 1 MB text at once; the minimum of the chunks is the same.
    for begin in range(0, len(batch), MINHASH_CHUNK):
        sketch.update_batch(batch[begin : begin + MINHASH_CHUNK])
    values: np.ndarray = sketch.hashvalues.astype(np.uint32)
    return values


def signature_bytes(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(signature: np.ndarray) -> list[int]:
    """One index key per band: equal keys mean the band's rows are all equal."""
    raw = signature.astype("<u4")
    return [
        key63(BAND, band.to_bytes(2, "big") + raw[band * ROWS : (band + 1) * ROWS].tobytes())
        for band in range(BANDS)
    ]


def anchor_keys(tokens: Sequence[str]) -> list[int]:
    """Content-chosen shingles: a passage shared by two texts shares its anchors."""
    return anchors_of(s.encode() for s in shingles(tokens))


def anchors_of(encoded: Iterable[bytes]) -> list[int]:
    """:func:`anchor_keys` of shingles already encoded (each distinct one hashed once)."""
    found = set()
    for shingle in set(encoded):
        value = key63(ANCHOR, shingle)
        if value % ANCHOR_MOD == 0:
            found.add(value)
    return sorted(found)


def sentence_key(sentence_words: Sequence[str]) -> int:
    """Sentences that differ only in their numbers (dates, counts) share a key."""
    return key63(SENTENCE, _DIGITS.sub("0", " ".join(sentence_words)).encode())


def event_word_key(word: str, day: int | None) -> int:
    """A word of an article published on ``day`` (a date's ordinal; None: unknown)."""
    return key63(EVENT_WORD, f"{word}@{'' if day is None else day}".encode())


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of the quotations in ``text``, marks included.

    Marks pair by position within a line (first with second, third with fourth); an
    odd mark left at the end of a line is ignored, since a quote that runs over a
    paragraph cannot be told from a stray mark. Quoted strings of fewer than
    ``QUOTE_MIN_WORDS`` words are names, not quotations, and are left out.
    """
    found: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        marks = [line_start + m.start() for m in QUOTE_MARKS.finditer(line)]
        for first, second in zip(marks[::2], marks[1::2], strict=False):
            if len(WORD.findall(text, first + 1, second)) >= QUOTE_MIN_WORDS:
                found.append((first, second + 1))
        line_start += len(line) + 1
    return found


@dataclass(frozen=True)
class KeyedSentence:
    """A sentence of display text with what comparing it needs."""

    start: int
    end: int
    text: str
    words: int
    key: int
    grams: tuple[int, ...]  # distinct trigram hashes, sorted
    # Those of ``grams`` found only inside quotation marks: the quoted statement's
    # words, which two articles share when they quote it, copied or not.
    quoted: tuple[int, ...] = ()

    @property
    def narration(self) -> frozenset[int]:
        """Trigrams of the sentence's own words: outside quotation marks, at least once."""
        return frozenset(self.grams).difference(self.quoted)


def _quoted_grams(sentence: Sentence, spans: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """Hashes of the sentence's trigrams that occur only with a word inside a quotation."""
    key, offsets = fold(sentence.text)
    starts = [start for start, _ in spans]
    inside = []
    for match in WORD.finditer(key):
        at = sentence.start + offsets[match.start()]
        span = bisect_right(starts, at) - 1
        inside.append(span >= 0 and spans[span][0] <= at < spans[span][1])
    tokens = WORD.findall(key)
    quoted: set[int] = set()
    narration: set[int] = set()
    size = SENTENCE_SHINGLE_WORDS
    for begin in range(max(1, len(tokens) - size + 1)):
        gram = zlib.crc32(" ".join(tokens[begin : begin + size]).encode())
        (quoted if any(inside[begin : begin + size]) else narration).add(gram)
    return tuple(sorted(quoted - narration))


def keyed_sentences(
    found: Iterable[Sentence], quotes: Sequence[tuple[int, int]] = ()
) -> list[KeyedSentence]:
    """Sentences long enough to compare, keyed; ``quotes`` are the text's
    :func:`quote_spans` (offsets in the same text as the sentences')."""
    out = []
    starts = [start for start, _ in quotes]
    for sentence in found:
        tokens = words(sentence.text)
        if len(tokens) < SENTENCE_WORDS:
            continue
        grams = tuple(shingle_hashes(tokens, SENTENCE_SHINGLE_WORDS))
        # Only the quotations that overlap the sentence: most sentences have none.
        first = max(0, bisect_right(starts, sentence.start) - 1)
        last = bisect_right(starts, sentence.end)
        overlapping = [
            span
            for span in quotes[first:last]
            if span[0] < sentence.end and span[1] > sentence.start
        ]
        out.append(
            KeyedSentence(
                sentence.start,
                sentence.end,
                sentence.text,
                len(tokens),
                sentence_key(tokens),
                grams,
                _quoted_grams(sentence, overlapping) if overlapping else (),
            )
        )
    return out


def pack_sentences(found: Sequence[KeyedSentence]) -> bytes:
    """Keyed sentences as bytes, so a candidate is compared without re-reading its text.

    Layout (little-endian): count, then per sentence start, end, words, trigram count
    and quoted trigram count (uint32 each), then the keys (int64), then all trigram
    hashes, then all quoted trigram hashes (uint32).
    """
    header = np.array(
        [len(found)]
        + [v for s in found for v in (s.start, s.end, s.words, len(s.grams), len(s.quoted))],
        dtype="<u4",
    )
    keys = np.array([s.key for s in found], dtype="<i8")
    grams = np.array([g for s in found for g in s.grams], dtype="<u4")
    quoted = np.array([g for s in found for g in s.quoted], dtype="<u4")
    return header.tobytes() + keys.tobytes() + grams.tobytes() + quoted.tobytes()


_FIELDS = 5  # uint32 header fields per packed sentence


def unpack_sentences(data: bytes, text: str) -> list[KeyedSentence]:
    """The inverse of ``pack_sentences``; ``text`` is the article text they were cut from."""
    count = int(np.frombuffer(data, dtype="<u4", count=1)[0])
    header = np.frombuffer(data, dtype="<u4", count=1 + _FIELDS * count)
    fields = header[1:].reshape(count, _FIELDS).tolist()
    keys = np.frombuffer(data, dtype="<i8", count=count, offset=4 * len(header)).tolist()
    gram_total = sum(row[3] for row in fields)
    offset = 4 * len(header) + 8 * count
    grams = np.frombuffer(data, dtype="<u4", count=gram_total, offset=offset).tolist()
    quoted = np.frombuffer(data, dtype="<u4", offset=offset + 4 * gram_total).tolist()
    out = []
    at_gram = at_quoted = 0
    for (start, end, word_count, gram_count, quoted_count), key in zip(fields, keys, strict=True):
        out.append(
            KeyedSentence(
                start,
                end,
                text[start:end],
                word_count,
                key,
                tuple(grams[at_gram : at_gram + gram_count]),
                tuple(quoted[at_quoted : at_quoted + quoted_count]),
            )
        )
        at_gram += gram_count
        at_quoted += quoted_count
    return out


def covered_words(sentence: KeyedSentence, grams: frozenset[int]) -> int:
    """Words of the sentence that lie in at least one of its trigrams in ``grams``."""
    tokens = words(sentence.text)
    size = SENTENCE_SHINGLE_WORDS
    covered = [False] * len(tokens)
    for begin in range(len(tokens) - size + 1):
        if zlib.crc32(" ".join(tokens[begin : begin + size]).encode()) in grams:
            covered[begin : begin + size] = [True] * size
    return sum(covered)


@dataclass(frozen=True)
class SentenceMatch:
    mine: KeyedSentence
    theirs: KeyedSentence
    score: float


def match_sentences(
    mine: Sequence[KeyedSentence], theirs: Sequence[KeyedSentence]
) -> list[SentenceMatch]:
    """Each of ``mine`` that recurs (nearly) verbatim in ``theirs``, with its best match.

    Only sentence pairs that share a trigram are scored (an inverted index over
    ``theirs``), so two long articles cost about their length, not its square. Two
    things keep a text that repeats itself from costing the square all the same: a
    sentence of ``theirs`` equal to an earlier one is not indexed (it would score the
    same and lose the tie), and each distinct sentence of ``mine`` is scored once.
    A trigram held by more than ``COMMON_GRAM`` sentences finds no candidates; the
    pairs found through rarer ones are then scored on all their trigrams.
    """
    by_gram: dict[int, list[int]] = {}
    indexed: set[tuple[int, ...]] = set()
    # Only trigrams of ``mine`` are ever looked up: the others need no entry.
    wanted = set().union(*(sentence.grams for sentence in mine))
    for index, sentence in enumerate(theirs):
        if sentence.grams in indexed:
            continue
        indexed.add(sentence.grams)
        for gram in wanted.intersection(sentence.grams):
            by_gram.setdefault(gram, []).append(index)
    best_of: dict[tuple[int, ...], tuple[int, float] | None] = {}
    matches = []
    for sentence in mine:
        if sentence.grams not in best_of:
            best_of[sentence.grams] = _best_match(sentence.grams, theirs, by_gram)
        best = best_of[sentence.grams]
        if best is not None:
            matches.append(SentenceMatch(sentence, theirs[best[0]], best[1]))
    return matches


COMMON_GRAM = 200  # sentences; more than any one article of news has


def _best_match(
    grams: tuple[int, ...], theirs: Sequence[KeyedSentence], by_gram: dict[int, list[int]]
) -> tuple[int, float] | None:
    """The index and score of the sentence of ``theirs`` that shares most of ``grams``."""
    counts: dict[int, int] = {}
    partial = False
    for gram in grams:
        holders = by_gram.get(gram, ())
        if len(holders) > COMMON_GRAM:
            partial = True
            continue
        for index in holders:
            counts[index] = counts.get(index, 0) + 1
    best: tuple[int, float] | None = None
    for index, shared in counts.items():
        other = theirs[index].grams
        if partial:
            shared = len(set(grams).intersection(other))
        score = shared / min(len(grams), len(other))
        if score >= SENTENCE_MATCH and (best is None or score > best[1]):
            best = index, score
    return best
