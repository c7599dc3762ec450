"""Words that make or frame a statement: speech verbs and the small word classes.

Speech verbs and attribution markers come from ``lexicons/speech_verbs.txt``; the
file lists one base form per lemma and kind, and :func:`triggers` generates the
inflections (feminine, dual and plural endings, present-tense persons, participle
endings, possessive suffixes on verbal nouns). Every form also matches with a و/ف
prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from marsad.text.arabic import match_key
from marsad.text.tokens import bare, keys, read_lexicon, strip_conjunction

LONG_QUOTE = 3  # words; shorter quoted strings are names ("الكاظمي", "RT")
COMPLEMENTIZERS = keys(
    "أن إن أنه إنه أنها إنها أنهما إنهما أنهم إنهم أننا إننا بأن بأنه بأنها بأنهم وأن وإن بان"
)
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
TRAILING = keys("حسبما وفقما كما")  # "..., حسبما أفاد مراسل": the content came first
CONTINUING = keys("أضاف تابع استطرد أردف واصل")
# Words after a participle or an ambiguous verb that show a content follows.
CONTENT_MARKERS = keys("إلى الى على عن من")
KINDS = ("past", "present", "participle", "noun", "nominal", "impersonal")

_PAST_ENDINGS = (("ت", False), ("ا", True), ("وا", True), ("تا", True))
_PRESENT_ENDINGS = ("ون", "ان")
_PARTICIPLE_ENDINGS = ("ا", "ة", "ين", "ان", "ات", "ون")
_POSSESSIVES = ("ه", "ها", "هم", "هما")
_DERIVED = "أاتإ"  # first letters of derived verb forms (أفعل، تفعّل، افتعل، استفعل)


@dataclass(frozen=True)
class Trigger:
    lemma: str
    kind: str  # one of KINDS, or "relay": the source after "عن" in "نقلت الوكالة عن"
    plural: bool  # a dual or plural verb form
    takes_object: bool  # "نفى وقوع جرحى": the content may be an object, not a clause
    ambiguous: bool = False  # "بين", "طالب": a statement only with a content marker
    impersonal: bool = False  # "يذكر أن": may stand without a speaker


def inflections(kind: str, form: str, takes_object: bool = False) -> list[tuple[str, bool]]:
    """The forms (as written, before the match key) of one lexicon form, each with
    whether it is dual or plural; the form itself comes first."""
    # A listed form of a past verb is plural when it has a plural or dual ending.
    plural_form = kind == "past" and form.endswith(("وا", "يا", "تا"))
    found = [(form, plural_form)]
    if kind == "past" and form[-1] not in "ىايت":
        found += [(form + ending, plural) for ending, plural in _PAST_ENDINGS]
    if kind == "past" and takes_object and not plural_form and form[0] in _DERIVED:
        found += _with_object(form)
    elif kind == "present" and form.startswith("ي"):
        feminine = "ت" + form[1:]
        found.append((feminine, False))
        found += [("ل" + form, False), ("ل" + feminine, False)]  # "ليعلن عن تعليق الجلسة"
        if form[-1] not in "ويا":  # "يقولون" for "يقول"; defective verbs list their own
            found += [
                (stem + ending, True) for stem in (form, feminine) for ending in _PRESENT_ENDINGS
            ]
    elif kind == "participle":
        found += [(form + ending, ending not in ("ا", "ة")) for ending in _PARTICIPLE_ENDINGS]
    elif kind == "noun":
        found += [(form + ending, False) for ending in _POSSESSIVES]
        if form.endswith("ة"):  # "دعوته": the ta marbuta opens before a suffix
            found += [(form[:-1] + "ت" + ending, False) for ending in _POSSESSIVES]
    return found


def _with_object(form: str) -> list[tuple[str, bool]]:
    """A past verb with an object pronoun: "تبناه", "أبدته", "اتهمه". Only derived
    verbs (أفعل، تفعّل، افتعل...): a simple verb with a suffix is mostly its own
    verbal noun with a possessive ("رفضه", "نقله", "قدره")."""
    if form.endswith("ى"):  # "تبنى" -> "تبناه"; its feminine "تبنت" is listed on its own
        stems = [form[:-1] + "ا"]
    elif form.endswith("ت"):
        stems = [form]
    else:
        stems = [form, form + "ت"]
    return [(stem + suffix, False) for stem in stems for suffix in _POSSESSIVES]


def _entry(line: str) -> tuple[str, str, bool, bool, list[str]]:
    head, colon, forms = line.partition(":")
    parts = head.split()
    if not colon or len(parts) != 2 or parts[0] not in KINDS or not forms.split():
        raise ValueError(f"speech_verbs.txt: cannot read the line {line!r}")
    kind, lemma = parts
    flags = lemma[len(lemma.rstrip("*!")) :]
    return kind, lemma.rstrip("*!"), "*" in flags, "!" in flags, forms.split()


@cache
def triggers() -> dict[str, Trigger]:
    """Every key form of every lexicon entry. A form the lexicon lists beats one
    generated from another entry ("نقلا" is the attribution "نقلا عن", not the dual of
    "نقل"); otherwise the first entry to name a form wins, except that an impersonal
    entry marks the present form it shares ("يذكر")."""
    table: dict[str, Trigger] = {}
    impersonal: list[tuple[str, Trigger]] = []
    entries = [_entry(line) for line in read_lexicon("speech_verbs.txt")]
    # A lemma that takes an object does so in every form: "يتوقع المحللون بدء ...".
    with_object = {lemma for _, lemma, takes_object, _, _ in entries if takes_object}
    for listed_only in (True, False):
        for kind, lemma, _, ambiguous, forms in entries:
            for form in forms:
                generated = inflections(kind, form, lemma in with_object)
                for written, plural in generated[:1] if listed_only else generated[1:]:
                    trigger = Trigger(
                        lemma, kind, plural, lemma in with_object, ambiguous, kind == "impersonal"
                    )
                    if kind == "impersonal":
                        impersonal.append((match_key(written), trigger))
                    else:
                        table.setdefault(match_key(written), trigger)
    for form_key, trigger in impersonal:
        known = table.get(form_key)
        table[form_key] = replace(known, impersonal=True) if known else trigger
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
