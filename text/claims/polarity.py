"""Whether two texts on one topic say opposite things: antonyms, negation, numbers.

* Antonyms from ``lexicons/antonyms.txt``: one text uses a word of one side and the
  other a word of the opposite side, and neither uses both ("الذهب يرتفع" /
  "الذهب يتراجع").
* Negation: one text is negated ("لم", "لن", "غير", "نفى", "دون" ...) and the other
  is not ("وافق" / "لم يوافق").
* Numbers: both texts give numbers and share none of them ("12 أسبوعا" / "14 أسبوعا").
* Substitution: the texts are the same words in the same order except one word (or
  two) swapped for another ("ارتفاع لسعر الدولار" / "ارتفاع لسعر اليورو"): a changed
  actor, place or object is a different claim.

Each finding is returned as evidence; callers decide whether the texts are about the
same thing in the first place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache

from marsad.text.arabic import match_key
from marsad.text.tokens import bare, keys, read_lexicon, word_texts

NEGATORS = keys("لا لم لن ليس ليست غير عدم دون بدون نفى نفت ينفي تنفي نفي ينفى")
# Verbs that negate what follows them: "روسيا ترفض تطوير الدفاع" / "تطوير الدفاع".
NEGATIVE_VERBS = keys(
    "يرفض ترفض رفض رفضت يرفضون رفضه رفضها يفشل تفشل فشل فشلت أخفق أخفقت يخفق تخفق "
    "يتجاهل تتجاهل تجاهل يمنع تمنع منع منعت يلغي تلغي ألغى ألغت إلغاء يعلق تعلق تعليق "
    "يؤجل تؤجل تأجيل يستبعد تستبعد استبعاد يحظر تحظر حظر"
)
_NEGATIVE_BARE = frozenset(bare(word) for word in NEGATIVE_VERBS)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


ANTONYMS = "antonyms.txt"


@cache
def antonyms(lexicon: str = ANTONYMS) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The pairs of opposite sides a lexicon of ``antonyms.txt``'s format lists."""
    pairs = []
    for line in read_lexicon(lexicon):
        left, _, right = line.partition("|")
        pairs.append((_stems(left), _stems(right)))
    return tuple(pairs)


def _stems(words: str) -> tuple[str, ...]:
    return tuple(sorted({bare(match_key(word)) for word in words.split()}))


def _words(text: str) -> list[str]:
    return word_texts(match_key(text))


PREFIX_STEM = 4  # a stem this long also matches the start of a word ("ارتفاع" in "ارتفاعا")


@cache
def _stem_sides(lexicon: str) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Each stem's sides (side ``2 * pair`` is a pair's left, ``+ 1`` its right), and
    the lengths of the prefix stems: one dict lookup per word and length replaces
    testing every word against every stem of every pair."""
    sides: dict[str, tuple[int, ...]] = {}
    for pair, (left, right) in enumerate(antonyms(lexicon)):
        for side, stems in ((2 * pair, left), (2 * pair + 1, right)):
            for stem in stems:
                sides[stem] = (*sides.get(stem, ()), side)
    lengths = sorted({len(stem) for stem in sides if len(stem) >= PREFIX_STEM})
    return sides, tuple(lengths)


def _sides_used(words: Sequence[str], lexicon: str = ANTONYMS) -> tuple[str | None, ...]:
    """For each side of the lexicon's pairs, the first word that uses one of its stems
    (the word itself, or its start for a stem of PREFIX_STEM letters or more), or None."""
    used: list[str | None] = [None] * (2 * len(antonyms(lexicon)))
    for word in words:
        for side in _word_sides(word, lexicon):
            if used[side] is None:
                used[side] = word
    return tuple(used)


@lru_cache(maxsize=1 << 16)
def _word_sides(word: str, lexicon: str) -> tuple[int, ...]:
    """The sides one word is on (cached: news repeats its words)."""
    stem_sides, lengths = _stem_sides(lexicon)
    stripped = bare(word)
    # The word itself, then its starts; a start as long as the word is the word.
    candidates = [stripped] + [stripped[:n] for n in lengths if n < len(stripped)]
    return tuple(side for key in candidates for side in stem_sides.get(key, ()))


def _opposed(ours: Sequence[str | None], theirs: Sequence[str | None]) -> list[str] | None:
    """A word of each text on opposite sides of one pair, where neither text uses
    both sides of it; ``ours`` and ``theirs`` as :func:`_sides_used` gives them."""
    for side in range(0, len(ours), 2):
        our_left, our_right = ours[side], ours[side + 1]
        their_left, their_right = theirs[side], theirs[side + 1]
        if our_left and their_right and not our_right and not their_left:
            return [our_left, their_right]
        if our_right and their_left and not our_left and not their_right:
            return [our_right, their_left]
    return None


def uses_lexicon(words: Iterable[str], lexicon: str = ANTONYMS) -> bool:
    """Whether any of ``words`` (match keys) is on a side of one of the lexicon's pairs."""
    return any(_sides_used(list(words), lexicon))


def opposed_words(ours: str, theirs: str, lexicon: str = ANTONYMS) -> list[str] | None:
    """A word of ``ours`` and one of ``theirs`` that are opposites by ``lexicon``
    (a file of ``antonyms.txt``'s format), or None."""
    return _opposed(_sides_used(_words(ours), lexicon), _sides_used(_words(theirs), lexicon))


def negated(words: Sequence[str]) -> bool:
    return any(_is_negator(word) for word in words)


@dataclass(frozen=True)
class _Read:
    """What the polarity tests need of one text, read once: the link stage compares
    each claim with every other of its slot, so the same text comes back many times."""

    words: tuple[str, ...]
    sides: tuple[str | None, ...]  # see _sides_used
    negated: bool
    roots: frozenset[str]  # light roots of all its words
    negated_roots: frozenset[str]  # light roots of the words its negators scope over
    numbers: frozenset[float]
    stems: tuple[str, ...]  # _stem of each word, for substitution


def _read(text: str) -> _Read:
    words = tuple(_words(text))
    return _Read(
        words=words,
        sides=_sides_used(words),
        negated=negated(words),
        roots=frozenset(root for word in words for root in _roots(word)),
        negated_roots=frozenset(_negated_roots(words)),
        numbers=frozenset(numbers(text)),
        stems=tuple(_stem(word) for word in words),
    )


CACHED_CHARS = 2000  # longer texts are not cached: 8192 of them could fill memory
_cached_read = lru_cache(maxsize=8192)(_read)


def _reading(text: str) -> _Read:
    return _cached_read(text) if len(text) <= CACHED_CHARS else _read(text)


def negation_in_scope(a: str, b: str) -> str | None:
    """Which text ("a" or "b") negates a word that the other states un-negated, or None.

    A negator's scope is the next word that is not a negator ("لم يوافق"); only a
    negation of something both texts say is a conflict, so a longer statement whose
    extra clause is negated ("... والمدارس غير الآمنة") does not contradict the
    shorter one it contains.
    """
    read_a, read_b = _reading(a), _reading(b)
    if (read_a.negated_roots - read_b.negated_roots) & read_b.roots:
        return "a"
    if (read_b.negated_roots - read_a.negated_roots) & read_a.roots:
        return "b"
    return None


def _is_negator(word: str) -> bool:
    return word in NEGATORS or bare(word) in NEGATORS or bare(word) in _NEGATIVE_BARE


# "لا زال" / "ما زال" / "لم يبرح": "still", not a negation.
STILL = keys("زال يزال تزال زالت نزال برح يبرح تبرح")


def _negated_roots(words: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for index, word in enumerate(words):
        if not _is_negator(word):
            continue
        scope = next((w for w in words[index + 1 :] if not _is_negator(w)), None)
        if scope is not None and scope not in STILL:
            found.update(_roots(scope))
    return found


def _roots(word: str) -> set[str]:
    """Light roots of a word: with and without a leading و/ف (it may be a letter of the
    root, as in "وافق"), without ال, the future س and a present-tense prefix, so that
    "يوافق", "وافق" and "سيوافق" share one."""
    forms = {word, word[1:]} if len(word) > 3 and word[0] in "وف" else {word}
    roots = set()
    for form in forms:
        for article in ("ال", "لل"):
            if form.startswith(article) and len(form) > len(article) + 2:
                form = form[len(article) :]
        if len(form) > 4 and form[0] == "س" and form[1] in "يتنا":
            form = form[1:]
        if len(form) > 3 and form[0] in "يتنا":
            form = form[1:]
        roots.add(form[:4])
    return roots


def numbers(text: str) -> set[float]:
    """The finite numbers of a text (400 digits read as inf, which JSON cannot carry)."""
    found = {float(n.replace(",", ".")) for n in _NUMBER.findall(match_key(text))}
    return {value for value in found if math.isfinite(value)}


def polarity_conflict(
    a: str, b: str, *, negation: bool = True, values: bool = True, swaps: bool = False
) -> dict[str, object] | None:
    """Evidence that ``a`` and ``b`` say opposite things, or None.

    ``negation`` and ``values`` switch those two tests off, for spans that may be a
    fragment of a longer sentence (a quoted phrase leaves its negation outside);
    ``swaps`` turns the substitution test on, for whole short texts (headlines).
    """
    read_a, read_b = _reading(a), _reading(b)
    if opposites := _opposed(read_a.sides, read_b.sides):
        return {"conflict": "antonyms", "words": opposites}
    if negation and read_a.negated != read_b.negated:
        return {"conflict": "negation", "negated": "a" if read_a.negated else "b"}
    nums_a, nums_b = (read_a.numbers, read_b.numbers) if values else (frozenset(), frozenset())
    if values and nums_a and nums_b and not nums_a & nums_b:
        return {"conflict": "numbers", "values": [sorted(nums_a), sorted(nums_b)]}
    return substitution(a, b) if swaps else None


SAME_FRAME = 0.6  # share of the shorter text's words outside the swapped part
MAX_SWAP = 2  # words on each side
SWAP_TEXT_WORDS = 100  # longer texts are not compared word by word


def _stem(word: str) -> str:
    word = bare(word)
    for ending in ("ات", "ين", "ون", "ية", "يه", "ه", "ة", "ا", "ي"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def substitution(a: str, b: str) -> dict[str, object] | None:
    """The one aligned swap between two otherwise equal texts, or None."""
    read_a, read_b = _reading(a), _reading(b)
    words_a, words_b = read_a.words, read_b.words
    if max(len(words_a), len(words_b)) > SWAP_TEXT_WORDS:
        return None  # not a headline; and aligning long texts costs the square
    stems_a, stems_b = read_a.stems, read_b.stems
    matcher = SequenceMatcher(a=stems_a, b=stems_b, autojunk=False)
    swaps = [op for op in matcher.get_opcodes() if op[0] == "replace"]
    others = [op for op in matcher.get_opcodes() if op[0] in ("insert", "delete")]
    if len(swaps) != 1 or len(others) > 1:
        return None
    _, i1, i2, j1, j2 = swaps[0]
    if i2 - i1 > MAX_SWAP or j2 - j1 > MAX_SWAP:
        return None
    same = sum(i2 - i1 for tag, i1, i2, _, _ in matcher.get_opcodes() if tag == "equal")
    if same < SAME_FRAME * min(len(stems_a), len(stems_b)) or same < 2:
        return None
    if set(stems_a[i1:i2]) & set(stems_b) or set(stems_b[j1:j2]) & set(stems_a):
        return None  # the "swap" is a reordering
    return {"conflict": "substitution", "words": [list(words_a[i1:i2]), list(words_b[j1:j2])]}
