"""Properties of the input functions over any bytes and any text: no crash, bounded output."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.core.readers import field_type_problem
from marsad.text.encoding import UndecodableText, decode
from marsad.text.plain import MAX_DATELINE_CHARS, clean_controls, parse_text

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Arabic letters and marks, Eastern digits, punctuation, dashes, controls and line ends.
ARABIC_LIKE = st.text(
    st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(list(' \n\t\r-–—:.،؟!"«»()[]0123456789\x00\x1a\x0c\x1e')),
    ),
    max_size=400,
)


@given(st.binary(max_size=400))
def test_decode_either_decodes_or_says_why(content: bytes) -> None:
    try:
        decoded = decode(content)
    except UndecodableText as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(decoded.text, str)


@given(ARABIC_LIKE)
def test_utf16_round_trips_without_a_byte_order_mark(text: str) -> None:
    if sum(ch < "\x80" for ch in text) <= len(text) * 0.05:
        return  # the evidence is the NUL high byte of ASCII characters: too few here
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            decoded = decode(text.encode(encoding))
        except UndecodableText:
            continue  # too little ASCII to tell: refused, never misread
        assert decoded.text == text


@settings(max_examples=200)
@given(ARABIC_LIKE, st.booleans())
def test_parse_text_output_has_no_controls_and_short_datelines(text: str, first: bool) -> None:
    parsed = parse_text(clean_controls(text), title_first=first)
    assert parsed.dateline is None or len(parsed.dateline) <= MAX_DATELINE_CHARS
    pieces = [parsed.title, parsed.subtitle, parsed.dateline, *parsed.paragraphs]
    pieces += [removed.text for removed in parsed.removed]
    assert not any(piece and CONTROL.search(piece) for piece in pieces)


@given(st.dictionaries(st.sampled_from(["title", "text", "published", "x"]), st.from_type(object)))
def test_field_type_problem_names_a_field_or_passes(record: dict[str, object]) -> None:
    problem = field_type_problem(record)
    wrong = [
        key
        for key in ("title", "text", "published")
        if record.get(key) is not None and not isinstance(record[key], str)
    ]
    assert (problem is None) == (not wrong)
    if problem:
        assert problem.startswith(f'field "{wrong[0]}" must be a string')
