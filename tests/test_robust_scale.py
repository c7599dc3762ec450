"""Text functions cost about the length of their input, never its square (issue 9).

A 36 KB article repeating one sentence, a 1 MB body on one line: each function is
timed on an input and on one four times longer. Linear work takes about four times
as long, quadratic work sixteen; the bound (six times, plus 0.1 s for a noisy shared
machine) fails the second and passes the first. Memory is checked where an array
grew with the text.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

from marsad.core import ClaimKind
from marsad.text.arabic import sentences
from marsad.text.claims import finder as claimfinder
from marsad.text.claims.polarity import polarity_conflict
from marsad.text.claims.relate import relate
from marsad.text.claims.statements import StatementFinder
from marsad.text.reuse import keyed_sentences, match_sentences, minhash
from marsad.text.tokens import Line

SENTENCE = "وقال المتحدث باسم الجيش إن ثلاثة صواريخ سقطت على المنطقة الخضراء دون وقوع إصابات. "
HEADLINE = "ارتفع سعر النفط في الأسواق العالمية مع تراجع المخزون الأمريكي"
QUOTED = 'وقال الوزير "هذا كلام مهم جدا للجميع" مضيفا إن صاروخين سقطا، '


def best_time(work: Callable[[], object], tries: int = 3) -> float:
    times = []
    for _ in range(tries):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def assert_linear(make: Callable[[int], Callable[[], object]], size: int) -> None:
    small, large = make(size), make(4 * size)
    small_time, large_time = best_time(small), best_time(large)
    assert large_time < 6 * small_time + 0.1, (small_time, large_time)


def test_sentence_of_is_bisected() -> None:
    def make(repeats: int) -> Callable[[], object]:
        line = Line(SENTENCE * repeats, 0)
        return lambda: [line.sentence_of(index) for index in range(len(line.tokens))]

    assert_linear(make, 250)


def test_statements_of_one_long_line() -> None:
    def make(repeats: int) -> Callable[[], object]:
        line = Line((SENTENCE + QUOTED) * repeats, 0)
        line.sentences  # noqa: B018 - built outside the timing
        finder = StatementFinder(set())
        return lambda: finder.find(line)

    assert_linear(make, 300)


def test_statements_of_one_sentence_without_stops() -> None:
    # Each verb looked back for its subject to the start of the sentence.
    def make(repeats: int) -> Callable[[], object]:
        line = Line("أكد الرئيس الأمريكي جو بايدن " * repeats, 0)
        line.sentences  # noqa: B018 - built outside the timing
        finder = StatementFinder(set())
        return lambda: finder.find(line)

    assert_linear(make, 400)


def test_matching_a_text_that_repeats_one_sentence() -> None:
    def make(repeats: int) -> Callable[[], object]:
        keyed = keyed_sentences(sentences(SENTENCE * repeats))
        return lambda: match_sentences(keyed, keyed)

    assert_linear(make, 400)


def test_relating_texts_that_repeat_one_sentence() -> None:
    def make(repeats: int) -> Callable[[], object]:
        return lambda: relate(SENTENCE * repeats, SENTENCE * repeats)

    assert_linear(make, 20)


def test_polarity_of_long_texts() -> None:
    words = HEADLINE.split()

    def make(count: int) -> Callable[[], object]:
        a = " ".join(words[i % len(words)] for i in range(count))
        b = " ".join(words[(i * 7) % len(words)] for i in range(count))
        return lambda: polarity_conflict(a, b, swaps=True)

    assert_linear(make, 1500)


def test_each_claim_finds_its_sentence_by_bisection() -> None:
    def make(repeats: int) -> Callable[[], object]:
        text = SENTENCE * repeats
        found = claimfinder.FoundClaims(
            [
                claimfinder.ClaimDraft(
                    ClaimKind.QUANTITY, s.start, s.start + 5, text[s.start : s.start + 5], "", "", 0
                )
                for s in sentences(text)
            ]
        )
        return lambda: claimfinder._place_in_sentences(text, found)

    assert_linear(make, 300)


def test_minhash_memory_does_not_grow_with_the_text() -> None:
    # datasketch builds a NUM_PERM x n array of 64-bit values: 200 MB for 200,000
    # shingles (a 1 MB body) in one batch.
    tracemalloc.start()
    try:
        minhash(range(200_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40_000_000, peak
