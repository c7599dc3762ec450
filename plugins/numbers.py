"""Counted facts in a line: a number (digits, words or a dual) and what it counts.

"3 صواريخ", "بـ3 صواريخ", "ثلاثة صواريخ على الأقل", "أكثر من 12 صاروخا", "صاروخين",
"صاروخا واحدا", "إصابة شخصين" (2 injured), and casualty events without a number,
negated or not: "من دون وقوع إصابات", "سقوط عدد من الإصابات". A number must be
followed by a counted noun, which is what keeps years, dates and times out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from marsad.core import Qualifier
from marsad.plugins.arabic import match_key
from marsad.plugins.tokens import Line, Token, bare, keys, read_lexicon

INJURED = "مصاب"
KILLED = "قتيل"

NUMBER_WORDS: dict[str, int] = {
    match_key(word): value
    for words, value in (
        ("واحد واحدة واحدا", 1),
        ("اثنان اثنين اثنتان اثنتين", 2),
        ("ثلاث ثلاثة", 3),
        ("أربع أربعة", 4),
        ("خمس خمسة", 5),
        ("ست ستة", 6),
        ("سبع سبعة", 7),
        ("ثماني ثمانية", 8),
        ("تسع تسعة", 9),
        ("عشر عشرة", 10),
        ("عشرون عشرين", 20),
        ("مئة مائة", 100),
        ("ألف", 1000),
    )
    for word in words.split()
}
ONE = keys("واحد واحدة واحدا واحدة")
# Time and calendar words: a number before them is a date, a time or a duration.
TIME_WORDS = keys(
    "عام العام سنة سنوات عاما ساعة ساعات دقيقة دقائق يوم أيام يوما أسبوع أسابيع شهر أشهر "
    "شهرا يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر "
    "كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين"
)
BEFORE_QUALIFIERS: list[tuple[tuple[str, ...], Qualifier]] = [
    (tuple(match_key(w) for w in phrase.split()), qualifier)
    for phrase, qualifier in (
        ("ما لا يقل عن", Qualifier.AT_LEAST),
        ("لا يقل عن", Qualifier.AT_LEAST),
        ("ما يزيد عن", Qualifier.MORE_THAN),
        ("ما يزيد على", Qualifier.MORE_THAN),
        ("أكثر من", Qualifier.MORE_THAN),
        ("أقل من", Qualifier.LESS_THAN),
        ("ما يقارب", Qualifier.ABOUT),
        ("نحو", Qualifier.ABOUT),
        ("حوالي", Qualifier.ABOUT),
        ("حوالى", Qualifier.ABOUT),
        ("قرابة", Qualifier.ABOUT),
        ("زهاء", Qualifier.ABOUT),
    )
]
AFTER_QUALIFIERS: list[tuple[tuple[str, ...], Qualifier]] = [
    (tuple(match_key(w) for w in phrase.split()), qualifier)
    for phrase, qualifier in (
        ("على الأقل", Qualifier.AT_LEAST),
        ("على الأكثر", Qualifier.AT_MOST),
        ("تقريبا", Qualifier.ABOUT),
    )
]
INJURY = keys("إصابة وإصابة بإصابة")
# Casualty nouns reported without a number: the event happened, or did not.
CASUALTY_EVENTS = {
    **dict.fromkeys(keys("إصابات الإصابات جرحى الجرحى مصابين إصابة"), INJURED),
    **dict.fromkeys(keys("قتلى القتلى ضحايا الضحايا"), KILLED),
}
NEGATORS = keys("دون بدون عدم لا لم نفى نفت ينفي تنفي نفي")
EVENT_VERBS = keys("وقوع سقوط")


@dataclass(frozen=True)
class Noun:
    lemma: str
    person: bool
    dual: bool


@dataclass(frozen=True)
class QuantityMatch:
    first: int  # token indexes in the line, inclusive
    last: int
    value: float | None  # None: an event without a count ("عدد من الإصابات")
    unit: str
    qualifier: Qualifier | None
    negated: bool = False


@cache
def nouns() -> dict[str, Noun]:
    """Match key of every form of every counted noun -> its lemma and what it is."""
    table: dict[str, Noun] = {}
    for line in read_lexicon("counted_nouns.txt"):
        head, _, rest = line.partition(":")
        person = head.endswith("@")
        lemma = head.rstrip("@").strip()
        lemma_key = match_key(lemma)
        forms = [lemma_key, lemma_key + "ا"] + [match_key(w) for w in rest.split()]
        for form in forms:
            table.setdefault(form, Noun(lemma, person, dual=False))
        stem = lemma_key[:-1] + "ت" if lemma_key.endswith("ه") else lemma_key
        for ending in ("ين", "ان"):
            # A sound plural (متعاقدين) looks like a dual: the listed plural wins.
            table.setdefault(stem + ending, Noun(lemma, person, dual=True))
    return table


def _number(token: Token) -> float | None:
    if token.kind == "num":
        value = float(token.text.replace(",", "."))
        # 400 digits read as inf: no count, and not JSON ("Infinity") in link evidence.
        return value if math.isfinite(value) else None
    if token.kind == "word":
        word = token.text
        for prefix in ("", "و", "ب", "ل", "وب", "ك"):
            if word.startswith(prefix) and word[len(prefix) :] in NUMBER_WORDS:
                return float(NUMBER_WORDS[word[len(prefix) :]])
    return None


def _is_date_or_time(line: Line, index: int) -> bool:
    tokens = line.tokens
    token = tokens[index]
    for neighbour in (index - 1, index + 1):
        if 0 <= neighbour < len(tokens):
            other = tokens[neighbour]
            touching = other.end == token.start or token.end == other.start
            if other.kind == "punct" and other.text in "/:-" and touching:
                return True
    return False


def _phrase_before(line: Line, index: int) -> tuple[Qualifier, int] | None:
    words = [t.text for t in line.tokens[max(0, index - 4) : index]]
    for phrase, qualifier in BEFORE_QUALIFIERS:
        if tuple(words[-len(phrase) :]) == phrase and len(words) >= len(phrase):
            return qualifier, index - len(phrase)
    return None


def _phrase_after(line: Line, index: int) -> tuple[Qualifier, int] | None:
    words = [t.text for t in line.tokens[index + 1 : index + 3]]
    for phrase, qualifier in AFTER_QUALIFIERS:
        if tuple(words[: len(phrase)]) == phrase:
            return qualifier, index + len(phrase)
    return None


def _noun_at(line: Line, index: int) -> Noun | None:
    if index >= len(line.tokens) or line.tokens[index].kind != "word":
        return None
    word = line.tokens[index].text
    table = nouns()
    for candidate in (word, bare(word), word[1:] if word[:1] in "وب" else word):
        if candidate in table:
            return table[candidate]
    return None


def find_quantities(line: Line) -> list[QuantityMatch]:
    """Every counted fact of the line, in order; overlapping readings are not repeated."""
    found: list[QuantityMatch] = []
    used: set[int] = set()
    for index in range(len(line.tokens)):
        if index in used:
            continue
        match = _counted(line, index) or _casualty_event(line, index)
        if match is None:
            continue
        found.append(match)
        used.update(range(match.first, match.last + 1))
    return found


def _counted(line: Line, index: int) -> QuantityMatch | None:
    tokens = line.tokens
    token = tokens[index]
    value = _number(token)
    if value is not None:
        if token.kind == "num" and _is_date_or_time(line, index):
            return None
        noun = _noun_at(line, index + 1)
        if noun is None or noun.dual:
            return None
        last = index + 1
    else:
        noun = _noun_at(line, index)
        if noun is None:
            return None
        if noun.dual:
            value, last = 2.0, index
        elif index + 1 < len(tokens) and tokens[index + 1].text in ONE:
            value, last = 1.0, index + 1
        elif noun.person and index > 0 and tokens[index - 1].text in INJURY:
            value, last = 1.0, index  # "إصابة متعاقد عراقي": one injured person
        else:
            return None
    return _qualified(line, index, last, value, noun)


def _qualified(line: Line, first: int, last: int, value: float, noun: Noun) -> QuantityMatch:
    qualifier = Qualifier.EXACT
    before = _phrase_before(line, first)
    if before is not None:
        qualifier, first = before
    after = _phrase_after(line, last)
    if after is not None:
        qualifier, last = after
    unit = noun.lemma
    if noun.person and first > 0 and line.tokens[first - 1].text in INJURY:
        unit, first = INJURED, first - 1
    return QuantityMatch(first, last, value, unit, qualifier)


def _casualty_event(line: Line, index: int) -> QuantityMatch | None:
    token = line.tokens[index]
    unit = CASUALTY_EVENTS.get(token.text)
    if unit is None or token.text in INJURY:
        return None  # "إصابة" alone is "hitting" as often as "injury"
    begin = line.sentence_of(index)[0]
    first = index
    window = line.tokens[max(begin, index - 4) : index]
    for offset, other in enumerate(window):
        if other.text in EVENT_VERBS:
            first = max(begin, index - 4) + offset
            break
    # "من دون وقوع إصابات", or a denial earlier in the clause: "نفت ... وقوع جرحى".
    negated = False
    for back in range(index - 1, max(begin, index - 10) - 1, -1):
        word = line.tokens[back].text
        if word in NEGATORS or bare(word) in NEGATORS or word[1:] in NEGATORS:
            negated = True
            if back >= index - 4:
                first = back - 1 if back > begin and line.tokens[back - 1].text == "من" else back
            break
    return QuantityMatch(first, index, None, unit, None, negated=negated)
