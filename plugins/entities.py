"""Speakers to entities: names found in the article first, the shared tables second.

Within an article, a short or title-only reference resolves to a full name seen in the
same article: "الكاظمي" to "مصطفى الكاظمي" (the last word(s) of a longer name), "رئيس
الوزراء العراقي" to the name that follows that title elsewhere in the article; an
office named after its owner ("المكتب الإعلامي لـ"الكاظمي"") is named after the
owner's title ("المكتب الإعلامي لرئيس الوزراء العراقي"). Across articles, entities
are one row per (type, key): the key folds spelling variants of given names
(``lexicons/given_names.txt``: "جوزيف بايدن" is "جو بايدن"), and an entity one of
whose aliases equals the surface form is reused. Titles are never stored as aliases:
"الرئيس الأميركي" names a different person next year. Anonymous sources ("مصدر
أمني") get no entity: one shared "security source" would tie together statements of
different people.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marsad.core import Entity, EntityAlias
from marsad.plugins.arabic import match_key
from marsad.plugins.speakers import (
    MAX_NAME_WORDS,
    OWNER_LAM,
    TITLE_HEADS,
    Speaker,
    SpeakerFinder,
)
from marsad.plugins.speech import bare_set
from marsad.plugins.tokens import Line, bare, read_lexicon, strip_conjunction

MIN_NAME_USES = 2


@dataclass
class ArticleNames:
    """Person names (key words) and the display form of each, and title -> name."""

    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    titles: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    # The first title each name was seen with, as written ("رئيس الوزراء العراقي").
    title_of: dict[tuple[str, ...], str] = field(default_factory=dict)

    def full_name(self, words: tuple[str, ...]) -> tuple[str, ...] | None:
        """The longest known name that ends with ``words`` (or is ``words``)."""
        best: tuple[str, ...] | None = None
        for name in self.names:
            if name[-len(words) :] == words and (best is None or len(name) > len(best)):
                best = name
        return best


def display(line: Line, first: int, last: int) -> str:
    """How a span of tokens reads, without quote marks ("الكاظمي" not "\"الكاظمي\"")."""
    start, end = line.span(first, last)
    text = line.text[start - line.base : end - line.base]
    for mark in '"“”«»„':
        text = text.replace(mark, " ")
    return " ".join(text.replace("\u0640", "").split())


def scan_names(article_lines: list[Line]) -> ArticleNames:
    """Names that follow a title anywhere in the article ("الرئيس الأميركي جو بايدن")."""
    found = ArticleNames()
    finder = SpeakerFinder(set())
    heads = bare_set(TITLE_HEADS)
    raw: list[tuple[tuple[str, ...], tuple[str, ...], Line, int, int]] = []
    for line in article_lines:
        for index, token in enumerate(line.tokens):
            if token.kind != "word" or bare(token.text) not in heads:
                continue
            speaker = finder.phrase(line, index, len(line.tokens))
            if speaker is None or not speaker.name:
                continue
            name = speaker.name[:MAX_NAME_WORDS]
            raw.append((speaker.title, name, line, speaker.first, speaker.last))
    last_words = {name[-1] for _, name, *_ in raw if len(name) > 1}
    # A name is used again ("بايدن"); "الرئيس الأميركي يبدي اهتماما" is a title and a verb.
    counts = Counter(t.text for line in article_lines for t in line.tokens if t.kind == "word")
    for title, name, line, first, last in raw:
        # "الرئيس بايدن تطوير العلاقات": a name stops at a word that ends another name.
        for position, word in enumerate(name[:-1]):
            if word in last_words:
                name = name[: position + 1]
                break
        if len(name) > 1 and counts[name[-1]] < MIN_NAME_USES:
            continue
        if len(name) > 1 and name not in found.names:
            found.names[name] = _name_display(line, first, last, len(title), len(name))
            found.title_of[name] = _name_display(line, first, last, 0, len(title))
        if len(name) > 1:
            found.titles.setdefault(title_key(title), name)
    return found


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


class EntityStore:
    """Entities and aliases in the shared tables, safe against concurrent workers.

    Two workers may create the same (type, key) at once: each insert runs in a
    savepoint, and the loser of the race re-reads the winner's row.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[str, str], Entity] = {}
        self._aliases: set[tuple[int, str]] = set()

    def get(self, kind: str, name: str, key: str | None = None) -> Entity:
        key = (key or entity_key(kind, name))[:300]
        cached = self._cache.get((kind, key))
        if cached is not None:
            return cached
        entity = self._select(kind, key)
        if entity is None:
            try:
                with self.session.begin_nested():
                    entity = Entity(type=kind, key=key, name=name[:300])
                    self.session.add(entity)
            except IntegrityError:
                entity = self._select(kind, key)
                if entity is None:
                    raise
        self._cache[(kind, key)] = entity
        return entity

    def by_alias(self, alias: str) -> Entity | None:
        return self.session.scalars(
            select(Entity)
            .join(EntityAlias, EntityAlias.entity_id == Entity.id)
            .where(EntityAlias.alias == alias)
            .order_by(Entity.id)
        ).first()

    def alias(self, entity: Entity, alias: str) -> None:
        alias = " ".join(alias.split())[:300]
        if not alias or (entity.id, alias) in self._aliases:
            return
        self._aliases.add((entity.id, alias))
        exists = self.session.scalars(
            select(EntityAlias.id).where(
                EntityAlias.entity_id == entity.id, EntityAlias.alias == alias
            )
        ).first()
        if exists is not None:
            return
        try:
            with self.session.begin_nested():
                self.session.add(EntityAlias(entity_id=entity.id, alias=alias))
        except IntegrityError:
            pass  # added by another worker meanwhile: what we wanted

    def _select(self, kind: str, key: str) -> Entity | None:
        return self.session.scalars(
            select(Entity).where(Entity.type == kind, Entity.key == key)
        ).first()


@dataclass(frozen=True)
class EntityRef:
    """A speaker as the article names it: what the stage stores as an entity."""

    type: str  # "PERSON" or "ORG"
    name: str  # the fullest name the article gives
    key: str  # the (type, key) it is stored under: see entity_key
    aliases: tuple[str, ...]  # the name and its other forms in the article, titles never
    # False when the article gave nothing beyond the surface form ("برايس" alone): the
    # stage may then reuse an entity already known by that alias.
    in_article: bool


def resolve_speaker(names: ArticleNames, speaker: Speaker, surface: str) -> EntityRef | None:
    """The entity a speaker stands for within its article; None for anonymous ones."""
    found = _canonical(names, speaker, surface)
    if found is None:
        return None
    kind, name = found
    aliases = [name]
    alias = _name_alias(speaker, surface, name)
    if alias is not None and alias != name:
        aliases.append(alias)
    in_article = not (name == surface and speaker.kind != "org")
    return EntityRef(kind, name, entity_key(kind, name)[:300], tuple(aliases), in_article)


def _canonical(names: ArticleNames, speaker: Speaker, surface: str) -> tuple[str, str] | None:
    """(type, canonical display name) for a speaker, or None for anonymous ones."""
    if speaker.kind in ("anonymous", "statement"):
        return None
    if speaker.kind == "title":
        name = names.titles.get(title_key(speaker.title))
        return ("PERSON", names.names[name]) if name else None
    if speaker.kind == "org" and OWNER_LAM in speaker.words:
        return "ORG", _office(names, speaker, surface)
    words = speaker.name or speaker.words
    for known in names.names:
        # "مصطفى الكاظمي بوقف الهجمات": the phrase ran past a known name.
        if len(words) > len(known) and words[: len(known)] == known:
            return "PERSON", names.names[known]
    full = names.full_name(tuple(words))
    if full is not None and full in names.names:
        return "PERSON", names.names[full]
    if speaker.kind == "person" and speaker.title:
        name = speaker.name[:MAX_NAME_WORDS]
        count = len(name)
        surface_words = surface.split()
        title_words = len(surface_words) - len(speaker.name)
        return "PERSON", " ".join(surface_words[title_words : title_words + count])
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
        words = surface.split()[len(speaker.title) :][:MAX_NAME_WORDS]
        candidate = " ".join(words)
    else:
        candidate = surface
    if not candidate:
        return None
    # Only a form of the canonical name: a phrase that ran past it is no alias.
    if speaker.kind != "org" and not match_key(name).endswith(match_key(candidate)):
        return None
    return candidate


def title_key(title: tuple[str, ...]) -> tuple[str, ...]:
    """A title as a lookup key: "ورئيس الوزراء" and "رئيس الوزراء" are one title."""
    return (strip_conjunction(title[0]), *title[1:]) if title else title
