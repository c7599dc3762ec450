"""The built-in offline engine: what it can translate, and nothing it cannot.

No network, no model, deterministic. It renders numbers (digits of any script, number
words, duals) as digits, translates the words and phrases of a glossary of news
(``text/lexicons/glossary_en.txt``: reporting verbs, events, bodies, places, days and
months, so "16 فبراير 2021" reads "16 February 2021"),
longest phrase first, and leaves every other run of words in Arabic between square
brackets: "3 rockets fell on [المنطقة] in Baghdad". A reader sees at once what was
translated and what was not; nothing is spelled out letter by letter to look like
English.
"""

from __future__ import annotations

from collections.abc import Sequence

from marsad.core import Translator
from marsad.text.arabic import key_span_to_text
from marsad.text.glossary import glossary
from marsad.text.numberwords import read_number
from marsad.text.tokens import Line, lines

LONGEST_PHRASE = 4
# Arabic punctuation as English writes it.
PUNCTUATION = str.maketrans({"،": ",", "؛": ";", "؟": "?", "«": '"', "»": '"'})


def number_text(value: float) -> str:
    """Digits as English writes them: 2021 (a year, say) bare, 45,000 grouped."""
    if value != int(value):
        return f"{value:g}"
    return f"{int(value):,}" if value >= 10_000 else str(int(value))


# A first word's prefixes the glossary leaves out, and how English says them.
PREFIXES = (("", ""), ("و", "and "), ("ال", "the "), ("وال", "and the "))


def _phrase_at(line: Line, index: int) -> tuple[str, int] | None:
    """The English of the longest glossary phrase at token ``index``, and where it ends;
    a و ("and") or ال ("the") written onto its first word is read too."""
    words = [token.text for token in line.tokens[index : index + LONGEST_PHRASE]]
    phrases = glossary()
    for size in range(len(words), 0, -1):
        for prefix, english in PREFIXES:
            first = words[0]
            if prefix and not (first.startswith(prefix) and len(first) > len(prefix) + 1):
                continue
            found = phrases.get((first[len(prefix) :], *words[1:size]))
            if found is not None:
                return english + found, index + size
    return None


def render_line(line: Line) -> str:
    pieces: list[str] = []
    untranslated: list[int] = []

    def keep_untranslated() -> None:
        if untranslated:
            first, last = line.tokens[untranslated[0]], line.tokens[untranslated[-1]]
            start, end = key_span_to_text(line.offsets, first.start, last.end)
            pieces.append(f"[{line.text[start:end]}]")
            untranslated.clear()

    index = 0
    while index < len(line.tokens):
        token = line.tokens[index]
        if token.kind in ("punct", "quote"):
            keep_untranslated()
            start, end = key_span_to_text(line.offsets, token.start, token.end)
            pieces.append(line.text[start:end].translate(PUNCTUATION))
            index += 1
            continue
        number = read_number(line, index)
        if number is not None:
            keep_untranslated()
            pieces.append(number_text(number.value))
            index = number.last + 1
            continue
        phrase = _phrase_at(line, index)
        if phrase is not None:
            keep_untranslated()
            pieces.append(phrase[0])
            index = phrase[1]
            continue
        untranslated.append(index)
        index += 1
    keep_untranslated()
    text = " ".join(pieces)
    for mark in (",", ".", ";", ":", "?", "!", ")"):
        text = text.replace(f" {mark}", mark)
    return text.replace("( ", "(")


def render(text: str) -> str:
    return "\n".join(render_line(line) for line in lines(text))


class OfflineTranslator(Translator):
    name = "offline-glossary"
    version = "2"

    def supports(self, source: str | None, target: str) -> bool:
        return source == "ar" and target == "en"

    def translate(self, texts: Sequence[str], source: str | None, target: str) -> list[str]:
        return [render(text) for text in texts]
