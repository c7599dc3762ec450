"""Claims in a text, as a pure function: ``find_claims(text)`` returns drafts.

The ``extract`` stage stores these drafts (entities, claims, citations, mentions);
``marsad relate`` and ``marsad eval claims`` read them directly, so all three run the
same rules, and the evaluation needs no database.

Every span is an offset pair into ``text`` and a draft's ``text`` is exactly that
span. ``slot`` says what a claim is about, so the ``link`` stage finds the claims it
may agree or clash with in one indexed query: ``speaker:<entity key>`` for
statements, ``unit:<lemma key>`` for counts and casualty events (the same for
"injuries" and "no injuries", which is what makes them comparable).

Rules for statements: :mod:`marsad.text.claims.statements`; for numbers:
:mod:`marsad.text.numbers`; for speakers: :mod:`marsad.text.claims.entities`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from unicodedata import normalize

from marsad.core import ClaimKind, Qualifier, QuantityKind
from marsad.text.arabic import match_key, sentences
from marsad.text.claims.citations import CitationDraft, cite
from marsad.text.claims.compare import words_before
from marsad.text.claims.entities import (
    ArticleNames,
    EntityRef,
    display,
    resolve_speaker,
    scan_names,
)
from marsad.text.claims.mentions import extra_aliases, find_mentions
from marsad.text.claims.speakers import (
    MAX_SUBJECT_WORDS,
    RELATIVES,
    Speaker,
    SpeakerFinder,
    is_org_head,
    is_verbal_noun,
)
from marsad.text.claims.speech import (
    COMPLEMENTIZERS,
    CONTINUING,
    PREPOSITIONS,
    stops_phrase,
    trigger_of,
)
from marsad.text.claims.statements import StatementFinder, StatementMatch
from marsad.text.numbers import QuantityMatch, find_quantities
from marsad.text.tokens import Line, keys, lines, strip_conjunction

SPEAKER_SLOT = "speaker:"
PRONOUN_ENDINGS = ("ه", "ها", "هم", "هما")
MAX_NAME_WORDS = 2  # a name the article does not title: first and family name
FATHATAN = "\u064b"  # the accusative ending "ـًا"
SUBORDINATORS = keys("عندما حينما حين بعدما لما كلما ريثما")
UNIT_SLOT = "unit:"
# Words after which a subject-first clause may start ("وكان الوزير قد أعلن", "كما
# أن" is a complementizer, handled apart); "وهو"/"وهي" open a predicate instead.
CLAUSE_OPENERS = keys(
    "و ف ثم كما وكما فيما بينما حيث لكن ولكن وكان وكانت كان كانت أما وأما بدوره "
    "بدورها بدورهم جهته جهتها جانبه جانبها بعدما عندما حينما"
)


def speaker_slot(key: str) -> str:
    return SPEAKER_SLOT + key


def unit_slot(unit: str) -> str:
    return UNIT_SLOT + match_key(unit)


@dataclass(frozen=True)
class ClaimDraft:
    """One claim as found in the text, before it is stored."""

    kind: ClaimKind
    start: int
    end: int
    text: str
    slot: str
    sentence: str  # the sentence the claim sits in (the claim's text when it spans more)
    sentence_start: int
    # Statements: who said it, how and through what.
    speaker: EntityRef | None = None
    speaker_text: str | None = None  # as written, or carried from the last statement
    speaker_span: tuple[int, int] | None = None  # where that speaker is named
    verb: str | None = None
    direct: bool | None = None
    channel: str | None = None
    # Statements and the counts inside them: the outlet or agency named as the source.
    cited_source: str | None = None
    citation: CitationDraft | None = None
    # Counts and casualty events.
    value: float | None = None
    unit: str | None = None
    qualifier: Qualifier | None = None
    negated: bool = False
    quantity_kind: QuantityKind | None = None
    number_form: str | None = None  # digits, words, dual or singular_noun


@dataclass(frozen=True)
class MentionDraft:
    """An entity the text names, at one place."""

    entity: EntityRef
    start: int
    end: int


@dataclass
class FoundClaims:
    claims: list[ClaimDraft] = field(default_factory=list)
    mentions: list[MentionDraft] = field(default_factory=list)  # speakers first


@dataclass(frozen=True)
class _Said:
    """The speaker of the last statement, for the ones that only continue it."""

    entity: EntityRef | None = None
    text: str | None = None
    channel: str | None = None
    cited_source: str | None = None
    slot: str | None = None
    span: tuple[int, int] | None = None  # where the source is named in the text


@dataclass(frozen=True)
class _Attribution:
    start: int
    end: int
    source: str | None  # who the content is attributed to, for the counts inside it
    citation: CitationDraft | None = None


def find_claims(text: str) -> FoundClaims:
    """Every statement and counted fact of an article's text, with its speaker."""
    article_lines = lines(text)
    names = scan_names(article_lines)
    finder = StatementFinder(set(names.names))
    found = FoundClaims()
    said = _Said()
    issuer = _Said()  # who spoke through the last "بيان", for "وأضاف البيان"
    # The last statement not inside another's content, and where its content is, by
    # someone who speaks: "وأضاف" after "كما بينت الدراسة أن" (a document the minister
    # cites) is the minister; a document adds only when named ("وأضاف التقرير").
    outer, outer_content = _Said(), (0, 0)
    for line in article_lines:
        attributions: list[_Attribution] = []
        matches = finder.find(line)
        verbs = {match.verb_index for match in matches}
        for match in matches:
            if match.speaker is None and not match.impersonal:
                match.speaker = _subject_of_sentence(finder.speakers, line, match, verbs)
            if said.slot is not None:  # with no one to carry, an odd subject is kept
                match.speaker = _checked(finder.speakers, line, match.speaker)
                match.speaker = _opens_clause(finder.speakers, line, match)
            speaking = match.speaker
            verb_at = line.span(match.verb_index, match.verb_index)[0]
            nested = outer_content[0] <= verb_at < outer_content[1]
            previous = issuer if speaking is not None and speaking.kind == "statement" else said
            if speaking is None and not nested and match_key(match.verb) in CONTINUING:
                previous = outer
            before = len(found.claims)
            said = _statement(text, names, line, match, previous, found)
            if said.channel == "statement":
                issuer = said
            if _passing(finder.speakers, line, match):
                said = previous  # "بحسب جدول يومي": named, but no one who speaks on
            elif not nested and (speaking is None or speaking.kind != "document"):
                outer, outer_content = said, line.span(match.first, match.last)
            citation = _citation(said, line, match) if len(found.claims) > before else None
            if citation is not None:
                found.claims[before:] = [
                    replace(c, citation=citation) for c in found.claims[before:]
                ]
            first, last = match.first, match.last
            if match.direct and match.quotes:
                first, last = match.quotes[0][0] + 1, match.quotes[-1][1] - 1
            start, end = line.span(first, last)
            source = said.cited_source or said.text
            if match.speaker is None and match.impersonal:
                source = None  # "يذكر أن": the counts inside are nobody's
            attributions.append(_Attribution(start, end, source, citation))
        for quantity in find_quantities(line):
            found.claims.append(_quantity(text, line, quantity, attributions))
    found.mentions.extend(_mentions(article_lines, names, found.mentions))
    _place_in_sentences(text, found)
    return found


def _statement(
    text: str,
    names: ArticleNames,
    line: Line,
    match: StatementMatch,
    said: _Said,
    found: FoundClaims,
) -> _Said:
    speaker = match.speaker
    if speaker is not None and speaker.kind in ("statement", "self"):
        # "وأضاف البيان": the issuer of the last statement made through a statement;
        # "وشدد معاليه": the person named before.
        speaker = None
    if speaker is None and match.impersonal:
        return said  # "يذكر أن": nobody to carry over, and no speaker slot to file it in
    if speaker is None:
        current = replace(said, channel=match.channel or said.channel)
    else:
        current = _speaker(names, line, match, said, found)
    slot = current.slot
    if slot is None:
        return said
    if match.speaker is not None and match.speaker.kind == "statement":
        current = replace(current, channel="statement")
    spans = (
        [(a + 1, b - 1) for a, b in match.quotes] if match.direct else [(match.first, match.last)]
    )
    for first, last in spans:
        start, end = line.span(first, last)
        found.claims.append(
            ClaimDraft(
                kind=ClaimKind.STATEMENT,
                start=start,
                end=end,
                text=text[start:end],
                slot=slot,
                sentence="",
                sentence_start=start,
                speaker=current.entity,
                speaker_text=current.text,
                speaker_span=current.span,
                verb=match.verb,
                direct=match.direct,
                channel=current.channel,
                cited_source=current.cited_source,
            )
        )
    return current


def _speaker(
    names: ArticleNames, line: Line, match: StatementMatch, said: _Said, found: FoundClaims
) -> _Said:
    assert match.speaker is not None
    speaker = match.speaker
    surface = display(line, speaker.first, speaker.last)
    start, end = line.span(speaker.first, speaker.last)
    entity = resolve_speaker(names, speaker, surface, start)
    if entity is not None:
        found.mentions.append(MentionDraft(entity, start, end))
    cited = display(line, *match.cited_source) if match.cited_source else None
    channel = match.channel
    same_speaker = entity is not None and said.entity is not None and said.entity.key == entity.key
    if channel is None and same_speaker:
        # The same speaker named again goes on through the same channel: "وأضاف
        # الكاظمي:" in the same tweet, "وقال زاموديو" later in his press conference.
        channel = said.channel
    key = entity.key if entity is not None else match_key(surface)
    if match.cited_source:
        start, end = line.span(*match.cited_source)
    return _Said(entity, surface, channel, cited, speaker_slot(key), (start, end))


def _checked(speakers: SpeakerFinder, line: Line, speaker: Speaker | None) -> Speaker | None:
    """The speaker, or None (the previous one) when it is a phrase the speaker rules
    do not know and that cannot be a name: a word with a pronoun ("حديثه", "فيها",
    "الشريعة الإسلامية فالمرأة لها"), a relative clause ("تصريح دخول البحر الذي"), a
    particle ("وفيما"), an accusative, a subordinate clause or a verbal noun
    ("الانتماء")."""
    if speaker is None:
        return None
    written = display(line, speaker.first, speaker.last).split()
    if FATHATAN in written[0] or speaker.words[0] in SUBORDINATORS:
        # "وأضاف مخاطبًا حبري", "قال عندما بدأ المحامي": an accusative (a subject
        # never is) or a subordinate clause, not who speaks.
        return None
    if speakers.phrase(line, speaker.first, speaker.last + 1) is not None:
        return speaker
    if any(_has_pronoun(word) for word in written) or set(speaker.words) & RELATIVES:
        return None
    if any(word[:1] in "وف" and stops_phrase(word[1:]) for word in speaker.words):
        return None  # "وفيما": a particle
    if is_verbal_noun(speaker.words[0]):
        return None  # "بين الانتماء": an action, not who acts
    return speaker


def _subject_of_sentence(
    speakers: SpeakerFinder, line: Line, match: StatementMatch, verbs: set[int]
) -> Speaker | None:
    """The speaker named after a speech verb that opens the clause and has no content
    of its own, for a participle or verb after it: "وأوضح الدكتور X Y قائلا: ...",
    where the implicit subject is X Y, not the last speaker."""
    begin, _ = line.sentence_of(match.verb_index)
    opening = match.verb_index
    while opening > begin and line.tokens[opening - 1].kind != "punct":
        opening -= 1  # back to the start of the clause: the sentence or a comma
    while opening < match.verb_index and line.tokens[opening].text in CLAUSE_OPENERS:
        opening += 1  # "فيما", "كما"
    if opening in verbs or opening >= match.verb_index - 1:
        return None
    if trigger_of(line.tokens[opening].text) is None:
        return None
    speaker = speakers.phrase(line, opening + 1, match.verb_index)
    if speaker is None or speaker.kind not in ("person", "title", "org", "anonymous"):
        return None
    return speaker


def _passing(speakers: SpeakerFinder, line: Line, match: StatementMatch) -> bool:
    """A prepositional attribution ("بحسب", "وفقا لـ") to words the speaker rules do
    not know: the claim keeps them, but the next "وأضاف" is not theirs."""
    speaker = match.speaker
    found = trigger_of(line.tokens[match.verb_index].text)
    if speaker is None or found is None or found[0].kind != "nominal":
        return False
    return speakers.phrase(line, speaker.first, speaker.last + 1) is None


def _opens_clause(speakers: SpeakerFinder, line: Line, match: StatementMatch) -> Speaker | None:
    """The subject of a subject-first clause ("الرئيس الأميركي أكد"): any phrase that
    opens its clause (at the sentence start, after a mark or a particle: "وكان",
    "كما", "أما"); after a preposition none ("وحول قدرة الفريق على الحفاظ على لقب
    الدوري أشار"); after another word (a noun, a pronoun, "أن") only a phrase the
    speaker rules know for sure ("... المدعي العام X Y دعا"), not words they do not
    know ("وهي جوانب يكشف عنها"). Otherwise the speaker is the one carried over."""
    speaker = match.speaker
    if speaker is None or speaker.last >= match.verb_index:
        return speaker
    begin, _ = line.sentence_of(match.verb_index)
    if speaker.first <= begin:
        return speaker
    before = line.tokens[speaker.first - 1]
    if before.kind in ("punct", "quote") or before.text in CLAUSE_OPENERS:
        return speaker
    if before.text in COMPLEMENTIZERS and _name_like(line, speaker):
        return speaker  # "علما أن دينو أكد": a name the article does not title
    # After a preposition the words end a prepositional phrase ("في أحد البرامج ...
    # أوضح"), unless a longer phrase holds them.
    if before.text not in PREPOSITIONS:
        known = _known_phrase(speakers, line, speaker, speaker.first)
        if known is not None:
            return known
    # "المدعي العام لدى محكمة ... مباكي فال دعا": the words end a longer phrase that
    # opens the clause and that the speaker rules know.
    opener = speaker.first
    while opener > begin and line.tokens[opener - 1].kind == "word":
        word = line.tokens[opener - 1].text
        if word in CLAUSE_OPENERS or strip_conjunction(word) in COMPLEMENTIZERS:
            break  # "فإن مندوبين لدول ... في أوبك يقولون"
        if speaker.first - opener > MAX_SUBJECT_WORDS:
            break
        opener -= 1
    known = _known_phrase(speakers, line, speaker, opener)
    # "قام دركيون بإجلاء أنصار لحبري رددوا": the last words are a phrase of their own.
    for start in range(speaker.first + 1, speaker.last + 1):
        if known is None and line.tokens[start - 1].text not in PREPOSITIONS:
            known = _known_phrase(speakers, line, speaker, start)
    return known


def _known_phrase(
    speakers: SpeakerFinder, line: Line, speaker: Speaker, start: int
) -> Speaker | None:
    """The words from ``start`` to the speaker's end as a phrase with a title, a name,
    an organisation or source word at its head; None for only a definite noun and its
    adjectives ("المتابعة الجماهيرية الكبيرة") or words the rules do not know."""
    known = speakers.phrase(line, start, speaker.last + 1)
    if known is None:
        return None
    if known.kind == "anonymous":
        return known  # "أنصار لحبري رددوا": a source word heads it
    if known.last != speaker.last:
        return None
    return known if known.kind != "org" or is_org_head(known.words[0]) else None


def _name_like(line: Line, speaker: Speaker) -> bool:
    """One or two words that may be a name: no "ال", no attached pronoun or clitic
    preposition ("دينو", "كريستيان بيك"), not "المتابعة الجماهيرية"."""
    # NFKC: a presentation-form ligature ("اﻹسلام") is its letters ("الإسلام").
    written = normalize("NFKC", display(line, speaker.first, speaker.last)).split()
    if not 1 <= len(written) <= MAX_NAME_WORDS:
        return False
    return not any(
        match_key(w).startswith(("ال", "بال", "لل", "وال"))
        or _has_pronoun(w)
        or stops_phrase(match_key(w))
        for w in written
    )


def _has_pronoun(word: str) -> bool:
    """An attached pronoun as written ("حديثه", "فيها", "معاليه"); "الله" is a name."""
    return word.endswith(PRONOUN_ENDINGS) and "الله" not in word and "لله" not in word


def _quantity(
    text: str, line: Line, quantity: QuantityMatch, attributions: list[_Attribution]
) -> ClaimDraft:
    start, end = line.span(quantity.first, quantity.last)
    inside = next((a for a in attributions if a.start <= start and end <= a.end), None)
    return ClaimDraft(
        kind=ClaimKind.QUANTITY if quantity.value is not None else ClaimKind.EVENT,
        start=start,
        end=end,
        text=text[start:end],
        slot=unit_slot(quantity.unit),
        sentence="",
        sentence_start=start,
        value=quantity.value,
        unit=quantity.unit,
        qualifier=quantity.qualifier,
        negated=quantity.negated,
        quantity_kind=QuantityKind(quantity.kind),
        number_form=quantity.form,
        cited_source=inside.source if inside else None,
        citation=inside.citation if inside else None,
    )


def _citation(said: _Said, line: Line, match: StatementMatch) -> CitationDraft | None:
    span = said.span or line.span(match.verb_index, match.verb_index)
    return cite(
        speaker=said.entity,
        speaker_text=said.text,
        channel=said.channel,
        cited_source=said.cited_source,
        span=span,
    )


def _mentions(
    article_lines: list[Line], names: ArticleNames, speakers: list[MentionDraft]
) -> list[MentionDraft]:
    """Every entity the text names beyond its speakers, with each place it is named."""
    taken = [(m.start, m.end) for m in speakers]
    found = []
    for mention in find_mentions(article_lines, names):
        if any(a <= mention.start and mention.end <= b for a, b in taken):
            continue  # already the speaker's mention
        aliases = tuple(dict.fromkeys((mention.name, mention.alias, *extra_aliases(mention))))
        entity = EntityRef(mention.kind, mention.name, mention.key, aliases)
        found.append(MentionDraft(entity, mention.start, mention.end))
    return found


def _place_in_sentences(text: str, found: FoundClaims) -> None:
    """The sentence each claim sits in, for the link stage's comparisons, and the slot of
    an amount (money, a share, a measure) narrowed by what happens to it."""
    spans = sentences(text)
    starts = [s.start for s in spans]  # in order and disjoint: bisect, never scan
    for position, claim in enumerate(found.claims):
        index = bisect_right(starts, claim.start) - 1
        sentence = spans[index] if index >= 0 and claim.end <= spans[index].end else None
        text = sentence.text if sentence else claim.text
        start = sentence.start if sentence else claim.start
        slot = claim.slot
        if claim.quantity_kind not in (None, QuantityKind.COUNT):
            slot = _amount_slot(claim.slot, text, claim.start - start)
        # One replace per claim: dataclasses.replace costs more than the rest here.
        found.claims[position] = replace(claim, sentence=text, sentence_start=start, slot=slot)


def _amount_slot(slot: str, sentence: str, at: int) -> str:
    """ "unit:%|ارتف نسب" for "ارتفع بنسبة 2%": amounts are compared only when the
    words before them agree (see :mod:`marsad.text.claims.compare`), so their slot says
    those words; one slot for every percentage of a day would fill the link stage's
    candidate window, and which claims it then holds would depend on ingest order."""
    before = words_before(sentence, at)
    return f"{slot}|{' '.join(sorted(before))}"
