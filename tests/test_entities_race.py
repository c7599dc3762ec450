"""Two workers creating one entity at once: the loser re-reads the winner's row."""

from __future__ import annotations

from sqlalchemy import func, select

from marsad.core import Entity
from marsad.core.application import Marsad
from marsad.plugins.entities import EntityStore, entity_key


def test_concurrent_creation_reuses_the_row(app: Marsad) -> None:
    with app.session_factory() as winner:
        winner.add(Entity(type="PERSON", key=entity_key("PERSON", "جو بايدن"), name="جو بايدن"))
        winner.commit()
    with app.session_factory() as loser:
        store = EntityStore(loser)
        calls = []
        original = store._select

        def stale(kind: str, key: str) -> Entity | None:
            calls.append(key)
            # The first look happened before the winner committed: it saw nothing.
            return None if len(calls) == 1 else original(kind, key)

        store._select = stale  # type: ignore[method-assign]
        entity = store.get("PERSON", "جوزيف بايدن")  # a spelling variant of the same key
        store.alias(entity, "جوزيف بايدن")
        loser.commit()
        assert entity.name == "جو بايدن" and len(calls) == 2
        assert loser.scalar(select(func.count()).select_from(Entity)) == 1
