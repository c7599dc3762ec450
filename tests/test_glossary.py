"""English for one phrase from the glossary, and site names as a sentence writes them."""

from __future__ import annotations

from marsad.text.claims.compare import site_names
from marsad.text.glossary import english


def test_a_phrase_is_found_with_or_without_its_article_and_in_any_spelling() -> None:
    assert english("صاروخ") == "rocket"
    assert english("الصواريخ") == "the rockets"  # a listed plural, with ال
    assert english("المنطقة الخضراء") == "the Green Zone"
    assert english("المنطقه الخضراء") == "the Green Zone"  # ta marbuta written as ha
    assert english("كلمة لا يعرفها") is None
    assert english("") is None


def test_sites_keep_their_written_names() -> None:
    sentence = "أفاد مصدر أمني باستهداف قاعدة بلد الجوية شمالي بغداد بثلاثة صواريخ"
    assert site_names(sentence) == {"قاعده بلد": "قاعدة بلد"}
    assert site_names("سقطت صواريخ في المنطقة الخضراء") == {"منطقه خضراء": "المنطقة الخضراء"}
    assert site_names("لا مكان هنا") == {}
