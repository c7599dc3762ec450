"""Attributed statements in a line: trigger, speaker, content, direct or not, channel.

The rules, in order:

* A trigger is a form from ``lexicons/speech_verbs.txt`` (see :mod:`speech`): a
  speech verb in the past or present, a circumstantial participle ("، مشيرا إلى"), a
  verbal noun ("قول مسؤولين إن"), a prepositional attribution ("بحسب", "نقلا عن",
  "على لسان") or an impersonal form ("يذكر أن", "من المتوقع أن"); outside quotes and
  not negated ("دون ذكر"). A participle counts after a punctuation mark or before a
  content marker ("لافتة إلى"), so that "لافتة" (a banner) and "حالات مؤكدة" are not
  statements; an ambiguous spelling ("بين", "طالب") counts with و/ف or a marker.
* The speaker is the noun phrase after the verb (Arabic is mostly verb-first: "وقال
  البيت الأبيض إن"), or the one before it when the verb has no و/ف and follows a
  noun ("الرئيس الأميركي أكد"). A phrase the speaker rules do not recognise still
  names the speaker when a content marker follows it ("وقال البنيان خلال المؤتمر إن").
  With no phrase ("ولفت إلى أن", "مضيفا:") the speaker is the previous statement's;
  an impersonal form without one has none. A dual or plural verb without a speaker
  ("وأكدا") is part of the clause it sits in, not a new statement.
* The content starts at a quotation of three or more words, after "أن / إن / بأن"
  or after a colon; failing those, the object after the speaker ("وشدد على أهمية
  ..."). It ends where the next trigger starts or at the end of the sentence (a
  quotation never splits a sentence, so a quoted content runs on to its closing
  mark). It is direct when any of it is quoted: only quotes ("قال: «...»"), or a
  partial quote inside the reporter's words. A prepositional attribution after its
  clause ("..., بحسب الجيش العراقي.") and a verb after "حسبما / كما" attribute what
  came before them.
* The channel is read from the words around the trigger up to the content: see
  :func:`channel_of`.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache, lru_cache

from marsad.text.arabic import match_key
from marsad.text.claims.speakers import MAX_SPEAKER_WORDS, MEDIA_HEADS, Speaker, SpeakerFinder
from marsad.text.claims.speech import (
    COMPLEMENTIZERS,
    CONTENT_MARKERS,
    LONG_QUOTE,
    NEGATORS,
    PARTICLES,
    TIME_WORDS,
    TRAILING,
    Trigger,
    bare_set,
    stops_phrase,
    trigger_of,
)
from marsad.text.tokens import Line, bare, keys, strip_conjunction

ASIDE_WORDS = 4  # words outside quotes that still leave a content "only quotes"
MAX_LEAD = 18  # words between the speaker and the content
CLAUSE_KINDS = frozenset({"past", "present", "participle", "impersonal"})
RELAY = match_key("نقل")
ABOUT = match_key("عن")
RELAY_GAP = 3  # tokens between a relaying speaker and "عن"
MAX_NESTED = 3  # nested attributions a statement's content may run over
RAW_LEAD = 10  # tokens between an unrecognised subject and its content marker
MAX_CLAUSE = 80  # tokens of a clause attributed after the fact ("..., بحسب الجيش")
NOUN_LEAD = 6  # words between a verbal noun and its "أن"
AMBIGUOUS_LEAD = 3  # tokens between an ambiguous verb's speaker and its "أن"
CHANNEL_AFTER = 4  # tokens of a channel phrase at the start of an object content
CHANNEL_BEFORE = 6  # words before a trigger that may name its channel ("وفي بيان، قال")
COLON = ":"
# Words that join a prepositional attribution to its source: "نقلا عن", "وفقا لـ".
SOURCE_LINKS = keys("عن ل لـ")
# Words between a post-posed attribution and the clause it attributes.
TRAILING_LINKS = keys("حسب بحسب وفق وفقا ما جاء ورد على كما حسبما وفقما")
CHANNEL_PREPOSITIONS = keys("في خلال عبر")  # "في تصريح صحفي": a channel, not a trigger
TIME_NOUNS = keys("الأسبوع الشهر العام السنة")  # "كما ذكر الأسبوع الماضي المدعي العام"
RELATIVES = keys("الذي التي الذين اللذين اللتين اللواتي اللاتي")
OUTLET_LAM = keys("ل لـ")
LEAD_PARTICLE = keys("كما حيث فيما بينما وقد قد لقد إذ بعدما")  # "كما أكد أن": a clause

# Channel cues, in the gold vocabulary. A strong cue decides at its position (the
# first one found wins: "في كلمة ألقاها خلال المؤتمر" is a session); a weak one only
# when there is no strong one ("في تصريح خاص لـ"الاقتصادية"" is a newspaper's).
STRONG_CHANNELS: list[tuple[frozenset[str], str]] = [
    (keys("تغريدة تغريدته تغريدات تغريداته تويتر"), "tweet"),
    (keys("بيان بيانه بيانا بيانها تعميم خطاب"), "statement"),
    (keys("مؤتمر مؤتمره صحفيين صحافيين إعلاميين"), "press_conference"),
    (keys("وكالة رويترز برس الأناضول واس أسوشيتد نوفوستي سبوتنيك إنترفاكس"), "agency"),
    (keys("قناة تلفزيون التلفزيون التلفزيونية تلفزيونية شاشة فضائية شبكة"), "tv"),
    (keys("صحيفة صحيفتنا جريدة"), "newspaper"),
    (keys("حوار مقابلة التقت التقينا تلتقي تلتقيهم استطلعت"), "interview"),
    (keys("جلسة اجتماع اجتماعات كلمة كلمته محاكمة المحكمة حفل ندوة منتدى محاضرة"), "session"),
]
WEAK_CHANNELS: list[tuple[frozenset[str], str]] = [
    (keys("تصريح تصريحه تصريحات تصريحاته"), "statement"),
    (keys("موقع"), "newspaper"),
]
AGENCY = keys("وكالة")
# Words that announce a name, so that a short quote after them is no speech.
NAME_HOLDERS = keys(
    "ل لـ قناة صحيفة جريدة موقع وكالة شبكة مصادر مصدر شركة مؤسسة نادي فريق حزب حركة تنظيم "
    "منظمة جماعة جمعية هيئة مجلس مركز برنامج مشروع مبادرة حملة عملية مهرجان بطولة مسابقة "
    "كتاب فيلم مسلسل تطبيق حساب وسم هاشتاق اسم باسم عنوان بعنوان مستشفى جامعة مدرسة"
)
NEWS_WORDS = keys(
    "أنباء الأنباء الصحافة الإعلام رويترز فرانس الأناضول أسوشيتد نوفوستي تاس إنترفاكس دوجان"
)
MEETING = keys("لقاء لقائه")  # "لقائه بالصحفيين" a press conference, "بوزير" a session
OUTLET_HOLDERS = keys("ل لـ مصادر مصدر بسؤال")  # before a quoted outlet: لـ«عكاظ»
SOURCES_OF_OUTLET = keys("مصادر مصدر")  # "مصادر «عكاظ»": the outlet's own sources


@dataclass
class StatementMatch:
    verb_index: int
    verb: str  # the lemma
    speaker: Speaker | None  # None: the previous statement's speaker (or none: impersonal)
    first: int  # content tokens, inclusive
    last: int
    direct: bool
    channel: str | None = None
    cited_source: tuple[int, int] | None = None  # token range, inclusive
    # The spans a direct content is stored as, each given by the tokens just outside
    # it: the quote marks of each quotation of a content that is only quotes, or, for
    # a partial quote inside the reporter's words, the whole content (first - 1,
    # last + 1). Empty for an indirect content.
    quotes: list[tuple[int, int]] = field(default_factory=list)
    impersonal: bool = False  # "يذكر أن": nobody is named and nobody is carried over


@dataclass(frozen=True)
class _Head:
    index: int
    trigger: Trigger
    prefixed: bool
    speaker: Speaker | None
    after: int  # the token after the speaker (or the trigger)
    impersonal: bool


class StatementFinder:
    """Finds the statements of an article line by line."""

    def __init__(self, known_names: set[tuple[str, ...]]) -> None:
        self.speakers = SpeakerFinder(known_names)

    def find(self, line: Line) -> list[StatementMatch]:
        # Two passes: a trigger that turns out to have no speaker ("وأكدا") must not
        # cut the content of the statement it sits in.
        heads = []
        for index, trigger, prefixed in self._triggers(line):
            head = self._head(line, index, trigger, prefixed)
            if head is not None:
                heads.append(head)
        heads = self._with_relayed_sources(line, heads)
        statements: list[StatementMatch] = []
        for position, head in enumerate(heads):
            begin, end = line.sentence_of(head.index)
            cut = min(self._next_clause(line, heads, position), end)
            while cut < end and cut > head.after and line.tokens[cut - 1].text in TRAILING_LINKS:
                cut -= 1  # "..., حسبما أفاد": the link belongs to the next statement
            previous = heads[position - 1].index + 1 if position > 0 else begin
            match = self._statement(line, head, cut, max(begin, previous))
            if match is not None:
                statements.append(match)
        return statements

    @staticmethod
    def _next_clause(line: Line, heads: list[_Head], position: int) -> int:
        """Where the next statement starts: the next head, unless that head's subject
        sits inside this statement's clause ("بأن الأنباء الأولية تشير إلى أن ..."): a
        nested attribution is a statement of its own but does not end this one."""
        head = heads[position]
        _, end = line.sentence_of(head.index)
        own_start = _content_start(line, head.after, end)
        for following in heads[position + 1 : position + 1 + MAX_NESTED]:
            speaker = following.speaker
            nested = (
                speaker is not None
                and speaker.last < following.index
                and speaker.first > head.after
                and _content_start(line, head.after, speaker.first) is not None
            )
            # "وقال نقلا عن دائرة الصحة إن ...", "ونقلت الوكالة عن مصادر أن ...": a
            # trigger before this statement's "أن" relays the same content.
            in_lead = own_start is not None and following.index < own_start
            if not nested and not in_lead:
                return following.index
        beyond = position + 1 + MAX_NESTED
        if beyond < len(heads):
            return heads[beyond].index
        _, end = line.sentence_of(head.index)
        return end

    def _with_relayed_sources(self, line: Line, heads: list[_Head]) -> list[_Head]:
        """A relay names two sources: "ونقلت وكالة الأنباء عن مصادر أمنية أن ...",
        "ونقل بيان الوزارة عن الوزير قوله": the source after "عن" is a statement's
        speaker too, with the same content."""
        added = []
        taken = {head.index for head in heads}
        for head in heads:
            if head.trigger.lemma != RELAY or head.trigger.kind in ("nominal", "relay"):
                continue
            _, end = line.sentence_of(head.index)
            for index in range(head.after, min(end, head.after + RELAY_GAP)):
                if line.tokens[index].text != ABOUT or index in taken:
                    continue
                source = self.speakers.phrase(line, index + 1, end) or _raw_phrase(
                    line, index + 1, end
                )
                if source is not None:
                    relayed = Trigger(RELAY, "relay", False, False)
                    added.append(_Head(index, relayed, False, source, source.last + 1, False))
                break
        return sorted([*heads, *added], key=lambda head: head.index) if added else heads

    def _triggers(self, line: Line) -> list[tuple[int, Trigger, bool]]:
        found = []
        tokens = line.tokens
        for index, token in enumerate(tokens):
            if token.kind != "word" or index in line.quote_of:
                continue
            hit = trigger_of(token.text)
            if hit is None:
                continue
            trigger, prefixed = hit
            before = tokens[index - 1].text if index > 0 else ""
            if before in NEGATORS:
                continue  # "دون ذكر جنسيته"
            from_ = strip_conjunction(before)
            if trigger.kind == "impersonal" and "ال" in token.text[:3] and from_ != "من":
                continue  # only "من المتوقع أن"
            if trigger.lemma == "لسان" and before != match_key("على"):
                continue  # only "على لسان"
            if trigger.kind == "participle" and not _participle_place(line, index):
                continue
            if trigger.kind == "noun" and before in CHANNEL_PREPOSITIONS:
                continue
            following = tokens[index + 1].text if index + 1 < len(tokens) else ""
            if trigger.kind == "nominal" and following == "ما":
                continue  # "بحسب ما ذكر المرصد": the verb after it is the trigger
            found.append((index, trigger, prefixed))
        return found

    def _head(self, line: Line, index: int, trigger: Trigger, prefixed: bool) -> _Head | None:
        found = self._speaker(line, index, trigger, prefixed)
        if found is None:
            return None
        speaker, after, impersonal = found
        _, end = line.sentence_of(index)
        # "بين البلدين" is "between": the verb "بيّن" is followed by its "أن"; and "على
        # إعلان بلاتيني ترشيحه" is no statement: a verbal noun is one before its "أن".
        lead = AMBIGUOUS_LEAD if trigger.ambiguous else NOUN_LEAD
        needs_marker = trigger.ambiguous or trigger.kind == "noun"
        if trigger.lemma == RELAY and trigger.kind != "nominal" and not _relays(line, after):
            return None  # "ومن ثم نقل المواد": carrying, not relaying ("نقلت الوكالة عن")
        # "طالب الأهالي بتوفير", "ووعد بالرد": an ambiguous verb that takes an object may
        # have it right after its speaker, with its preposition.
        has_object = trigger.ambiguous and trigger.takes_object and _object_at(line, after)
        marked = _content_start(line, after, min(end, after + lead)) is not None
        if needs_marker and not marked and not has_object:
            return None
        return _Head(index, trigger, prefixed, speaker, after, impersonal)

    def _speaker(
        self, line: Line, index: int, trigger: Trigger, prefixed: bool
    ) -> tuple[Speaker | None, int, bool] | None:
        """The speaker (None: the previous one), the token after it and whether the
        statement is impersonal; None: no statement here."""
        begin, end = line.sentence_of(index)
        if trigger.kind == "participle":
            return None, index + 1, False
        if trigger.kind == "nominal":
            start = index + 1
            while start < end and line.tokens[start].text in SOURCE_LINKS:
                start += 1
            speaker = self.speakers.phrase(line, start, end) or _raw_phrase(line, start, end)
            if speaker is None or _possessed(line, speaker.first):
                return None  # "وفق نمطه القديم": a manner, not a source
            return speaker, speaker.last + 1, False
        if trigger.kind == "noun":
            speaker = self.speakers.phrase(line, index + 1, end)
            return (speaker, speaker.last + 1, False) if speaker else (None, index + 1, False)
        if trigger.kind == "impersonal":
            return None, index + 1, True
        speaker = self.speakers.subject_before(line, index, begin, prefixed)
        if speaker is not None:
            return speaker, index + 1, False
        start = _past_addressee(line, _past_time(line, index + 1, end), end)
        speaker = self.speakers.phrase(line, start, end)
        if speaker is not None:
            return speaker, speaker.last + 1, False
        raw = _raw_phrase(line, start, end)
        if raw is not None and (
            _content_start(line, raw.last + 1, min(end, raw.last + 1 + RAW_LEAD)) is not None
            or (trigger.takes_object and _object_at(line, raw.last + 1))
        ):
            return raw, raw.last + 1, False  # "وقال البنيان خلال المؤتمر، إن", "وشدد الوزير على"
        before = line.tokens[index - 1].text if index > begin else ""
        marked = _marker_at(line, index + 1) or _content_start(line, index + 1, min(end, index + 3))
        if not prefixed and index != begin and line.tokens[index - 1].kind == "word":
            # A subject-first clause the speaker rules do not know: "... برايس صرح بأن",
            # "أنصار لحبري رددوا شعارات", "الذبيبان الذي أشار إلى".
            raw = _raw_subject(line, index, begin)
            if raw is not None and (marked or trigger.takes_object):
                return raw, index + 1, False
        opens = index == begin or strip_conjunction(before) in LEAD_PARTICLE
        if trigger.plural and not (marked or opens):
            # "بحث الهجمات، وأكدا ضرورة ...": a plural verb without a speaker inside a
            # clause is part of it; one that opens a sentence ("وذكروا أن", "كما طالبوا
            # بوضع") carries the previous speaker.
            return None
        if trigger.kind == "present":
            if not marked:
                return None  # "لن يؤكد": a present verb stands alone only before its "أن"
            return None, index + 1, trigger.impersonal
        if not prefixed and not opens and line.tokens[index - 1].kind != "punct":
            return None  # "لن يتم نشر": not a clause of its own
        return None, index + 1, False

    def _statement(self, line: Line, head: _Head, cut: int, floor: int) -> StatementMatch | None:
        begin, _ = line.sentence_of(head.index)
        index, trigger = head.index, head.trigger
        before = line.tokens[index - 1].text if index > begin else ""
        found: StatementMatch | None = None
        clause = _post_posed(line, head, begin, before)
        if clause is not None:
            content = _trim(line, *clause)
            if content is not None:
                found = _direct_or_not(line, *content)
            lead_end = head.after
        else:
            found = _content(line, head, cut)
            lead_end = max(head.after, found.first) if found else head.after
        if found is None:
            return None
        found.verb_index, found.verb, found.speaker = index, trigger.lemma, head.speaker
        found.impersonal = head.impersonal
        # The words before the trigger may name its channel ("وفي بيان له، قال"), back
        # to the previous trigger.
        channel_start = floor if index - floor <= CHANNEL_BEFORE else index
        owner = (head.speaker.first, head.speaker.last) if head.speaker else None
        found.channel = channel_of(line, channel_start, _channel_end(line, head, lead_end), owner)
        found.cited_source = _cited_source(line, head.speaker, index + 1, lead_end)
        return found


def _channel_end(line: Line, head: _Head, lead_end: int) -> int:
    """Where the words that may name a channel end: at the content, or past a channel
    phrase the content starts with ("أعلنت الخلية في بيان عن مقتل 49 مسلحا")."""
    after = head.after
    while after < len(line.tokens) and line.tokens[after].kind == "punct":
        after += 1
    if (
        after < len(line.tokens)
        and strip_conjunction(line.tokens[after].text) in CHANNEL_PREPOSITIONS
    ):
        _, end = line.sentence_of(head.index)
        return max(lead_end, min(end, after + CHANNEL_AFTER))
    return lead_end


def _participle_place(line: Line, index: int) -> bool:
    """A circumstantial participle follows a punctuation mark or the sentence start,
    or a content marker follows it ("مؤكدا أن", "لافتة إلى")."""
    tokens = line.tokens
    begin, _ = line.sentence_of(index)
    if index == begin or tokens[index - 1].kind in ("punct", "quote"):
        return True
    return _marker_at(line, index + 1)


def _relays(line: Line, after: int) -> bool:
    """ "عن" follows the relaying speaker: "ونقلت الوكالة عن مصادر"."""
    stop = min(len(line.tokens), after + RELAY_GAP)
    return any(line.tokens[i].text == ABOUT for i in range(after, stop))


def _possessed(line: Line, index: int) -> bool:
    """The word at ``index`` has a possessive suffix ("نمطه", "رأيها") and names no
    source. Read on the text, not the key: the key folds ة into ه."""
    token = line.tokens[index]
    if len(token.text) <= 3 or token.text.startswith("ال"):
        return False
    last = line.text[line.offsets[token.end - 1]]
    return last == "ه" or token.text.endswith(("ها", "هم", "هما"))


def _object_at(line: Line, index: int) -> bool:
    """A prepositional object starts at ``index``: "بتوفير", "على الحضور"."""
    if index >= len(line.tokens) or line.tokens[index].kind != "word":
        return False
    word = line.tokens[index].text
    return word in CONTENT_MARKERS or (word.startswith("ب") and len(word) > 3)


def _marker_at(line: Line, index: int) -> bool:
    if index >= len(line.tokens):
        return False
    token = line.tokens[index]
    return (
        token.text in COMPLEMENTIZERS
        or token.text in CONTENT_MARKERS
        or token.text == COLON
        or token.kind == "quote"
    )


def _past_addressee(line: Line, start: int, end: int) -> int:
    """The token after whom a verb addresses, when it comes before the speaker:
    "وقال لـ"الاقتصادية" باسم مؤمنة", "كشف لـ«عكاظ» وكيل الوزارة"."""
    tokens = line.tokens
    if start + 1 < end and tokens[start].text in OUTLET_LAM and tokens[start + 1].kind == "quote":
        pair = line.quote_of.get(start + 2)
        if pair is not None and pair[0] == start + 1 and pair[1] - start < 6:
            return pair[1] + 1
    return start


def _past_time(line: Line, start: int, end: int) -> int:
    """The token after time words that sit between a verb and its subject."""
    tokens = line.tokens
    while start < end and (
        tokens[start].text in TIME_WORDS
        or (
            tokens[start].text in TIME_NOUNS
            and start + 1 < end
            and tokens[start + 1].text in TIME_WORDS
        )
    ):
        start += 1
    return start


def _raw_phrase(line: Line, start: int, end: int) -> Speaker | None:
    """The words at ``start`` up to the next function word, as an unclassified speaker.

    The speaker rules know titles, organisations and names seen in the article; a
    subject they do not know ("تقرير", "الصندوق", "البنيان") is still the subject
    when a content marker follows it. Short quoted names are part of it.
    """
    tokens = line.tokens
    indexes: list[int] = []
    index = start
    first_word = tokens[start].text if start < end else ""
    if first_word in CONTENT_MARKERS or first_word.startswith("بال"):
        return None  # "ودعا إلى", "وطالب بالرقابة": an object, not a subject
    while index < end and len(indexes) < MAX_SPEAKER_WORDS:
        token = tokens[index]
        if token.kind == "quote":
            pair = line.quote_of.get(index + 1)
            if pair is None or pair[0] != index:
                break
            if len(line.words(index + 1, pair[1])) >= LONG_QUOTE:
                break
            indexes.extend(i for i in range(index + 1, pair[1]) if tokens[i].kind == "word")
            index = pair[1] + 1
            continue
        if token.kind != "word" or stops_phrase(token.text):
            break
        if indexes and token.text.startswith(("وال", "لل", "بال")):
            break
        if indexes and _object_at(line, index):
            break  # "وطالب سكان الحي بتوفير": the object starts
        indexes.append(index)
        index += 1
    if not indexes:
        return None
    words = tuple(tokens[i].text for i in indexes)
    kind = "org" if words[0].startswith("ال") else "person"
    return Speaker(indexes[0], indexes[-1], words, (), words, kind)


def _raw_subject(line: Line, index: int, begin: int) -> Speaker | None:
    """The words right before an unprefixed verb, back to a function word, when the
    speaker rules do not recognise them as a subject: "وكان ... برايس صرح بأن"; before
    a relative pronoun, the words it refers to ("الدكتور محمد الذبيبان الذي أشار")."""
    tokens = line.tokens
    if index - 1 > begin and tokens[index - 1].text in RELATIVES:
        index -= 1
    first = index
    while first > begin and index - first < MAX_SPEAKER_WORDS:
        token = tokens[first - 1]
        if token.kind != "word" or stops_phrase(token.text) or token.text in RELATIVES:
            break
        if token.text.startswith("وال"):
            break  # "والتقينا مدير المستشفى": a new clause or a second conjunct
        first -= 1
    while first < index and tokens[first].text.startswith("و"):
        first += 1  # "وتحدث طالب عن": a conjoined verb opens the clause, not the subject
    if first == index:
        return None
    words = tuple(tokens[i].text for i in range(first, index))
    kind = "org" if words[0].startswith("ال") else "person"
    return Speaker(first, index - 1, words, (), words, kind)


def _post_posed(line: Line, head: _Head, begin: int, before: str) -> tuple[int, int] | None:
    """The clause a trigger attributes after the fact, as [first, stop) tokens:
    "..., بحسب الجيش." (a prepositional attribution after some words), "..., كما ذكر
    المدعي العام." and "..., حسب ما أعلنت الوزارة." (a verb after حسبما / كما / حسب ما
    with no content of its own). A prepositional attribution that starts a sentence
    and has nothing after its source ("...عامة.وفقا لوكالة رويترز") attributes the
    sentence before. None: the content comes after the trigger."""
    index = head.index
    tokens = line.tokens
    _, end = line.sentence_of(index)
    floor = max(begin, index - MAX_CLAUSE)
    if head.trigger.kind == "nominal":
        words = 0
        single_link = False  # the only word before is a link: "وبحسب", "حسب ما"
        position = index
        while position > floor and words < 2:  # two words are enough to decide
            position -= 1
            if tokens[position].kind in ("word", "num"):
                words += 1
                if words == 1 and trigger_of(tokens[position].text) is not None:
                    words = 0  # "وقال نقلا عن ...": it leads the verb's content
                    break
                single_link = bare(tokens[position].text) in bare_set(TRAILING_LINKS)
        if words > 1 or (words == 1 and not single_link):
            return floor, _clause_end(line, floor, index)
        if _only_punct(line, head.after, end) and begin > 0:
            previous, _ = line.sentence_of(begin - 1)
            return max(previous, begin - MAX_CLAUSE), begin
        return None
    two_before = tokens[index - 2].text if index - 2 >= begin else ""
    after_link = before in TRAILING or (
        before == "ما" and bare(two_before) in bare_set(TRAILING_LINKS)
    )
    if after_link and index - begin > 2 and _content_start(line, head.after, end) is None:
        return floor, _clause_end(line, floor, index)
    return None


def _only_punct(line: Line, index: int, end: int) -> bool:
    # By index, not a slice: the first word ends it, however long the sentence.
    return all(line.tokens[i].kind in ("punct", "quote") for i in range(index, end))


def _clause_end(line: Line, begin: int, index: int) -> int:
    """Where a clause attributed after the fact ends: before its linking words."""
    stop = index
    while stop > max(begin, index - ASIDE_WORDS) and (
        line.tokens[stop - 1].text in TRAILING_LINKS or line.tokens[stop - 1].kind == "punct"
    ):
        stop -= 1
    return stop


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


def _content_start(line: Line, after: int, cut: int) -> int | None:
    """The first content token after a complementizer, a colon or at a quotation's
    opening mark within MAX_LEAD words of ``after``; None when there is none, or when
    another speech verb comes first ("وتمسكت بضرورة ... وتقول إن": the "إن" is the
    other verb's). Prepositional attributions and verbal nouns are passed: "وقال
    نقلا عن دائرة الصحة إن", "ونقل البيان عن الوزير قوله"."""
    tokens = line.tokens
    lead = 0
    for index in range(after, cut):
        token = tokens[index]
        lead += token.kind == "word"
        if lead > MAX_LEAD:
            return None
        if token.kind == "word" and index not in line.quote_of:
            hit = trigger_of(token.text)
            if hit is not None and hit[0].kind in CLAUSE_KINDS:
                return None
        pair = line.quote_of.get(index + 1)
        if token.kind == "quote" and pair is not None and pair[0] == index:
            if len(line.words(index + 1, pair[1])) >= LONG_QUOTE and not _named(line, index):
                return index
        elif token.text in COMPLEMENTIZERS or token.text == COLON:
            return index + 1
    return None


def _content(line: Line, head: _Head, cut: int) -> StatementMatch | None:
    tokens = line.tokens
    after = max(head.after, head.index + 1)
    trigger = head.trigger
    limit = min(cut, after + NOUN_LEAD) if trigger.kind == "noun" else cut
    start = _content_start(line, after, limit)
    if start is None:
        with_object = trigger.takes_object and _object_at(line, after)
        strict = trigger.kind == "noun" or (trigger.ambiguous and not with_object)
        if strict or (trigger.kind == "present" and not trigger.takes_object):
            return None
        start = after  # the object: "وشدد على أهمية ...", "مشيرة إلى إصابة شخصين"
        while start < cut and (tokens[start].kind == "punct" or tokens[start].text in TIME_WORDS):
            start += 1
        if start < cut and tokens[start].text in CONTENT_MARKERS and trigger.kind == "participle":
            start += 1
    region = _trim(line, start, cut)
    if region is None:
        return None
    return _direct_or_not(line, *region)


def _direct_or_not(line: Line, first: int, last: int) -> StatementMatch:
    """A content from ``first`` to ``last``: its quotations when it is only quotes,
    else the whole of it, direct when some of it is quoted."""
    quotes, direct = _quoting(line, first, last)
    if quotes:
        first_quote = quotes[0]
        return StatementMatch(
            0, "", None, first_quote[0] + 1, first_quote[1] - 1, direct=True, quotes=quotes
        )
    whole = [(first - 1, last + 1)] if direct else []
    return StatementMatch(0, "", None, first, last, direct=direct, quotes=whole)


def _quoting(line: Line, first: int, last: int) -> tuple[list[tuple[int, int]], bool]:
    """The quotations of a content that is only quotes, and whether any of it is quoted.

    A content is only quotes when at most ASIDE_WORDS of its words are outside
    quotations of LONG_QUOTE words or more. Any quoted words make it direct
    ("خطوة «أولى»", "مبدأ «الشفافية»"), except a short quote that names something
    after its kind: "قناة "إن تي في"", "لـ«عكاظ»", "شركة "سابك"".
    """
    within = _quotes_within(line, first, last + 1)
    quotes = [
        (a, b) for a, b in within if len(line.words(a + 1, b)) >= LONG_QUOTE and not _named(line, a)
    ]
    spoken = bool(quotes) or any(not _names_something(line, a, b) for a, b in within)
    if not quotes:
        return [], spoken
    inside = {i for a, b in quotes for i in range(a, b + 1)}
    aside = [
        i
        for i in range(first, last + 1)
        if i not in inside and line.tokens[i].kind in ("word", "num")
    ]
    return (quotes if len(aside) <= ASIDE_WORDS else []), True


def _names_something(line: Line, opening: int, closing: int) -> bool:
    """A short quote is a name: a number, a single word without the article, or
    what a kind word or "لـ" announces."""
    inner = line.words(opening + 1, closing)
    if not inner or len(inner) >= LONG_QUOTE:
        return not inner
    if all(line.tokens[i].kind == "num" for i in range(opening + 1, closing)):
        return True
    if len(inner) == 1 and not inner[0].startswith("ال"):
        return True  # "سابك", "أرامكو": a bare word in quotes is most often a name
    before = line.tokens[opening - 1] if opening > 0 else None
    return before is None or before.kind != "word" or _named(line, opening)


def _named(line: Line, opening: int) -> bool:
    """A quote is a name that a kind word or "لـ" announces: قناة "إن تي في"."""
    return opening > 0 and _is_cue(line.tokens[opening - 1].text, NAME_HOLDERS)


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


def channel_of(
    line: Line, start: int, stop: int, speaker: tuple[int, int] | None = None
) -> str | None:
    """The channel named by the tokens [start, stop), in the gold's vocabulary:
    statement, tweet, press_conference, interview, agency, tv, newspaper, session.

    ``speaker`` is the speaker phrase's token range: a quoted name after "لـ" inside
    it is its owner ("المكتب الإعلامي لـ"الكاظمي""), not an outlet spoken to.
    """
    tokens = line.tokens
    weak: str | None = None
    for index in range(start, stop):
        token = tokens[index]
        if token.kind == "quote" and index > start and _outlet_quote(line, index):
            owned = speaker is not None and speaker[0] <= index <= speaker[1] + 1
            if not owned or tokens[index - 1].text in SOURCES_OF_OUTLET:
                return _quoted_outlet(line, index)
        if token.kind != "word" or index in line.quote_of or not _any_cue(token.text):
            continue
        if _is_cue(token.text, MEETING):
            following = tokens[index + 1].text if index + 1 < len(tokens) else ""
            if following.startswith("ب"):
                press = _is_cue(following, STRONG_CHANNELS[2][0])
                return "press_conference" if press else "session"
            return "interview"
        if _is_cue(token.text, AGENCY) and not _news_agency(line, index):
            continue  # "وكالة التنمية": an agency, but not a news agency
        for words, channel in STRONG_CHANNELS:
            if _is_cue(token.text, words):
                return channel
        for words, channel in WEAK_CHANNELS:
            if weak is None and _is_cue(token.text, words):
                weak = channel
    return weak


def _news_agency(line: Line, index: int) -> bool:
    """ "وكالة" at ``index`` is a news agency: spoken to ("لوكالة"), or named as one
    ("وكالة الأنباء", "وكالة "الأناضول"", "وكالة رويترز")."""
    tokens = line.tokens
    if tokens[index].text.startswith(("ل", "ول")):
        return True
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following is not None and (
        following.kind == "quote" or _is_cue(following.text, NEWS_WORDS)
    )


_CLITICS = ("و", "ف", "ب", "ل", "ك")


def _is_cue(word: str, cues: frozenset[str]) -> bool:
    """A key word is one of ``cues`` with its clitics: و/ف, ب/ل/ك and the article
    ("لوكالة", "للصحفيين", "وبيان", "بالمؤتمر")."""
    stems = _stems(cues)
    if word in stems:
        return True
    for _ in range(2):
        if len(word) > 3 and word[0] in _CLITICS:
            word = word[1:]
            if word in stems or ("ال" + word) in stems:  # "للصحفيين": ل + (ا)لصحفيين
                return True
    return word.startswith("ال") and word[2:] in stems


@lru_cache(maxsize=1 << 16)
def _any_cue(word: str) -> bool:
    """Whether a word is a cue of any channel: most words are none, and skip the dozen
    cue tests of channel_of."""
    groups = [MEETING, AGENCY, *(words for words, _ in STRONG_CHANNELS + WEAK_CHANNELS)]
    return any(_is_cue(word, cues) for cues in groups)


@cache
def _stems(cues: frozenset[str]) -> frozenset[str]:
    """The cue words with and without their article."""
    return cues | frozenset(w[2:] for w in cues if w.startswith("ال") and len(w) > 4)


def _outlet_quote(line: Line, index: int) -> bool:
    """An opening quote of a short name right after "لـ" or "مصادر": لـ«عكاظ»."""
    pair = line.quote_of.get(index + 1)
    if pair is None or pair[0] != index or len(line.words(index + 1, pair[1])) >= LONG_QUOTE:
        return False
    return line.tokens[index - 1].text in OUTLET_HOLDERS


def _quoted_outlet(line: Line, index: int) -> str:
    """A quoted outlet name is an agency's or a newspaper's."""
    pair = line.quote_of[index + 1]
    agencies = STRONG_CHANNELS[3][0]
    inner = line.tokens[index + 1 : pair[1]]
    if any(_is_cue(t.text, agencies) for t in inner):
        return "agency"
    return "newspaper"


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
