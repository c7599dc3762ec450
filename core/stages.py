"""Stages: the units of work a plugin registers, and the order they run in.

Order comes only from each stage's declared ``after`` dependencies, never from the
order plugins were registered in (pluggy calls hooks last-registered first).
"""

from __future__ import annotations

import heapq
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from marsad.core.models import Article
    from marsad.core.settings import Settings


class ArticleRefused(ValueError):
    """Raised by a stage for an article it can never process as it is.

    For what retrying cannot change: an empty body, a text over a limit, a field of the
    wrong type. The run is recorded failed with the message and is not retried
    automatically; ``marsad reprocess --failed`` tries again (say, after a limit was
    raised). Any other exception counts as a failure that may pass on a later try.
    """


class StageOrderError(Exception):
    """The declared stage dependencies cannot be satisfied (unknown name or a cycle)."""


@dataclass
class StageContext:
    """What a stage may use while it processes a batch.

    ``session`` is inside the batch's transaction: write results through it and do not
    commit; the pipeline commits once per stage and batch, and rolls back one
    article's work alone when that article fails. ``hook`` calls other plugins (for
    example ``ctx.hook.marsad_translators()``).
    """

    session: Session
    settings: Settings
    hook: Any
    log: logging.Logger
    state: dict[str, Any] = field(default_factory=dict)


class Stage(ABC):
    """One step of the pipeline, run on each article of a batch in turn.

    Subclasses set ``name`` (unique across all plugins), ``after`` (names of stages
    whose results this one reads) and ``version`` (recorded in every run record, so
    bump it when the output changes), and implement :meth:`process`.

    :meth:`process` must be repeatable: running it again on the same article replaces
    what the previous run wrote for that article. Raise any exception to mark the
    article failed for this stage; the rest of the batch goes on.
    """

    name: ClassVar[str]
    after: ClassVar[tuple[str, ...]] = ()
    version: ClassVar[str] = "0.1.0"

    def begin_batch(self, ctx: StageContext, articles: Sequence[Article]) -> None:  # noqa: B027
        """Called once before the batch's articles are processed; a place to preload."""

    @abstractmethod
    def process(self, ctx: StageContext, article: Article) -> str | None:
        """Process one article, writing results through ``ctx.session``.

        May return a short note for the run record, shown with the run (for example
        which encoding parse read the bytes in).
        """


@dataclass(frozen=True)
class RegisteredStage:
    stage: Stage
    plugin: str

    @property
    def name(self) -> str:
        return self.stage.name


def order_stages(stages: Iterable[RegisteredStage]) -> list[RegisteredStage]:
    """Sort stages so each runs after all it depends on; ties are broken by name."""
    by_name: dict[str, RegisteredStage] = {}
    for registered in stages:
        if registered.name in by_name:
            other = by_name[registered.name].plugin
            raise StageOrderError(
                f"stage {registered.name!r} is registered twice "
                f"(by plugins {other!r} and {registered.plugin!r})"
            )
        by_name[registered.name] = registered

    dependents: dict[str, list[str]] = {name: [] for name in by_name}
    waiting_on: dict[str, int] = {}
    for name, registered in by_name.items():
        # A dependency named twice must still be waited on once, not released early.
        for dependency in dict.fromkeys(registered.stage.after):
            if dependency not in by_name:
                raise StageOrderError(
                    f"stage {name!r} (plugin {registered.plugin!r}) runs after "
                    f"{dependency!r}, but no plugin registers a stage of that name"
                )
            dependents[dependency].append(name)
        waiting_on[name] = len(set(registered.stage.after))

    ready = [name for name, count in waiting_on.items() if count == 0]
    heapq.heapify(ready)
    ordered: list[RegisteredStage] = []
    while ready:
        name = heapq.heappop(ready)
        ordered.append(by_name[name])
        for dependent in dependents[name]:
            waiting_on[dependent] -= 1
            if waiting_on[dependent] == 0:
                heapq.heappush(ready, dependent)

    if len(ordered) != len(by_name):
        stuck = sorted(set(by_name) - {r.name for r in ordered})
        raise StageOrderError(f"stage dependencies form a cycle among: {', '.join(stuck)}")
    return ordered


def downstream_of(names: Iterable[str], ordered: Sequence[RegisteredStage]) -> set[str]:
    """The named stages and every stage that depends on them, directly or not."""
    selected = set(names)
    for registered in ordered:  # dependencies always come first in ``ordered``
        if selected.intersection(registered.stage.after):
            selected.add(registered.name)
    return selected
