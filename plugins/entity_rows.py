"""The entities and aliases of a whole batch, in a few statements.

Entities are shared rows: one per (type, key), whichever article named it first. For
a batch, one SELECT finds the stored ones, one INSERT .. ON CONFLICT DO NOTHING adds
the missing ones and one SELECT more reads their ids; aliases likewise. Another
process creating the same entity or alias at the same time makes no one fail: its
row is kept (the insert skips it) and read back. Rows are inserted sorted, so two
PostgreSQL transactions wait on each other's rows in one order and cannot deadlock.

What is stored is exactly what :class:`marsad.plugins.entities.EntityStore` stores
one entity at a time: the name of the first reference to a new (type, key), in the
order given, and every alias of every reference (spaces folded, empty ones left out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from marsad.core import Entity, EntityAlias
from marsad.core.db import insert_ignoring_duplicates
from marsad.plugins.entities import EntityRef

# Bound parameters per statement: far below SQLite's limit (32,766).
CHUNK = 1000
T = TypeVar("T")

EntityKey = tuple[str, str]  # (type, key) as the database stores it


def store_entities(session: Session, refs: Iterable[EntityRef]) -> dict[EntityRef, int]:
    """The id of each reference's entity, creating missing entities and aliases."""
    as_stored = _stored_form(session, Entity.__table__.c.key.type)
    type_as_stored = _stored_form(session, Entity.__table__.c.type.type)
    key_of: dict[EntityRef, EntityKey] = {}
    names: dict[EntityKey, str] = {}  # a new entity takes the name of its first reference
    for ref in refs:
        if ref not in key_of:
            key = (type_as_stored(ref.type), as_stored(ref.key[:300]))
            key_of[ref] = key
            names.setdefault(key, ref.name[:300])
    ids = _entity_ids(session, list(names))
    missing = sorted(key for key in names if key not in ids)
    if missing:
        insert = insert_ignoring_duplicates(session)
        session.execute(
            insert(Entity).on_conflict_do_nothing(index_elements=["type", "key"]),
            [{"type": kind, "key": key, "name": names[(kind, key)]} for kind, key in missing],
        )
        ids.update(_entity_ids(session, missing))
    by_ref = {ref: ids[key] for ref, key in key_of.items()}
    _store_aliases(session, by_ref)
    return by_ref


def _store_aliases(session: Session, by_ref: dict[EntityRef, int]) -> None:
    as_stored = _stored_form(session, EntityAlias.__table__.c.alias.type)
    wanted: set[tuple[int, str]] = set()
    for ref, entity_id in by_ref.items():
        for alias in ref.aliases:
            folded = " ".join(alias.split())[:300]
            if folded:
                wanted.add((entity_id, as_stored(folded)))
    if not wanted:
        return
    entity_ids = sorted({entity_id for entity_id, _ in wanted})
    for chunk in _chunks(entity_ids):
        stored = session.execute(
            select(EntityAlias.entity_id, EntityAlias.alias).where(EntityAlias.entity_id.in_(chunk))
        )
        wanted.difference_update((entity_id, alias) for entity_id, alias in stored)
    if wanted:
        insert = insert_ignoring_duplicates(session)
        session.execute(
            insert(EntityAlias).on_conflict_do_nothing(index_elements=["entity_id", "alias"]),
            [{"entity_id": entity_id, "alias": alias} for entity_id, alias in sorted(wanted)],
        )


def _entity_ids(session: Session, keys: Sequence[EntityKey]) -> dict[EntityKey, int]:
    """The stored ids of these (type, key)s, by type: each a range of the unique index."""
    by_type: dict[str, list[str]] = {}
    for kind, key in keys:
        by_type.setdefault(kind, []).append(key)
    ids: dict[EntityKey, int] = {}
    for kind, type_keys in by_type.items():
        for chunk in _chunks(type_keys):
            found = session.execute(
                select(Entity.id, Entity.type, Entity.key).where(
                    Entity.type == kind, Entity.key.in_(chunk)
                )
            )
            ids.update(((row.type, row.key), row.id) for row in found)
    return ids


def _stored_form(session: Session, column_type: TypeEngine[Any]) -> Callable[[str], str]:
    """How a column stores a value (cut to its length, NUL removed): what it reads
    back, so values read match the values asked for."""
    processor = column_type.bind_processor(session.get_bind().dialect)
    if processor is None:
        return lambda value: value
    return lambda value: str(processor(value))


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
