"""Who speaks: the noun phrase before or after a speech verb that names a speaker.

Arabic news is mostly verb-first ("وقال البيت الأبيض إن"), so the speaker is usually
the phrase after the verb; a subject-first clause ("الرئيس الأميركي أكد") has it
before. A phrase is a person (a title and maybe a name, or a name known from the
article), an organisation, an anonymous source ("مصدر أمني") or a statement
("البيان").
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.plugins.arabic import match_key
from marsad.plugins.speech import (
    COMPLEMENTIZERS,
    LONG_QUOTE,
    PARTICLES,
    PREPOSITIONS,
    bare_set,
    stops_phrase,
)
from marsad.plugins.tokens import Line, bare, keys

MAX_SPEAKER_WORDS = 7
# The longest phrase phrase() returns: its words and an office's owner (لـ"X" quoted).
MAX_SUBJECT_WORDS = MAX_SPEAKER_WORDS + 5
TITLE_HEADS = keys(
    "رئيس الرئيس وزير المتحدث الناطق أمين قائد سفير مستشار زعيم مدير نائب ملك الملك أمير الأمير"
)
TITLE_LINKS = keys("باسم عام حلف مجلس وزارة هيئة أركان جهاز")
ORG_HEADS = keys(
    "بيت خلية مكتب وزارة موقع وكالة قناة صحيفة شبكة حكومة جيش أجهزة سلطات حلف مجلس "
    "خارجية بنتاغون برلمان تحالف فصائل كتائب حزب هيئة قيادة شرطة"
)
MEDIA_HEADS = keys("موقع مراسل قناة صحيفة شبكة وكالة")
ANONYMOUS_HEADS = keys("مصدر مصادر مسؤول مسؤولون مسؤولين شهود مصدرا")
STATEMENT_NOUNS = keys("البيان بيان بيانه")
MAX_NAME_WORDS = 2  # first and family name; a third word is usually the next verb
NAME_LINKS = keys("بن ابن أبو آل")  # "محمد بن سلمان": a longer name
OWNER_LAM = match_key("لـ")
OFFICE_HEADS = frozenset(bare(word) for word in keys("مكتب المكتب"))


@dataclass(frozen=True)
class Speaker:
    first: int  # token indexes, inclusive
    last: int
    words: tuple[str, ...]  # key words, quote marks dropped
    title: tuple[str, ...]  # the title part ("رئيس الوزراء العراقي"), maybe empty
    name: tuple[str, ...]  # the name part ("مصطفى الكاظمي"), maybe empty
    kind: str  # "person", "org", "anonymous", "title" or "statement"


class SpeakerFinder:
    """Speaker phrases of one article; names seen anywhere in it help decide."""

    def __init__(self, known_names: set[tuple[str, ...]]) -> None:
        # Names seen anywhere in the article ("مصطفى الكاظمي"): a one-word phrase that
        # ends one of them is a speaker even without a title.
        self.known_last_words = {name[-1] for name in known_names}

    def subject_before(self, line: Line, index: int, begin: int, prefixed: bool) -> Speaker | None:
        """The speaker of a subject-first clause: "وكان المتحدث ... نيد برايس صرح"."""
        if prefixed or index == begin:
            return None
        first = index
        words = 0
        while first > begin:
            token = line.tokens[first - 1]
            if token.kind in ("punct", "num") or token.text in PARTICLES:
                break
            if token.text in PREPOSITIONS or token.text in COMPLEMENTIZERS:
                return None
            words += token.kind == "word"
            if words > MAX_SUBJECT_WORDS:
                return None  # no phrase is this long; walking on costs a sentence a verb
            first -= 1
        if first == index:
            return None
        speaker = self.phrase(line, first, index)
        if speaker is None or speaker.last != index - 1:
            return None
        return speaker

    def phrase(self, line: Line, start: int, stop: int) -> Speaker | None:
        """The noun phrase at ``start`` that names a speaker, or None."""
        tokens = line.tokens
        indexes: list[int] = []
        index = start
        while index < stop and len(indexes) < MAX_SPEAKER_WORDS:
            token = tokens[index]
            if token.kind == "quote":
                pair = line.quote_of.get(index + 1)
                media = bool(indexes) and bare(tokens[indexes[-1]].text) in bare_set(MEDIA_HEADS)
                inner = len(line.words(pair[0] + 1, pair[1])) if pair else 0
                if pair and pair[0] == index and inner >= LONG_QUOTE and not media:
                    break  # a quotation starts: the phrase is over
                index += 1
                continue
            if token.kind != "word":
                break
            word = token.text
            if word == OWNER_LAM and indexes and bare(tokens[indexes[0]].text) in OFFICE_HEADS:
                owner = _owner(line, index + 1, stop)
                if owner is None:
                    break
                # "المكتب الإعلامي لـ"الكاظمي"": the office is named after its owner.
                indexes.extend(i for i in range(index, owner + 1) if tokens[i].kind == "word")
                index = owner + 1
                break
            if stops_phrase(word) and not (index == start and word in STATEMENT_NOUNS):
                break
            if indexes and (word.startswith("وال") or word.startswith("لل")):
                break  # "والكاظمي", "للصحافيين": a new phrase starts
            if indexes and word.startswith("بال"):
                break
            if indexes and word[:1] == "و" and word not in TITLE_HEADS:
                rest = bare(word[1:]) if len(word) > 3 else ""
                if rest in bare_set(TITLE_HEADS) or rest in bare_set(ORG_HEADS):
                    break  # "جو بايدن ورئيس الوزراء": a second person starts
            indexes.append(index)
            index += 1
        if not indexes:
            return None
        words = tuple(tokens[i].text for i in indexes)
        if words[0] in STATEMENT_NOUNS and index < stop and tokens[index].text == "عن":
            return self.phrase(line, index + 1, stop)  # "البيان الصادر عن البيت الأبيض"
        return self.classify(indexes, words)

    def classify(self, indexes: list[int], words: tuple[str, ...]) -> Speaker | None:
        first, last = indexes[0], indexes[-1]
        head = bare(words[0])
        if words[0] in STATEMENT_NOUNS and len(words) == 1:
            return Speaker(first, last, words, (), (), "statement")
        if head in bare_set(TITLE_HEADS):
            title_end = 1
            while title_end < len(words) and (
                words[title_end].startswith("ال") or words[title_end] in TITLE_LINKS
            ):
                title_end += 1
            title, name = words[:title_end], words[title_end:]
            if len(name) > MAX_NAME_WORDS and name[1] not in NAME_LINKS:
                # "رئيس الوزراء العراقي مصطفى الكاظمي بوقف": the phrase ran past the name.
                words, name = words[: title_end + MAX_NAME_WORDS], name[:MAX_NAME_WORDS]
                last = indexes[len(words) - 1]
            return Speaker(first, last, words, title, name, "person" if name else "title")
        if head in bare_set(ANONYMOUS_HEADS):
            return Speaker(first, last, words, (), (), "anonymous")
        if head in bare_set(ORG_HEADS) or head in bare_set(MEDIA_HEADS):
            return Speaker(first, last, words, (), words, "org")
        if words[-1] in self.known_last_words or (words[0].startswith("ال") and len(words) > 1):
            kind = "person" if words[-1] in self.known_last_words else "org"
            return Speaker(first, last, words, (), words, kind)
        return None


def _owner(line: Line, index: int, stop: int) -> int | None:
    """The last token of the owner after "لـ": a quoted name or one word."""
    tokens = line.tokens
    if index >= stop:
        return None
    if tokens[index].kind == "quote":
        pair = line.quote_of.get(index + 1)
        if pair is None or pair[0] != index or pair[1] - index > 4:
            return None
        return pair[1]
    return index if tokens[index].kind == "word" else None
