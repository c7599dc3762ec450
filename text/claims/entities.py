"""Speakers to entities: names found in the article first, the shared tables second.

Within an article, a short or title-only reference resolves to a full name seen in the
same article: "الكاظمي" to "مصطفى الكاظمي" (the last word(s) of a longer name), "رئيس
الوزراء العراقي" to the name that follows that title elsewhere in the article; an
office named after its owner ("المكتب الإعلامي لـ"الكاظمي"") is named after the
owner's title ("المكتب الإعلامي لرئيس الوزراء العراقي"). Across articles, entities
are one row per (type, key), stored by :mod:`marsad.plugins.extract.entity_rows`: the key
folds spelling variants of given names (``lexicons/given_names.txt``: "جوزيف بايدن" is
"جو بايدن"). A name the article
does not resolve ("ترامب" alone) is its own entity: reusing one found by alias in
other articles would make the result depend on which was stored first. Titles are
never stored as aliases:
"الرئيس الأميركي" names a different person next year. Anonymous sources ("مصدر
أمني") get no entity: one shared "security source" would tie together statements of
different people.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from marsad.text.arabic import match_key
from marsad.text.claims.speakers import (
    ORG_HEADS,
    OWNER_LAM,
    TITLE_HEADS,
    Speaker,
    SpeakerFinder,
    given_names,
    in_class,
    is_a,
    is_nisba,
)
from marsad.text.claims.speech import stops_phrase
from marsad.text.tokens import Line, read_lexicon, strip_conjunction

MIN_NAME_USES = 2
POSSESSIVE_ENDINGS = ("ه", "ها", "هم", "هما")
T = TypeVar("T")


@dataclass
class ArticleNames:
    """Person names (key words) and the display form of each, and title -> name."""

    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    titles: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    # The first title each name was seen with, as written ("رئيس الوزراء العراقي").
    title_of: dict[tuple[str, ...], str] = field(default_factory=dict)
    # The head word of a title ("وزير") -> the names that held it, in order: "الوزير"
    # alone is the one minister the article names.
    heads: dict[str, list[tuple[int, tuple[str, ...]]]] = field(default_factory=dict)
    # The head word of an organisation ("وزاره") -> its names as written, in order:
    # "الوزارة" alone is the ministry the article named.
    orgs: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def full_name(self, words: tuple[str, ...]) -> tuple[str, ...] | None:
        """The longest known name that ends with ``words`` (or is ``words``)."""
        best: tuple[str, ...] | None = None
        for name in self.names:
            if name[-len(words) :] == words and (best is None or len(name) > len(best)):
                best = name
        return best

    def holder(self, title: tuple[str, ...], at: int) -> tuple[str, ...] | None:
        """The person a title names in this article: the same title seen with a name,
        else the person last named before ``at`` with a title of the same head
        ("الوزير" -> the minister), else the only one named after it."""
        name = self.titles.get(title_key(title))
        if name is not None or not title:
            return name
        return _nearest(self.heads.get(title_head(title[0]), []), at)

    def organisation(self, words: tuple[str, ...], at: int) -> str | None:
        """ "الوزارة" alone -> the ministry named last before ``at`` (or the only one)."""
        if len(words) != 1 or not strip_conjunction(words[0]).startswith("ال"):
            return None
        return _nearest(self.orgs.get(title_head(words[0]), []), at)


def _nearest(seen: list[tuple[int, T]], at: int) -> T | None:
    """The last item seen before ``at``; else the only one there is."""
    before = [item for offset, item in seen if offset < at]
    if before:
        return before[-1]
    distinct = {item for _, item in seen}
    return distinct.pop() if len(distinct) == 1 else None


def display(line: Line, first: int, last: int) -> str:
    """How a span of tokens reads, without quote marks ("الكاظمي" not "\"الكاظمي\"")."""
    start, end = line.span(first, last)
    text = line.text[start - line.base : end - line.base]
    for mark in '"“”«»„':
        text = text.replace(mark, " ")
    return " ".join(text.replace("\u0640", "").split())


def title_head(word: str) -> str:
    """The head of a title or organisation name as a lookup key: "ووزير" -> "وزير"."""
    plain = strip_conjunction(word)
    for candidate in (word, plain):
        core = candidate[2:] if candidate.startswith("ال") and len(candidate) > 3 else candidate
        if in_class(core, TITLE_HEADS) or in_class(core, ORG_HEADS):
            return core
    return plain[2:] if plain.startswith("ال") else plain


def _may_name(line: Line, index: int) -> bool:
    """Whether a name may start at this token: after a title head, or at a clause
    start (line start, punctuation, a particle or a speech verb) for "X Y المدير"."""
    token = line.tokens[index]
    if in_class(token.text, TITLE_HEADS):
        return True
    if token.text.startswith("ال") or stops_phrase(token.text):
        return False
    if index == 0:
        return True
    before = line.tokens[index - 1]
    if before.kind in ("punct", "quote") or stops_phrase(before.text):
        return True
    # "التونسي يوسف المساكني مهاجم الفريق": a nationality before a name and its title;
    # "الوطنية للسلامة" is an adjective before a genitive.
    return is_nisba(before.text) and not token.text.startswith(("لل", "بال", "كال"))


def scan_names(article_lines: list[Line]) -> ArticleNames:
    """Names with a title anywhere in the article ("الرئيس الأميركي جو بايدن", "جيم
    كرافت قائد شرطة لافاييت"), and organisations by their head word."""
    found = ArticleNames()
    finder = SpeakerFinder(set())
    raw: list[tuple[Speaker, Line]] = []
    for line in article_lines:
        titled = _titled_from(line)
        for index, token in enumerate(line.tokens):
            if token.kind != "word":
                continue
            if in_class(token.text, ORG_HEADS) and not token.text.startswith("ال"):
                _add_org(found, line, finder.phrase(line, index, len(line.tokens)))
            if not titled[index] or not _may_name(line, index):
                continue
            speaker = finder.phrase(line, index, len(line.tokens))
            if speaker is not None and speaker.kind == "person" and speaker.title:
                raw.append((speaker, line))
    last_words = {s.name[-1] for s, _ in raw if len(s.name) > 1}
    # A name is used again ("بايدن"); "الرئيس الأميركي يبدي اهتماما" is a title and a verb.
    counts = Counter(t.text for line in article_lines for t in line.tokens if t.kind == "word")
    for speaker, line in raw:
        name = speaker.name
        title_first = speaker.words[: len(speaker.name)] != speaker.name
        if title_first:
            # "الرئيس بايدن تطوير العلاقات": a name stops at a word that ends another name.
            for position, word in enumerate(name[:-1]):
                if word in last_words:
                    name = name[: position + 1]
                    break
            ranked = is_a(speaker.title[-1], "rank") or name[0] in given_names()
            if len(name) > 1 and counts[name[-1]] < MIN_NAME_USES and not ranked:
                continue  # used once, after no rank and no given name: maybe a verb
        if len(name) < 2 or _possessed(line, speaker, name):
            continue
        word_count = len(speaker.words)
        name_at = word_count - len(speaker.name) if title_first else 0
        title_at = name_at - len(speaker.title) if title_first else len(speaker.name)
        if name not in found.names:
            found.names[name] = _name_display(line, speaker.first, speaker.last, name_at, len(name))
            found.title_of[name] = _name_display(
                line, speaker.first, speaker.last, title_at, len(speaker.title)
            )
        found.titles.setdefault(title_key(speaker.title), name)
        offset = line.span(speaker.first, speaker.first)[0]
        found.heads.setdefault(title_head(speaker.title[0]), []).append((offset, name))
    return found


def _titled_from(line: Line) -> list[bool]:
    """Per token, whether a phrase starting there can hold a title: a title head lies
    between it and the next number or mark outside quotes. A phrase never reaches
    past one (``SpeakerFinder.phrase`` stops at it, and its "عن" and "لـ" extensions
    cross only words and quotes), and a person with a title needs a title head, so
    most tokens need no phrase."""
    titled = [False] * (len(line.tokens) + 1)
    quoted = line.quote_of
    for index in range(len(line.tokens) - 1, -1, -1):
        token = line.tokens[index]
        if token.kind == "word" and in_class(token.text, TITLE_HEADS):
            titled[index] = True
        elif token.kind in ("word", "quote") or index in quoted:
            titled[index] = titled[index + 1]
    return titled


def _possessed(line: Line, speaker: Speaker, name: tuple[str, ...]) -> bool:
    """A word of the name has a possessive pronoun as written ("مباراتي فريقه" after
    "مهاجم فريق لخويا"): the words after a title are no name."""
    written = display(line, speaker.first, speaker.last).split()
    for word in written:
        key = match_key(word)
        if key not in name or key in given_names() or "الله" in word or "لله" in word:
            continue
        if len(word) > 4 and word.endswith(POSSESSIVE_ENDINGS):
            return True
    return False


def _add_org(found: ArticleNames, line: Line, speaker: Speaker | None) -> None:
    if speaker is None or speaker.kind != "org" or len(speaker.words) < 2:
        return
    heads = found.orgs.setdefault(title_head(speaker.words[0]), [])
    offset = line.span(speaker.first, speaker.first)[0]
    heads.append((offset, display(line, speaker.first, speaker.last)))


def _name_display(line: Line, first: int, last: int, skip: int, count: int) -> str:
    """The display form of the ``count`` words after the ``skip`` title words."""
    word_indexes = [i for i in range(first, last + 1) if line.tokens[i].kind == "word"]
    return " ".join(display(line, i, i) for i in word_indexes[skip : skip + count])


@cache
def _given_names() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in read_lexicon("given_names.txt"):
        usual, *others = line.split()
        for other in others:
            table[match_key(other)] = match_key(usual)
    return table


def entity_key(kind: str, name: str) -> str:
    """The match key an entity is stored under; given-name variants fold for persons."""
    key = match_key(name)
    if kind != "PERSON":
        return key
    words = key.split()
    if len(words) > 1:
        words[0] = _given_names().get(words[0], words[0])
    return " ".join(words)


@dataclass(frozen=True)
class EntityRef:
    """A speaker as the article names it: what the stage stores as an entity."""

    type: str  # "PERSON" or "ORG"
    name: str  # the fullest name the article gives
    key: str  # the (type, key) it is stored under: see entity_key
    aliases: tuple[str, ...]  # the name and its other forms in the article, titles never


def resolve_speaker(
    names: ArticleNames, speaker: Speaker, surface: str, at: int = 0
) -> EntityRef | None:
    """The entity a speaker stands for within its article; None for anonymous ones.
    ``at`` is where the article names it: a title alone is its nearest holder before."""
    found = _canonical(names, speaker, surface, at)
    if found is None:
        return None
    kind, name = found
    aliases = [name]
    alias = _name_alias(speaker, surface, name)
    if alias is not None and alias != name:
        aliases.append(alias)
    return EntityRef(kind, name, entity_key(kind, name)[:300], tuple(aliases))


def _canonical(
    names: ArticleNames, speaker: Speaker, surface: str, at: int
) -> tuple[str, str] | None:
    """(type, canonical display name) for a speaker, or None for anonymous ones."""
    if speaker.kind in ("anonymous", "statement", "document", "self"):
        return None
    if speaker.kind == "title":
        name = names.holder(speaker.title, at)
        return ("PERSON", names.names[name]) if name else None
    if speaker.kind == "org" and OWNER_LAM in speaker.words:
        return "ORG", _office(names, speaker, surface)
    organisation = names.organisation(speaker.words, at) if speaker.kind == "org" else None
    if organisation is not None:
        return "ORG", organisation  # "الوزارة": the ministry named before
    words = speaker.name or speaker.words
    for known in names.names:
        # "مصطفى الكاظمي بوقف الهجمات": the phrase ran past a known name.
        if len(words) > len(known) and words[: len(known)] == known:
            return "PERSON", names.names[known]
    full = names.full_name(tuple(words))
    if full is not None and full in names.names:
        return "PERSON", names.names[full]
    if speaker.kind == "person" and speaker.title:
        return "PERSON", " ".join(_name_part(speaker, surface))
    return ("ORG" if speaker.kind == "org" else "PERSON"), surface


def _office(names: ArticleNames, speaker: Speaker, surface: str) -> str:
    """ "المكتب الإعلامي لـ"الكاظمي"" -> "المكتب الإعلامي لرئيس الوزراء العراقي"."""
    position = speaker.words.index(OWNER_LAM)
    head = " ".join(surface.split()[:position])
    owner = tuple(speaker.words[position + 1 :])
    full = names.full_name(owner) if owner else None
    if full is None:
        return f"{head} ل{' '.join(surface.split()[position + 1 :])}"
    title = names.title_of.get(full)
    return f"{head} ل{title or names.names[full]}"


def _name_alias(speaker: Speaker, surface: str, name: str) -> str | None:
    """The surface without its title, when that is a name ("الكاظمي"), else None."""
    if speaker.kind == "title":
        return None
    if speaker.kind == "person" and speaker.title:
        candidate = " ".join(_name_part(speaker, surface))
    else:
        candidate = surface
    if not candidate:
        return None
    # Only a form of the canonical name: a phrase that ran past it is no alias, and
    # "الوزارة" for "وزارة التعليم" is a reference, not a name.
    if speaker.kind != "org" and not match_key(name).endswith(match_key(candidate)):
        return None
    named = match_key(candidate).endswith(match_key(name))
    if speaker.kind == "org" and not named:
        return None
    return candidate


def _name_part(speaker: Speaker, surface: str) -> list[str]:
    """The name's words as written: after the title ("وزير الصحة X Y") or before it
    ("X Y المدير العام"); a comma after the name is no part of it."""
    written = surface.split()
    count = len(speaker.name)
    if speaker.words[:count] == speaker.name:
        part = written[:count]
    else:
        part = written[len(written) - count :]
    return [word.strip("،,:") for word in part]


def title_key(title: tuple[str, ...]) -> tuple[str, ...]:
    """A title as a lookup key: "ورئيس الوزراء" and "رئيس الوزراء" are one title."""
    return (strip_conjunction(title[0]), *title[1:]) if title else title
