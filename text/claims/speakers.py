"""Who speaks: the noun phrase before or after a speech verb that names a speaker.

Arabic news is mostly verb-first ("وقال البيت الأبيض إن"), so the speaker is usually
the phrase after the verb; a subject-first clause ("الرئيس الأميركي أكد", "وكان
الوزير قد أعلن") has it before. A phrase is one of:

* a person: a title or rank and maybe a name ("وزير الصحة الدكتور X Y", "اللواء X"),
  a name and then its title ("X Y المدير العام للمنظمة"), or a name alone when the
  article names that person elsewhere or the first word is a given name;
* a title alone ("الوزير", "المتحدث باسم الوزارة"), resolved later in the article;
* an organisation ("وزارة الداخلية", "الأمم المتحدة");
* an anonymous source or group ("مصدر مطلع", "شهود عيان", "خبراء");
* a statement ("البيان"), which speaks for whoever issued the last one, or another
  document ("التقرير", "الأرقام"), which speaks as written;
* "self": a courtesy title with a pronoun ("وشدد معاليه"), the person named before.

The word classes are in ``lexicons/titles.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from marsad.text.arabic import match_key
from marsad.text.claims.speech import (
    COMPLEMENTIZERS,
    LONG_QUOTE,
    PARTICLES,
    PREPOSITIONS,
    bare_set,
    stops_phrase,
)
from marsad.text.tokens import Line, bare, keys, read_lexicon, strip_conjunction

MAX_SPEAKER_WORDS = 9
# The longest phrase phrase() returns: its words and an office's owner (لـ"X" quoted).
MAX_SUBJECT_WORDS = MAX_SPEAKER_WORDS + 5
MAX_NAME_WORDS = 2  # first and family name; a third word is usually the next verb
MAX_LINKED_NAME_WORDS = 5  # "عادل بن أحمد الجبير", "عبد ربه منصور هادي"
MAX_APPOSITIVE_AT = 3  # name words before a title that follows them
NAME_LINKS = keys("بن ابن أبو آل عبد بنت")  # "محمد بن سلمان": a longer name
TITLE_LINKS = keys("باسم عام حلف مجلس وزارة هيئة أركان جهاز إدارة شؤون لشؤون لدى")
# Adjectives that follow a definite title ("الوزير السابق"); other adjectives are
# nisbas ("الأميركي", "الأمنية"), recognised by their ending.
TITLE_ADJECTIVES = keys(
    "السابق السابقة الأسبق الأعلى العام العامة الأول الجديد الحالي المكلف المساعد "
    "المناوب المشترك الخاص الدائم التنفيذي الإعلامي الرسمي الأعلى"
)
NISBA_ENDINGS = tuple(match_key(e) for e in ("ي", "ية", "يون", "يين", "يان"))
RELATIVES = keys("الذي التي الذين اللذين اللتين اللواتي اللذان")
OWNER_LAM = match_key("لـ")
OFFICE_HEADS = frozenset(bare(word) for word in keys("مكتب المكتب"))
ISSUED = keys("الصادر الصادرة صادر صادرة")
BEFORE_VERB = keys("قد لقد")  # "وكان الوزير قد أعلن": the subject sits before قد
STATEMENT_NOUNS = keys("البيان بيان بيانه")
TOPIC_WORDS = keys("أما وأما")  # "أما الإعلامي X الذي حضر فقد أبدى"
RESUMING = keys("فقد فإنه فإنها")  # the "ف" that resumes the topic before its verb
MAX_TOPIC_WORDS = 16
SPEAKING_KINDS = ("person", "title", "org", "anonymous")


@cache
def word_class(name: str) -> frozenset[str]:
    """The words of one class of ``lexicons/titles.txt`` as lookup keys (see head)."""
    found: set[str] = set()
    for line in read_lexicon("titles.txt"):
        kind, _, words = line.partition(":")
        if kind.strip() != name:
            continue
        for word in words.split():
            found.add(match_key(word))
            if name in ("title", "rank"):
                found.add(match_key(word + "ة"))
    if not found:
        raise ValueError(f"lexicons/titles.txt has no words of class {name!r}")
    return frozenset(found)


ORG_HEADS = word_class("org")
# "محافظة" is a province before it is a governor (f.): an organisation word wins.
TITLE_HEADS = (word_class("title") | word_class("rank")) - ORG_HEADS
MEDIA_HEADS = word_class("media")
ANONYMOUS_HEADS = word_class("anonymous")


def in_class(word: str, words: frozenset[str]) -> bool:
    """Whether a key word, without "ال" and maybe a و/ف, is one of ``words``; a ب/ل/ك
    clitic stays, so "لرئيس" (to the president) is no title. Both readings of a
    leading و/ف are tried: "وزير" is a word, "وقال" a conjunction and a verb."""
    # Asked of nearly every word of an article, several times: the clitic rules of
    # strip_conjunction and the article are written out here, without calls.
    if (word[2:] if word.startswith("ال") and len(word) > 3 else word) in words:
        return True
    if len(word) > 2 and word[0] in "وف":
        word = word[1:]
    return (word[2:] if word.startswith("ال") and len(word) > 3 else word) in words


def is_a(word: str, name: str) -> bool:
    return in_class(word, word_class(name))


# Verbal nouns of the derived forms, as keys after "ال" (ة is ه, hamza is ا):
# افتعال (الانتماء، الاعتراف، الازدياد)، استفعال (الاستعداد)، انفعال (الانسحاب)،
# تفعيل (التأكيد)، تفاعل (التعاون)، مفاعلة (المتابعة). "The joining said" is no one.
VERBAL_NOUN = re.compile(r"^(?:ا.[تطد].ا.|است..ا.|ان..ا.|ت..ي.|ت.ا..|م.ا..ه)$")


def is_verbal_noun(word: str) -> bool:
    """A definite verbal noun of a derived verb form: "الانتماء", "المتابعة"."""
    plain = strip_conjunction(word)
    return plain.startswith("ال") and VERBAL_NOUN.match(plain[2:]) is not None


def is_org_head(word: str) -> bool:
    """An organisation or outlet word ("وزارة", "الحكومة", "وكالة")."""
    return in_class(word, ORG_HEADS) or in_class(word, MEDIA_HEADS)


def is_nisba(word: str) -> bool:
    """An adjective of origin or kind: "الأميركي", "الأمنية", "المحليون"."""
    return word.startswith("ال") and word.endswith(NISBA_ENDINGS)


@dataclass(frozen=True)
class Speaker:
    first: int  # token indexes, inclusive
    last: int
    words: tuple[str, ...]  # key words, quote marks dropped
    title: tuple[str, ...]  # the title part ("رئيس الوزراء العراقي"), maybe empty
    name: tuple[str, ...]  # the name part ("مصطفى الكاظمي"), maybe empty
    kind: str  # "person", "org", "anonymous", "title", "statement", "document" or "self"


@cache
def given_names() -> frozenset[str]:
    """First names (``lexicons/given_names.txt``, every spelling) as keys."""
    return frozenset(match_key(w) for line in read_lexicon("given_names.txt") for w in line.split())


class SpeakerFinder:
    """Speaker phrases of one article; names seen anywhere in it help decide."""

    def __init__(self, known_names: set[tuple[str, ...]]) -> None:
        # Names seen anywhere in the article ("مصطفى الكاظمي"): a phrase that ends one
        # of them is a speaker even without a title.
        self.known_last_words = {name[-1] for name in known_names}
        self.known_words = {word for name in known_names for word in name}

    def subject_before(self, line: Line, index: int, begin: int, prefixed: bool) -> Speaker | None:
        """The speaker of a subject-first clause: "وكان المتحدث ... نيد برايس صرح"."""
        topic = self._topic(line, index, begin)
        if topic is not None:
            return topic
        if prefixed or index == begin:
            return None
        end = index
        if line.tokens[end - 1].text in BEFORE_VERB:
            end -= 1  # "وكان رئيس الاتحاد قد أعرب"
        elif line.tokens[end - 1].text in RELATIVES:
            end -= 1  # "كريستيان بيك الذي أعلن"
        first = end
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
        if first == end:
            return None
        speaker = self.phrase(line, first, end)
        if speaker is None or speaker.last != end - 1:
            return None
        return speaker

    def _topic(self, line: Line, index: int, begin: int) -> Speaker | None:
        """The topic of "أما X (الذي ...) فقد أبدى": the speaker the clause is about,
        named after "أما" and resumed by "ف" before the verb."""
        verb = line.tokens[index].text
        before = line.tokens[index - 1].text if index > begin else ""
        if not (before in RESUMING or (verb[:1] == "ف" and before not in PARTICLES)):
            return None
        for position in range(index - 1, max(begin, index - MAX_TOPIC_WORDS) - 1, -1):
            if line.tokens[position].text in TOPIC_WORDS:
                speaker = self.phrase(line, position + 1, index)
                if speaker is not None and speaker.kind in SPEAKING_KINDS:
                    return speaker
                return None
        return None

    def phrase(self, line: Line, start: int, stop: int) -> Speaker | None:
        """The noun phrase at ``start`` that names a speaker, or None."""
        tokens = line.tokens
        indexes: list[int] = []
        index = start
        limit = MAX_SPEAKER_WORDS
        while index < stop and len(indexes) < limit:
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
            in_title = bool(indexes) and in_class(tokens[indexes[0]].text, TITLE_HEADS)
            if word in TITLE_LINKS and in_title:
                limit += 1  # "المندوب الدائم لدى الأمم المتحدة": "لدى" links the office
            elif stops_phrase(word) and not (index == start and word in STATEMENT_NOUNS):
                break
            if word[:1] in "وف" and stops_phrase(word[1:]):
                break  # "وفي", "وبينما"
            if word in RELATIVES:
                break  # "غوينغوينغ الذي جاء": a clause about the speaker
            if in_title and word.startswith("لل") and _name_follows(line, index + 1, stop):
                # "رئيس الجمعية السعودية للسلامة المرورية الدكتور X": the office goes
                # on, and a link word costs the name no room.
                limit += 1
            elif indexes and len(word) > 4 and word.startswith(("وال", "فال", "لل", "بال")):
                break  # "والكاظمي", "للصحافيين": a new phrase starts
            if indexes and word[:1] in "وف" and word not in TITLE_HEADS:
                rest = word[1:] if len(word) > 3 else ""
                if in_class(rest, TITLE_HEADS) or in_class(rest, ORG_HEADS):
                    break  # "جو بايدن ورئيس الوزراء": a second person starts
            indexes.append(index)
            index += 1
        if not indexes:
            return None
        words = tuple(tokens[i].text for i in indexes)
        after = tokens[index].text if index < stop else ""
        issued = len(words) == 1 or words[-1] in ISSUED
        if is_a(words[0], "document") and after == "عن" and issued:
            return self.phrase(line, index + 1, stop)  # "البيان الصادر عن البيت الأبيض"
        return self.classify(indexes, words)

    def classify(self, indexes: list[int], words: tuple[str, ...]) -> Speaker | None:
        first = indexes[0]
        skip = 0
        while skip < len(words) - 1 and is_a(words[skip], "courtesy"):
            skip += 1  # "معالي وزير الخارجية", "صاحب السمو الملكي الأمير"
        core = words[skip:]
        word = core[0]
        if len(core) == 1 and word in word_class("self"):
            return Speaker(first, indexes[-1], words, (), (), "self")
        if word in STATEMENT_NOUNS and len(core) == 1:
            return Speaker(first, indexes[-1], words, (), (), "statement")
        if in_class(word, TITLE_HEADS):
            return self._titled(indexes, words, skip)
        if in_class(word, ANONYMOUS_HEADS):
            return self._cut(indexes, words, _anonymous_end(words), "anonymous")
        if is_a(word, "document"):
            return self._cut(indexes, words, _document_end(words), "document")
        if in_class(word, MEDIA_HEADS):
            return Speaker(first, indexes[-1], words, (), words, "org")  # "موقع RT"
        if in_class(word, ORG_HEADS):
            return self._cut(indexes, words, _org_end(words), "org", name_from=0)
        if not word.startswith("ال"):
            return self._named(indexes, words)
        if words[-1] in self.known_last_words or len(words) > 1:
            known = next((i for i, w in enumerate(words) if w in self.known_last_words), None)
            if known is not None:
                return self._cut(indexes, words, known + 1, "person", name_from=0)
            end = _adjectives_end(words, 1)
            return self._cut(indexes, words, end, "org", name_from=0) if end > 1 else None
        return None

    def _titled(self, indexes: list[int], words: tuple[str, ...], skip: int) -> Speaker:
        """A title, maybe with a name after it: "وزير الصحة الدكتور X Y"."""
        # Right after a definite head ("الوزير") only adjectives may follow; after an
        # indefinite one ("وزير") or a link ("باسم") a genitive does.
        adjectives_only = strip_conjunction(words[skip]).startswith("ال")
        title_end = skip + 1
        while title_end < len(words):
            word = words[title_end]
            if word in TITLE_LINKS or in_class(word, TITLE_HEADS):
                # "نائب رئيس", "المتحدث باسم", "وزير الخارجية الأستاذ X"
                adjectives_only = word.startswith("ال")
                title_end += 1
                continue
            if word in self.known_words:
                break
            if not word.startswith("ال"):
                if not self._construct(words, title_end):
                    break
                adjectives_only = False  # "عضو برنامج الأمان", "لكرة القدم"
                title_end += 1
                continue
            if adjectives_only and not (is_nisba(word) or word in TITLE_ADJECTIVES):
                # "وجدد الوزير التأكيد": a definite title takes no genitive.
                return self._cut(indexes, words, title_end, "title", name_from=title_end)
            adjectives_only = False
            title_end += 1
        name_end = _name_end(words, title_end, self.known_last_words)
        if title_end < len(words) and words[title_end].startswith("ال"):
            name_end = title_end  # a name starts without "ال": this is the next clause
        kind = "person" if name_end > title_end else "title"
        return self._cut(indexes, words, name_end, kind, name_from=title_end, skip=skip)

    def _construct(self, words: tuple[str, ...], position: int) -> bool:
        """Whether a word without "ال" inside a title is a noun with its genitive
        ("برنامج الأمان", "لكرة القدم", "شرطة لافاييت") rather than the first word of
        the name: an organisation word or ل+noun before a word with "ال", or any noun
        before one when a name still follows ("عضو برنامج الأمان الأسري X Y")."""
        word = words[position]
        following = words[position + 1] if position + 1 < len(words) else ""
        if in_class(word, ORG_HEADS) and following:
            return True
        if not following.startswith("ال") or word in given_names():
            return False
        if word.startswith("ل") and not word.startswith("لل"):
            return True
        rest = words[position + 2 :]
        return any(not w.startswith("ال") and w not in TITLE_LINKS for w in rest)

    def _named(self, indexes: list[int], words: tuple[str, ...]) -> Speaker | None:
        """A name first: "X Y المدير العام للمنظمة", "كرافت", "عيسى أحمد"."""
        name_end = _name_end(words, 0, self.known_last_words)
        appositive = _appositive(words)
        if appositive is not None:
            name_end = appositive  # "وليام لايسي سوينج المدير العام"
        name = words[:name_end]
        known = name[-1] in self.known_last_words or name[0] in given_names()
        titled = name_end < len(words) and in_class(words[name_end], TITLE_HEADS)
        if not (known or titled):
            return None
        end = name_end
        if titled:
            titled_part = self._titled(indexes[name_end:], words[name_end:], 0)
            end = name_end + len(titled_part.words)
        title = words[name_end:end]
        return Speaker(indexes[0], indexes[end - 1], words[:end], title, name, "person")

    def _cut(
        self,
        indexes: list[int],
        words: tuple[str, ...],
        end: int,
        kind: str,
        name_from: int | None = None,
        skip: int = 0,
    ) -> Speaker:
        end = max(end, 1)
        title = words[skip:name_from] if name_from is not None else ()
        name = words[name_from:end] if name_from is not None else ()
        return Speaker(indexes[0], indexes[end - 1], words[:end], title, name, kind)


def _name_end(words: tuple[str, ...], start: int, known_last: set[str]) -> int:
    """Where a name starting at ``start`` ends: at a known family name, after two
    words, or further with "بن/أبو/آل/عبد" links."""
    end = start
    limit = min(len(words), start + MAX_LINKED_NAME_WORDS)
    while end < limit:
        word = words[end]
        if end > start and (in_class(word, TITLE_HEADS) and word.startswith("ال")):
            break  # "X Y المدير العام": the title after the name
        if end > start and word[:1] == "ل" and in_class(word[1:], MEDIA_HEADS):
            break  # "X لوكالة الأنباء": to whom it was said
        office = in_class(word, TITLE_HEADS) and word not in given_names()
        if end - start >= MAX_NAME_WORDS and office:
            break  # "منصور بن إبراهيم الحسين عضو لجنة": the office after the name
        end += 1
        if word in known_last:
            break
        linked = any(w in NAME_LINKS for w in words[start:end]) or (
            end < len(words) and words[end] in NAME_LINKS
        )
        if end - start >= MAX_NAME_WORDS and not linked:
            break
    return end


def _appositive(words: tuple[str, ...]) -> int | None:
    """Where a title follows a name of up to three words ("X Y Z المدير العام",
    "جيم كرافت قائد شرطة"), or None."""
    for position in range(1, min(len(words), MAX_APPOSITIVE_AT + 1)):
        word = words[position]
        if in_class(word, TITLE_HEADS) and not in_class(words[position - 1], TITLE_HEADS):
            return position
        if word.startswith("ال") or word[:1] in "بلك":
            return None
    return None


def _adjectives_end(words: tuple[str, ...], start: int) -> int:
    """The end of a definite noun and its adjectives and genitives ("القادة
    الأوروبيون", "البيت الأبيض"): words with "ال" up to a pronoun-bearing word."""
    end = start
    while end < len(words) and words[end].startswith("ال") and end < start + 3:
        end += 1
    return end


def _document_end(words: tuple[str, ...]) -> int:
    """A document and what describes it: a definite one takes definite adjectives
    ("التقارير الدولية"); an indefinite one also an indefinite adjective or a genitive
    ("تقارير سابقة", "تقديرات وسائل الإعلام"), not a verb with a pronoun ("تقرير نشرته")."""
    if strip_conjunction(words[0]).startswith("ال"):
        return _adjectives_end(words, 1)
    end = 1
    while end < min(len(words), 3):
        word = words[end]
        if (word[:1] in "بلك" and not word.startswith("ال")) or word.endswith(("ته", "ها", "هم")):
            break
        end += 1
    return end


def _org_end(words: tuple[str, ...]) -> int:
    """The end of an organisation's name: words with "ال", and a noun without it
    only before one ("مجلس إدارة الشركة"); "فصائل غير معروفة" is "فصائل"."""
    end = 1
    while end < len(words):
        word = words[end]
        following = words[end + 1] if end + 1 < len(words) else ""
        if not (word.startswith("ال") or following.startswith("ال")):
            break
        if in_class(word, TITLE_HEADS):
            break  # "وزارة الداخلية اللواء X": its spokesman's rank and name follow
        end += 1
    return end


def _anonymous_end(words: tuple[str, ...]) -> int:
    """An unnamed source and what describes it ("مصدر مطلع", "شهود عيان", "مسؤولو
    الأرصاد المحليون"), up to a word with a preposition ("مصادر أمنية بارتفاع")."""
    end = 1
    while end < len(words) and end < 4:
        word = words[end]
        if word[:1] in "بلك" and not word.startswith("ال"):
            break
        end += 1
    return end


def _name_follows(line: Line, index: int, stop: int) -> bool:
    """A rank or a given name comes within the next few words, before any function
    word: the words up to it still describe an office ("للسلامة المرورية الدكتور")."""
    for position in range(index, min(stop, index + MAX_APPOSITIVE_AT)):
        token = line.tokens[position]
        if token.kind != "word" or stops_phrase(token.text):
            return False
        if is_a(token.text, "rank") or token.text in given_names():
            return True
    return False


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
