"""The ``translate`` stage: titles, paragraphs and claims into the target languages.

Engines are plugins (``marsad_register_translators``); the built-in one is the offline
glossary (:mod:`marsad.plugins.translate.offline`). Which engine translates is
explicit, never the order plugins happened to load in: ``MARSAD_TRANSLATE_ENGINES``
lists engine names in order of preference (default: every installed engine by name,
the offline glossary last). For each article and target language the first engine
that supports the pair translates; an engine that fails (a server down, a quota)
hands over to the next, and when none could, the article fails for this run and
keeps the translations it had.

Every text an engine translated is kept in ``translation_cache`` under its hash, the
engine, the engine's version and the languages, so running the stage again (a
reprocess, a new stage version) sends an engine only texts it has not seen.
``MARSAD_TRANSLATE_LANGUAGES`` (default ``en``) are the target languages.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    Claim,
    Outcome,
    Paragraph,
    Settings,
    SettingsError,
    Stage,
    StageContext,
    Translation,
    TranslationCache,
    Translator,
    hookimpl,
)
from marsad.core.budget import StageTimeout
from marsad.core.db import chunked, insert_ignoring_duplicates
from marsad.plugins.translate.offline import OfflineTranslator

log = logging.getLogger(__name__)

PLUGIN = "translate"
DEFAULT_LANGUAGES = frozenset({"en"})
HASH_CHUNK = 500  # hashes per IN list


def target_languages(settings: Settings) -> tuple[str, ...]:
    return tuple(sorted(settings.plugin(PLUGIN).names("languages", DEFAULT_LANGUAGES)))


def ordered_engines(engines: Iterable[Translator], settings: Settings) -> list[Translator]:
    """The engines in the order they are tried (see the module's docstring)."""
    by_name: dict[str, Translator] = {}
    for engine in engines:
        if engine.name in by_name:
            raise SettingsError(f"two translation engines are named {engine.name!r}")
        by_name[engine.name] = engine
    settings_of = settings.plugin(PLUGIN)
    wanted = settings_of.text("engines")
    if wanted is None:
        return sorted(by_name.values(), key=lambda e: (e.name == OfflineTranslator.name, e.name))
    names = [name.strip() for name in wanted.split(",") if name.strip()]
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise SettingsError(
            f"{settings_of.variable('engines')}={wanted!r} names no installed engine "
            f"{', '.join(map(repr, unknown))} (installed: {', '.join(sorted(by_name))}; "
            "an engine of a plugin may need settings of its own, such as its server)"
        )
    return [by_name[name] for name in names]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_translate(
    session: Session, engine: Translator, texts: Sequence[str], source: str | None, target: str
) -> dict[str, str]:
    """Each distinct text's translation by ``engine``: from the cache, and from the
    engine for the texts it has not translated before (which are then cached)."""
    hashes = {text: text_hash(text) for text in texts}
    known: dict[str, str] = {}
    for chunk in chunked(sorted(set(hashes.values())), HASH_CHUNK):
        found = session.execute(
            select(TranslationCache.text_hash, TranslationCache.text).where(
                TranslationCache.text_hash.in_(chunk),
                TranslationCache.engine == engine.name,
                TranslationCache.engine_version == engine.version,
                TranslationCache.source == (source or ""),
                TranslationCache.target == target,
            )
        )
        known.update({hashed: text for hashed, text in found})
    missing = list(dict.fromkeys(text for text in texts if hashes[text] not in known))
    if missing:
        translated = engine.translate(missing, source, target)
        if len(translated) != len(missing):
            raise ValueError(
                f"engine {engine.name!r} returned {len(translated)} translations "
                f"for {len(missing)} texts"
            )
        rows = [
            {
                "text_hash": hashes[text],
                "engine": engine.name,
                "engine_version": engine.version,
                "source": source or "",
                "target": target,
                "text": result,
            }
            for text, result in zip(missing, translated, strict=True)
        ]
        # Another worker may have cached the same text meanwhile: its row is as good.
        session.execute(
            insert_ignoring_duplicates(session)(TranslationCache).on_conflict_do_nothing(), rows
        )
        known.update((row["text_hash"], row["text"]) for row in rows)
    return {text: known[hashes[text]] for text in texts}


@dataclass
class Item:
    """One text of an article to translate: its field and position, and the text."""

    field: str
    position: int
    text: str


class Translate(Stage):
    name = "translate"
    after = ("extract",)
    version = "0.2.0"
    reads_other_articles = False

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        session = ctx.session
        registered = ctx.hook.marsad_register_translators(settings=ctx.settings)
        engines = ordered_engines((e for found in registered for e in found), ctx.settings)
        items = _items(session, articles)
        outcomes: dict[int, Outcome] = {}
        rows: list[dict[str, Any]] = []
        replaced: set[tuple[int, str]] = set()
        notes: dict[int, list[str]] = {article.id: [] for article in articles}
        for target in target_languages(ctx.settings):
            by_source: dict[str | None, list[Article]] = {}
            for article in articles:
                if article.language != target and items[article.id]:
                    by_source.setdefault(article.language, []).append(article)
            for source, group in by_source.items():
                for members, engine, translated in _translate_group(
                    session, engines, group, items, source, target, outcomes
                ):
                    if engine is None:
                        for article in members:
                            notes[article.id].append(f"{target}: no engine for {source}")
                        continue
                    for article in members:
                        replaced.add((article.id, target))
                        notes[article.id].append(f"{target}: {engine.name}")
                        rows += (
                            {
                                "article_id": article.id,
                                "field": item.field,
                                "position": item.position,
                                "language": target,
                                "engine": engine.name,
                                "engine_version": engine.version,
                                "text": translated[item.text],
                            }
                            for item in items[article.id]
                        )
        replaced = {key for key in replaced if not isinstance(outcomes.get(key[0]), BaseException)}
        rows = [row for row in rows if (row["article_id"], row["language"]) in replaced]
        for chunk in chunked(sorted(replaced), HASH_CHUNK // 2):
            session.execute(
                delete(Translation).where(
                    tuple_(Translation.article_id, Translation.language).in_(chunk)
                )
            )
        if rows:
            session.execute(insert(Translation), rows)
        for article in articles:
            outcomes.setdefault(article.id, "; ".join(notes[article.id]) or None)
        return outcomes


def _items(session: Session, articles: Sequence[Article]) -> dict[int, list[Item]]:
    """Each article's texts: its title, paragraphs, then claims."""
    ids = [article.id for article in articles]
    items: dict[int, list[Item]] = {
        article.id: [Item("title", 0, article.title)] if article.title else []
        for article in articles
    }
    for article_id, position, text in session.execute(
        select(Paragraph.article_id, Paragraph.position, Paragraph.text)
        .where(Paragraph.article_id.in_(ids))
        .order_by(Paragraph.article_id, Paragraph.position)
    ):
        items[article_id].append(Item("paragraph", position, text))
    for article_id, claim_id, text in session.execute(
        select(Claim.article_id, Claim.id, Claim.text)
        .where(Claim.article_id.in_(ids))
        .order_by(Claim.article_id, Claim.start, Claim.id)
    ):
        items[article_id].append(Item("claim", claim_id, text))
    return items


def _translate_group(
    session: Session,
    engines: Sequence[Translator],
    group: Sequence[Article],
    items: dict[int, list[Item]],
    source: str | None,
    target: str,
    outcomes: dict[int, Outcome],
) -> list[tuple[Sequence[Article], Translator | None, dict[str, str]]]:
    """The group's translations in one call per engine; when every engine failed, each
    article alone, so the ones no engine can translate fail alone (in ``outcomes``)
    and keep the translations they had."""
    try:
        return [(group, *_first_that_works(session, engines, group, items, source, target))]
    except StageTimeout:
        raise  # the batch's budget: the pipeline finds the slow article alone
    except Exception as error:
        if len(group) == 1:
            outcomes[group[0].id] = error
            return []
    found = []
    for article in group:
        found += _translate_group(session, engines, [article], items, source, target, outcomes)
    return found


def _first_that_works(
    session: Session,
    engines: Sequence[Translator],
    group: Sequence[Article],
    items: dict[int, list[Item]],
    source: str | None,
    target: str,
) -> tuple[Translator | None, dict[str, str]]:
    """The first engine that supports the pair and does not fail, and its translations;
    (None, {}) when no engine supports it. Raises the last failure when all failed."""
    texts = [item.text for article in group for item in items[article.id]]
    failure: Exception | None = None
    for engine in engines:
        if not engine.supports(source, target):
            continue
        try:
            with session.begin_nested():  # a failed engine's cache rows go with it
                return engine, cached_translate(session, engine, texts, source, target)
        except StageTimeout:
            raise
        except Exception as error:
            log.warning("translation engine %r failed (%s): trying the next", engine.name, error)
            failure = error
    if failure is not None:
        raise failure
    return None, {}


@hookimpl
def marsad_register_translators() -> list[Translator]:
    return [OfflineTranslator()]


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Translate()]
