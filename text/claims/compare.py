"""How two claims on one slot relate: same quote, corroborates, contradicts, or nothing.

Statements (same speaker entity, found by slot): the overlap of their content words
is ``|A ∩ B| / min(|A|, |B|)`` on match keys without stop words. At least 0.8 is the
same quote, at least 0.5 corroborates; the shorter side needs three content words.

Counts (same counted noun, found by slot): each claim is an interval of values
(exact 3 = [3, 3], at least 3 = [3, ∞), more than 12 = (12, ∞), about 10 = [8, 12],
"no injuries" = [0, 0], "a number of injuries" = [1, ∞)); overlapping intervals
corroborate, disjoint ones contradict. The same noun is not the same fact, so a pair
is compared only when

* its sentences place it at the same site ("المنطقة الخضراء", "قاعدة بلد", see
  :func:`anchors`), or, when either names no site, do not name two different cities
  (``lexicons/cities.txt``: "في الرياض" / "في جدة") and share at least
  ``MIN_CONTEXT`` of their content words;
* and, unless they are counts of things at one site (rockets on "المنطقة الخضراء"),
  the words right before the two numbers say the same thing: the ``FRAME_WORDS``
  content words before each (after each, when one has none before) share a light
  root ("سقطت أربعة صواريخ" and "سقط صاروخان"; not the "25.766 مليون طن" of a
  year's imports and the "395 ألف طن" of one shipment, both through "ميناء جدة");
* and neither sentence states the other's number as well: an outlet that gives both
  figures ("ارتفع إلى 1096.10 دولار ... من 1089.40 دولار") does not disagree with one
  that gives either.

A count whose sentence also numbers the noun ("صاروخين ... فيما لم ينجح صاروخ ثالث")
is a part of a larger total, so it is read as "at least".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from marsad.core import ClaimKind, ClaimLinkKind, Qualifier, QuantityKind
from marsad.text.arabic import match_key, sentences
from marsad.text.claims.polarity import negation_in_scope, polarity_conflict
from marsad.text.tokens import bare, keys, read_lexicon, tokenize, word_texts

SAME_QUOTE = 0.8
CORROBORATES = 0.5
MIN_WORDS = 3
MIN_CONTEXT = 0.4  # Jaccard share of the words of two sentences (claims aside)
ABOUT = 0.2  # "about 10" is 8 to 12
FRAME_WORDS = 2  # content words on each side of a number that say what it counts
FRAME_ROOT = 3  # letters of a frame word compared

STOP_WORDS = keys(
    "في على من إلى الى عن مع أن إن أنه ما لا لم لن قد كما هو هي هذا هذه التي الذي بين "
    "و أو ثم كل بعد قبل خلال حيث لكن وقد عنها عنه عنهم منها منه فيها فيه لها له"
)
WHOLE_STATEMENT = 6  # content words
SAME_LENGTH = 1.5  # two quotes of one statement: the longer at most this times the shorter
MIN_CLAUSE = 4  # content words of a clause that may stand for a whole statement
CLAUSE_SHARE = 0.6
ORDINALS = keys("ثان ثاني ثالث رابع خامس سادس سابع ثامن تاسع عاشر ثانية ثالثة رابعة")
SITE_HEADS = keys("قاعدة مطار معسكر ميناء")
# Spelling variants a site key must not depend on ("الأميركية" / "الأمريكية").
_VARIANTS = {match_key("اميركي"): match_key("امريكي")}


@dataclass(frozen=True)
class ClaimView:
    """What comparing needs of a claim, plus the sentence it sits in."""

    id: int
    article_id: int
    kind: ClaimKind
    text: str
    start: int
    end: int
    sentence: str
    speaker_id: int | None = None
    speaker_text: str | None = None
    cited_source: str | None = None
    direct: bool | None = None
    value: float | None = None
    unit: str | None = None
    qualifier: Qualifier | None = None
    negated: bool = False
    sentence_start: int | None = None  # where ``sentence`` starts in the article text
    quantity_kind: QuantityKind | None = None

    # Cached on the claim: the link stage compares each claim with many candidates.
    @cached_property
    def sites(self) -> frozenset[str]:
        """Sites its sentence names (see :func:`anchors`)."""
        return anchors(self.sentence)

    @cached_property
    def context(self) -> frozenset[str]:
        """Content words of its sentence but the claim's own."""
        return content_words(self.sentence) - content_words(self.text)

    def span(self) -> dict[str, object]:
        return {
            "claim_id": self.id,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True)
class Relation:
    kind: ClaimLinkKind
    score: float
    details: dict[str, object]


def sentence_around(text: str, start: int, end: int) -> str:
    for sentence in sentences(text):
        if sentence.start <= start and end <= sentence.end:
            return sentence.text
    return text[start:end]


CACHED_CHARS = 2000  # longer texts are not cached: 8192 of them could fill memory


def content_words(text: str) -> frozenset[str]:
    # Cached: the link stage compares each claim's sentence with many candidates.
    return _cached_content_words(text) if len(text) <= CACHED_CHARS else _content_words(text)


def _content_words(text: str) -> frozenset[str]:
    words = set()
    for found in word_texts(match_key(text), numbers=True):
        if found not in STOP_WORDS:
            word = bare(found)
            words.add(_VARIANTS.get(word, word))
    return frozenset(words)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if min(len(a), len(b)) < MIN_WORDS:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@cache
def _places(lexicon: str) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """Lexicon places (key words, as written) by their first key word, so a sentence is
    read once, not once a place."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for line in read_lexicon(lexicon):
        place = tuple(_bare_key(word) for word in line.split())
        by_first.setdefault(place[0], []).append((place, line))
    return {first: tuple(places) for first, places in by_first.items()}


def _named(sentence: str, lexicon: str, *, written: bool = False) -> set[str]:
    """The places of ``lexicon`` that a sentence names: their keys, or as written."""
    words = _key_words(sentence)
    found = set()
    places = _places(lexicon)
    for index, word in enumerate(words):
        for place, line in places.get(word, ()):
            if tuple(words[index : index + len(place)]) == place:
                found.add(line if written else " ".join(place))
    return found


@lru_cache(maxsize=8192)
def _cached_cities(sentence: str) -> frozenset[str]:
    return frozenset(_named(sentence, "cities.txt", written=True))


def cities(sentence: str) -> frozenset[str]:
    """Cities and regions a sentence names, as ``lexicons/cities.txt`` writes them."""
    if len(sentence) > CACHED_CHARS:
        return frozenset(_named(sentence, "cities.txt", written=True))
    return _cached_cities(sentence)


def different_cities(a: str, b: str) -> list[list[str]] | None:
    """The cities of two texts when each names some and they share none: two events
    ("حادث في الرياض" / "حادث في جدة"); else None."""
    cities_a, cities_b = cities(a), cities(b)
    if cities_a and cities_b and not cities_a & cities_b:
        return [sorted(cities_a), sorted(cities_b)]
    return None


def _key_words(text: str) -> tuple[str, ...]:
    """The words of a text as bare keys (cached: the link stage reads each claim's
    sentence for its sites, cities and ordinals, against many candidates)."""
    return _cached_key_words(text) if len(text) <= CACHED_CHARS else _read_key_words(text)


def _read_key_words(text: str) -> tuple[str, ...]:
    return tuple(_bare_key(word) for word in word_texts(match_key(text)))


_cached_key_words = lru_cache(maxsize=8192)(_read_key_words)


@lru_cache(maxsize=65536)  # words: short, and the same few thousand again and again
def _bare_key(word: str) -> str:
    key = bare(match_key(word))
    for variant, usual in _VARIANTS.items():
        key = key.replace(variant, usual)
    return key


_cached_content_words = lru_cache(maxsize=8192)(_content_words)


def anchors(sentence: str) -> frozenset[str]:
    """Sites named in a sentence: lexicon entries and "قاعدة X" / "مطار X"."""
    return _cached_anchors(sentence) if len(sentence) <= CACHED_CHARS else _anchors(sentence)


def _anchors(sentence: str) -> frozenset[str]:
    words = _key_words(sentence)
    found = _named(sentence, "places.txt")
    heads = {_bare_key(word) for word in SITE_HEADS}
    for index, word in enumerate(words[:-1]):
        if word in heads:
            found.add(f"{word} {words[index + 1]}")
    return frozenset(found)


_cached_anchors = lru_cache(maxsize=8192)(_anchors)


def site_names(sentence: str) -> dict[str, str]:
    """The sites of :func:`anchors`, each with its name as the sentence writes it (for
    a person to read): a lexicon place as the lexicon writes it, "قاعدة X" as written."""
    keys = _key_words(sentence)
    written = word_texts(sentence)
    named = {
        " ".join(_bare_key(w) for w in line.split()): line
        for line in _named(sentence, "places.txt", written=True)
    }
    found = {}
    for site in anchors(sentence):
        if site in named:
            found[site] = named[site]
            continue
        parts = tuple(site.split())
        found[site] = site
        if len(written) == len(keys):  # the key words line up with the written ones
            for index in range(len(keys) - len(parts) + 1):
                if keys[index : index + len(parts)] == parts:
                    found[site] = " ".join(written[index : index + len(parts)])
                    break
    return found


def _is_part(claim: ClaimView) -> bool:
    """The sentence numbers another item of the same noun: "صاروخ ثالث"."""
    if claim.unit is None:
        return False
    unit = _bare_key(claim.unit)
    words = _key_words(claim.sentence)
    ordinals = {_bare_key(word) for word in ORDINALS}
    return any(words[i] == unit and words[i + 1] in ordinals for i in range(len(words) - 1))


def interval(claim: ClaimView) -> tuple[float, float]:
    if claim.negated:
        return 0.0, 0.0
    if claim.value is None:
        return 1.0, math.inf
    value = claim.value
    qualifier = Qualifier.AT_LEAST if _is_part(claim) else claim.qualifier or Qualifier.EXACT
    return {
        Qualifier.EXACT: (value, value),
        Qualifier.AT_LEAST: (value, math.inf),
        Qualifier.MORE_THAN: (math.nextafter(value, math.inf), math.inf),
        Qualifier.AT_MOST: (0.0, value),
        Qualifier.LESS_THAN: (0.0, math.nextafter(value, 0.0)),
        Qualifier.ABOUT: (value * (1 - ABOUT), value * (1 + ABOUT)),
    }[qualifier]


def same_context(a: ClaimView, b: ClaimView) -> tuple[bool, dict[str, object]]:
    sites_a, sites_b = a.sites, b.sites
    if sites_a and sites_b:
        shared = sorted(sites_a & sites_b)
        return bool(shared), {"rule": "same site", "sites": shared}
    apart = different_cities(a.sentence, b.sentence)
    if apart is not None:
        return False, {"rule": "different cities", "cities": apart}
    words_a, words_b = a.context, b.context
    union = words_a | words_b
    share = len(words_a & words_b) / len(union) if union else 0.0
    return share >= MIN_CONTEXT, {"rule": "shared context words", "share": round(share, 4)}


def compare(a: ClaimView, b: ClaimView) -> Relation | None:
    if a.kind is ClaimKind.STATEMENT and b.kind is ClaimKind.STATEMENT:
        return _statements(a, b)
    if a.kind is not ClaimKind.STATEMENT and b.kind is not ClaimKind.STATEMENT:
        return _counts(a, b)
    return None


def _statements(a: ClaimView, b: ClaimView) -> Relation | None:
    if a.speaker_id is None or a.speaker_id != b.speaker_id:
        return None
    words_a, words_b = content_words(a.text), content_words(b.text)
    score = overlap(words_a, words_b)
    details: dict[str, object] = {"rule": "content overlap"}
    if score < CORROBORATES:
        # "وأكدا ضرورة "محاسبة المسؤولين" عنها": one clause of a long indirect
        # statement carries the other outlet's whole quote.
        clause = max(
            [_contained(c, words_b) for c in clauses(a.text)]
            + [_contained(c, words_a) for c in clauses(b.text)],
            default=0.0,  # neither text has a clause of MIN_CLAUSE words
        )
        if clause >= CLAUSE_SHARE:
            score, details = clause, {"rule": "clause contained"}
    if score < CORROBORATES:
        return None
    # Numbers and negation tell only between two quotes of one statement: a short
    # quote may be a fragment whose negation stayed outside the quote marks, and two
    # different statements of one speaker give different figures and deny different
    # things (on 800 articles of 2015-08-10, every such "contradiction" was one).
    shorter, longer = sorted((len(words_a), len(words_b)))
    whole = shorter >= WHOLE_STATEMENT and score >= SAME_QUOTE and longer <= SAME_LENGTH * shorter
    conflict = polarity_conflict(a.text, b.text, negation=False, values=whole)
    if conflict is None and whole:
        side = negation_in_scope(a.text, b.text)
        conflict = {"conflict": "negation", "negated": side} if side else None
    if conflict is not None:
        return Relation(ClaimLinkKind.CONTRADICTS, round(score, 4), {**details, **conflict})
    kind = ClaimLinkKind.SAME_QUOTE if score >= SAME_QUOTE else ClaimLinkKind.CORROBORATES
    return Relation(kind, round(score, 4), details)


def clauses(text: str) -> list[frozenset[str]]:
    """Content words of each comma- or semicolon-separated part of a text."""
    parts = [part for part in re.split(r"[،,؛;:]", text) if part.strip()]
    return [words for words in map(content_words, parts) if len(words) >= MIN_CLAUSE]


def _contained(part: frozenset[str], other: frozenset[str]) -> float:
    if len(part) < MIN_CLAUSE:
        return 0.0
    return len(part & other) / len(part)


def _counts(a: ClaimView, b: ClaimView) -> Relation | None:
    if a.unit != b.unit:
        return None
    if not (a.sites & b.sites or a.context & b.context):
        return None  # what same_context would find, told cheaply: most candidates
    related, context = same_context(a, b)
    if not related or states_both(a, b):
        return None
    counted_at_site = context["rule"] == "same site" and QuantityKind.COUNT in (
        a.quantity_kind or QuantityKind.COUNT,
        b.quantity_kind or QuantityKind.COUNT,
    )
    if not counted_at_site and not same_frame(a, b):
        return None
    low_a, high_a = interval(a)
    low_b, high_b = interval(b)
    compatible = max(low_a, low_b) <= min(high_a, high_b)
    kind = ClaimLinkKind.CORROBORATES if compatible else ClaimLinkKind.CONTRADICTS
    score = 1.0 if context.get("rule") == "same site" else float(str(context.get("share", 0.0)))
    details = dict(context)
    details["intervals"] = [_show(low_a, high_a), _show(low_b, high_b)]
    return Relation(kind, round(score, 4), details)


def frame(claim: ClaimView) -> tuple[frozenset[str], frozenset[str]]:
    """Light roots of the content words just before and just after a claim in its sentence."""
    # Cached: a claim is compared with many candidates on its slot.
    return _cached_frame(claim) if len(claim.sentence) <= CACHED_CHARS else _frame(claim)


def _frame(claim: ClaimView) -> tuple[frozenset[str], frozenset[str]]:
    sentence = claim.sentence
    if claim.sentence_start is not None and claim.start >= claim.sentence_start:
        offset = claim.start - claim.sentence_start
    else:
        offset = sentence.find(claim.text)
    if offset < 0 or sentence[offset : offset + len(claim.text)] != claim.text:
        return frozenset(), frozenset()
    after = _frame_words(sentence[offset + len(claim.text) :])[:FRAME_WORDS]
    return words_before(sentence, offset), frozenset(after)


_cached_frame = lru_cache(maxsize=8192)(_frame)


def words_before(sentence: str, offset: int) -> frozenset[str]:
    """Light roots of the ``FRAME_WORDS`` content words before ``offset`` in a sentence."""
    return frozenset(_frame_words(sentence[:offset])[-FRAME_WORDS:])


def _frame_words(text: str) -> list[str]:
    # The first three letters without clitics: a light root that takes the verb's
    # inflections ("سقطت أربعة صواريخ" / "صاروخين سقطا") and the noun's plurals.
    return [
        bare(word)[:FRAME_ROOT] for word in word_texts(match_key(text)) if word not in STOP_WORDS
    ]


def same_frame(a: ClaimView, b: ClaimView) -> bool:
    """The words around both numbers say the same thing (see the module doc)."""
    before_a, after_a = frame(a)
    before_b, after_b = frame(b)
    if before_a and before_b:
        # What happened to the figure comes before it in Arabic ("ارتفع المؤشر 2%");
        # the words after it often only name the counted thing again ("من الأغذية").
        return bool(before_a & before_b)
    if after_a and after_b:
        return bool(after_a & after_b)
    return True  # a claim that is its whole sentence ("ثلاثة صواريخ"): context decides


def states_both(a: ClaimView, b: ClaimView) -> bool:
    """One sentence gives the other's figure too: two facts, not two reports of one."""
    if a.value is None or b.value is None or a.value == b.value:
        return False
    if b.value in _numbers(a.sentence) or a.value in _numbers(b.sentence):
        return True
    # "25.766 مليون طن" is read as 25766000: look for the figure as written too.
    text_a, text_b = match_key(a.text), match_key(b.text)
    return bool(text_a and text_b) and (
        text_b in match_key(a.sentence) or text_a in match_key(b.sentence)
    )


def _numbers(sentence: str) -> frozenset[float]:
    return _cached_numbers(sentence) if len(sentence) <= CACHED_CHARS else _read_numbers(sentence)


def _read_numbers(sentence: str) -> frozenset[float]:
    found = set()
    for token in tokenize(match_key(sentence)):
        if token.kind == "num":
            try:
                found.add(float(token.text.replace(",", "")))
            except ValueError:
                continue  # "1.234.5": not one number
    return frozenset(found)


_cached_numbers = lru_cache(maxsize=8192)(_read_numbers)


def _show(low: float, high: float) -> list[float | None]:
    return [low, None if math.isinf(high) else high]


RELATED = 0.2  # share of content words two texts need to be about the same thing


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Content words in common over the words of the shorter text (stems compared)."""
    if not a or not b:
        return 0.0
    stems_a, stems_b = {_stem(w) for w in a}, {_stem(w) for w in b}
    return len(stems_a & stems_b) / min(len(stems_a), len(stems_b))


def _stem(word: str) -> str:
    # Light: feminine, plural and accusative endings only ("أمريكية" / "أمريكي").
    for ending in ("ات", "ين", "ون", "ه", "ة", "ا", "ي"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def compare_sentences(a: str, b: str) -> Relation | None:
    """Two unattributed sentences (headlines, events): about the same thing at all, and
    if so, opposite (antonyms, negation, other numbers) or not."""
    score = similarity(content_words(a), content_words(b))
    if score < RELATED:
        return None
    conflict = polarity_conflict(a, b, swaps=True)
    if conflict is not None:
        details = {"rule": "sentence", **conflict}
        return Relation(ClaimLinkKind.CONTRADICTS, round(score, 4), details)
    return Relation(ClaimLinkKind.CORROBORATES, round(score, 4), {"rule": "sentence"})
