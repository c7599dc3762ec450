"""Unit tests of the number, quote and statement rules on lines of the seeds."""

from __future__ import annotations

import pytest

from marsad.core import Qualifier
from marsad.text.arabic import match_key
from marsad.text.claims.statements import StatementFinder
from marsad.text.numbers import find_quantities
from marsad.text.tokens import Line, pair_quotes, tokenize


def quantities(text: str) -> list[tuple[str, float | None, str, Qualifier | None, bool]]:
    line = Line(text, 0)
    found = []
    for match in find_quantities(line):
        start, end = line.span(match.first, match.last)
        found.append((text[start:end], match.value, match.unit, match.qualifier, match.negated))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("لهجوم ب3 صواريخ خلفت أضرارا", ("3 صواريخ", 3.0, "صاروخ", Qualifier.EXACT)),
        ("لهجوم بـ ٣ صواريخ", ("٣ صواريخ", 3.0, "صاروخ", Qualifier.EXACT)),
        ("ويبلغ حاليا 3500 شخص.", ("3500 شخص", 3500.0, "شخص", Qualifier.EXACT)),
        ("سقطت أربعة صواريخ سقطت", ("أربعة صواريخ", 4.0, "صاروخ", Qualifier.EXACT)),
        ("باستهداف القاعدة بثلاثة صواريخ", ("بثلاثة صواريخ", 3.0, "صاروخ", Qualifier.EXACT)),
        ("إن صاروخين سقطا", ("صاروخين", 2.0, "صاروخ", Qualifier.EXACT)),
        (
            "أن صاروخا واحدا على الأقل أصاب",
            ("صاروخا واحدا على الأقل", 1.0, "صاروخ", Qualifier.AT_LEAST),
        ),
        (
            "واستهدفت ثلاثة صواريخ على الأقل",
            ("ثلاثة صواريخ على الأقل", 3.0, "صاروخ", Qualifier.AT_LEAST),
        ),
        (
            "استهداف أكثر من 12 صاروخا مجمعا",
            ("أكثر من 12 صاروخا", 12.0, "صاروخ", Qualifier.MORE_THAN),
        ),
        ("قتل نحو 20 شخصا", ("نحو 20 شخصا", 20.0, "قتيل", Qualifier.ABOUT)),
        ("أسفر عنه إصابة شخصين", ("إصابة شخصين", 2.0, "مصاب", Qualifier.EXACT)),
        ("مما أدى إلى إصابة متعاقد عراقي", ("إصابة متعاقد", 1.0, "مصاب", Qualifier.EXACT)),
        ("قوات بعثته إلى 8 أضعاف.", ("8 أضعاف", 8.0, "ضعف", Qualifier.EXACT)),
    ],
)
def test_counted_facts(text: str, expected: tuple[str, float, str, Qualifier]) -> None:
    assert quantities(text) == [(*expected, False)]


@pytest.mark.parametrize(
    "text",
    [
        "في 3 يناير/ كانون الثاني 2020.",
        "الأربعاء 24 فبراير 2021 03:34 ص",
        "الأربعاء 2021/02/24",
        "بتنظيم داعش عام 2017.",
        "الثالث خلال 24 ساعة",
        "كان الهجوم الثالث في العراق",
        "فيما لم ينجح صاروخ ثالث في إصابة هدفه",
        "متعاقدين أميركيين",
    ],
)
def test_no_count_in_dates_times_ordinals(text: str) -> None:
    assert quantities(text) == []


def test_casualty_events_and_their_negation() -> None:
    assert quantities("ما أسفر عنه سقوط عدد من الإصابات.") == [
        ("سقوط عدد من الإصابات", None, "مصاب", None, False)
    ]
    assert quantities("على المنطقة الخضراء، من دون وقوع إصابات") == [
        ("من دون وقوع إصابات", None, "مصاب", None, True)
    ]
    assert quantities("نفت خلية الإعلام الأمني في بيان هذا المساء وقوع جرحى") == [
        ("وقوع جرحى", None, "مصاب", None, True)
    ]


def test_quotes_pair_by_position_not_shape() -> None:
    # In 002 ” opens as well as closes.
    text = "على ” دعم الأمن والسلم ” ، ” كما اكدنا العمل ” ."
    line = Line(text, 0)
    pairs = pair_quotes(line.tokens)
    assert len(pairs) == 2
    inner = [text[slice(*line.span(a + 1, b - 1))] for a, b in pairs]
    assert inner == ["دعم الأمن والسلم", "كما اكدنا العمل"]
    assert pair_quotes(tokenize('"a" "b')) == [(0, 2)]  # an odd last mark is ignored


KADHIMI = {("مصطفي", "الكاظمي")}


def statements(text: str) -> list[tuple[str, str | None, str, bool, str | None]]:
    line = Line(text, 0)
    found = []
    for match in StatementFinder(KADHIMI).find(line):
        speaker = " ".join(match.speaker.words) if match.speaker else None
        first, last = match.first, match.last
        content = text[slice(*line.span(first, last))]
        found.append((match.verb, speaker, content, match.direct, match.channel))
    return found


def test_verb_first_indirect() -> None:
    text = "قال البيت الأبيض إن الرئيس الأميركي جو بايدن ناقش الهجمات."
    assert statements(text) == [
        ("قال", "البيت الابيض", "الرئيس الأميركي جو بايدن ناقش الهجمات", False, None)
    ]


def test_quoted_speaker_and_tweet_channel() -> None:
    text = 'وقال "الكاظمي"، في تغريدة له عبر حسابه بموقع "تويتر": "أكدنا العمل لمواصلة الحوار".'
    assert statements(text) == [("قال", "الكاظمي", "أكدنا العمل لمواصلة الحوار", True, "tweet")]


def test_title_and_name_speaker() -> None:
    text = "أكد رئيس الحكومة العراقية مصطفى الكاظمي أنه أجرى اتصالا هاتفيا مع بايدن."
    [(verb, speaker, content, direct, _)] = statements(text)
    assert (verb, speaker, direct) == ("أكد", "رييس الحكومه العراقيه مصطفي الكاظمي", False)
    assert content == "أجرى اتصالا هاتفيا مع بايدن"


def test_subject_first_and_continuation() -> None:
    text = (
        "وكان المتحدث باسم الخارجية الأميركية نيد برايس صرح الاثنين بأن"
        " الولايات المتحدة تحمّل إيران المسؤولية."
    )
    [(verb, speaker, _, _, _)] = statements(text)
    # Compared as match keys: how the key spells "الأميركية" is normalize's business.
    assert verb == "صرح" and speaker == match_key("المتحدث باسم الخارجية الأميركية نيد برايس")
    # "ولفت إلى أنه": no speaker here, the extractor carries the previous one over.
    [(verb, speaker, content, _, _)] = statements("ولفت إلى أنه تم التأكيد على أهمية الحماية.")
    assert (verb, speaker, content) == ("لفت", None, "تم التأكيد على أهمية الحماية")


def test_nominal_attribution_at_sentence_end() -> None:
    text = "تعرض المنطقة الخضراء لهجوم ب3 صواريخ خلفت أضرارا مادية، بحسب الجيش العراقي."
    [(verb, speaker, content, direct, _)] = statements(text)
    assert (verb, speaker, direct) == ("حسب", "الجيش العراقي", False)
    assert content == "تعرض المنطقة الخضراء لهجوم ب3 صواريخ خلفت أضرارا مادية"


def test_dual_verb_without_speaker_is_not_a_statement() -> None:
    text = 'وأعلن البيت الأبيض أن بايدن بحث الهجمات، وأكدا ضرورة "محاسبة المسؤولين" عنها.'
    [(verb, _, content, _, _)] = statements(text)
    assert verb == "أعلن" and content.endswith("عنها")


def test_negated_verb_is_not_a_statement() -> None:
    assert statements("والآخر متعاقد مع الجيش دون ذكر جنسيته.") == []
