"""Who said it: speaker phrases and their resolution within an article.

Sentences written for these tests, one per resolution mechanism.
"""

from __future__ import annotations

from marsad.core import ClaimKind
from marsad.text.claims.finder import ClaimDraft, find_claims
from marsad.text.claims.speakers import SpeakerFinder
from marsad.text.tokens import lines


def statements(text: str) -> list[ClaimDraft]:
    return [c for c in find_claims(text).claims if c.kind is ClaimKind.STATEMENT]


def speaker_of(text: str, content: str) -> ClaimDraft:
    found = [c for c in statements(text) if content in c.text]
    assert found, f"no statement holds {content!r}"
    return found[0]


def entity_name(claim: ClaimDraft) -> str | None:
    return claim.speaker.name if claim.speaker else None


def test_title_rank_and_name_after_the_verb() -> None:
    claim = speaker_of(
        "وقال وزير الصحة الدكتور خالد الفالح في مؤتمر صحفي إن الوزارة ستفتتح ثلاثة مستشفيات جديدة.",
        "ستفتتح",
    )
    assert entity_name(claim) == "خالد الفالح"
    assert claim.speaker_text == "وزير الصحة الدكتور خالد الفالح"
    assert claim.speaker is not None and "وزير الصحة" not in " ".join(claim.speaker.aliases)


def test_continuation_verbs_and_participles_keep_the_speaker() -> None:
    text = (
        "وقال العقيد سعد الحربي إن الدوريات انتشرت في الأحياء الشرقية.\n"
        "وأضاف أن الحملة ستستمر حتى نهاية الشهر، مشيرا إلى أن المخالفين سيحالون إلى النيابة."
    )
    for content in ("الدوريات انتشرت", "الحملة ستستمر", "المخالفين سيحالون"):
        assert entity_name(speaker_of(text, content)) == "سعد الحربي"


def test_a_title_alone_is_the_nearest_holder_named_before() -> None:
    text = (
        "وقال وزير الصحة الدكتور خالد الفالح إن الوزارة ستفتتح مستشفيات جديدة.\n"
        "أكد معالي وزير الخارجية الأستاذ عادل بن أحمد الجبير أن المملكة تدعم الحل السياسي.\n"
        "وجدد الوزير التأكيد على أن المملكة لن تتخلى عن أشقائها."
    )
    assert entity_name(speaker_of(text, "تدعم الحل")) == "عادل بن أحمد الجبير"
    # A definite title takes no genitive: "التأكيد" is the object, not part of the title.
    claim = speaker_of(text, "لن تتخلى")
    assert claim.speaker_text == "الوزير"
    assert entity_name(claim) == "عادل بن أحمد الجبير"


def test_courtesy_pronoun_is_the_person_named_before() -> None:
    text = (
        "أكد معالي وزير الخارجية الأستاذ عادل بن أحمد الجبير أن المملكة تدعم الحل السياسي.\n"
        "وشدد معاليه على أن الحوار هو الطريق الوحيد لإنهاء الأزمة."
    )
    assert entity_name(speaker_of(text, "الحوار هو الطريق")) == "عادل بن أحمد الجبير"


def test_the_ministry_alone_is_the_ministry_named_before() -> None:
    text = (
        "وأعلنت وزارة الداخلية أمس القبض على خمسة مطلوبين في منطقة الرياض.\n"
        "وأوضحت الوزارة أن المقبوض عليهم أحيلوا إلى النيابة العامة."
    )
    claim = speaker_of(text, "أحيلوا")
    assert claim.speaker is not None and claim.speaker.type == "ORG"
    assert claim.speaker.name == "وزارة الداخلية"
    assert "الوزارة" not in claim.speaker.aliases  # a reference, not a name


def test_name_before_its_title_and_the_family_name_later() -> None:
    text = (
        "وقال سامي العتيبي المدير العام للشركة إن الأرباح ارتفعت خلال الربع الثاني.\n"
        "وتابع العتيبي أن الشركة تخطط للتوسع في الأسواق الخليجية."
    )
    first = speaker_of(text, "الأرباح ارتفعت")
    later = speaker_of(text, "تخطط للتوسع")
    assert entity_name(first) == entity_name(later) == "سامي العتيبي"
    assert later.speaker is not None and first.speaker is not None
    assert later.speaker.key == first.speaker.key


def test_subject_first_with_qad() -> None:
    claim = speaker_of(
        "وكان المتحدث باسم وزارة الداخلية اللواء منصور التركي قد أعلن أن التحقيقات "
        "مستمرة مع الموقوفين.",
        "التحقيقات مستمرة",
    )
    assert entity_name(claim) == "منصور التركي"


def test_given_name_without_title_is_a_person() -> None:
    claim = speaker_of("وقال فهد السبيعي إن الأسعار ارتفعت بشكل ملحوظ هذا الصيف.", "الأسعار")
    assert claim.speaker is not None and claim.speaker.type == "PERSON"
    assert claim.speaker.name == "فهد السبيعي"


def test_anonymous_sources_have_no_entity() -> None:
    claim = speaker_of("وقالت مصادر أمنية إن الموقوفين ينتمون إلى خلية واحدة.", "الموقوفين")
    assert claim.speaker is None and claim.speaker_text == "مصادر أمنية"


def test_phrase_kinds() -> None:
    finder = SpeakerFinder(set())
    cases = {
        "مصدر مطلع": "anonymous",
        "شهود عيان": "anonymous",
        "هيئة الهلال الأحمر": "org",
        "التقرير": "document",
        "معاليه": "self",
        "المتحدث باسم الوزارة": "title",
        "اللواء منصور التركي": "person",
    }
    for text, kind in cases.items():
        line = lines(text)[0]
        speaker = finder.phrase(line, 0, len(line.tokens))
        assert speaker is not None and speaker.kind == kind, text


def test_a_word_with_a_pronoun_is_no_speaker() -> None:
    text = (
        "وقال المواطن فهد السبيعي إن الأسعار ارتفعت كثيرا.\n"
        "واختتم حديثه قائلا: إن الرقابة على الأسعار ضرورية."
    )
    assert entity_name(speaker_of(text, "الرقابة على الأسعار")) == "فهد السبيعي"


def test_words_after_a_preposition_before_a_verb_are_no_subject() -> None:
    text = (
        "وقال المدرب سامي الجابر إن الفريق جاهز للمباراة.\n"
        "وحول قدرة الفريق على الحفاظ على لقب الدوري المحلي أشار إلى أن اللاعبين يعملون بجد."
    )
    assert entity_name(speaker_of(text, "اللاعبين يعملون")) == "سامي الجابر"


def test_a_definite_noun_after_anna_is_no_subject_but_a_name_is() -> None:
    text = (
        "وقال المدرب سامي الجابر إن الفريق جاهز للمباراة.\n"
        "وأضاف أن المتابعة الجماهيرية الكبيرة للمباريات تكشف عن حجم الاهتمام.\n"
        "علما أن بيرتون أكد أن العقد لم يوقع بعد."
    )
    assert entity_name(speaker_of(text, "حجم الاهتمام")) == "سامي الجابر"
    assert speaker_of(text, "العقد لم يوقع").speaker_text == "بيرتون"


def test_an_office_linked_by_lada_and_a_subject_that_opens_the_line() -> None:
    text = (
        "وقال المتحدث سعد الحربي إن الجلسة تأجلت.\n"
        "المندوب الدائم لدى الأمم المتحدة كريم فال دعا إلى وقف فوري لإطلاق النار."
    )
    assert entity_name(speaker_of(text, "وقف فوري")) == "كريم فال"


def test_a_source_word_ends_a_longer_subject() -> None:
    text = (
        "وقال المتحدث سعد الحربي إن الجلسة تأجلت.\n"
        "وبدأت الجلسة إثر قيام الحرس بإخراج أنصار لسالم رددوا أن المحكمة غير شرعية."
    )
    claim = speaker_of(text, "المحكمة غير شرعية")
    assert claim.speaker is None and claim.speaker_text is not None
    assert claim.speaker_text.startswith("أنصار")


def test_a_name_stops_at_an_office_after_it() -> None:
    claim = speaker_of(
        "وقال فهد بن سالم العتيبي عضو مجلس الإدارة إن الشركة حققت أرباحا قياسية.", "أرباحا"
    )
    assert entity_name(claim) == "فهد بن سالم العتيبي"


def test_an_office_with_lil_before_the_rank_and_name() -> None:
    claim = speaker_of(
        "وأوضح رئيس الجمعية الوطنية للسلامة المرورية الدكتور سالم المطيري أن الحوادث تراجعت.",
        "الحوادث تراجعت",
    )
    assert entity_name(claim) == "سالم المطيري"


def test_an_indefinite_document_with_its_adjective() -> None:
    text = (
        "وقال المتحدث سعد الحربي إن الحوادث تراجعت.\n"
        "وقد وجدت تقارير سابقة تشير إلى أن السرعة هي السبب الأول للحوادث."
    )
    claim = speaker_of(text, "السرعة هي السبب")
    assert claim.speaker is None and claim.speaker_text == "تقارير سابقة"


def test_words_with_a_pronoun_after_a_title_are_no_name() -> None:
    text = (
        "وصف المغربي حسن العلوي مهاجم نادي الوحدة مباراتي فريقه بالصعبتين.\n"
        "وكشف مهاجم الوحدة أن الفريق يستعد جيدا.\n"
        "وقال العلوي إن الجماهير تدعم فريقه."
    )
    assert entity_name(speaker_of(text, "يستعد جيدا")) == "حسن العلوي"
    assert entity_name(speaker_of(text, "الجماهير تدعم")) == "حسن العلوي"


def test_added_after_a_cited_document_is_the_person_who_cited_it() -> None:
    text = (
        "وأوضح مدير المرور العقيد سالم المطيري، أن الحوادث تراجعت هذا العام، "
        "كما بينت الدراسة أن السرعة هي السبب الأول.\n"
        "وأضاف: إن الدوريات ستزيد في الطرق السريعة."
    )
    assert speaker_of(text, "السرعة هي السبب").speaker_text == "الدراسة"
    assert entity_name(speaker_of(text, "الدوريات ستزيد")) == "سالم المطيري"


def test_an_attribution_to_unknown_words_does_not_take_the_turn() -> None:
    text = (
        "وأوضح مدير التعليم الدكتور سالم المطيري أن اللجان ستستقبل المرشحين "
        "حسب جدول يومي على فترتين.\n"
        "مبينا أن المقابلات تبدأ الأحد."
    )
    assert entity_name(speaker_of(text, "المقابلات تبدأ")) == "سالم المطيري"


def test_a_participle_after_a_verb_without_content_is_the_verb_s_speaker() -> None:
    text = (
        "وقال المدرب سامي الجابر إن الفريق جاهز.\n"
        "وهي عوامل كثيرة، وأوضح الدكتور خالد الزهراني قائلا: إن الإصابات العضلية تكثر في الصيف."
    )
    assert entity_name(speaker_of(text, "الإصابات العضلية")) == "خالد الزهراني"


def test_the_topic_after_amma_is_the_speaker() -> None:
    text = (
        "وقال المخرج سامي العتيبي إن العرض نجح.\n"
        "أما الإعلامي فهد القحطاني الذي حضر العرض فقد أبدى إعجابه بالممثلين."
    )
    assert entity_name(speaker_of(text, "إعجابه بالممثلين")) == "فهد القحطاني"


def test_a_verbal_noun_after_a_verb_is_no_speaker() -> None:
    text = (
        "وقال المخرج سامي العتيبي إن العرض حاول أن يوائم بين الانتماء للأندية والمواطنة "
        '"وحتى نخرج من النفق المظلم الذي نحن فيه".\n'
        "مشيرا إلى أن الإقبال كان كبيرا."
    )
    assert entity_name(speaker_of(text, "الإقبال كان كبيرا")) == "سامي العتيبي"


def test_link_words_in_a_long_office_leave_room_for_the_name() -> None:
    claim = speaker_of(
        "وقال عضو اللجنة وكيل الأمين للخدمات المهندس فهد بن سالم العتيبي إن الخطة اكتملت.",
        "الخطة اكتملت",
    )
    assert claim.speaker_text is not None and claim.speaker_text.endswith("فهد بن سالم العتيبي")
    assert entity_name(claim) == "فهد بن سالم العتيبي"


def test_a_source_word_after_fa_inna_heads_a_long_subject() -> None:
    text = (
        "وقالت الإدارة إن المخزونات ارتفعت.\n"
        "ومع هذا فإن مندوبين لدول خليجية في المنظمة يقولون إن الهبوط لن يدوم."
    )
    claim = speaker_of(text, "الهبوط لن يدوم")
    assert claim.speaker is None and claim.speaker_text == "مندوبين"


def test_an_accusative_or_a_subordinate_clause_after_the_verb_is_no_speaker() -> None:
    text = (
        "وقال المدعي العام سالم المطيري إن الأدلة كافية.\n"
        "وأضاف مخاطبًا المطيري: «الصمت لن ينفعك أمام المحكمة».\n"
        "وقال عندما بدأ الدفاع في الحديث: «هذه المحكمة لا تعنيني»."
    )
    assert entity_name(speaker_of(text, "الصمت لن ينفعك")) == "سالم المطيري"
    assert entity_name(speaker_of(text, "لا تعنيني")) == "سالم المطيري"
