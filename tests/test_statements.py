"""Unit tests of the statement rules: triggers, contents, direct or not, channels.

The sentences are written for these tests in the style of Arabic news; none is
taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from marsad.text.arabic import match_key
from marsad.text.claims.speech import inflections, trigger_of, triggers
from marsad.text.claims.statements import StatementFinder, StatementMatch
from marsad.text.tokens import Line

KNOWN: set[tuple[str, ...]] = {("خالد", "العتيبي")}


def find(text: str) -> list[StatementMatch]:
    return StatementFinder(KNOWN).find(Line(text, 0))


def found(text: str) -> list[tuple[str, str | None, str, bool, str | None]]:
    """(lemma, speaker words, content, direct, channel) of each statement in ``text``."""
    line = Line(text, 0)
    rows = []
    for match in StatementFinder(KNOWN).find(line):
        speaker = " ".join(match.speaker.words) if match.speaker else None
        content = text[slice(*line.span(match.first, match.last))]
        rows.append((match.verb, speaker, content, match.direct, match.channel))
    return rows


def contents(text: str) -> list[str]:
    return [row[2] for row in found(text)]


# --- the lexicon and its inflections ------------------------------------------------


def test_inflections_are_generated_not_listed() -> None:
    assert [form for form, _ in inflections("past", "أكد")] == [
        "أكد",
        "أكدت",
        "أكدا",
        "أكدوا",
        "أكدتا",
    ]
    present = [form for form, _ in inflections("present", "يقول")]
    assert {"تقول", "يقولون", "يقولان", "ليقول"} <= set(present)
    participle = [form for form, _ in inflections("participle", "مشير")]
    assert {"مشيرا", "مشيرة", "مشيرين", "مشيرات"} <= set(participle)
    with_object = [form for form, _ in inflections("past", "تبنى", takes_object=True)]
    assert {"تبناه", "تبناهما"} <= set(with_object)
    simple = [form for form, _ in inflections("past", "رفض", takes_object=True)]
    assert "رفضه" not in simple  # his refusal, a verbal noun
    noun = [form for form, _ in inflections("noun", "دعوة")]
    assert {"دعوته", "دعوتها"} <= set(noun)


@pytest.mark.parametrize(
    ("word", "lemma", "kind"),
    [
        ("وأوضحت", "أوضح", "past"),
        ("فأشاروا", "أشار", "past"),
        ("نفت", "نفى", "past"),
        ("وتؤكد", "أكد", "present"),
        ("مؤكدةً", "أكد", "participle"),
        ("لافتين", "لفت", "participle"),
        ("وبحسب", "حسب", "nominal"),
        ("إعلانه", "أعلن", "noun"),
    ],
)
def test_trigger_forms(word: str, lemma: str, kind: str) -> None:
    hit = trigger_of(match_key(word))
    assert hit is not None
    assert (hit[0].lemma, hit[0].kind) == (lemma, kind)


def test_impersonal_forms_are_marked() -> None:
    assert triggers()[match_key("يذكر")].impersonal
    assert triggers()[match_key("يشار")].impersonal


def test_a_bad_lexicon_line_is_a_clear_error() -> None:
    from marsad.text.claims.speech import _entry

    with pytest.raises(ValueError, match=r"speech_verbs\.txt"):
        _entry("verb قال قال")


# --- verbs, speakers and contents ---------------------------------------------------


def test_verb_first_with_complementizer() -> None:
    assert found("وأوضح وزير المالية أن الميزانية ستسجل فائضا هذا العام.") == [
        ("أوضح", match_key("وزير المالية"), "الميزانية ستسجل فائضا هذا العام", False, None)
    ]


def test_unknown_subject_is_kept_when_a_marker_follows() -> None:
    [(verb, speaker, content, _, _)] = found(
        "وقال المهندس خلال الجولة إن المشروع اكتمل بنسبة كبيرة."
    )
    assert (verb, speaker) == ("قال", match_key("المهندس"))
    assert content == "المشروع اكتمل بنسبة كبيرة"


def test_subject_before_the_verb_and_before_a_relative() -> None:
    text = "والتقينا مدير المستشفى سعد الغامدي الذي أشار إلى أن الحالات مستقرة."
    [(_, speaker, content, _, _)] = found(text)
    assert speaker is not None and speaker.endswith(match_key("سعد الغامدي"))
    assert content == "الحالات مستقرة"
    [(_, speaker, content, _, _)] = found("وبعد المباراة، أنصار الفريق رددوا هتافات النصر.")
    assert speaker == match_key("أنصار الفريق") and content == "هتافات النصر"


def test_object_content_without_complementizer() -> None:
    assert contents("وشدد المحافظ على أهمية الالتزام بالأنظمة.") == ["على أهمية الالتزام بالأنظمة"]


def test_continuation_verbs_and_participles_carry_the_speaker() -> None:
    text = "وأضاف أن العمل سينتهي قريبا، مشيرا إلى أن الكلفة بلغت مليون ريال."
    rows = found(text)
    assert [(verb, speaker) for verb, speaker, _, _, _ in rows] == [("أضاف", None), ("أشار", None)]
    assert [content for _, _, content, _, _ in rows] == [
        "العمل سينتهي قريبا",
        "الكلفة بلغت مليون ريال",
    ]


def test_feminine_participle_after_a_comma() -> None:
    assert contents("ونفت الشركة وجود أي خلل، مؤكدة أن الخدمة تعمل بانتظام.") == [
        "وجود أي خلل",
        "الخدمة تعمل بانتظام",
    ]


def test_clause_start_verb_after_a_comma() -> None:
    rows = found("وعن أسباب التأخير، قال إن الأمطار عطلت العمل أسبوعين.")
    assert [(verb, content) for verb, _, content, _, _ in rows] == [
        ("قال", "الأمطار عطلت العمل أسبوعين")
    ]


def test_ambiguous_verb_with_its_object() -> None:
    assert contents("وطالب سكان الحي بتوفير مدرسة للبنات.") == ["بتوفير مدرسة للبنات"]


def test_verb_addressing_an_outlet_before_its_speaker() -> None:
    [(_, speaker, content, _, channel)] = found(
        'وقال لـ"الوطن" فهد السالم، مدير الفرع، إن الطلبات تضاعفت.'
    )
    assert speaker is not None and speaker.startswith(match_key("فهد"))
    assert content == "الطلبات تضاعفت"
    assert channel == "newspaper"


def test_nested_attribution_does_not_end_the_outer_content() -> None:
    rows = found("وذكر المصدر أن التقارير الأولية تشير إلى أن الحريق بدأ في المستودع.")
    assert [verb for verb, _, _, _, _ in rows] == ["ذكر", "أشار"]
    assert rows[0][2].endswith("بدأ في المستودع")


# --- direct and indirect -------------------------------------------------------------


def test_direct_quotation_after_a_colon() -> None:
    [match] = find("وقال المدرب: «اللاعبون قدموا كل ما لديهم في المباراة».")
    assert match.direct and len(match.quotes) == 1


def test_partial_quote_is_direct_and_kept_whole() -> None:
    text = "وأكد الوزير أن المرحلة المقبلة ستشهد «تحولا كبيرا في الخدمات» المقدمة للمواطنين."
    line = Line(text, 0)
    [match] = StatementFinder(KNOWN).find(line)
    assert match.direct
    assert text[slice(*line.span(match.first, match.last))].endswith("المقدمة للمواطنين")
    assert match.quotes == [(match.first - 1, match.last + 1)]


def test_short_partial_quote_is_direct() -> None:
    [(_, _, _, direct, _)] = found("وأكد المسؤول أن التعديلات تمثل «خطوة أولى» نحو الإصلاح.")
    assert direct
    [(_, _, _, direct, _)] = found('وأكد المسؤول أن شركة "سدكو" ستبدأ العمل قريبا.')
    assert not direct


def test_quoted_name_is_not_speech() -> None:
    [(_, _, _, direct, _)] = found('وقال رئيس نادي "الهلال" إن الفريق جاهز للموسم.')
    assert not direct


# --- prepositional, nominal and impersonal attributions -----------------------------


def test_post_posed_prepositional_attribution() -> None:
    [(verb, speaker, content, _, _)] = found(
        "ارتفعت أسعار الأرز بنسبة عشرة في المئة، بحسب الهيئة العامة للإحصاء."
    )
    assert verb == "حسب" and speaker is not None
    assert speaker.startswith(match_key("الهيئة العامة"))
    assert content == "ارتفعت أسعار الأرز بنسبة عشرة في المئة"


def test_leading_prepositional_attribution() -> None:
    [(verb, _, content, _, _)] = found("ووفقا للتقرير السنوي، تراجع عدد الحوادث المرورية.")
    assert verb == "وفق"
    assert content == "تراجع عدد الحوادث المرورية"


def test_relayed_source_after_naqlan_an() -> None:
    [(verb, speaker, _, _, _)] = found("نقلا عن مصادر في الوزارة، سيبدأ التسجيل الأسبوع المقبل.")
    assert verb == "نقل" and speaker == match_key("مصادر في الوزارة").split()[0]


def test_relay_gives_the_agency_and_its_source() -> None:
    rows = found("ونقلت وكالة الأنباء الألمانية عن مصادر أمنية أن الحريق أخمد بالكامل.")
    assert [(verb, content, channel) for verb, _, content, _, channel in rows] == [
        ("نقل", "الحريق أخمد بالكامل", "agency"),
        ("نقل", "الحريق أخمد بالكامل", "agency"),
    ]
    assert rows[1][1] == match_key("مصادر أمنية")


def test_attribution_in_the_lead_shares_the_content() -> None:
    rows = found("وقال نقلا عن مديرية الصحة إن المستشفى استقبل عشرين مصابا.")
    assert [(verb, content) for verb, _, content, _, _ in rows] == [
        ("قال", "المستشفى استقبل عشرين مصابا"),
        ("نقل", "المستشفى استقبل عشرين مصابا"),
    ]


def test_verb_after_hasbama_attributes_what_came_before() -> None:
    [(verb, _, content, _, _)] = found("أغلقت الطرق المؤدية إلى الوادي، حسبما أعلن الدفاع المدني.")
    assert verb == "أعلن"
    assert content == "أغلقت الطرق المؤدية إلى الوادي"


def test_impersonal_statement() -> None:
    [match] = find("يذكر أن المهرجان يقام سنويا منذ عشرين عاما.")
    assert match.impersonal and match.speaker is None
    [match] = find("ومن المتوقع أن يصل الوفد غدا إلى العاصمة.")
    assert match.impersonal


def test_verbal_noun_with_its_complementizer() -> None:
    [(verb, speaker, content, _, _)] = found("جاء ذلك بعد قول مسؤولين إن المفاوضات تعثرت.")
    assert verb == "قال" and speaker is not None
    assert content == "المفاوضات تعثرت"


# --- not statements -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "وتوفي رجل في الحادث دون ذكر اسمه.",  # negated
        "لم يعلن أحد مسؤوليته عن الهجوم حتى الآن.",  # negated
        "ورفع المشجعون لافتة كبيرة في المدرج.",  # a banner, not "لافتة إلى"
        "وسجلت الوزارة ثلاث حالات مؤكدة أمس.",  # an adjective, not "مؤكدة أن"
        "وتوجد بين البلدين علاقات تجارية قديمة.",  # "between", not "بيّن"
        "احتفل طالب في الجامعة بتخرجه.",  # a student, not "طالب بـ"
        "وتحدث طالب عن تجربته.",  # a student again
        "وحضر الاجتماع عدد من المسؤولين في إعلان المشروع.",  # a verbal noun without أن
        "ويجري ترميم المسجد وفق نمطه القديم.",  # a manner, not a source
        "ثم نقل المصابون إلى المستشفى.",  # carried, not relayed
        "وواصلت الفرق أعمال البحث طوال الليل.",  # went on doing, not speaking
    ],
)
def test_not_statements(text: str) -> None:
    assert found(text) == []


def test_verb_inside_a_quotation_is_not_a_trigger() -> None:
    rows = found("وقال المدير: «لقد أكدنا مرارا أن الموعد لن يتغير أبدا».")
    assert [verb for verb, _, _, _, _ in rows] == ["قال"]


# --- channels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("وقال الوزير في بيان إن الخطة أقرت رسميا.", "statement"),
        ("وقال الوزير في تصريح صحفي إن الخطة أقرت رسميا.", "statement"),
        ("وقال الوزير في تغريدة على حسابه إن الخطة أقرت رسميا.", "tweet"),
        ("وقال الوزير في مؤتمر صحفي إن الخطة أقرت رسميا.", "press_conference"),
        ("وقال الوزير للصحفيين إن الخطة أقرت رسميا.", "press_conference"),
        ("وقال الوزير لوكالة الأنباء الألمانية إن الخطة أقرت رسميا.", "agency"),
        ("وقال الوزير لقناة الإخبارية إن الخطة أقرت رسميا.", "tv"),
        ("وقال الوزير لـ«المدينة» إن الخطة أقرت رسميا.", "newspaper"),
        ("وقال الوزير في تصريح خاص لـ«المدينة» إن الخطة أقرت رسميا.", "newspaper"),
        ("وقال الوزير في حوار مع الصحيفة إن الخطة أقرت رسميا.", "interview"),
        ("وقال الوزير خلال جلسة المجلس إن الخطة أقرت رسميا.", "session"),
        ("وقال الوزير في كلمة ألقاها خلال المؤتمر إن الخطة أقرت رسميا.", "session"),
        ("وقال مدير وكالة التنمية إن الخطة أقرت رسميا.", None),
    ],
)
def test_channels(text: str, channel: str | None) -> None:
    assert [row[4] for row in found(text)] == [channel]
