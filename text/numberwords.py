"""The value of a number written in a line of Arabic news, whatever it counts.

Digits ("12", "٦٥"), with thousands separators ("4.500" = 4500, "3,165,507,215"), a
decimal comma ("2,5" = 2.5) or the wire copy's "ر" ("3ر0" = 0.3); number words
("خمسة وعشرون", "ثلاثمئة", "ثلاثة عشر", "ثلاثة فاصلة خمسة"); a scale after either ("40
ألف", "1.8 مليون", "ستة مليارات", "ألفين" = 2000) and the smaller parts after a scale ("53
مليون و653 ألف", "مليون ونصف"). What the number counts or measures is read by
:mod:`marsad.text.numbers`; this module only says which tokens make a number and its
value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from marsad.text.arabic import match_key
from marsad.text.tokens import Line, Token, keys, strip_conjunction

# Forms of the number, as in the dev gold's guidelines.
DIGITS, WORDS, DUAL, SINGULAR_NOUN = "digits", "words", "dual", "singular_noun"


def _table(rows: tuple[tuple[str, float], ...]) -> dict[str, float]:
    return {match_key(word): value for words, value in rows for word in words.split()}


UNITS = _table(
    (
        ("صفر", 0),
        ("اثنان اثنين اثنتان اثنتين اثنا اثنتا", 2),
        ("ثلاث ثلاثة", 3),
        ("أربع أربعة", 4),
        ("خمس خمسة", 5),
        ("ست ستة", 6),
        ("سبع سبعة", 7),
        ("ثمان ثماني ثمانية", 8),
        ("تسع تسعة", 9),
        ("عشر عشرة", 10),
    )
)
ONE = keys("واحد واحدة واحدا")  # only after a noun or inside a compound
TEN = keys("عشر عشرة")  # after a unit: ثلاثة عشر = 13
TENS = _table(
    (
        ("عشرون عشرين", 20),
        ("ثلاثون ثلاثين", 30),
        ("أربعون أربعين", 40),
        ("خمسون خمسين", 50),
        ("ستون ستين", 60),
        ("سبعون سبعين", 70),
        ("ثمانون ثمانين", 80),
        ("تسعون تسعين", 90),
    )
)
HUNDREDS = {
    **_table((("مئة مائة", 100), ("مئتان مئتين مائتان مائتين مئتا مئتي مائتي", 200))),
    **{
        match_key(prefix + hundred): float(value * 100)
        for prefix, value in (
            ("ثلاث", 3),
            ("أربع", 4),
            ("خمس", 5),
            ("ست", 6),
            ("سبع", 7),
            ("ثمان", 8),
            ("ثماني", 8),
            ("تسع", 9),
        )
        for hundred in ("مئة", "مائة")
    },
}
# Scale words: singular and plural multiply the number before them; alone, the
# singular is one of them ("مليون دولار") and the plural is no number ("آلاف").
SCALES = _table(
    (("ألف ألفا", 1e3), ("مليون مليونا", 1e6), ("مليار مليارا بليون", 1e9), ("تريليون", 1e12))
)
PLURAL_SCALES = _table((("آلاف", 1e3), ("ملايين مليين", 1e6), ("مليارات بلايين", 1e9)))
DUAL_SCALES = _table(
    (
        ("ألفان ألفين ألفي", 2e3),
        ("مليونان مليونين مليوني", 2e6),
        ("ملياران مليارين ملياري", 2e9),
    )
)

HALF = match_key("نصف")
FRACTIONS = _table((("نصف", 0.5), ("ربع", 0.25), ("ثلث", 1 / 3), ("ثلثي ثلثا", 2 / 3)))

AND_HALF = match_key("ونصف")
DECIMAL_POINT = match_key("فاصلة")

THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")  # "4.500", "3,165,507,215"
NUMBER_CLITICS = ("", "و", "ب", "ل", "وب", "ول")  # not ك: "كمية" is no "ك + مية"
# Letters written apart from digits: "بـ 258", "و60", "لـ35".
DIGIT_CLITICS = frozenset(("و", "ب", "ل", "ك", "ف", "وب", "ول", "ال", "لل", "وال"))


@dataclass(frozen=True)
class Number:
    """A number's tokens, its value (scale included) and how it is written."""

    first: int  # the number's own tokens
    last: int
    value: float
    form: str
    scale: float  # the scale word's value, 1 without one
    lead: int = -1  # a clitic letter written apart ("بـ 258"), else ``first``

    @property
    def start(self) -> int:
        """Where words before the number end: before its clitic letter, if any."""
        return self.first if self.lead < 0 else self.lead


def word_at(line: Line, index: int) -> str:
    """The key text of token ``index``, or "" past the end of the line."""
    return line.tokens[index].text if 0 <= index < len(line.tokens) else ""


def touching(a: Token, b: Token) -> bool:
    """Whether two tokens are written with no space between them."""
    return a.end == b.start


def read_number(line: Line, index: int) -> Number | None:
    """The number starting at token ``index`` (digits or words), None if none starts there."""
    token = line.tokens[index]
    if token.kind == "num":
        return _read_digits(line, index)
    if token.kind == "word":
        return _read_words(line, index)
    return None


def scale_at(line: Line, index: int) -> tuple[float, bool] | None:
    """The scale word at ``index`` and whether it is a plural (آلاف)."""
    if index >= len(line.tokens) or line.tokens[index].kind != "word":
        return None
    word = line.tokens[index].text
    if word in SCALES:
        return SCALES[word], False
    if word in PLURAL_SCALES:
        return PLURAL_SCALES[word], True
    return None


def _read_digits(line: Line, index: int) -> Number | None:
    tokens = line.tokens
    whole = tokens[index].text.replace(",", ".").partition(".")[0]
    raw, last = _digit_run(line, index)
    after = last + 1
    if after < len(tokens) and tokens[after].kind == "quote":
        after += 1  # '"26.7" مليون'
    scaled = scale_at(line, after)
    separators = sum(ch in ".," for ch in raw)
    if THOUSANDS.fullmatch(raw) and (separators > 1 or scaled is None):
        value = float(raw.replace(".", "").replace(",", ""))  # "4.500", "12.165.507.000"
    elif separators > 1:
        return None  # "12.5.2015": a date or a version, not an amount
    else:
        value = float(raw.replace(",", "."))  # "2,5" is 2.5
    if (
        index + 2 < len(tokens)
        and tokens[index + 1].text == "ر"
        and tokens[index + 2].kind == "num"
        and touching(tokens[index], tokens[index + 1])
        and touching(tokens[index + 1], tokens[index + 2])
    ):
        value = float(tokens[index + 2].text + "." + whole)  # "3ر0": 0.3 in wire copy
        last = after = index + 2
        after += 1
        scaled = scale_at(line, after)
    if not math.isfinite(value):
        return None  # 400 digits read as inf: no count, and not JSON in link evidence
    scale = 1.0
    if scaled is not None:
        scale, plural = scaled
        if plural and value >= 1000:
            scale = 1.0  # "7000 آلاف ريال": the scale word repeats what the digits say
        value *= scale
        last = after
        value, last = _compound(line, value, scale, last)
    lead = -1
    if index > 0:
        before = tokens[index - 1]
        if before.text in DIGIT_CLITICS and touching(before, tokens[index]):
            lead = index - 1
    return Number(index, last, value, DIGITS, scale, lead)


def _digit_run(line: Line, index: int) -> tuple[str, int]:
    """The digits from ``index`` with their separators ("12.165.507.000" is tokenised
    in pieces) and the index of the last piece."""
    tokens = line.tokens
    raw, last = tokens[index].text, index
    while (
        last + 2 < len(tokens)
        and tokens[last + 1].text in ".,"
        and tokens[last + 2].kind == "num"
        and touching(tokens[last], tokens[last + 1])
        and touching(tokens[last + 1], tokens[last + 2])
    ):
        raw += tokens[last + 1].text + tokens[last + 2].text
        last += 2
    return raw, last


def _compound(line: Line, value: float, scale: float, last: int) -> tuple[float, int]:
    """A scaled number and its smaller parts: "53 مليون و653 ألف", "32 ألفا و256",
    "14 ألفا ومائة", "مليون ونصف"."""
    tokens = line.tokens
    nxt = last + 1
    if word_at(line, nxt) == AND_HALF:
        return value + scale / 2, nxt
    if word_at(line, nxt) == "و" and word_at(line, nxt + 1).isdigit():
        if not touching(tokens[nxt], tokens[nxt + 1]):
            return value, last
        part = float(tokens[nxt + 1].text)
        smaller = scale_at(line, nxt + 2)
        if smaller is not None and smaller[0] < scale and part < 1000:
            return _compound(line, value + part * smaller[0], smaller[0], nxt + 2)
        if smaller is None and scale == 1e3 and part < 1000:
            return value + part, nxt + 1
        return value, last
    word = word_at(line, nxt)
    if scale == 1e3 and word.startswith("و"):
        small = word_value(word[1:])
        if small is not None and small[1] in ("unit", "ten", "hundred") and small[0] < 1000:
            return value + small[0], nxt
    return value, last


# Number words by role, in the order they are looked up.
_WORD_TABLES: tuple[tuple[dict[str, float], str], ...] = (
    (UNITS, "unit"),
    (TENS, "ten"),
    (HUNDREDS, "hundred"),
    (SCALES, "scale"),
    (PLURAL_SCALES, "plural_scale"),
    (DUAL_SCALES, "dual_scale"),
)


def word_value(word: str) -> tuple[float, str] | None:
    """The value of one number word and its role in a compound."""
    for table, role in _WORD_TABLES:
        if word in table:
            return table[word], role
    if word in ONE:
        return 1.0, "one"
    if word == HALF:
        return 0.5, "half"
    return None


@lru_cache(maxsize=1 << 16)  # asked at every word of every line (numbers.find_quantities)
def first_word(word: str) -> tuple[float, str] | None:
    """The value and role of a word that may start a number, maybe after a clitic."""
    for clitic in NUMBER_CLITICS:
        if word.startswith(clitic) and len(word) > len(clitic):
            found = word_value(word[len(clitic) :])
            if found is not None:
                return found
    return None


def _read_words(line: Line, index: int) -> Number | None:
    tokens = line.tokens
    start = first_word(tokens[index].text)
    if start is None or (index > 0 and tokens[index - 1].kind == "num"):
        return None  # "ال20 ألف": the scale word belongs to the digits before it
    if tokens[index].text in TEN and definite_stem(word_at(line, index - 1)) in UNITS:
        return None  # "للخمسة عشر عاما": the end of a definite compound
    value, role = start
    if role in ("one", "plural_scale"):
        return None  # "واحد" alone, bare "آلاف": no amount
    if role == "half":
        scaled = scale_at(line, index + 1)
        if scaled is None or scaled[1]:
            return None  # "نصف" alone is a fraction of something else
        return Number(index, index + 1, 0.5 * scaled[0], WORDS, scaled[0])
    total, current, scale, last = 0.0, 0.0, 1.0, index
    form = SINGULAR_NOUN if role == "scale" and value > 1e3 else WORDS
    if role in ("scale", "dual_scale"):
        total, scale = value, value / (2 if role == "dual_scale" else 1)
        form = DUAL if role == "dual_scale" else form
    else:
        current = value
    previous = role
    for nxt in range(index + 1, min(len(tokens), index + 8)):
        token = tokens[nxt]
        if token.kind != "word":
            break
        word = token.text
        waw = word.startswith("و") and word_value(word[1:]) is not None
        found = word_value(word[1:] if waw else word)
        if found is None:
            break
        part, kind = found
        if waw and kind in ("ten", "one", "unit") and previous in ("unit", "one"):
            current += part  # "خمسة وعشرون", "واحد وثلاثون"
        elif (
            waw
            and kind in ("unit", "ten", "hundred")
            and previous
            in (
                "scale",
                "plural_scale",
                "hundred",
            )
        ):
            current += part  # "ألف ومائتان", "ثلاثمئة وخمسون"
        elif waw and kind == "half" and previous in ("scale", "plural_scale"):
            total += scale / 2  # "مليون ونصف"
        elif not waw and word in TEN and previous in ("unit", "one") and current < 10:
            current += 10  # "ثلاثة عشر"
        elif not waw and kind == "hundred" and part == 100 and previous == "unit":
            current *= 100  # "ثلاث مئة"
        elif not waw and kind in ("scale", "plural_scale") and previous != "scale":
            total += max(current, 1.0) * part  # "ثلاثة آلاف", "اثنين وثلاثين ألف"
            current, scale = 0.0, part
        else:
            break
        previous = kind
        last = nxt
    value = total + current
    if word_at(line, last + 1) == DECIMAL_POINT:
        fraction = word_value(word_at(line, last + 2))
        if fraction is not None and fraction[1] == "unit" and scale == 1:
            value += fraction[0] / 10  # "ثلاثة فاصلة خمسة": 3.5
            last += 2
    return Number(index, last, value, form, scale)


def definite_stem(word: str) -> str:
    """A word without its conjunction and a definite article ("للخمسة" -> "خمسه")."""
    word = strip_conjunction(word)
    for article in ("بال", "وال", "لل", "ال"):
        if word.startswith(article):
            return word[len(article) :]
    return word
