"""Attributed statements in a line: speech verb, speaker, content, direct or not.

The rules, in order:

* A trigger is a speech verb from ``lexicons/speech_verbs.txt`` (with و/ف, feminine,
  dual and plural endings, present tense, participles such as "مضيفا") or a nominal
  attribution ("بحسب", "وفق"), outside quotes and not negated ("دون ذكر").
* The speaker is the noun phrase after the verb (Arabic is mostly verb-first: "وقال
  البيت الأبيض إن"), or the one before it when the verb has no و/ف and follows a
  noun ("الرئيس الأميركي أكد"). With no phrase ("ولفت إلى أن", "مضيفا:") the speaker
  is the previous statement's. A dual or plural verb without a speaker ("وأكدا") is
  part of the clause it sits in, not a new statement.
* The content starts at the first quote of three or more words (direct) or after
  "أن / إن / أنه / بأن" (indirect, unless it is only quotes); it ends where the next
  trigger starts or at the end of the sentence. Nominal attributions at the end of a
  sentence ("..., بحسب الجيش العراقي.") attribute what came before them.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from marsad.plugins.arabic import match_key
from marsad.plugins.speakers import MEDIA_HEADS, Speaker, SpeakerFinder
from marsad.plugins.speech import (
    COMPLEMENTIZERS,
    LONG_QUOTE,
    NEGATORS,
    PARTICLES,
    TIME_WORDS,
    TRAILING,
    Trigger,
    bare_set,
    trigger_of,
)
from marsad.plugins.tokens import Line, bare, keys

ASIDE_WORDS = 4  # words outside quotes that still leave a content "only quotes"
MAX_LEAD = 14  # words between the speaker and the content
CHANNELS: list[tuple[frozenset[str], str]] = [
    (keys("تغريدة تغريدته تغريدات تويتر"), "tweet"),
    (keys("بيان بيانه"), "statement"),
    (keys("مراسل مراسلنا"), "correspondent"),
    (keys("جلسة"), "session"),
    (keys("وكالة"), "agency"),
    (keys("صحافيين صحفيين مؤتمر"), "press"),
]
CABINET = (match_key("مجلس"), match_key("الوزراء"))


@dataclass
class StatementMatch:
    verb_index: int
    verb: str  # the lemma
    speaker: Speaker | None  # None: the previous statement's speaker
    first: int  # content tokens, inclusive
    last: int
    direct: bool
    channel: str | None = None
    cited_source: tuple[int, int] | None = None  # token range, inclusive
    quotes: list[tuple[int, int]] = field(default_factory=list)


class StatementFinder:
    """Finds the statements of an article line by line; remembers the last speaker."""

    def __init__(self, known_names: set[tuple[str, ...]]) -> None:
        self.speakers = SpeakerFinder(known_names)

    def find(self, line: Line) -> list[StatementMatch]:
        # Two passes: a trigger that turns out to have no speaker ("وأكدا") must not
        # cut the content of the statement it sits in.
        heads = []
        for index, trigger, prefixed in self._triggers(line):
            found = self._speaker(line, index, trigger, prefixed)
            if found is not None:
                heads.append((index, trigger, found[0], found[1]))
        statements: list[StatementMatch] = []
        for position, (index, trigger, speaker, after) in enumerate(heads):
            _, end = line.sentence_of(index)
            # Heads are in token order: the next one, if in this sentence, cuts the content.
            following = heads[position + 1][0] if position + 1 < len(heads) else end
            cut = following if following < end else end
            if cut < end and line.tokens[cut - 1].text in TRAILING:
                cut -= 1
            match = self._statement(line, index, trigger, speaker, after, cut)
            if match is not None:
                statements.append(match)
        return statements

    def _triggers(self, line: Line) -> list[tuple[int, Trigger, bool]]:
        found = []
        for index, token in enumerate(line.tokens):
            if token.kind != "word" or index in line.quote_of:
                continue
            hit = trigger_of(token.text)
            if hit is None:
                continue
            if index > 0 and line.tokens[index - 1].text in NEGATORS:
                continue  # "دون ذكر جنسيته"
            found.append((index, hit[0], hit[1]))
        return found

    def _speaker(
        self, line: Line, index: int, trigger: Trigger, prefixed: bool
    ) -> tuple[Speaker | None, int] | None:
        """The speaker (None: the previous one) and the token after it; None: no statement."""
        begin, end = line.sentence_of(index)
        if trigger.kind == "participle":
            return None, index + 1
        if trigger.kind == "nominal":
            speaker = self.speakers.phrase(line, index + 1, end)
            return (speaker, speaker.last + 1) if speaker is not None else None
        speaker = self.speakers.subject_before(line, index, begin, prefixed)
        if speaker is not None:
            return speaker, index + 1
        speaker = self.speakers.phrase(line, index + 1, end)
        if speaker is not None:
            return speaker, speaker.last + 1
        if trigger.plural or trigger.kind == "present":
            return None  # "وأكدا ضرورة ...", "يذكر أن": no speaker to carry over
        if not prefixed and index != begin:
            return None  # "لن يتم نشر": not a clause of its own
        return None, index + 1

    def _statement(
        self,
        line: Line,
        index: int,
        trigger: Trigger,
        speaker: Speaker | None,
        after: int,
        cut: int,
    ) -> StatementMatch | None:
        begin, end = line.sentence_of(index)
        before = line.tokens[index - 1].text if index > 0 else ""
        trailing = trigger.kind == "nominal" or before in TRAILING
        if trailing and _at_sentence_end(line, after, end):
            content = _trim(line, begin, index - 1 if before in TRAILING else index)
            if content is None:
                return None
            match = StatementMatch(index, trigger.lemma, speaker, *content, direct=False)
            lead_end = after
        else:
            found = _content(line, max(after, index + 1), cut, trigger)
            if found is None:
                return None
            match = found
            match.verb_index, match.verb, match.speaker = index, trigger.lemma, speaker
            lead_end = max(after, match.first)
        match.channel = _channel(line, index + 1, lead_end)
        match.cited_source = _cited_source(line, speaker, index + 1, lead_end)
        return match


def _at_sentence_end(line: Line, index: int, end: int) -> bool:
    # By index, not a slice: the first word ends it, however long the sentence.
    return all(line.tokens[i].kind in ("punct", "quote") for i in range(index, end))


def _trim(line: Line, first: int, stop: int) -> tuple[int, int] | None:
    """The first and last word tokens of [first, stop), or None if under two words."""
    tokens = line.tokens
    while first < stop and tokens[first].kind == "punct":
        first += 1
    last = stop - 1
    while last >= first and tokens[last].kind == "punct":
        last -= 1
    while last >= first and tokens[last].kind == "word" and tokens[last].text in PARTICLES:
        last -= 1  # "..., فيما" before the next statement
        while last >= first and tokens[last].kind == "punct":
            last -= 1
    if len(line.words(first, last + 1)) < 2:
        return None
    # A quote mark at an edge belongs to the content only when its pair does too.
    if tokens[first].kind == "quote" and line.quote_of.get(first + 1, (first, -1))[1] > last:
        first += 1
    if tokens[last].kind == "quote" and line.quote_of.get(last - 1, (last + 1, 0))[0] < first:
        last -= 1
    return first, last


def _content(line: Line, after: int, cut: int, trigger: Trigger) -> StatementMatch | None:
    tokens = line.tokens
    start: int | None = None
    lead = 0
    for index in range(after, cut):
        token = tokens[index]
        lead += token.kind == "word"
        if lead > MAX_LEAD:
            break
        pair = line.quote_of.get(index + 1)
        opens = token.kind == "quote" and pair is not None and pair[0] == index
        if opens and pair and len(line.words(index + 1, pair[1])) >= LONG_QUOTE:
            start = index
            break
        if token.kind == "word" and token.text in COMPLEMENTIZERS:
            start = index + 1
            break
    participle = trigger.kind == "participle" and after < cut
    if start is None and participle and tokens[after].text == match_key("إلى"):
        start = after + 1  # "مشيرة إلى إصابة شخصين"
    if start is None:
        if not trigger.takes_object or trigger.kind == "present":
            return None
        start = after
        while start < cut and (tokens[start].kind == "punct" or tokens[start].text in TIME_WORDS):
            start += 1
    region = _trim(line, start, cut)
    if region is None:
        return None
    quotes = [
        (a, b)
        for a, b in _quotes_within(line, region[0], region[1] + 1)
        if len(line.words(a + 1, b)) >= LONG_QUOTE
    ]
    inside = {i for a, b in quotes for i in range(a, b + 1)}
    aside = [
        i
        for i in range(region[0], region[1] + 1)
        if i not in inside and tokens[i].kind in ("word", "num")
    ]
    if quotes and len(aside) <= ASIDE_WORDS:
        first_quote = quotes[0]
        return StatementMatch(
            0, "", None, first_quote[0] + 1, first_quote[1] - 1, direct=True, quotes=quotes
        )
    return StatementMatch(0, "", None, region[0], region[1], direct=False)


def _quotes_within(line: Line, first: int, stop: int) -> list[tuple[int, int]]:
    """Quote pairs from token ``first`` to ``stop``, both marks included.

    Pairs are in order and disjoint: bisected, so a line of thousands of quotes
    costs each statement only its own.
    """
    found = []
    for position in range(bisect_left(line.quotes, (first, -1)), len(line.quotes)):
        pair = line.quotes[position]
        if pair[1] > stop:
            break
        found.append(pair)
    return found


def _channel(line: Line, start: int, stop: int) -> str | None:
    words = [t.text for t in line.tokens[start:stop] if t.kind == "word"]
    for position, word in enumerate(words):
        for channel_words, channel in CHANNELS:
            if word in channel_words or bare(word) in bare_set(channel_words):
                if channel == "session" and tuple(words[position + 1 : position + 3]) == CABINET:
                    return "cabinet session"
                return channel
    return None


def _cited_source(
    line: Line, speaker: Speaker | None, start: int, stop: int
) -> tuple[int, int] | None:
    """An outlet or agency named as the source: "بحسب موقع RT", "تلقته وكالة الأنباء"."""
    tokens = line.tokens
    if speaker is not None and bare(speaker.words[0]) in bare_set(MEDIA_HEADS):
        first = speaker.first
        if bare(speaker.words[0]) != bare(match_key("وكالة")):
            first += 1
        last = speaker.last
        # The outlet's name may be quoted right after the head: مراسل “سكاي نيوز عربية”.
        if last + 1 < len(tokens) and tokens[last + 1].kind == "quote":
            pair = line.quote_of.get(last + 2)
            if pair is not None and pair[0] == last + 1:
                last = pair[1] - 1
                first = max(first, pair[0] + 1) if first > speaker.last else first
        while first <= last and tokens[first].kind != "word":
            first += 1
        return (first, last) if first <= last else None
    agency = match_key("وكالة")
    for index in range(start, stop):
        if bare(tokens[index].text) == bare(agency):
            last = index
            while last + 1 < stop and tokens[last + 1].text.startswith("ال"):
                last += 1
            return index, last
    return None
