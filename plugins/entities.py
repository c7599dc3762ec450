"""Speakers to entities: names found in the article first, the shared tables second.

Within an article, a short or title-only reference resolves to a full name seen in the
same article: "الكاظمي" to "مصطفى الكاظمي" (the last word(s) of a longer name), "رئيس
الوزراء العراقي" to the name that follows that title elsewhere in the article. Across
articles, an entity one of whose aliases equals the surface form is reused. Anonymous
sources ("مصدر أمني") get no entity: one shared "security source" would tie together
statements of different people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.core import Entity, EntityAlias
from marsad.plugins.arabic import match_key
from marsad.plugins.statements import TITLE_HEADS, Speaker, StatementFinder, _bare_set
from marsad.plugins.tokens import Line, bare, strip_conjunction

MAX_NAME_WORDS = 2  # first and family name; a third word is usually the next verb


@dataclass
class ArticleNames:
    """Person names (key words) and the display form of each, and title -> name."""

    names: dict[tuple[str, ...], str] = field(default_factory=dict)
    titles: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

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
    return " ".join(text.split())


def scan_names(article_lines: list[Line]) -> ArticleNames:
    """Names that follow a title anywhere in the article ("الرئيس الأميركي جو بايدن")."""
    found = ArticleNames()
    finder = StatementFinder(set())
    heads = _bare_set(TITLE_HEADS)
    raw: list[tuple[tuple[str, ...], tuple[str, ...], Line, int, int]] = []
    for line in article_lines:
        for index, token in enumerate(line.tokens):
            if token.kind != "word" or bare(token.text) not in heads:
                continue
            speaker = finder._phrase(line, index, len(line.tokens))
            if speaker is None or not speaker.name:
                continue
            name = speaker.name[:MAX_NAME_WORDS]
            raw.append((speaker.title, name, line, speaker.first, speaker.last))
    last_words = {name[-1] for _, name, *_ in raw if len(name) > 1}
    for title, name, line, first, last in raw:
        # "الرئيس بايدن تطوير العلاقات": a name stops at a word that ends another name.
        for position, word in enumerate(name[:-1]):
            if word in last_words:
                name = name[: position + 1]
                break
        if len(name) > 1 and name not in found.names:
            found.names[name] = _name_display(line, first, last, len(title), len(name))
        if len(name) > 1:
            found.titles.setdefault(title_key(title), name)
    return found


def _name_display(line: Line, first: int, last: int, skip: int, count: int) -> str:
    """The display form of the ``count`` words after the ``skip`` title words."""
    word_indexes = [i for i in range(first, last + 1) if line.tokens[i].kind == "word"]
    return " ".join(display(line, i, i) for i in word_indexes[skip : skip + count])


class EntityResolver:
    def __init__(self, session: Session, names: ArticleNames) -> None:
        self.session = session
        self.names = names

    def canonical(self, speaker: Speaker, surface: str) -> tuple[str, str] | None:
        """(type, canonical display name) for a speaker, or None for anonymous ones."""
        if speaker.kind in ("anonymous", "statement"):
            return None
        if speaker.kind == "title":
            name = self.names.titles.get(title_key(speaker.title))
            return ("PERSON", self.names.names[name]) if name else None
        words = speaker.name or speaker.words
        for known in self.names.names:
            # "مصطفى الكاظمي بوقف الهجمات": the phrase ran past a known name.
            if len(words) > len(known) and words[: len(known)] == known:
                return "PERSON", self.names.names[known]
        full = self.names.full_name(tuple(words))
        if full is not None and full in self.names.names:
            return "PERSON", self.names.names[full]
        if speaker.kind == "person" and speaker.title:
            name = speaker.name[:MAX_NAME_WORDS]
            count = len(name)
            surface_words = surface.split()
            title_words = len(surface_words) - len(speaker.name)
            return "PERSON", " ".join(surface_words[title_words : title_words + count])
        return ("ORG" if speaker.kind == "org" else "PERSON"), surface

    def resolve(self, speaker: Speaker, surface: str) -> Entity | None:
        found = self.canonical(speaker, surface)
        if found is None:
            return None
        kind, name = found
        if name == surface and speaker.kind != "org":
            # Not resolved in the article: an entity already known by this alias.
            known = self.session.scalars(
                select(Entity)
                .join(EntityAlias, EntityAlias.entity_id == Entity.id)
                .where(EntityAlias.alias == surface)
                .order_by(Entity.id)
            ).first()
            if known is not None:
                return known
        entity = self._entity(kind, name)
        self._alias(entity, surface)
        self._alias(entity, name)
        return entity

    def _entity(self, kind: str, name: str) -> Entity:
        key = match_key(name)
        entity = self.session.scalars(
            select(Entity).where(Entity.type == kind, Entity.key == key)
        ).first()
        if entity is None:
            entity = Entity(type=kind, key=key, name=name)
            self.session.add(entity)
            self.session.flush()
        return entity

    def _alias(self, entity: Entity, alias: str) -> None:
        exists = self.session.scalars(
            select(EntityAlias.id).where(
                EntityAlias.entity_id == entity.id, EntityAlias.alias == alias
            )
        ).first()
        if exists is None:
            self.session.add(EntityAlias(entity_id=entity.id, alias=alias))
            self.session.flush()


def title_key(title: tuple[str, ...]) -> tuple[str, ...]:
    """A title as a lookup key: "ورئيس الوزراء" and "رئيس الوزراء" are one title."""
    return (strip_conjunction(title[0]), *title[1:]) if title else title
