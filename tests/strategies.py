"""Hypothesis strategies for text that Arabic news (and those who attack it) may hold.

Every piece of what the built-in stages read is here: Arabic letters with harakat and
tatweel, Western, Eastern and Persian digits, quote marks of every kind, brackets,
punctuation alone, control characters and NUL, bidi marks, odd spaces, very long
words, the empty string; and words the extractors look for (speech verbs, counted
nouns, number words, qualifiers, negators), so generated text reaches their rules
rather than stopping at the first lookup. Dates go to the calendar's ends.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئىةٱکیے"
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670"
TATWEEL = "\u0640"
WESTERN_DIGITS = "0123456789"
EASTERN_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
QUOTES = "«»\"“”„‟'‘’‚‹›`″"
BRACKETS = "()[]{}<>﴾﴿"
PUNCTUATION = ".,;:!?،؛؟…-–—_/\\%٪٫٬*#@&+="
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1d\x1e\x1f\x7f\x85"
BIDI = (
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u200b\u200c\u200d\ufeff\u00ad"
)
SPACES = " \t\n\r\u00a0\u2009\u202f\u3000\u2028"
LATIN = "abcXYZßİﬁé"
# Characters Unicode normalization changes in length: composition exclusions that NFC
# splits (क़, יִ, ⫝̸), Hangul jamo it joins, a combining mark alone.
NORMALIZATION = "\u0958\ufb1d\u2adc\u0344\u1100\u1161\u11a8\u0301\u0654e"

# Words the statement, quantity and mention rules look for, as outlets write them.
_NEWS_WORDS = (
    "قال وقال وأكد أكدت أعلن وأضاف مضيفا مشيرة بحسب وفق نقلا عن صرح "
    "إن أن أنه بأن المتحدث باسم الجيش الرئيس الأمريكي الأميركي وزير الخارجية "
    "مصادر مسؤول شهود البيان بيان تغريدة مراسل وكالة الأنباء "
    "صاروخ صواريخ صاروخين صاروخا واحدا قتيل قتلى جرحى إصابات مصابين شخصين "
    "إصابة متعاقد ثلاثة أربعة خمسة عشرة مئة ألف اثنين "
    "على الأقل أكثر من أقل من نحو حوالي قرابة ما لا يقل عن تقريبا "
    "لا لم لن دون بدون عدم نفى وقوع سقوط "
    "قاعدة بلد الجوية مطار أربيل بغداد العراق المنطقة الخضراء داعش بايدن الكاظمي "
    "يرتفع يتراجع عام ساعة يناير 2021/02/24 ٢٤ فبراير"
)
NEWS_WORDS = _NEWS_WORDS.split()

_pieces = st.one_of(
    st.text(alphabet=LETTERS + HARAKAT + TATWEEL, min_size=1, max_size=12),
    st.sampled_from(NEWS_WORDS),
    st.text(alphabet=WESTERN_DIGITS + EASTERN_DIGITS + PERSIAN_DIGITS + ".,٫٬", max_size=8),
    st.integers(min_value=300, max_value=400).map(lambda n: "9" * n),  # past float's range
    st.sampled_from(QUOTES),
    st.sampled_from(BRACKETS),
    st.text(alphabet=PUNCTUATION, min_size=1, max_size=4),
    st.sampled_from(CONTROLS),
    st.sampled_from(BIDI),
    st.text(alphabet=SPACES, min_size=1, max_size=3),
    st.text(alphabet=LATIN, min_size=1, max_size=6),
    st.text(alphabet=NORMALIZATION + LETTERS, min_size=1, max_size=6),
)
_separator = st.sampled_from([" ", " ", " ", "", "\n", "، ", ". "])


@st.composite
def _joined(draw: st.DrawFn, max_pieces: int) -> str:
    pieces = draw(st.lists(_pieces, max_size=max_pieces))
    separators = draw(st.lists(_separator, min_size=len(pieces), max_size=len(pieces)))
    return "".join(piece + sep for piece, sep in zip(pieces, separators, strict=True))


long_words = st.text(alphabet=LETTERS + HARAKAT + TATWEEL, min_size=300, max_size=3000)
punctuation_only = st.text(alphabet=PUNCTUATION + QUOTES + BRACKETS + SPACES, max_size=60)
controls_only = st.text(alphabet=CONTROLS + BIDI + SPACES, max_size=30)

# Short Arabic-like text: a headline, a claim, a sentence.
arabic_text = st.one_of(
    st.just(""),
    _joined(30),
    punctuation_only,
    controls_only,
    long_words,
    st.text(max_size=40),  # any code point at all
)
# Article-like text: several lines of the above.
article_text = st.one_of(
    arabic_text,
    st.lists(_joined(25), max_size=6).map("\n".join),
)

# Times as the database hands them back (UTC), up to the calendar's ends.
extreme_datetimes = st.one_of(
    st.sampled_from(
        [
            datetime.max.replace(tzinfo=UTC),
            datetime.min.replace(tzinfo=UTC),
            datetime(9999, 12, 31, tzinfo=UTC),
            datetime(1, 1, 1, tzinfo=UTC),
            datetime(1970, 1, 1, tzinfo=UTC),
        ]
    ),
    st.datetimes(timezones=st.just(UTC)),
)
