"""Words that make or frame a statement: speech verbs and the small word classes.

Speech verbs come from ``lexicons/speech_verbs.txt`` with their inflections: و/ف,
feminine, dual and plural endings, present tense and participles ("مضيفا").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from marsad.plugins.arabic import match_key
from marsad.plugins.tokens import bare, keys, read_lexicon, strip_conjunction

LONG_QUOTE = 3  # words; shorter quoted strings are names ("الكاظمي", "RT")
COMPLEMENTIZERS = keys("أن إن أنه إنه أنها إنها أنهما إنهما أنهم إنهم بأن بأنه بأنها وأن وإن")
PREPOSITIONS = keys(
    "في على عبر خلال إلى الى من عن مع ل ب عقب بعد قبل منذ حول أمام لدى داخل خارج قرب "
    "ضد نحو بين عند لـ"
)
PARTICLES = keys(
    "و ف ثم قد لقد وقد فقد كما فيما بينما حيث لكن ولكن وكان وكانت كان كانت حسبما بعدما "
    "وهو وهي ما لا لم لن إذ إذا أيضا"
)
TIME_WORDS = keys(
    "الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد مساء صباح ليلة اليوم "
    "أمس الماضي الماضية الجاري"
)
NEGATORS = keys("دون بدون عدم لم لا لن")
TRAILING = keys("حسبما وفقما")
CONTINUING = keys("أضاف تابع")


@dataclass(frozen=True)
class Trigger:
    lemma: str
    kind: str  # "past", "present", "participle" or "nominal"
    plural: bool  # a dual or plural verb form
    takes_object: bool


@cache
def triggers() -> dict[str, Trigger]:
    table: dict[str, Trigger] = {}
    for line in read_lexicon("speech_verbs.txt"):
        head, _, forms = line.partition(":")
        kind, lemma = head.split()
        takes_object = lemma.endswith("*")
        lemma = lemma.rstrip("*")
        for form in forms.split():
            form_key = match_key(form)
            table.setdefault(form_key, Trigger(lemma, kind, False, takes_object))
            if kind == "past" and form_key[-1] not in "يت":
                table.setdefault(form_key + "ت", Trigger(lemma, kind, False, takes_object))
                for ending in ("ا", "وا", "تا"):
                    table.setdefault(form_key + ending, Trigger(lemma, kind, True, takes_object))
    return table


def trigger_of(word: str) -> tuple[Trigger, bool] | None:
    """The trigger a key word is, and whether it carries a و/ف prefix."""
    table = triggers()
    if word in table:
        return table[word], False
    stripped = strip_conjunction(word)
    if stripped != word and stripped in table:
        return table[stripped], True
    return None


def stops_phrase(word: str) -> bool:
    return (
        word in PREPOSITIONS
        or word in COMPLEMENTIZERS
        or word in PARTICLES
        or word in TIME_WORDS
        or trigger_of(word) is not None
    )


@cache
def bare_set(words: frozenset[str]) -> frozenset[str]:
    return frozenset(bare(word) for word in words)
