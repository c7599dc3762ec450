"""Shingles, MinHash, band keys, anchors and sentence matching, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marsad.core.models import Article
from marsad.plugins.dedupe import original_and_copy
from marsad.text import reuse as tr
from marsad.text.arabic import sentences

TEXT = (
    "أعلن البيت الأبيض في بيان أن الرئيس الأميركي ورئيس الوزراء العراقي بحثا الهجمات "
    "الصاروخية التي استهدفت السفارة في بغداد وأكدا ضرورة محاسبة المسؤولين عنها."
)


def test_shingles_are_word_ngrams_of_the_match_key() -> None:
    words = tr.words("أعلنَ البيتُ الأبيض")
    assert words == ["اعلن", "البيت", "الابيض"]
    assert tr.shingles(["a", "b", "c", "d"], 3) == ["a b c", "b c d"]
    assert tr.shingles(["a", "b"], 5) == ["a b"]
    assert tr.shingles([], 5) == []


def test_spelling_variants_share_every_feature() -> None:
    variant = TEXT.replace("أ", "ا").replace("ة", "ه")
    a, b = tr.words(TEXT), tr.words(variant)
    assert tr.shingle_hashes(a) == tr.shingle_hashes(b)
    assert tr.band_keys(tr.minhash(tr.shingle_hashes(a))) == tr.band_keys(
        tr.minhash(tr.shingle_hashes(b))
    )
    assert tr.anchor_keys(a) == tr.anchor_keys(b)


def test_minhash_estimates_jaccard() -> None:
    a = [f"w{i}" for i in range(400)]
    b = a[:300] + [f"x{i}" for i in range(100)]
    sa, sb = set(tr.shingle_hashes(a)), set(tr.shingle_hashes(b))
    exact = len(sa & sb) / len(sa | sb)
    estimate = tr.estimated_jaccard(tr.minhash(sa), tr.minhash(sb))
    assert abs(estimate - exact) < 0.15
    unrelated = tr.minhash(tr.shingle_hashes([f"y{i}" for i in range(400)]))
    assert tr.estimated_jaccard(tr.minhash(sa), unrelated) < 0.1


def test_band_keys_match_only_where_a_whole_band_matches() -> None:
    signature = tr.minhash(tr.shingle_hashes(tr.words(TEXT)))
    keys = tr.band_keys(signature)
    assert len(keys) == tr.BANDS == len(set(keys))
    assert all(0 <= key < 2**63 for key in keys)
    changed = signature.copy()
    changed[0] += 1  # one row of the first band
    other = tr.band_keys(changed)
    assert other[0] != keys[0] and other[1:] == keys[1:]
    assert tr.signature_from_bytes(tr.signature_bytes(signature)).tolist() == signature.tolist()


def test_kinds_salt_their_keys() -> None:
    assert tr.key63(tr.ANCHOR, b"x") != tr.key63(tr.SENTENCE, b"x")
    assert tr.sentence_key(["في", "عام", "2015"]) == tr.sentence_key(["في", "عام", "2016"])


def test_sentences_match_despite_a_changed_word() -> None:
    copy_text = (
        TEXT.replace("الصاروخية", "بالصواريخ") + " جملة أخرى لا علاقة لها بالموضوع أبدا هنا."
    )
    mine = tr.keyed_sentences(sentences(copy_text))
    theirs = tr.keyed_sentences(sentences(TEXT))
    matches = tr.match_sentences(mine, theirs)
    assert len(matches) == 1
    assert matches[0].mine.text == copy_text[matches[0].mine.start : matches[0].mine.end]
    assert 0.5 <= matches[0].score < 1.0


def test_packed_sentences_unpack_to_the_same_keyed_sentences() -> None:
    text = TEXT + " وقال المتحدث إن الاجتماع المقبل سيعقد في 3.5 أيام على الأقل."
    found = tr.keyed_sentences(sentences(text))
    assert len(found) == 2
    assert tr.unpack_sentences(tr.pack_sentences(found), text) == found
    quoted = 'وقال المتحدث "إن الاجتماع المقبل سيعقد في 3.5 أيام على الأقل" للصحفيين. ' + TEXT
    found = tr.keyed_sentences(sentences(quoted), tr.quote_spans(quoted))
    assert [bool(s.quoted) for s in found] == [True, False]
    assert tr.unpack_sentences(tr.pack_sentences(found), quoted) == found
    assert tr.unpack_sentences(tr.pack_sentences([]), "") == []


def test_the_original_is_the_surely_earlier_report() -> None:
    def article(article_id: int, published: datetime | None, time_known: bool | None) -> Article:
        return Article(id=article_id, published_at=published, published_time_known=time_known)

    midnight = datetime(2021, 2, 24, tzinfo=UTC)
    day_only = article(1, midnight, False)
    stamped = article(2, midnight + timedelta(hours=3, minutes=34), True)
    day_before = article(3, midnight - timedelta(minutes=5), True)
    next_day = article(4, midnight + timedelta(days=1), True)

    def order(a: Article, b: Article) -> tuple[int, int, str]:
        original, copy, why = original_and_copy(a, b, frozenset())
        return original.id, copy.id, why

    # The same day, one of them to the day only: neither is surely earlier.
    assert order(stamped, day_only) == (1, 2, "ingested first")
    assert order(day_only, day_before) == (3, 1, "earlier")
    assert order(next_day, day_only) == (1, 4, "earlier")
    assert order(next_day, stamped) == (2, 4, "earlier")
