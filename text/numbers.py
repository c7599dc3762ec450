"""Newsworthy numbers in a line: a value, what it counts or measures, and how sure.

The value is read by :mod:`marsad.text.numberwords` (digits, number words, scales);
also a dual noun ("صاروخين" = 2), a singular noun reporting one casualty ("إصابة
شخص") or a fraction of a plural ("ثلثي الأجهزة") is a number. What follows says what it
is: a percentage ("%", "في المئة"), money (a currency), a measure (a unit, a duration)
or a count of a noun, read from lexicons of inflected forms (lexicons/counted_nouns.txt,
currencies.txt, measures.txt, durations.txt) or, when the noun is unknown, from the
word itself. A number with no noun takes it from its neighbour ("بين 20 و25 شخصا",
"قتل 3 وأصيب 4 آخرون", "منهم") or from a count named before it ("ارتفع عدد المسافرين
... ليصل إلى 1.85 مليون"); a definite number word after a definite plural of people
counts them ("المواطنين الأربعة"). Qualifiers come from the words around it ("أكثر من",
"على الأقل", "تصل إلى"), ranges give two bounds, "وليس 100" is a denied figure and "لم
تسجل أي مخالفات" a count of none. Dates, years, times of day, rates ("كل 3 أشهر"),
numbers of things (a resolution, a phone), ordinals and ages of single persons are no
quantities; nor are bare "آلاف" or "عشرات".

Casualty counts carry their event as the unit ("مقتل 3 أشخاص" -> قتيل, "أصيب 4" ->
مصاب, also arrested, missing, displaced, recovered), so "4 injured" and "5 injured"
compare and "4 injured" and "4 killed" do not. Casualty events without a number ("من
دون وقوع إصابات") have no value. Every rule looks a few tokens around a number, so the
work grows with the line's length, never its square.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache

from marsad.core import Qualifier
from marsad.text.arabic import DIACRITICS, TATWEEL, match_key
from marsad.text.numberwords import (
    AND_HALF,
    DIGITS,
    DUAL,
    FRACTIONS,
    ONE,
    SINGULAR_NOUN,
    TEN,
    TENS,
    UNITS,
    WORDS,
    Number,
    definite_stem,
    first_word,
    read_number,
    touching,
    word_at,
    word_value,
)
from marsad.text.tokens import Line, bare, keys, read_lexicon, strip_conjunction

INJURED = "مصاب"
KILLED = "قتيل"
ARRESTED = "موقوف"
MISSING = "مفقود"
RECOVERED = "متعافى"
DISPLACED = "مشرد"
PERCENT = "%"

# Kinds of quantity and forms of the number, as in the dev gold's guidelines.
COUNT, MONEY, PERCENTAGE, MEASURE, FRACTION = (
    "count",
    "money",
    "percentage",
    "measure",
    "fraction",
)


FRACTION_PLURALS = keys("أثلاث أرباع أخماس أسداس أعشار")
NAMES_LIKE_DUALS = keys("طالبان ميلان")  # a movement and a club, not students or miles
NUMBER_OF = match_key("عدد")

PERCENT_WORDS = keys("بالمئة بالمائة بالمية")
HUNDRED_AFTER_FI = keys("المئة المائة المية")
OTHERS = keys("آخر آخرين آخرون أخرى أخريات")  # "و4 آخرون": the noun is elided
OF_THEM = keys("منهم منها منهن")
INCLUDING = keys("بينهم بينها بينهن منهم منها")
RANGE_OPENERS = keys("بين وبين مابين")
UP_TO = keys("إلى الى حتى وحتى")
CONNECTORS = keys("و إلى الى حتى وحتى أو مقابل")
# Words a number after them is the name or number of one thing, not an amount.
NAME_NUMBER = keys(
    "رقم الرقم برقم المادة مادة المواد البند الفقرة الفصل القرار قرار الرحلة رحلة الصفحة صفحة "
    "الطريق الجولة المركز المرتبة الموديل الطراز الإصدار النسخة الساعة إصدار العدد عيار "
    "الرمز رمز الكود كود"
)
PAGE_FURNITURE = {tuple(match_key(w) for w in p.split()) for p in ("رابط الخبر", "اقرأ أيضا")}
EVERY = keys("كل لكل بكل")
YEAR_WORDS = keys("عام العام لعام سنة السنة عامي العامين موسم الموسم")
TIME_OF_DAY = keys("صباحا مساء مساءا ظهرا عصرا فجرا ليلا ص م")
MONTHS = keys(
    "يناير فبراير مارس أبريل ابريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر "
    "نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين محرم صفر ربيع "
    "جمادى رجب شعبان رمضان شوال ذو ذي السبت الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة"
)
YEARS_START = keys("عام سنة سنو أعو")  # first letters of year words, for ages
AGE_NOUNS = keys("عمر العمر عمره عمرها بعمر سن السن")
# Before a duration, these say an age: "يبلغ 30 عاما" (before a count: "يبلغ عددهم").
AGE_WORDS = AGE_NOUNS | keys("يبلغ تبلغ يبلغان تبلغان البالغ البالغة")
OF_AGE = (match_key("من"), match_key("العمر"))
# A time unit after these places an event in time, or frames another count.
TIME_ANCHORS = keys("قبل بعد خلال طيلة طوال مدار غضون آخر الأخيرة الماضية الماضي في")
FOR_A_TIME = keys("منذ لمدة مدة دام استمر يستمر تستمر استمرت قضاها")
ADVERBS = keys("سنويا يوميا شهريا أسبوعيا فقط تقريبا أحيانا حاليا أيضا")
# Function words that never are the counted noun.
STOPWORDS = keys(
    "في من إلى الى على عن مع حتى بين منذ خلال قبل بعد عند لدى أو أم ثم بل لكن إن أن "
    "كما مما ما لا لم لن قد هذا هذه ذلك تلك التي الذي الذين هو هي هم أي كل بعض حيث "
    "وفق وفقا بحسب حسب نحو عبر ضد دون بدون تحت فوق أمام وراء لدى منه منها منهم فيها "
    "فيه عليه عليها وهو وهي وهم وكان كان كانت يوم أمس اليوم غدا داخل خارج شمال جنوب "
    "شرق غرب شمالي جنوبي شرقي غربي وسط أصل عيار مقارنة فضلا"
)
NEGATORS = keys("دون بدون عدم لا لم لن ليس نفى نفت ينفي تنفي نفي")
DENIAL = keys("ليس وليس لا ولا")
ANY = keys("أي أية أيه")
WITHOUT = match_key("دون")
CALIBRE = match_key("عيار")
DEMONSTRATIVES = keys("هذه تلك هؤلاء أولئك")
EVENT_VERBS = keys("وقوع سقوط")
CHANGE_VERBS = keys(
    "ارتفع ارتفعت ارتفاع انخفض انخفضت انخفاض تراجع تراجعت تراجعا زاد زادت زيادة "
    "خفض خفضت خفض تقليص رفع رفعت نقص نقصت هبط هبطت صعد صعدت قفز قفزت"
)
RANGE_VERBS = keys("تتراوح يتراوح تراوح تراوحت راوح راوحت")
ESTIMATE_VERBS = keys("يقدر تقدر قدر قدرت يقدرون تقدير المقدر المقدرة")
REACHES = keys("يصل تصل يصلان تصلان")  # present tense "up to"; past "وصل إلى" is exact
REACHED = keys("بلغ بلغت يبلغ تبلغ ليبلغ لتبلغ وصل وصلت")  # bare: without و ف
STARTS = keys("يبدأ تبدأ تبدا يبدا")  # "تبدأ تكلفته من مليون دولار": at least
INJURY = keys("إصابة")
# Words that make a count of people a casualty count, before or right after it.
CASUALTY_BEFORE = {
    **dict.fromkeys(
        keys(
            # Not executions: "أعدمت 694 شخصا" counts people executed, not killed.
            "قتل قتلت مقتل استشهد استشهدت استشهاد مصرع وفاة توفي توفيت أودى يقتل تقتل"
        ),
        KILLED,
    ),
    **dict.fromkeys(keys("إصابة أصيب أصيبت جرح جرحت إصابات يصاب"), INJURED),
    **dict.fromkeys(
        keys("اعتقال اعتقل اعتقلت توقيف أوقف أوقفت القبض احتجاز أسر أسروا أسرت"), ARRESTED
    ),
    **dict.fromkeys(keys("فقدان فقد فقدت"), MISSING),
    **dict.fromkeys(keys("شفي شفيت تعافى تماثل"), RECOVERED),
    **dict.fromkeys(keys("تشريد شرد شردت تهجير هجر نزوح نزح"), DISPLACED),
}
CASUALTY_AFTER = {
    **dict.fromkeys(keys("قتلوا لقوا استشهدوا توفوا قضوا ماتوا"), KILLED),
    **dict.fromkeys(keys("أصيبوا جرحوا"), INJURED),
    **dict.fromkeys(keys("اعتقلوا أوقفوا"), ARRESTED),
    **dict.fromkeys(keys("فقدوا"), MISSING),
}
# Casualty nouns reported without a number: the event happened, or did not.
CASUALTY_EVENTS = {
    **dict.fromkeys(keys("إصابات الإصابات جرحى الجرحى مصابين إصابة"), INJURED),
    **dict.fromkeys(keys("قتلى القتلى ضحايا الضحايا"), KILLED),
}

BEFORE_QUALIFIERS: list[tuple[tuple[str, ...], Qualifier]] = [
    (tuple(match_key(w) for w in phrase.split()), qualifier)
    for phrase, qualifier in (
        ("ما لا يقل عن", Qualifier.AT_LEAST),
        ("لا يقل عن", Qualifier.AT_LEAST),
        ("لا تقل عن", Qualifier.AT_LEAST),
        ("لا يتجاوز", Qualifier.AT_MOST),
        ("لا تتجاوز", Qualifier.AT_MOST),
        ("لا يزيد عن", Qualifier.AT_MOST),
        ("لا يزيد على", Qualifier.AT_MOST),
        ("لا تزيد عن", Qualifier.AT_MOST),
        ("لا تزيد على", Qualifier.AT_MOST),
        ("ما يزيد عن", Qualifier.MORE_THAN),
        ("ما يزيد على", Qualifier.MORE_THAN),
        ("يزيد عن", Qualifier.MORE_THAN),
        # "*": any one word between, "ويزيد عددهم على 7 آلاف", "تقل أعمارها عن سنتين".
        ("يزيد * على", Qualifier.MORE_THAN),
        ("يزيد * عن", Qualifier.MORE_THAN),
        ("تزيد * على", Qualifier.MORE_THAN),
        ("تزيد * عن", Qualifier.MORE_THAN),
        ("يقل * عن", Qualifier.LESS_THAN),
        ("تقل * عن", Qualifier.LESS_THAN),
        ("يزيد على", Qualifier.MORE_THAN),
        ("يتجاوز", Qualifier.MORE_THAN),
        ("تتجاوز", Qualifier.MORE_THAN),
        ("يفوق", Qualifier.MORE_THAN),
        ("تفوق", Qualifier.MORE_THAN),
        ("أكثر من", Qualifier.MORE_THAN),
        ("أقل من", Qualifier.LESS_THAN),
        ("تقل عن", Qualifier.LESS_THAN),
        ("يقل عن", Qualifier.LESS_THAN),
        ("تحت", Qualifier.LESS_THAN),
        ("دون", Qualifier.LESS_THAN),  # "دون 50 دولارا"; "من دون" is "without"
        ("فوق", Qualifier.MORE_THAN),
        ("ما يقارب", Qualifier.ABOUT),
        ("يقارب", Qualifier.ABOUT),
        ("ما يقرب من", Qualifier.ABOUT),
        ("يقرب من", Qualifier.ABOUT),
        ("ما يناهز", Qualifier.ABOUT),
        ("يناهز", Qualifier.ABOUT),
        ("تناهز", Qualifier.ABOUT),
        ("ناهز", Qualifier.ABOUT),
        ("في حدود", Qualifier.ABOUT),
        ("قريب من", Qualifier.ABOUT),
        ("القريب من", Qualifier.ABOUT),
        ("نحو", Qualifier.ABOUT),
        ("قرب", Qualifier.ABOUT),
        ("حوالي", Qualifier.ABOUT),
        ("حوالى", Qualifier.ABOUT),
        ("قرابة", Qualifier.ABOUT),
        ("زهاء", Qualifier.ABOUT),
    )
]
# A level named between: "دون مستوى 15 دولارا", "فوق حاجز 9 آلاف نقطة".
BEFORE_QUALIFIERS += [
    ((match_key(side), match_key(level)), qualifier)
    for side, qualifier in (
        ("دون", Qualifier.LESS_THAN),
        ("تحت", Qualifier.LESS_THAN),
        ("فوق", Qualifier.MORE_THAN),
    )
    for level in ("مستوى", "حاجز", "عتبة")
]
# "لا" is often written joined to its verb: "لايقل عن 17", "لايزيد عن 26".
BEFORE_QUALIFIERS += [
    ((phrase[0] + phrase[1], *phrase[2:]), qualifier)
    for phrase, qualifier in list(BEFORE_QUALIFIERS)
    if len(phrase) > 1 and phrase[0] == match_key("لا")
]
QUALIFIER_BEFORE = dict(BEFORE_QUALIFIERS)
LONGEST_BEFORE = max(len(phrase) for phrase in QUALIFIER_BEFORE)
AFTER_QUALIFIERS: list[tuple[tuple[str, ...], Qualifier]] = [
    (tuple(match_key(w) for w in phrase.split()), qualifier)
    for phrase, qualifier in (
        ("على الأقل", Qualifier.AT_LEAST),
        ("على أقل تقدير", Qualifier.AT_LEAST),
        ("على الأكثر", Qualifier.AT_MOST),
        ("تقريبا", Qualifier.ABOUT),
    )
]
# Clitics a word may carry before a qualifier or a number: "لأكثر", "بنحو", "وقرابة".
CLITICS = ("", "و", "ب", "ل", "ك", "ف", "وب", "ول", "فب")


@dataclass(frozen=True)
class Noun:
    lemma: str
    person: bool
    number: str  # "singular", "dual" or "plural": the form read
    kind: str  # count, money, measure or "duration" (a measure of time)
    listed: bool = True  # False: an unknown word read as the noun

    @property
    def dual(self) -> bool:
        return self.number == "dual"


@dataclass(frozen=True)
class QuantityMatch:
    first: int  # token indexes in the line, inclusive
    last: int
    value: float | None  # None: an event without a count ("عدد من الإصابات")
    unit: str
    qualifier: Qualifier | None
    negated: bool = False
    kind: str = COUNT  # count, money, percentage, measure or fraction
    form: str = DIGITS  # digits, words, dual or singular_noun


@dataclass(frozen=True)
class _Draft:
    """A number and what it counts, before neighbours fill in an elided noun."""

    number: Number
    noun: Noun | None  # None: elided, taken from a neighbour or a casualty verb
    last: int  # last token of number and noun
    unit: str
    kind: str
    event: str | None  # the casualty event around it, if any


LEXICONS = (
    ("counted_nouns.txt", COUNT),
    ("currencies.txt", MONEY),
    ("measures.txt", MEASURE),
    ("durations.txt", "duration"),
)


@cache
def nouns() -> dict[str, Noun]:
    """Match key of every form of every lexicon noun -> its lemma and what it is."""
    listed: dict[str, Noun] = {}
    derived: dict[str, Noun] = {}
    for name, kind in LEXICONS:
        for line in read_lexicon(name):
            head, _, rest = line.partition(":")
            person = head.endswith("@")
            lemma = head.rstrip("@").strip()
            lemma_key = match_key(lemma)
            plurals = [match_key(w) for w in rest.split()]
            for form in (lemma_key, lemma_key + "ا"):
                listed.setdefault(form, Noun(lemma, person, "singular", kind))
            for form in plurals:
                number = "dual" if form.endswith(("تين", "تان")) else "plural"
                listed.setdefault(form, Noun(lemma, person, number, kind))
                listed.setdefault(form + "ا", Noun(lemma, person, "plural", kind))
            for form, number in _derived_forms(lemma_key, plurals):
                derived.setdefault(form, Noun(lemma, person, number, kind))
    return {**derived, **listed}  # a listed form wins over a derived one


@cache
def _written_plurals() -> dict[str, str]:
    """Lemma -> its first listed plural as the lexicon writes it (no duals)."""
    found: dict[str, str] = {}
    for name, _ in LEXICONS:
        for line in read_lexicon(name):
            head, _, rest = line.partition(":")
            forms = [w for w in rest.split() if not w.endswith(("تين", "تان"))]
            if forms:
                found.setdefault(head.rstrip("@").strip(), forms[0])
    return found


def plural(lemma: str) -> str:
    """The plural of a counted noun, for a label ("صاروخ" -> "صواريخ"): the lexicon's
    first listed plural, else the sound feminine plural of a noun in ة, else the lemma."""
    listed = _written_plurals().get(lemma)
    if listed:
        return listed
    return lemma[:-1] + "ات" if lemma.endswith("ة") else lemma


def _derived_forms(lemma: str, plurals: list[str]) -> list[tuple[str, str]]:
    if lemma.endswith("ه"):
        stem = lemma[:-1] + "ت"
        return [(stem + "ين", "dual"), (stem + "ان", "dual"), (lemma[:-1] + "ات", "plural")]
    # A sound masculine plural (مدنيين) looks like a dual (مدنيين): a listed one wins.
    # Its construct form (مسلحي) is only read for nouns listed with a sound plural:
    # "صاروخي" is an adjective far more often than "the two missiles of".
    sound = lemma + "ين" in plurals or lemma + "ون" in plurals
    forms = [
        (lemma + "ين", "plural" if sound else "dual"),
        (lemma + "ان", "dual"),
        (lemma + "ون", "plural"),
        (lemma + "ات", "plural"),
    ]
    return [*forms, (lemma + "ي", "plural")] if sound else forms


@lru_cache(maxsize=1 << 16)  # asked several times per word of every line; nouns() is fixed
def _lookup(word: str) -> Noun | None:
    """The lexicon noun of a word, with or without its clitics (و ف ب ل ك ال)."""
    table = nouns()
    candidates = [word, bare(word), definite_stem(word)]  # bare keeps ال of "للقتلى"
    if word[:1] in "وفبلك" and len(word) > 3:
        candidates.append(word[1:])
    for candidate in candidates:
        if candidate in table:
            return table[candidate]
    return None


def _without_pronoun(word: str) -> str:
    for suffix in ("هما", "هم", "هن", "ها", "كم", "نا", "ه"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _fallback_lemma(word: str) -> str:
    """An unknown noun without its clitics and endings: "مجموعات" -> "مجموعة"."""
    word = bare(word)
    if word.endswith("ات") and len(word) >= 5:
        return word[:-2] + "ة"  # most such plurals are of nouns in ة: "مجموعات"
    for ending in ("ين", "ون", "ا"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _accusative_root_initial(word: str) -> bool:
    """An unknown noun whose first letter و or ف is its own, told by the accusative
    ending of a counted noun after 11-99: "(655) فحصاً", "12 وفداً" (not "وأصيب")."""
    return (
        word[:1] in ("و", "ف")
        and len(word) >= 4
        and word.endswith("ا")
        and not word.endswith("وا")
        and word[1:] not in ADVERBS
        and word[1:] not in STOPWORDS
        and _lookup(word) is None
    )


def _looks_like_noun(word: str) -> bool:
    """Whether an unknown word after a number can be what it counts."""
    if word in STOPWORDS or word in ADVERBS or word in OTHERS or len(word) < 3:
        return False
    root_letter = _accusative_root_initial(word)
    if word[0] in "وف" and len(word) > 3 and _lookup(word) is None and not root_letter:
        return False  # "و" starts the next clause: "قتل 7 وأصيب 5"
    stem = word[1:] if word[0] in "وف" and not root_letter else word
    if stem.endswith("وا") or (stem[0] == "ي" and len(stem) >= 4):
        return False  # a verb: "قتلوا", "يعيشون"
    if stem[0] == "ت" and len(stem) == 4:
        return False  # a verb: "تؤكد", "تشير" (nouns in ت are longer: "تفجير")
    if word[0] in "بلك" and _lookup(word[1:]) is not None:
        return False  # a preposition and a known noun: "23 بقرار دولي"
    return not (stem[0] == "ت" and stem.endswith("ن") and not stem.endswith(("ين", "ان")))


def find_quantities(line: Line) -> list[QuantityMatch]:
    """Every newsworthy number of the line, in order; overlapping readings are not repeated."""
    if tuple(line.words(0, 2)) in PAGE_FURNITURE:
        return []  # "رابط الخبر بصحيفة ...: مقتل 13 ...": the title again, in a footer
    drafts: list[_Draft] = []
    used = -1
    for index, token in enumerate(line.tokens):
        if index <= used or (token.kind != "num" and not _may_count(token.text)):
            continue
        draft = _draft_at(line, index)
        if draft is not None:
            drafts.append(draft)
            used = draft.last
    drafts = _fill_elided(line, drafts)
    found = _qualify(line, drafts)
    found.extend(_zero_counts(line, found))
    taken = {i for match in found for i in range(match.first, match.last + 1)}
    for index, token in enumerate(line.tokens):
        # A casualty event needs a casualty word: the test is _casualty_event's first.
        if index not in taken and token.text in CASUALTY_EVENTS:
            event = _casualty_event(line, index)
            if event is not None:
                found.append(event)
                taken.update(range(event.first, event.last + 1))
    return sorted(found, key=lambda match: match.first)


# What the number counts


def _percent_at(line: Line, index: int) -> int | None:
    """The last token of a percent sign or phrase starting at ``index``."""
    tokens = line.tokens
    if index >= len(tokens):
        return None
    if tokens[index].text == "%":
        return index
    if tokens[index].text in PERCENT_WORDS:
        return index
    if (
        tokens[index].text == "في"
        and index + 1 < len(tokens)
        and tokens[index + 1].text in HUNDRED_AFTER_FI
    ):
        return index + 1
    return None


def _noun_after(line: Line, index: int) -> tuple[Noun | None, str, str, int] | None:
    """What the number ending before ``index`` counts: noun, unit, kind, last token.

    None when nothing there can be counted (the noun is elided).
    """
    tokens = line.tokens
    for _ in range(2):  # '"1600" حافلة', "(12.165.507.000) ريال"
        if index < len(tokens) and (tokens[index].kind == "quote" or tokens[index].text == ")"):
            index += 1
    percent = _percent_at(line, index)
    if percent is not None:
        return None, PERCENT, PERCENTAGE, percent
    if index >= len(tokens) or tokens[index].kind != "word":
        return None
    word = tokens[index].text
    if _is_age_after(line, index - 1):
        return None  # an age: "48 من العمر"
    if word == "من" and word_at(line, index + 1) in DEMONSTRATIVES:
        index += 1  # "ضبط 24 من تلك العناصر": the plural after the demonstrative
    if word == "من" and index + 1 < len(tokens) and tokens[index + 1].kind == "word":
        # "سبعة من مسؤوليها", "1300 من المهاجرين": the noun after "من".
        following = _without_pronoun(tokens[index + 1].text)
        noun = _lookup(following)
        if noun is not None and noun.kind == "duration":
            return None  # a date: "17 من الشهر الحالي"
        if noun is not None and noun.kind == COUNT and noun.number == "plural":
            return noun, noun.lemma, COUNT, index + 1  # not "وثلاثة من سوريا"
        if bare(following) != following and _looks_like_noun(following):
            lemma = _fallback_lemma(_without_pronoun(_surface(line, index + 1)))
            person = _looks_like_person(following)
            return Noun(lemma, person, "plural", COUNT, listed=False), lemma, COUNT, index + 1
        if _construct_plural(line, index + 1):
            lemma = _surface(line, index + 1)[:-1]  # "ثلاثة من مندوبي الدول": مندوب
            return Noun(lemma, True, "plural", COUNT, listed=False), lemma, COUNT, index + 1
        return None
    if word in FRACTION_PLURALS:
        return None  # "ثلاثة أرباع": a fraction of something else
    if strip_conjunction(word).startswith(("ال", "لل", "بال", "كال")):
        return None  # a counted noun is indefinite: "3000 و4000 لليوم" is "per day"
    noun = nouns().get(word)  # and bare: "في 2003 كمدير", "2006 لدوره" are no counts
    if noun is not None:
        kind = MEASURE if noun.kind == "duration" else noun.kind
        return noun, noun.lemma, kind, index
    if _looks_like_noun(word) and word not in MONTHS:
        surface = _surface(line, index)
        lemma = surface[:-1] if _accusative_root_initial(word) else _fallback_lemma(surface)
        noun = Noun(lemma, _looks_like_person(word), "plural", COUNT, listed=False)
        return noun, lemma, COUNT, index
    return None


def _construct_plural(line: Line, index: int) -> bool:
    """A sound masculine plural in construct ("مندوبي الدول", "منتسبي الجهاز"): its
    ending ي and a definite word after it."""
    word = word_at(line, index)
    following = word_at(line, index + 1)
    return (
        word.endswith("ي")
        and len(word) >= 5
        and word == bare(word)
        and _looks_like_noun(word)
        and following.startswith(("ال", "لل"))
    )


def _is_age_after(line: Line, last: int) -> bool:
    return word_at(line, last + 1) == OF_AGE[0] and word_at(line, last + 2) in AGE_NOUNS


def _surface(line: Line, index: int) -> str:
    """Token ``index`` as written ("خلية", not its key "خليه"), without diacritics."""
    start, end = line.span(index, index)
    word = line.text[start - line.base : end - line.base]
    return "".join(ch for ch in word if ch not in DIACRITICS and ch != TATWEEL)


def _looks_like_person(word: str) -> bool:
    """A sound masculine plural ("الحوثيين": only people take it) or a relative
    adjective used as a noun ("عراقيا")."""
    return bare(word).endswith(("ين", "ون", "يا"))


def _not_an_amount(line: Line, number: Number, unit: str, noun: Noun | None, last: int) -> bool:
    """Dates, years, times of day, numbers of things and ages of single persons."""
    tokens = line.tokens
    lead = tokens[number.start] if number.lead >= 0 else tokens[max(0, number.start - 1)]
    if (
        number.start > 0
        and lead.text in ("ال", "لل", "وال")
        and (number.lead >= 0 or number.form == DIGITS)
    ):
        return True  # "الـ13", "ال 23": an ordinal or a reference back
    if number.form == DIGITS and _is_date_or_time(line, number):
        return True
    opening = number.start - 1
    if opening >= 0 and tokens[opening].kind == "quote":
        opening -= 1  # 'العام "1964"'
    before = tokens[opening].text if opening >= 0 else ""
    if before in EVERY:
        return True  # "واحد من كل خمسة أشخاص", "كل 3 أشهر": a rate, not an amount
    if before == CALIBRE or bare(before) == CALIBRE:
        return True  # "من عيار 40 ملليمتر": the kind of a weapon, whatever its unit
    named = before in NAME_NUMBER or bare(before) in NAME_NUMBER
    if (named and (noun is None or not noun.listed)) or before in YEAR_WORDS:
        return True  # "القرار 2216", "العام 2015"; but "الطريق 120 كيلومترا"
    if match_key(unit) in MONTHS or word_at(line, number.last + 1) in MONTHS:
        return True  # "في 22 يوليو": a date, whatever the clause reports
    if _is_age_after(line, last):
        return True  # "25 عاما من العمر", "48 من العمر", "12 عاما من عمرها"
    if any(w in AGE_NOUNS for w in _window(line, number.start, 3)):
        return True  # "تبلغ من العمر 21 شهرا"
    after = number.last + 1
    if after < len(tokens) and tokens[after].text in TIME_OF_DAY:
        return True
    value = number.value
    is_year = number.form == DIGITS and number.scale == 1 and value.is_integer()
    unlisted = noun is None or not noun.listed
    qualified = _phrase_before(line, number.start) is not None  # "أكثر من 2000 حبة"
    if is_year and 1300 <= value <= 2100 and unit != PERCENT and unlisted and not qualified:
        return True  # a year (Gregorian or Hijri): "عام 2014 بلغ", "١٤٣٦ موضحا"
    if is_year and value >= 10000 and unlisted and tokens[number.first].text.isdigit():
        return True  # "636250 موبايلي": a code or a phone number, not a count of something
    return noun is not None and noun.kind == "duration" and _time_not_amount(line, number, last)


def _is_date_or_time(line: Line, number: Number) -> bool:
    tokens = line.tokens
    for neighbour, edge in ((number.first - 1, number.first), (number.last + 1, number.last)):
        if 0 <= neighbour < len(tokens):
            other = tokens[neighbour]
            a, b = sorted((tokens[edge], other), key=lambda t: t.start)
            if other.kind == "punct" and other.text in "/:-" and touching(a, b):
                return True
            beyond = neighbour + (1 if neighbour > edge else -1)
            if other.text == "/" and word_at(line, beyond).isdigit():
                return True  # "21 / 4 / 1436"
    return False


def _time_not_amount(line: Line, number: Number, last: int) -> bool:
    """A duration that places something in time or frames a count, or an age."""
    tokens = line.tokens
    after = [t.text for t in tokens[last + 1 : last + 3]]
    if after[:1] and after[0] in ':)"' and match_key(tokens[last].text[:3]) in YEARS_START:
        return True  # "حسين صلاح 21 عاما:", "(59 عاما)"
    start = number.start
    begin = line.sentence_of(start)[0]
    words = [t.text for t in line.tokens[max(begin, start - 3) : start]]
    if any(w in AGE_WORDS or bare(w) in AGE_WORDS for w in words):
        return True  # "يبلغ من العمر 30 عاما"
    if start > 0 and line.tokens[start - 1].text == "(":
        return True  # "فلان (30 عاما)"
    qualified = _phrase_before(line, start)
    if qualified is not None:
        start = qualified[1]  # "في أكثر من 41 عاما": the anchor is before the qualifier
    word = word_at(line, start - 1)
    if start <= begin or word in FOR_A_TIME:
        return False
    return word in TIME_ANCHORS or bare(word) in TIME_ANCHORS


def _event_around(line: Line, first: int, last: int) -> str | None:
    """The casualty event a count of people reports, from a word before or after it."""
    tokens = line.tokens
    begin, end = line.sentence_of(first)
    back = first - 1
    skipped = 0
    while back >= begin and skipped < 3:
        word = tokens[back].text
        for candidate in (word, bare(word), word[1:] if word[:1] in "وف" else word):
            if candidate in CASUALTY_BEFORE:
                return CASUALTY_BEFORE[candidate]
        if tokens[back].kind != "word":
            break
        back -= 1
        skipped += 1
    for ahead in range(last + 1, min(end, last + 3)):
        word = tokens[ahead].text
        word = word[1:] if word[:1] in "وف" and len(word) > 3 else word
        if word in CASUALTY_AFTER:
            return CASUALTY_AFTER[word]
    return None


@lru_cache(maxsize=1 << 16)
def _may_count(word: str) -> bool:
    """Whether a quantity may start at a word: the word alone passes each reading's
    first test in :func:`_draft_at` (a number word, "واحد", a fraction, a definite
    number word, a lexicon noun). Most words pass none, and skip the readings."""
    return (
        first_word(word) is not None
        or word in ONE
        or _fraction_value(word) is not None
        or _definite_count_value(word) is not None
        or _lookup(word) is not None
    )


def _draft_at(line: Line, index: int) -> _Draft | None:
    number = read_number(line, index) or _one_percent(line, index)
    if number is not None:
        return _draft_of_number(line, number)
    return (
        _draft_of_fraction(line, index)
        or _draft_of_definite_count(line, index)
        or _draft_of_noun(line, index)
    )


def _one_percent(line: Line, index: int) -> Number | None:
    """ "واحد بالمئة": "واحد" is no number alone, but is one before a percent."""
    if line.tokens[index].text in ONE and _percent_at(line, index + 1) is not None:
        return Number(index, index, 1.0, WORDS, 1.0)
    return None


def _draft_of_definite_count(line: Line, index: int) -> _Draft | None:
    """ "المواطنين السعوديين الأربعة": a definite number word after a definite plural of
    people counts them (an adjective agreeing with its noun, not an ordinal); not "الدول
    الست", the name of a known group."""
    word = line.tokens[index].text
    value = _definite_count_value(word)
    if value is None or index == 0:
        return None
    following = word_at(line, index + 1)
    if following in TEN or definite_stem(following) in TENS:
        return None  # "الخمسة عشر", "الخمسة والعشرين": a compound, often an ordinal
    noun = None
    back = index - 1
    begin = line.sentence_of(index)[0]
    while back >= begin and back >= index - 3:  # the head before its adjectives
        before = line.tokens[back].text
        found = _lookup(before) if definite_stem(before) != before else None
        if found is None or not found.person or found.number != "plural":
            break
        noun, back = found, back - 1
    if noun is None:
        return None
    number = Number(index, index, value, WORDS, 1.0)
    event = _event_around(line, index - 1, index) if noun.person else None
    return _Draft(number, noun, index, noun.lemma, COUNT, event)


def _definite_count_value(word: str) -> float | None:
    """The value of a definite number word that may count ("الأربعة"), from 3 up."""
    stem = definite_stem(word)
    if stem == word:
        return None
    value = UNITS.get(stem) or TENS.get(stem)
    if value is None or value < 3:
        return None  # "الاثنين" is Monday; "الواحد" and "الاثنين" agree, they do not count
    return value


def _fraction_value(word: str) -> float | None:
    """The fraction a word names ("ثلثي", "وبنصف"), if it does."""
    word = strip_conjunction(word)
    return FRACTIONS.get(word[1:] if word[:1] in "بل" and word[1:] in FRACTIONS else word)


def _draft_of_fraction(line: Line, index: int) -> _Draft | None:
    """ "ثلثي أجهزة الطرد", "نصف عدد اللاجئين": a fraction of a plural or of a number;
    not "نصف النهائي", "الربع الثاني" or "نصف ساعة" (a duration)."""
    fraction = _fraction_value(line.tokens[index].text)
    if fraction is None:
        return None
    following = word_at(line, index + 1)
    noun = _lookup(following)
    if following == NUMBER_OF:
        noun = _lookup(word_at(line, index + 2)) or Noun(following, False, "plural", COUNT)
    if noun is None or noun.kind != COUNT or noun.number != "plural":
        return None
    number = Number(index, index, fraction, WORDS, 1.0)
    return _Draft(number, noun, index + 1, noun.lemma, FRACTION, None)


def _draft_of_number(line: Line, number: Number) -> _Draft | None:
    tokens = line.tokens
    if number.form == DUAL:
        return _after_dual_scale(line, number)
    found = _noun_after(line, number.last + 1)
    last = number.last
    noun: Noun | None = None
    unit, kind = "", COUNT
    if found is not None:
        noun, unit, kind, last = found
        if noun is not None and noun.dual:
            return None  # "3 صاروخين" is no reading
    elif number.form == SINGULAR_NOUN:
        return None  # "مليون" with nothing after it
    if _not_an_amount(line, number, unit, noun, last):
        return None
    if noun is not None and number.scale == 1 and word_at(line, last + 1) == AND_HALF:
        number = replace(number, value=number.value + 0.5)  # "ثلاث ساعات ونصف"
        last += 1
    if noun is None and kind != PERCENTAGE:
        # Elided noun: "آخرون", "منهم" or nothing; the neighbours fill it in.
        nxt = last + 1
        if nxt < len(tokens) and (tokens[nxt].text in OTHERS or tokens[nxt].text in OF_THEM):
            last = nxt
    event = None
    if kind == COUNT and (noun is None or noun.person):
        event = _event_around(line, number.start, last)
    return _Draft(number, noun, last, unit, kind, event)


def _after_dual_scale(line: Line, number: Number) -> _Draft | None:
    """ "ملياري ريال", "ألفي جندي": a dual scale word and its noun."""
    found = _noun_after(line, number.last + 1)
    if found is None or found[0] is None or found[0].kind == "duration":
        return None
    noun, unit, kind, last = found
    if _not_an_amount(line, number, unit, noun, last):
        return None  # "من عام ألفين"
    return _Draft(number, noun, last, unit, kind, None)


def _draft_of_noun(line: Line, index: int) -> _Draft | None:
    """A dual noun (2) or a singular noun reporting one person ("إصابة شخص")."""
    tokens = line.tokens
    if tokens[index].kind != "word":
        return None
    noun = _lookup(tokens[index].text)
    if noun is None:
        return None
    kind = MEASURE if noun.kind == "duration" else noun.kind
    two = index + 1 < len(tokens) and word_value(tokens[index + 1].text) == (2.0, "unit")
    definite = strip_conjunction(tokens[index].text).startswith(("ال", "لل", "بال", "كال"))
    if two and noun.number != "singular" and not definite:
        number = Number(index, index + 1, 2.0, WORDS, 1.0)  # "انتحاريين اثنين"
        event = _event_around(line, index, index + 1) if noun.person else None
        return _Draft(number, noun, index + 1, noun.lemma, kind, event)
    if noun.dual and bare(tokens[index].text) not in NAMES_LIKE_DUALS:
        if strip_conjunction(tokens[index].text).startswith(("ال", "لل", "بال", "كال")):
            return None  # "للبلدين": the two already named, no new count
        last, value = index, 2.0
        if index + 1 < len(tokens) and tokens[index + 1].text == AND_HALF:
            last, value = index + 1, 2.5  # "شهرين ونصف"
        number = Number(index, last, value, DUAL, 1.0)
        if kind == MEASURE and _time_not_amount(line, number, last):
            return None
        event = _event_around(line, index, last) if noun.person else None
        return _Draft(number, noun, last, noun.lemma, kind, event)
    if noun.number != "singular":
        return None
    if index + 1 < len(tokens) and tokens[index + 1].text in ONE and noun.kind != "duration":
        number = Number(index, index + 1, 1.0, WORDS, 1.0)  # "صاروخا واحدا"
        return _Draft(number, noun, index + 1, noun.lemma, kind, None)
    if not noun.person or not _reports_one(line, index):
        return None
    number = Number(index, index, 1.0, SINGULAR_NOUN, 1.0)
    return _Draft(number, noun, index, noun.lemma, COUNT, _event_around(line, index, index))


def _reports_one(line: Line, index: int) -> bool:
    """A singular person noun that is a count of one: after a casualty word ("إصابة
    شخص"), after "بينهم" ("بينهم سائح"), or joined to a count ("امرأتين وطفلا")."""
    if index == 0:
        return False
    word = line.tokens[index].text
    before = line.tokens[index - 1].text
    if before in INJURY or before in CASUALTY_BEFORE or before in INCLUDING:
        return True
    if word.startswith("و") and word[1:] in nouns():
        # "امرأتين وطفلا": joined to an indefinite count of people, not "الوزراء وزير".
        previous = _lookup(before)
        definite = strip_conjunction(before).startswith(("ال", "لل", "بال"))
        return (
            previous is not None
            and previous.person
            and previous.number != "singular"
            and not definite
        )
    return False


# Elided nouns, ranges and qualifiers


def _connected(line: Line, left: int, right: int) -> bool:
    """Whether only a connector lies between token ``left`` and token ``right``."""
    between = [t.text for t in line.tokens[left + 1 : right]]
    if len(between) == 1:
        return between[0] in CONNECTORS
    return len(between) == 0 and line.tokens[right].text in CONNECTORS


def _fill_elided(line: Line, drafts: list[_Draft]) -> list[_Draft]:
    """Give an elided noun its neighbour's noun, the event around it, or the noun
    named just before it; a number left without one is no quantity."""
    filled: list[_Draft] = []
    for position, draft in enumerate(drafts):
        if draft.noun is not None or draft.kind == PERCENTAGE:
            if draft.number.form == SINGULAR_NOUN and draft.event is None and filled:
                # "قتل طفلان وامرأة", "أصيب 10 بينهم طبيب": the one shares the event.
                joined, first = filled[-1], draft.number.first
                including = word_at(line, first - 1) in INCLUDING and joined.last == first - 2
                if (joined.last == first - 1 or including) and joined.event is not None:
                    draft = replace(draft, event=joined.event)
            filled.append(draft)
            continue
        following = drafts[position + 1] if position + 1 < len(drafts) else None
        previous = next((d for d in reversed(filled) if d.kind != PERCENTAGE), None)
        if (
            following is not None
            and (following.noun is not None or following.kind == PERCENTAGE)
            and _connected(line, draft.last, following.number.first)
        ):
            filled.append(_borrow(draft, following, scale=True))  # "بين 20 و25 شخصا"
            continue
        if draft.event is not None:
            event = Noun(draft.event, True, "plural", COUNT)
            filled.append(replace(draft, unit=draft.event, noun=event))  # "وأصيب 4 آخرون"
            continue
        if previous is not None and _refers_back(line, previous, draft):
            borrowed = _borrow(draft, previous, scale=False)
            near = _connected(line, previous.last, draft.number.first)
            if not near and word_at(line, draft.last) not in OF_THEM:
                borrowed = replace(borrowed, event=None)  # "60 ألفا يعيشون": the noun only
            filled.append(borrowed)
            continue
        named = _noun_before(line, draft) or _number_of_before(line, draft)
        if named is not None:
            filled.append(replace(draft, noun=named, unit=named.lemma, kind=COUNT))
    return filled


def _borrow(draft: _Draft, source: _Draft, *, scale: bool) -> _Draft:
    """``draft`` counting what ``source`` counts; with ``scale``, "200 إلى 300 مليار"
    also gives the first number the second one's scale."""
    number = draft.number
    if scale and number.scale == 1 and source.number.scale != 1 and number.value < 1000:
        number = replace(
            number, value=number.value * source.number.scale, scale=source.number.scale
        )
    return replace(
        draft,
        number=number,
        noun=source.noun,
        unit=source.unit,
        kind=source.kind,
        event=draft.event or source.event,
    )


def _refers_back(line: Line, previous: _Draft, draft: _Draft) -> bool:
    """Whether an elided noun is the previous count's: joined to it ("45 ألف مقعد إلى
    35 ألف"), "منهم" in its sentence, or a scaled number in its line ("60 ألفا")."""
    if previous.noun is None:
        return False
    if _connected(line, previous.last, draft.number.first):
        return True
    if line.tokens[draft.last].text in OF_THEM:
        return line.sentence_of(previous.last) == line.sentence_of(draft.number.first)
    return draft.number.scale > 1 and previous.kind in (COUNT, MONEY)


def _noun_before(line: Line, draft: _Draft) -> Noun | None:
    """A number closing its clause counts a noun named just before it: "إجمالي
    المصابين حتى أمس 1054", "من الأطفال 407"."""
    tokens = line.tokens
    after = draft.last + 1
    if after < len(tokens):
        closing = tokens[after].kind in ("punct", "quote") or tokens[after].text in ADVERBS
        if not closing and not tokens[after].text.startswith("و"):
            return None
    if word_at(line, draft.number.start - 1) == "(":
        return None  # "الدور (32)": a name, not a count
    begin = line.sentence_of(draft.number.start)[0]
    for back in range(draft.number.start - 1, max(begin, draft.number.start - 6) - 1, -1):
        noun = _lookup(tokens[back].text)
        if noun is not None and noun.kind == COUNT and noun.number == "plural":
            return noun
    return None


def _number_of_before(line: Line, draft: _Draft) -> Noun | None:
    """A figure reached by a count named earlier in its clause: "ارتفع عدد المسافرين
    ... ليصل إلى 1.85 مليون", "العدد الإجمالي للقتلى إلى 3216"."""
    tokens = line.tokens
    start = draft.number.start
    qualified = _phrase_before(line, start)
    if qualified is not None:
        start = qualified[1]
    reached = word_at(line, start - 1) in UP_TO or bare(word_at(line, start - 1)) in REACHED
    if not reached and draft.number.lead < 0:
        return None  # not "إلى 3216", "بلغ 40", "بـ 40"
    begin = line.sentence_of(draft.number.start)[0]
    for back in range(start - 1, max(begin, start - 12) - 1, -1):
        if tokens[back].kind == "num" and _percent_at(line, back + 1) is None:
            return None  # another figure is nearer: the count is its (a rate is not)
        if bare(tokens[back].text) != NUMBER_OF:
            continue
        for ahead in range(back + 1, min(back + 3, start)):
            word = tokens[ahead].text
            noun = _lookup(word)
            if noun is not None and noun.kind == COUNT and noun.number == "plural":
                return noun
            if bare(word) != word and _looks_like_noun(bare(word)) and _looks_like_person(word):
                lemma = _fallback_lemma(_surface(line, ahead))
                return Noun(lemma, True, "plural", COUNT, listed=False)
        return None
    return None


def _is_range(line: Line, low: _Draft, high: _Draft) -> bool:
    """Whether two joined numbers are the bounds of a range: "بين 20 و25", "من 8 إلى 9
    أشهر", "35 إلى 40 شخصا"; but not a change ("خفض من 800 إلى 900 طن" is two figures)."""
    start = low.number.start
    opener = word_at(line, start - 1)
    if opener in RANGE_OPENERS:
        return True
    between = [t.text for t in line.tokens[low.last + 1 : high.number.first]]
    if between[:1] not in ([w] for w in UP_TO):
        return False
    return _range_verb_before(line, start) or not _change_verb_before(line, start)


def _window(line: Line, index: int, size: int) -> list[str]:
    begin = line.sentence_of(index)[0]
    return [t.text for t in line.tokens[max(begin, index - size) : index]]


def _range_verb_before(line: Line, index: int) -> bool:
    return any(w in RANGE_VERBS or w[1:] in RANGE_VERBS for w in _window(line, index, 4))


def _change_verb_before(line: Line, index: int) -> bool:
    return any(w in CHANGE_VERBS or w[1:] in CHANGE_VERBS for w in _window(line, index, 6))


def _qualify(line: Line, drafts: list[_Draft]) -> list[QuantityMatch]:
    found: list[QuantityMatch] = []
    ranged: dict[int, Qualifier] = {}
    for position in range(len(drafts) - 1):
        low, high = drafts[position], drafts[position + 1]
        if (
            _connected(line, low.last, high.number.first)
            and low.unit == high.unit
            and low.number.value < high.number.value
            and _is_range(line, low, high)
        ):
            ranged[position] = Qualifier.AT_LEAST
            ranged[position + 1] = Qualifier.AT_MOST
    for position, draft in enumerate(drafts):
        first, last = draft.number.first, draft.last
        start = draft.number.start
        qualifier = ranged.get(position, Qualifier.EXACT)
        before = _phrase_before(line, start)
        if before is not None and position not in ranged:
            qualifier, first = before
            if qualifier is Qualifier.MORE_THAN and _negated_before(line, first):
                qualifier = Qualifier.AT_MOST  # "لن يرتفع بأكثر من 3.3 في المئة"
        elif position not in ranged and _reaches_before(line, start):
            qualifier = Qualifier.AT_MOST  # "تصل الأسعار إلى 2300 ريال"
        elif position not in ranged and _starts_before(line, start):
            qualifier = Qualifier.AT_LEAST
        after = _phrase_after(line, last)
        if after is not None:
            qualifier, last = after
        elif qualifier is Qualifier.EXACT and _estimated(line, start):
            qualifier = Qualifier.ABOUT  # "ويقدر عددهم ب 35 شخصا"
        opening = min(first, start)
        negated = opening > 0 and line.tokens[opening - 1].text in DENIAL
        unit = draft.unit
        if draft.event is not None and draft.kind == COUNT:
            unit = draft.event
        person = draft.noun is not None and draft.noun.person
        if (
            person
            and draft.event == INJURED
            and first > 0
            and line.tokens[first - 1].text in INJURY
        ):
            first -= 1  # the claim reads "إصابة شخصين"
        found.append(
            QuantityMatch(
                first,
                last,
                draft.number.value,
                unit,
                qualifier,
                negated=negated,
                kind=draft.kind,
                form=draft.number.form,
            )
        )
    return found


def _phrase_before(line: Line, index: int) -> tuple[Qualifier, int] | None:
    begin = line.sentence_of(index)[0] if index < len(line.tokens) else 0
    if index > begin and (
        line.tokens[index - 1].kind == "quote" or line.tokens[index - 1].text == "("
    ):
        index -= 1  # 'بأكثر من "4.6" ملايين', "أكثر من (60) رسالة"
    words = [t.text for t in line.tokens[max(begin, index - LONGEST_BEFORE) : index]]
    for length in range(len(words), 0, -1):  # the longest phrase first: "ما لا يقل عن"
        head, *rest = words[-length:]
        for clitic in CLITICS:
            if head.startswith(clitic):
                stem = head[len(clitic) :]
                qualifier = QUALIFIER_BEFORE.get((stem, *rest))
                if qualifier is None and len(rest) == 2:
                    qualifier = QUALIFIER_BEFORE.get((stem, "*", rest[1]))
                if (
                    qualifier is not None
                    and stem == WITHOUT
                    and (word_at(line, index - length - 1) == match_key("من"))
                ):
                    return None  # "من دون 3 ...": without, not below
                if qualifier is not None:
                    return qualifier, index - length
    return None


def _phrase_after(line: Line, index: int) -> tuple[Qualifier, int] | None:
    words = [t.text for t in line.tokens[index + 1 : index + 4]]
    if words[:1] == [match_key("،")] or words[:1] == [","]:
        words = words[1:]
        index += 1
    for phrase, qualifier in AFTER_QUALIFIERS:
        if tuple(words[: len(phrase)]) == phrase:
            return qualifier, index + len(phrase)
    return None


def _negated_before(line: Line, index: int) -> bool:
    return any(w in ("لن", "لا", "لم") for w in _window(line, index, 8))


def _reaches_before(line: Line, index: int) -> bool:
    if index == 0 or line.tokens[index - 1].text not in ("إلى", "الى", "الي"):
        return False
    window = _window(line, index - 1, 6)
    # "ليصل إلى": what the figure came to (exact), not the present "up to".
    return any(w in REACHES or (w[:1] in "وف" and w[1:] in REACHES) for w in window)


def _starts_before(line: Line, index: int) -> bool:
    if index == 0 or line.tokens[index - 1].text != "من":
        return False
    return any(w in STARTS or w[1:] in STARTS for w in _window(line, index - 1, 3))


def _estimated(line: Line, index: int) -> bool:
    return any(w in ESTIMATE_VERBS or w[1:] in ESTIMATE_VERBS for w in _window(line, index, 3))


# Counts of zero and events without a count


def _zero_counts(line: Line, found: list[QuantityMatch]) -> list[QuantityMatch]:
    """ "لم نرصد أية مخالفات", "لم تتلق أي طلبات": a denied count, value 0."""
    zeros: list[QuantityMatch] = []
    taken = {i for match in found for i in range(match.first, match.last + 1)}
    tokens = line.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.text not in ANY or index + 1 in taken:
            continue
        if not any(w in NEGATORS for w in _window(line, index, 4)):
            continue
        noun = _lookup(tokens[index + 1].text)
        if noun is None or noun.kind != COUNT or noun.number != "plural":
            continue  # "لا يشوبها أي دعاية": "any", not a count of none
        zeros.append(
            QuantityMatch(index, index + 1, 0.0, noun.lemma, Qualifier.EXACT, True, COUNT, WORDS)
        )
    return zeros


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
    return QuantityMatch(first, index, None, unit, None, negated=negated, kind=COUNT, form=WORDS)
