"""The entities and aliases of a whole batch, in a few statements.

Entities are shared rows: one per (type, key). For a batch, one INSERT .. ON CONFLICT
adds the missing ones and renames the stored ones whose batch brings a better name, and
one SELECT reads their ids; aliases are read, and the missing ones added with ON
CONFLICT DO NOTHING. Another process creating the same entity or alias at the same
time makes no one fail. Rows are written sorted, so two PostgreSQL transactions wait
on each other's rows in one order and cannot deadlock.

An entity's name is the best of every name its references gave: the longest (the
fullest form: "محمد بن سلمان بن عبدالعزيز" over "محمد بن سلمان"), then the first in code
point order. It does not depend on the order articles came in, nor on which worker
stored which batch first. Every alias of every reference is kept (spaces folded, empty
ones left out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
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
    names: dict[EntityKey, str] = {}
    as_named = _stored_form(session, Entity.__table__.c.name.type)
    for ref in refs:
        if ref not in key_of:
            key = (type_as_stored(ref.type), as_stored(ref.key[:300]))
            key_of[ref] = key
            name = as_named(ref.name[:300])
            names[key] = min(names.get(key, name), name, key=_name_order)
    if names:
        insert = insert_ignoring_duplicates(session)(Entity)
        new: ColumnElement[str] = insert.excluded.name
        stored: ColumnElement[str] = Entity.__table__.c.name
        if session.get_bind().dialect.name == "postgresql":  # else the database's locale
            new, stored = new.collate("C"), stored.collate("C")
        better = or_(
            func.length(new) > func.length(stored),
            and_(func.length(new) == func.length(stored), new < stored),
        )
        rows = [{"type": kind, "key": key, "name": names[kind, key]} for kind, key in names]
        session.execute(
            insert.on_conflict_do_update(
                index_elements=["type", "key"], set_={"name": insert.excluded.name}, where=better
            ),
            sorted(rows, key=lambda row: (row["type"], row["key"])),
        )
    ids = _entity_ids(session, list(names))
    by_ref = {ref: ids[key] for ref, key in key_of.items()}
    _store_aliases(session, by_ref)
    return by_ref


def _name_order(name: str) -> tuple[int, str]:
    """Best first: the longest, then the first in code point order (as the databases
    compare text in :func:`store_entities`: SQLite's BINARY, PostgreSQL's C collation)."""
    return -len(name), name


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
