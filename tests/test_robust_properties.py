"""No pure function of the text pipeline crashes on any text, and offsets stay sound.

Property tests over the strategies of ``tests/strategies.py`` (Arabic letters with
marks, every digit set, quotes, brackets, punctuation alone, control characters,
bidi marks, very long words, empty text, extreme dates). Derandomized, so CI sees
the same examples on every run; example counts keep the whole file under a minute.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from strategies import arabic_text, article_text, extreme_datetimes

from marsad.core import ClaimKind, Qualifier
from marsad.core.models import Base
from marsad.plugins.link import candidates
from marsad.plugins.translate import OfflineTranslator
from marsad.text import reuse as tr
from marsad.text.arabic import (
    display_map,
    display_text,
    fold,
    key_span_to_text,
    match_key,
    sentences,
)
from marsad.text.claims.compare import (
    ClaimView,
    anchors,
    clauses,
    compare,
    compare_sentences,
    content_words,
    interval,
)
from marsad.text.claims.entities import scan_names
from marsad.text.claims.mentions import extra_aliases, find_mentions
from marsad.text.claims.polarity import numbers, polarity_conflict
from marsad.text.claims.relate import relate
from marsad.text.claims.statements import StatementFinder
from marsad.text.dates import find_date, is_date_line
from marsad.text.numbers import find_quantities
from marsad.text.tokens import lines, pair_quotes, tokenize, word_texts

FEW = settings(max_examples=100, deadline=None, derandomize=True)
MANY = settings(max_examples=1000, deadline=None, derandomize=True)


def assert_offsets(offsets: list[int], produced: str, source: str) -> None:
    """One offset per produced character plus ``len(source)``, in range and monotone."""
    assert len(offsets) == len(produced) + 1
    assert offsets[-1] == len(source)
    assert all(0 <= offset <= len(source) for offset in offsets)
    assert all(a <= b for a, b in pairwise(offsets))


@MANY
@given(article_text)
def test_display_map_offsets_and_fast_path(text: str) -> None:
    shown, offsets = display_map(text)
    assert_offsets(offsets, shown, text)
    assert shown == display_text(text)


@MANY
@given(article_text)
def test_fold_offsets_and_fast_path(text: str) -> None:
    key, offsets = fold(text)
    assert_offsets(offsets, key, text)
    assert key == match_key(text)
    for token in tokenize(key):
        start, end = key_span_to_text(offsets, token.start, token.end)
        assert 0 <= start <= end <= len(text)


@MANY
@given(article_text)
def test_sentences_are_in_order_and_point_into_the_text(text: str) -> None:
    found = sentences(text)
    previous_end = 0
    for sentence in found:
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
        previous_end = sentence.end


@MANY
@given(article_text)
def test_tokens_and_lines(text: str) -> None:
    key = match_key(text)
    tokens = tokenize(key)
    previous_end = 0
    for token in tokens:
        assert previous_end <= token.start < token.end <= len(key)
        assert key[token.start : token.end] == token.text
        previous_end = token.end
    for first, second in pair_quotes(tokens):
        assert first < second
    words = [token.text for token in tokens if token.kind == "word"]
    numbers = [token.text for token in tokens if token.kind in ("word", "num")]
    assert word_texts(key) == words
    assert word_texts(key, numbers=True) == numbers
    for line in lines(text):
        assert text[line.base : line.base + len(line.text)] == line.text
        for begin, end in line.sentences:
            assert 0 <= begin < end <= len(line.tokens)
        for index in range(len(line.tokens)):
            begin, end = line.sentence_of(index)
            assert begin <= index < end
            start, stop = line.span(index, index)
            assert line.base <= start <= stop <= line.base + len(line.text)


@MANY
@given(article_text)
def test_quantities_statements_and_mentions(text: str) -> None:
    article_lines = lines(text)
    names = scan_names(article_lines)
    finder = StatementFinder(set(names.names))
    for line in article_lines:
        for quantity in find_quantities(line):
            assert 0 <= quantity.first <= quantity.last < len(line.tokens)
            assert quantity.value is None or 0 <= quantity.value < math.inf
            start, end = line.span(quantity.first, quantity.last)
            assert 0 <= start <= end <= len(text)
        for match in finder.find(line):
            assert 0 <= match.first <= match.last < len(line.tokens)
            start, end = line.span(match.first, match.last)
            assert 0 <= start <= end <= len(text)
    for mention in find_mentions(article_lines, names):
        assert 0 <= mention.start <= mention.end <= len(text)
        extra_aliases(mention)


@MANY
@given(arabic_text)
def test_numbers_and_dates_in_any_text(text: str) -> None:
    assert all(math.isfinite(value) for value in numbers(text))
    found = find_date(text)
    assert found is None or isinstance(found.value, datetime)
    is_date_line(text)


def claim(
    text: str, kind: ClaimKind, value: float | None, qualifier: Qualifier | None
) -> ClaimView:
    return ClaimView(
        id=len(text),
        article_id=1,
        kind=kind,
        text=text,
        start=0,
        end=len(text),
        sentence=text,
        speaker_id=1,
        value=value,
        unit="صاروخ",
        qualifier=qualifier,
    )


values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e12), st.just(0.0))
qualifiers = st.one_of(st.none(), st.sampled_from(list(Qualifier)))
kinds = st.sampled_from(list(ClaimKind))


@MANY
@given(arabic_text, arabic_text, kinds, kinds, values, values, qualifiers, qualifiers)
def test_compare_any_two_claims(
    a: str,
    b: str,
    kind_a: ClaimKind,
    kind_b: ClaimKind,
    value_a: float | None,
    value_b: float | None,
    qualifier_a: Qualifier | None,
    qualifier_b: Qualifier | None,
) -> None:
    first, second = claim(a, kind_a, value_a, qualifier_a), claim(b, kind_b, value_b, qualifier_b)
    for side in (first, second):
        low, high = interval(side)
        assert low <= high
    relation = compare(first, second)
    assert relation is None or math.isfinite(relation.score)
    if relation is not None:
        json.dumps(relation.details, allow_nan=False)  # stored as link evidence
    content_words(a), anchors(a), clauses(a)


@MANY
@given(arabic_text, arabic_text)
def test_sentences_relate_and_polarity(a: str, b: str) -> None:
    compare_sentences(a, b)
    polarity_conflict(a, b, swaps=True)
    found = relate(a, b)
    assert found["relation"] in ("corroborates", "contradicts", "unrelated")
    json.dumps(found, ensure_ascii=False, allow_nan=False)


@MANY
@given(article_text)
def test_textreuse_sketches(text: str) -> None:
    tokens = tr.words(text)
    hashes = tr.shingle_hashes(tokens)
    signature = tr.minhash(hashes)
    assert signature.shape == (tr.NUM_PERM,)
    assert len(tr.band_keys(signature)) == tr.BANDS
    assert all(0 <= key < 2**63 for key in tr.anchor_keys(tokens))
    keyed = tr.keyed_sentences(sentences(text))
    assert tr.unpack_sentences(tr.pack_sentences(keyed), text) == keyed
    matches = tr.match_sentences(keyed, keyed)
    assert len(matches) == len(keyed)  # each sentence at least finds itself
    assert tr.estimated_jaccard(signature, signature) == 1.0
    assert np.array_equal(tr.signature_from_bytes(tr.signature_bytes(signature)), signature)


@FEW
@given(st.lists(arabic_text, max_size=5))
def test_offline_translation(texts: list[str]) -> None:
    translated = OfflineTranslator().translate(texts, "ar", "en")
    assert len(translated) == len(texts)


@FEW
@given(extreme_datetimes)
def test_link_candidates_at_any_time(at: datetime) -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        assert candidates(session, "unit:صاروخ", at) == []
    engine.dispose()
