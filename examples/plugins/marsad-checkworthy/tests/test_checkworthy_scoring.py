"""The score and its reasons, on claims as the extract stage stores them."""

from __future__ import annotations

from marsad_checkworthy.scoring import ClaimFacts, comparisons, score


def test_each_cue_adds_its_reason() -> None:
    result = score(
        ClaimFacts(
            text="لم تسجل أي إصابات في أعنف هجوم منذ أشهر",
            quantity="3 صاروخ",
            speaker="الكاظمي",
            negated=True,
        )
    )
    assert result.reasons == (
        "figure: 3 صاروخ",
        "named speaker: الكاظمي",
        "superlative: أعنف هجوم",
        "negation",
    )
    # Independent cues: 1 - 0.65 * 0.75 * 0.75 * 0.85
    assert result.score == 0.6892


def test_nothing_to_check_scores_zero() -> None:
    assert score(ClaimFacts(text="وصل الوفد إلى المدينة")) == score(ClaimFacts(text=""))
    assert score(ClaimFacts(text="وصل الوفد إلى المدينة")).score == 0


def test_comparisons_and_superlatives_in_arabic_spellings() -> None:
    assert comparisons("الخسائر أكبر من المتوقع") == (["أكبر من"], [])
    assert comparisons("الخسائر اكبر من المتوقع") == (["اكبر من"], [])
    assert comparisons("هو الأعلى منذ سنوات") == ([], ["الأعلى"])
    assert comparisons("أكبر عدد من الضحايا") == ([], ["أكبر عدد"])


def test_qualifiers_of_a_figure_are_not_comparisons() -> None:
    # "more than 20", "at least": the figure's qualifier, already counted as a figure.
    assert comparisons("قتل أكثر من 20 شخصا") == ([], [])
    assert comparisons("ثلاثة صواريخ على الأقل") == ([], [])


def test_english_claims() -> None:
    assert comparisons("casualties were higher than reported") == (["higher than"], [])
    assert comparisons("the deadliest and largest attack") == ([], ["largest"])
