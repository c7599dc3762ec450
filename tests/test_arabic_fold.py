"""fold and sentences against the plain character loops they replaced.

fold builds its key with str.translate and casefold and finds offsets only where the
key and the text are not one to one; sentences jumps from one mark to the next. Both
must give exactly what the loops below gave, on any text.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import article_text

from marsad.text import arabic
from marsad.text.arabic import (
    DIACRITICS,
    INVISIBLE,
    SPACES,
    TATWEEL,
    Sentence,
    fold,
    match_key,
    sentences,
)


def reference_fold(text: str) -> tuple[str, list[int]]:
    """fold as one loop over the characters (the implementation before the fast one)."""
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
        folded = arabic._KEY_MAP.get(ch, ch).casefold()
        out.extend(folded)  # casefold() can give two characters (ß -> ss)
        offsets.extend([index] * len(folded))
    offsets.append(len(text))
    return arabic._spelling_variants("".join(out), offsets)


def reference_sentences(text: str) -> list[Sentence]:
    """sentences stepping through every character (the implementation before)."""
    found: list[Sentence] = []
    begin = 0
    quoted = False
    index = 0
    length = len(text)
    while index < length:
        ch = text[index]
        if ch == "\n":
            arabic._append_sentence(found, text, begin, index)
            begin, quoted = index + 1, False
        elif ch in arabic._OPENERS:
            quoted = True
        elif ch in arabic._TOGGLES:
            quoted = not quoted
        elif ch in "»":
            quoted = False
        elif not quoted and ch in arabic._ENDERS and not arabic._inside_token(text, index):
            end = index + 1
            while end < length and text[end] in arabic._CLOSERS:
                end += 1
            arabic._append_sentence(found, text, begin, end)
            begin = index = end
            continue
        elif (
            not quoted
            and ch == ":"
            and text[index + 1 : index + 3].lstrip()[:1] in arabic._QUOTE_START
        ):
            arabic._append_sentence(found, text, begin, index + 1)
            begin = index + 1
        index += 1
    arabic._append_sentence(found, text, begin, length)
    return found


# Every kind of character fold treats apart: letters, each alef and hamza form,
# harakat and Quranic marks, tatweel, presentation forms (kept as they are), digits
# of three scripts, punctuation and quotes (sentence marks among them), whitespace of
# every kind, invisible controls, characters that casefold to two (ß, ﬀ, İ), and the
# letters of a spelling variant.
FOLD_ALPHABET = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    "ءأإآؤئىةٱٲٳکیے"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u065f\u0670"
    "\u06d6\u06e1\u06ed\u0640"
    "\ufe8d\ufe8e\ufef7\ufefb\ufdf2\ufb50"
    "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
    "\"“”«»'‘’`،؛؟.,:!?…-–—()٪٫٬"
    " \n\r\t\u00a0\u2009\u202f\u3000\u2028\x0b\x1c\x85"
    "\u200b\u200c\u200e\u200f\u202b\u2066\ufeff\u00ad"
    "aXßﬀİΣ"
)
fold_text = st.one_of(
    st.text(alphabet=FOLD_ALPHABET, max_size=60),
    st.lists(st.sampled_from(["امير", "اميرك", "الأميركية", "ك", " ", "\u064e"]), max_size=8).map(
        "".join
    ),
    article_text,
)


@settings(max_examples=3000)
@given(fold_text)
@example("")
@example(" ")
@example("\u064e")
@example(" \u064e ا")
@example("ا \u064eب")
@example("ا\u064e \u0640\n ب ")
@example("ßﬀİ ا ß")
@example("الأميركية")
@example("ا\U0001f600 \U0001d400\u0640ß")  # past the Basic Multilingual Plane
def test_fold_equals_reference(text: str) -> None:
    key, offsets = fold(text)
    assert (key, offsets) == reference_fold(text)
    assert key == match_key(text)
    assert len(offsets) == len(key) + 1


@settings(max_examples=3000)
@given(fold_text)
@example("قال: «نعم». ثم\nسطر د. علي 3.5 ؟”")
@example('"أ.ب" قال: "لا"… و')
def test_sentences_equal_reference(text: str) -> None:
    assert sentences(text) == reference_sentences(text)
