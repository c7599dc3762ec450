"""The entities and aliases of a whole batch, in a few statements.

Entities are shared rows: one per (type, key). For a batch, one SELECT finds the
stored ones, one INSERT .. ON CONFLICT DO NOTHING adds the missing ones and one SELECT
more reads their ids; an entity the batch names better is renamed by an UPDATE that
checks again that the new name is better. Aliases likewise are read, and the missing
ones added. Another process creating the same entity or alias at the same time makes
no one fail, and only a rename locks a stored row (rare once names settle), so
workers naming the same people do not wait on each other. Rows are written sorted, so
two PostgreSQL transactions wait on each other's rows in one order and cannot
deadlock.

An entity's name is the best of every name its references gave: the longest (the
fullest form: "محمد بن سلمان بن عبدالعزيز" over "محمد بن سلمان"), then the first in code
point order. It does not depend on the order articles came in, nor on which worker
stored which batch first. Every alias of every reference is kept (spaces folded, empty
ones left out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    Update,
    and_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from marsad.core import Entity, EntityAlias
from marsad.core.db import chunked, insert_ignoring_duplicates
from marsad.text.claims.entities import EntityRef

# Bound parameters per statement: far below SQLite's limit (32,766).
CHUNK = 1000
T = TypeVar("T")

EntityKey = tuple[str, str]  # (type, key) as the database stores it
_ENTITIES = cast(Table, Entity.__table__)


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
    stored = _stored_entities(session, list(names))
    missing = sorted(key for key in names if key not in stored)
    if missing:
        insert = insert_ignoring_duplicates(session)
        session.execute(
            insert(Entity).on_conflict_do_nothing(index_elements=["type", "key"]),
            [{"type": kind, "key": key, "name": names[(kind, key)]} for kind, key in missing],
        )
        stored.update(_stored_entities(session, missing))
    # Stored by an earlier batch, or by another process meanwhile, under a lesser name.
    renames = [
        {"entity_id": stored[key][0], "new_name": name}
        for key, name in sorted(names.items())
        if _name_order(name) < _name_order(stored[key][1])
    ]
    if renames:
        session.execute(_rename(session), renames)
    ids = {key: entity_id for key, (entity_id, _) in stored.items()}
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
    for chunk in chunked(entity_ids, CHUNK):
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


def _stored_entities(
    session: Session, keys: Sequence[EntityKey]
) -> dict[EntityKey, tuple[int, str]]:
    """The stored id and name of these (type, key)s, by type: each a range of the
    unique index."""
    by_type: dict[str, list[str]] = {}
    for kind, key in keys:
        by_type.setdefault(kind, []).append(key)
    found: dict[EntityKey, tuple[int, str]] = {}
    for kind, type_keys in by_type.items():
        for chunk in chunked(type_keys, CHUNK):
            rows = session.execute(
                select(Entity.id, Entity.type, Entity.key, Entity.name).where(
                    Entity.type == kind, Entity.key.in_(chunk)
                )
            )
            found.update(((row.type, row.key), (row.id, row.name)) for row in rows)
    return found


def _rename(session: Session) -> Update:
    """Rename an entity, unless its stored name is as good: decided again in the
    statement, since another process may have renamed it since it was read."""
    new_name = bindparam("new_name", type_=Entity.__table__.c.name.type)
    new: ColumnElement[str] = new_name
    stored: ColumnElement[str] = Entity.__table__.c.name
    if session.get_bind().dialect.name == "postgresql":  # else the database's locale
        new, stored = new.collate("C"), stored.collate("C")
    better = or_(
        func.length(new) > func.length(stored),
        and_(func.length(new) == func.length(stored), new < stored),
    )
    # The table, not the class: a plain executemany, not an ORM bulk update.
    return (
        update(_ENTITIES)
        .where(_ENTITIES.c.id == bindparam("entity_id"), better)
        .values(name=new_name)
    )


def _stored_form(session: Session, column_type: TypeEngine[Any]) -> Callable[[str], str]:
    """How a column stores a value (cut to its length, NUL removed): what it reads
    back, so values read match the values asked for."""
    processor = column_type.bind_processor(session.get_bind().dialect)
    if processor is None:
        return lambda value: value
    return lambda value: str(processor(value))
