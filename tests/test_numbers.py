"""Unit tests of the number rules (marsad.text.numbers), one mechanism at a time.

The phrases are written for these tests in the style of Arabic news; none is taken
from an evaluation set.
"""

from __future__ import annotations

import pytest

from marsad.core import Qualifier
from marsad.text.numbers import QuantityMatch, find_quantities
from marsad.text.tokens import Line

EXACT, ABOUT = Qualifier.EXACT, Qualifier.ABOUT
AT_LEAST, AT_MOST = Qualifier.AT_LEAST, Qualifier.AT_MOST
MORE_THAN, LESS_THAN = Qualifier.MORE_THAN, Qualifier.LESS_THAN


def found(text: str) -> list[QuantityMatch]:
    return [m for m in find_quantities(Line(text, 0)) if m.value is not None]


def read(text: str) -> list[tuple[float | None, str, Qualifier | None]]:
    """(value, unit, qualifier) of each quantity; values rounded, as 3.2 * 1e9 is not exact."""
    return [
        (None if m.value is None else round(m.value, 6), m.unit, m.qualifier) for m in found(text)
    ]


def span(text: str, match: QuantityMatch) -> str:
    line = Line(text, 0)
    start, end = line.span(match.first, match.last)
    return text[start:end]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("وصل إلى الميناء 14 زورقا للصيد", 14, "زورق"),
        ("وصل إلى الميناء ١٤ زورقا للصيد", 14, "زورق"),  # Eastern Arabic digits
        ("بلغت قيمة الصفقة 4.500 ريال", 4500, "ريال"),  # dot as a thousands separator
        ("بلغت الصادرات 1.250.000 طن", 1250000, "طن"),
        ("وبلغت قيمة الواردات (7.880.151.000) ريال", 7880151000, "ريال"),
        ('وبلغت المبالغ المصرح بها "2,519,219,171" ريال', 2519219171, "ريال"),
        ("ارتفع المؤشر بنسبة 2،5 في المئة", 2.5, "%"),  # Arabic decimal comma
        ("تراجع الإنتاج بنسبة 5,8 %", 5.8, "%"),
        ("سجل التضخم 7ر1% في مايو", 1.7, "%"),  # reversed decimal of wire copy
        ("بلغت الديون 3.2 مليار دولار", 3.2e9, "دولار"),
        ("جمعت الحملة 2،5 مليون ريال", 2.5e6, "ريال"),
        ("استقبلت المدينة 75 ألف زائر", 75000, "زائر"),
        ("يسكن المخيم 12 ألفا و400 نازح", 12400, "نازح"),
        ("وبلغ عدد الطلاب 3 ملايين طالب", 3e6, "طالب"),
        ("وتضم القرية 40 ألفا من السكان", 40000, "سكان"),  # unknown: the word itself
        ("وغرمته المحكمة 12 مليون و450 ألف جنيه", 12450000, "جنيه"),
        ("ويبلغ عدد سكانها 2 مليون ونصف نسمة", 2500000, "نسمة"),
    ],
)
def test_digits_scales_and_separators(text: str, value: float, unit: str) -> None:
    assert read(text) == [(value, unit, EXACT)]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("وصادرت الشرطة ثلاث سيارات مسروقة", 3, "سيارة"),
        ("ووزعت الجمعية خمسة وعشرين منزلا", 25, "منزل"),
        ("وشارك في البطولة ثلاثة عشر لاعبا", 13, "لاعب"),
        ("وتستوعب الصالة ثلاثمئة مقعد", 300, "مقعد"),
        ("وأنشأت البلدية أربعمائة وخمسين وحدة سكنية", 450, "وحدة"),
        ("ووصل إلى المطار ألفين حاج", 2000, "حاج"),
        ("وخصصت الوزارة ثلاثة آلاف وظيفة", 3000, "وظيفة"),
        ("واستقبلت البلاد اثنين وثلاثين ألف لاجئ", 32000, "لاجئ"),
        ("وبلغت التكلفة ستة مليارات ريال", 6e9, "ريال"),
        ("ويعاني نصف مليون طفل من الجوع", 500000, "طفل"),
        ("وضبطت ثلاثة فاصلة خمسة أطنان من المخدرات", 3.5, "طن"),
        ("وتبرع رجل الأعمال بمليون ريال", 1e6, "ريال"),
        ("ورصدت الحكومة ملياري دولار للمشروع", 2e9, "دولار"),
    ],
)
def test_number_words(text: str, value: float, unit: str) -> None:
    assert read(text) == [(value, unit, EXACT)]


def test_forms() -> None:
    forms = {m.form for m in found("أطلق المسلحون 7 قذائف")}
    assert forms == {"digits"}
    assert [m.form for m in found("وأطلقوا ثلاث قذائف")] == ["words"]
    assert [m.form for m in found("سقطت قذيفتان على الحي")] == ["dual"]
    assert [m.form for m in found("وأسفر الحادث عن إصابة شخص")] == ["singular_noun"]
    assert [m.form for m in found("وتكلف المشروع مليون دولار")] == ["singular_noun"]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("ودمرت الغارة مستودعين للذخيرة", 2, "مستودع"),
        ("وأطلق الجيش صاروخين على المدينة", 2, "صاروخ"),
        ("وزار الوفد مدينتين في الشمال", 2, "مدينة"),
        ("ونفذ الهجوم انتحاريان اثنان", 2, "انتحاري"),
        ("وظل المصنع مغلقا شهرين ونصف", 2.5, "شهر"),
    ],
)
def test_duals(text: str, value: float, unit: str) -> None:
    assert read(text) == [(value, unit, EXACT)]


def test_a_definite_dual_refers_back_and_is_no_new_count() -> None:
    assert read("وقال إن البلدين اتفقا على التعاون") == []


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("وأسفر الانفجار عن مقتل شخص في السوق", "قتيل"),
        ("وأدى الحادث إلى إصابة شخص بجروح", "مصاب"),
        ("وأعلنت الشرطة اعتقال مواطن في المدينة", "موقوف"),
    ],
)
def test_an_implicit_one(text: str, unit: str) -> None:
    assert read(text) == [(1, unit, EXACT)]


def test_one_joined_to_a_count_and_after_including() -> None:
    assert read("قتل في القصف طفلان وامرأة") == [(2, "قتيل", EXACT), (1, "قتيل", EXACT)]
    assert read("أصيب عشرة أشخاص بينهم طبيب") == [(10, "مصاب", EXACT), (1, "مصاب", EXACT)]


def test_a_singular_noun_alone_is_no_count() -> None:
    assert read("وتحدث شخص عن الحادث") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قتل 6 أشخاص وأصيب 9 آخرون في الهجوم", [(6, "قتيل"), (9, "مصاب")]),
        ("استشهد 4 جنود وجرح 11 في الاشتباكات", [(4, "قتيل"), (11, "مصاب")]),
        ("أسفر التفجير عن مقتل 12 وإصابة 30 آخرين", [(12, "قتيل"), (30, "مصاب")]),
        ("أصيب 8 مدنيين بينهم 3 منهم في حالة خطرة", [(8, "مصاب"), (3, "مصاب")]),
        ("وأعلنت السلطات اعتقال 15 شخصا", [(15, "موقوف")]),
        ("وما زال 5 بحارة مفقودين", [(5, "بحار")]),
        ("وأعدمت السلطات 40 شخصا هذا العام", [(40, "شخص")]),  # executed, not killed
        ("وأكدت أن 40 مسلحا قتلوا في المعارك", [(40, "قتيل")]),
    ],
)
def test_casualties_take_their_event_as_unit(text: str, expected: list[tuple[float, str]]) -> None:
    assert [(value, unit) for value, unit, _ in read(text)] == expected


def test_elided_noun_from_the_next_number() -> None:
    assert read("تضم القاعة بين 200 و250 مقعدا") == [
        (200, "مقعد", AT_LEAST),
        (250, "مقعد", AT_MOST),
    ]
    assert read("باستثمارات من 300 إلى 400 مليون دولار") == [
        (300e6, "دولار", AT_LEAST),
        (400e6, "دولار", AT_MOST),
    ]


def test_elided_noun_from_the_previous_number() -> None:
    assert read("خفض المصنع طاقته من 40 ألف طن إلى 30 ألف") == [
        (40000, "طن", EXACT),
        (30000, "طن", EXACT),
    ]
    assert read("وتشمل الأموال 20 مليار دولار نقدا و5 مليارات أخرى") == [
        (20e9, "دولار", EXACT),
        (5e9, "دولار", EXACT),
    ]


def test_a_number_after_its_noun_closing_the_clause() -> None:
    assert read("وبلغ إجمالي المتطوعين حتى أمس 860.") == [(860, "متطوع", EXACT)]


def test_a_number_with_nothing_to_count_is_no_quantity() -> None:
    assert read("وقال إن 15 يعلمون ذلك") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ارتفعت الأسعار 12 %", 12),
        ("ارتفعت الأسعار 12%", 12),
        ("ارتفعت الأسعار بنسبة 12 في المئة", 12),
        ("ارتفعت الأسعار بنسبة 12 في المائة", 12),
        ("ارتفعت الأسعار بنسبة 12 بالمئة", 12),
        ("ارتفعت الأسعار بنسبة 12 بالمائة", 12),
        ("ارتفعت الأسعار بنسبة ٪١٢", None),  # the sign before the number is no reading
    ],
)
def test_percentages(text: str, value: float | None) -> None:
    matches = found(text)
    if value is None:
        assert matches == []
    else:
        assert [(m.value, m.unit, m.kind) for m in matches] == [(value, "%", "percentage")]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("بلغ سعر التذكرة 450 ريالا", 450, "ريال"),
        ("بيعت اللوحة بـ 90 ألف دولار", 90000, "دولار"),
        ("وقدم المانح 300 يورو لكل أسرة", 300, "يورو"),
        ("وغرمت المحكمة الشركة 50 ألف جنيه", 50000, "جنيه"),
        ("وتبلغ الرسوم 20 دينارا", 20, "دينار"),
        ("وكلف الجسر 800 مليون درهم", 800e6, "درهم"),
        ("بسعر خمسة ريالات للكيلو", 5, "ريال"),
    ],
)
def test_money(text: str, value: float, unit: str) -> None:
    assert [(m.value, m.unit, m.kind) for m in found(text)] == [(value, unit, "money")]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("يمتد الطريق 120 كيلومترا", 120, "كيلومتر"),
        ("على بعد 8 كلم من الحدود", 8, "كيلومتر"),
        ("وينتج الحقل 300 ألف برميل يوميا", 300000, "برميل"),
        ("ضرب زلزال بقوة 6.2 درجات", 6.2, "درجة"),
        ("وتولد المحطة 1200 ميغاواط", 1200, "ميغاواط"),
        ("ونقلت السفينة 40 طنا من القمح", 40, "طن"),
        ("واستمر الحصار لمدة 45 يوما", 45, "يوم"),
        ("ويقضي في السجن منذ 12 عاما", 12, "عام"),
    ],
)
def test_measures_and_durations(text: str, value: float, unit: str) -> None:
    assert [(m.value, m.unit, m.kind) for m in found(text)] == [(value, unit, "measure")]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("قتل أكثر من 30 شخصا", MORE_THAN),
        ("شارك لأكثر من 30 شخصا", MORE_THAN),
        ("حضر ما يزيد على 30 شخصا", MORE_THAN),
        ("حضر نحو 30 شخصا", ABOUT),
        ("حضر بنحو 30 شخصا", ABOUT),
        ("حضر حوالي 30 شخصا", ABOUT),
        ("حضر قرابة 30 شخصا", ABOUT),
        ("حضر ما يقارب 30 شخصا", ABOUT),
        ("حضر ما يقرب من 30 شخصا", ABOUT),
        ("حضر 30 شخصا تقريبا", ABOUT),
        ("حضر ما لا يقل عن 30 شخصا", AT_LEAST),
        ("حضر 30 شخصا على الأقل", AT_LEAST),
        ("حضر أقل من 30 شخصا", LESS_THAN),
        ("من الأطفال الذين تقل أعمارهم عن 5 سنوات", LESS_THAN),
        ("ويزيد عددهم على 30 شخصا", MORE_THAN),
        ("وتصل الأسعار في الموسم إلى 30 ريالا", AT_MOST),
        ("وصلت الأسعار في الموسم إلى 30 ريالا", EXACT),
        ("ولا تتجاوز 30 ريالا", AT_MOST),
        ("لن يرتفع العجز بأكثر من 30 مليار ريال", AT_MOST),
        ("وتبدأ الأسعار من 30 ريالا", AT_LEAST),
        ("ويقدر عددهم بـ 30 شخصا", ABOUT),
        ('وبزيادة تبلغ أكثر من "30" ألف طن', MORE_THAN),
    ],
)
def test_qualifiers(text: str, qualifier: Qualifier) -> None:
    assert [m.qualifier for m in found(text)] == [qualifier]


def test_fractions_of_a_plural() -> None:
    fractions = found("ودمرت الغارات ثلثي المنازل في البلدة")
    assert [(round(m.value or 0, 4), m.unit, m.kind) for m in fractions] == [
        (0.6667, "منزل", "fraction")
    ]
    assert [m.kind for m in found("وصوت أكثر من نصف الأعضاء لصالح القرار")] == ["fraction"]
    assert found("وتأهل الفريق إلى نصف النهائي") == []
    assert found("وارتفعت الأرباح في الربع الثاني") == []


def test_ranges_give_two_bounds() -> None:
    assert read("تتراوح أعمارهم بين 18 و25 عاما") == [
        (18, "عام", AT_LEAST),
        (25, "عام", AT_MOST),
    ]
    assert read("ويستغرق العلاج من ثلاثة إلى خمسة أسابيع") == [
        (3, "أسبوع", AT_LEAST),
        (5, "أسبوع", AT_MOST),
    ]


def test_a_change_from_one_figure_to_another_is_no_range() -> None:
    assert read("خفضت الشركة إنتاجها من 800 طن إلى 500 طن") == [
        (800, "طن", EXACT),
        (500, "طن", EXACT),
    ]
    assert read("ارتفعت البطالة من 5 في المئة إلى 7 في المئة") == [
        (5, "%", EXACT),
        (7, "%", EXACT),
    ]


def test_bare_tens_hundreds_thousands_are_no_quantity() -> None:
    assert read("وتظاهر آلاف الأشخاص في الساحة") == []
    assert read("وقتل عشرات المدنيين ومئات الجنود") == []
    assert read("وشارك الآلاف في المسيرة") == []


def test_negation() -> None:
    zero = found("وقالت الهيئة إنها لم تسجل أي مخالفات في الموسم")
    assert [(m.value, m.unit, m.negated) for m in zero] == [(0, "مخالفة", True)]
    denied = found("وأكد أن العجز 20 مليار دولار وليس 50 مليار دولار")
    assert [(m.value, m.negated) for m in denied] == [(20e9, False), (50e9, True)]
    assert found("لا يشوبها أي تأخير") == []  # "any", not a count of none


def test_casualty_event_without_a_number_stays_an_event() -> None:
    events = [m for m in find_quantities(Line("وسقطت القذيفة من دون وقوع إصابات", 0))]
    assert [(m.value, m.unit, m.negated) for m in events] == [(None, "مصاب", True)]


@pytest.mark.parametrize(
    "text",
    [
        "وذلك في 15 مارس الماضي",
        "وعقد الاجتماع يوم 15 رمضان",
        "منذ عام 2011 وحتى الآن",
        "وشهد عام 2014 تراجعا",
        "في موسم 2015 الماضي",
        "وفي الساعة 10 صباحا",
        "وصل الوفد عند 9:30 مساء",
        "بتاريخ 12/5/1436",
        "وذلك بتاريخ 21 / 4 / 1436 عن طريق الطوارئ",
        "رابط الخبر بصحيفة الوطن: مقتل 12 شخصا في انفجار",
        "للحديث عن خطط التنمية للخمسة عشر عاما القادمة",
        "في نسختها ال 23 بقرار من الاتحاد",
        "كما أن المواد 13، 17، و18 تؤكد ذلك",
        "للتواصل أرسل إلى 636250 موبايلي",
        "للفترة من عام ألفين إلى اليوم",
        "اتصلوا على الرقم 920012345",
        "بموجب القرار 2216 الصادر عن مجلس الأمن",
        "وفق المادة 77 من النظام",
        "على متن الرحلة 455 القادمة من القاهرة",
        "في الدورة الـ13 للمهرجان",
        "وقال محمد علي (45 عاما) إنه شاهد الحادث",
        "وقال الشاب سالم 23 عاما: كنت هناك",
        "الطفلة التي تبلغ من العمر 9 سنوات",
        "وكان ذلك قبل 3 أيام من الحادث",
        "وتراجعت الصادرات خلال ال12 شهرا الماضية",
        "ويسحب الدواء كل 6 ساعات",
        "واحد من كل أربعة شباب عاطل",
        "وسيطر التنظيم على ثلاثة أرباع المدينة",
        "حل الفريق في المركز الثالث",
        "وفاز الفريق 2-1 على ضيفه",
    ],
)
def test_not_quantities(text: str) -> None:
    assert found(text) == []


def test_spans_cover_qualifier_number_and_noun() -> None:
    text = "وأفاد بمقتل ما لا يقل عن 25 شخصا في القصف"
    assert [span(text, m) for m in found(text)] == ["ما لا يقل عن 25 شخصا"]
    text = "وقدرت الخسائر بـ 40 مليون ريال"
    assert [span(text, m) for m in found(text)] == ["40 مليون ريال"]


def test_kinds() -> None:
    text = "قتل 5 أشخاص وخسر المزارعون 3 ملايين ريال وارتفعت الأسعار 4 % وامتد الحريق 2 كلم"
    assert [m.kind for m in found(text)] == ["count", "money", "percentage", "measure"]


def test_unknown_noun_is_read_from_the_word_itself() -> None:
    assert read("وأتلفت الفرق 37 خلية نحل") == [(37, "خلية", EXACT)]
    assert read("وحررت البلدية 120 مخالفة بلدية") == [(120, "مخالفة", EXACT)]
    assert read("وأطلقت الوزارة 9 حملات توعوية") == [(9, "حملة", EXACT)]


# Mechanisms added after reading unannotated SaudiNewsNet articles (own sentences).


@pytest.mark.parametrize(
    "text",
    [
        "واعتقلت الشرطة الصحافي في 14 مارس الماضي",  # a day of a month, even after a verb
        "أرسل كلمة اشتراك تبدأ بالرمز 120 مسافة ثم الرسالة",  # a code, not a distance
    ],
)
def test_dates_and_codes_are_no_quantities(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "ليصل إلى" says what the figure came to; "تصل إلى" stays "up to".
        (
            "ارتفعت الصادرات بنسبة 5 في المئة لتصل إلى 300 ألف طن",
            [(5, "%", EXACT), (300000, "طن", EXACT)],
        ),
        ("وأصدرت الهيئة أكثر من (45) ترخيصا", [(45, "ترخيص", MORE_THAN)]),
        ("وتوقع أن تبقى الأسعار قرب 70 دولارا", [(70, "دولار", ABOUT)]),
        ("وإذا هبط السعر دون 40 دولارا للبرميل", [(40, "دولار", LESS_THAN)]),
        ("وتراجعت الأسهم أكثر من واحد بالمئة", [(1, "%", MORE_THAN)]),
        ("وضبطت الجمارك أكثر من 1800 قرص مخدر", [(1800, "قرص", MORE_THAN)]),  # no year
    ],
)
def test_qualifiers_across_brackets_and_clauses(
    text: str, expected: list[tuple[float, str, Qualifier]]
) -> None:
    assert read(text) == expected


def test_figure_reached_by_a_count_named_before() -> None:
    text = "وارتفع عدد الزوار خلال العيد بنسبة 12 بالمئة ليصل إلى 2.4 مليون."
    assert read(text) == [(12, "%", EXACT), (2.4e6, "زائر", EXACT)]
    text = "وارتفع العدد الإجمالي للقتلى إلى 870 على الأقل منذ بدء الغارات"
    assert read(text) == [(870, "قتيل", AT_LEAST)]


def test_count_of_a_construct_plural() -> None:
    assert read("واستقبل الأمير ثلاثة من منسوبي الجمعية") == [(3, "منسوب", EXACT)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأفرجت السلطات عن المواطنين الأربعة أمس", [(4, "مواطن", EXACT)]),
        ("وتواصل البحث عن الطلاب السعوديين الثلاثة", [(3, "طالب", EXACT)]),  # the head noun
        ("واتفقت إيران والدول الست على الخطة", []),  # a known group's name, not a count
        ("واجتمع الوزير يوم الاثنين مع المسؤولين", []),  # a day, not two
        ("وتقرر نقل الطلاب الخمسة عشر إلى مدرسة أخرى", []),  # a compound: often an ordinal
    ],
)
def test_definite_counts(text: str, expected: list[tuple[float, str, Qualifier]]) -> None:
    assert read(text) == expected


def test_season_is_a_duration() -> None:
    matches = found("وينضم اللاعب إلى الفريق لمدة موسمين")
    assert [(m.value, m.unit, m.kind) for m in matches] == [(2, "موسم", "measure")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأغلقت الفضة دون مستوى 15 دولارا للأونصة", [(15, "دولار", LESS_THAN)]),
        ("وأنهى المؤشر تداولاته فوق حاجز 9 آلاف نقطة", [(9000, "نقطة", MORE_THAN)]),
        (
            "ويشترط في المتقدم طول لايقل عن 165 سم وخبرة لاتزيد عن 5 سنوات",
            [(165, "سنتيمتر", AT_LEAST), (5, "سنة", AT_MOST)],
        ),
    ],
)
def test_levels_and_joined_negation(
    text: str, expected: list[tuple[float, str, Qualifier]]
) -> None:
    assert read(text) == expected


def test_demonstrative_between_of_and_plural() -> None:
    assert read("وأسفرت الجهود عن ضبط 17 من هؤلاء المطلوبين") == [(17, "مطلوب", EXACT)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # و or ف of the noun itself, told by the accusative: not "قتل 7 وأصيب 5".
        ("وأجرى المختبر (740) فحصاً خلال الشهر", [(740, "فحص", EXACT)]),
        ("وصل إلى الرياض 14 وفداً من الدول الأعضاء", [(14, "وفد", EXACT)]),
        ("وأغلقت الهيئة 12 فرعاً للشركة", [(12, "فرع", EXACT)]),
    ],
)
def test_nouns_starting_with_waw_or_fa(
    text: str, expected: list[tuple[float, str, Qualifier]]
) -> None:
    assert read(text) == expected


def test_calibre_is_no_measure() -> None:
    assert read("وأطلق النار من بندقية عيار 12 ملليمتر") == []


def test_millimetres_are_a_measure() -> None:
    matches = found("وبلغ منسوب الأمطار 35 ملم في جدة")
    assert [(m.value, m.unit, m.kind) for m in matches] == [(35, "مليمتر", "measure")]


def test_plurals_of_counted_nouns_for_labels() -> None:
    from marsad.text.numbers import plural

    assert plural("صاروخ") == "صواريخ"  # the lexicon's broken plural
    assert plural("مصاب") == "مصابين"
    assert plural("قذيفة") == "قذائف"
    assert plural("كلمةغريبة") == "كلمةغريبات"  # an unlisted noun in ة: sound plural
