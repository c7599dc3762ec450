"""Stages: the units of work a plugin registers, and the order they run in.

Order comes only from each stage's declared ``after`` dependencies, never from the
order plugins were registered in (pluggy calls hooks last-registered first).
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import Session

from marsad.core.compute import Compute, Item, Result

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
    """The declared stages cannot run: an unknown dependency, a cycle, no process method."""


@dataclass
class StageContext:
    """What a stage may use while it processes a batch.

    ``session`` is inside the batch's transaction: write results through it and do not
    commit; the pipeline commits once per stage and batch, and rolls back one
    article's work alone when that article fails. ``hook`` calls other plugins (for
    example ``ctx.hook.marsad_register_translators()``). :meth:`compute` runs a pure function
    over the batch, on several cores when the run has workers.
    """

    session: Session
    settings: Settings
    hook: Any
    log: logging.Logger
    state: dict[str, Any] = field(default_factory=dict)
    pool: Compute = field(default_factory=Compute)
    turns: Callable[[Session, str], None] = lambda _session, _stage: None

    def take_turn(self, stage: str) -> None:
        """Wait until no other process runs a batch of ``stage``, and keep it so until
        this transaction ends: for a stage that on some articles rewrites what another
        stage's runs read. Take turns before writing anything, to never deadlock."""
        self.turns(self.session, stage)

    def compute(self, function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        """``[function(item) for item in items]``, maybe in worker processes.

        ``function`` must be pure and defined at module level (see
        :mod:`marsad.core.compute`).
        """
        return self.pool.map(function, items)


# What a batch stage says of each article: its note for the run record (or None), or
# the exception that made it fail (the stage wrote nothing for that article).
Outcome = str | None | BaseException


class Stage:
    """One step of the pipeline, run on the articles of a batch.

    Subclasses set ``name`` (unique across all plugins), ``after`` (names of stages
    whose results this one reads) and ``version`` (recorded in every run record, so
    bump it when the output changes), and implement one of two methods:

    - :meth:`process`, one article at a time: simple. The pipeline runs each article
      in a savepoint of its own, so an exception fails that article alone.
    - :meth:`process_batch`, the whole batch at once: fast. Compute with pure
      functions over all articles, then write with a few bulk statements. If it
      raises, the pipeline rolls the batch back and calls it again with each article
      alone, so one bad article is still recorded alone and the rest still lands.

    Either must be repeatable: running it again on an article replaces what the
    previous run wrote for that article.
    """

    name: ClassVar[str]
    after: ClassVar[tuple[str, ...]] = ()
    version: ClassVar[str] = "0.1.0"
    # Whether the stage's work on one article reads what its runs on other articles
    # wrote (an index of texts, claims on the same slot, stories). Batches of such a
    # stage never run at the same time in two processes (see core.coordination);
    # a stage that only reads its own article's data sets this to False and runs in
    # every worker at once.
    reads_other_articles: ClassVar[bool] = True

    def check_settings(self, settings: Settings) -> None:
        """Raise :class:`marsad.core.SettingsError` for a setting this stage cannot use.

        Called as a run starts, before any article: a bad value stops the run as a
        usage error (exit 2) instead of failing every article. Read the settings here
        (``settings.plugin(NAME).number(...)``) with the same getters the stage uses.
        A :class:`~marsad.core.SettingsError` raised later, while processing, stops the
        run the same way: the batch is rolled back and no article is charged.
        """

    @property
    def batched(self) -> bool:
        """Whether the stage processes whole batches (it overrides :meth:`process_batch`)."""
        return type(self).process_batch is not Stage.process_batch

    def begin_batch(self, ctx: StageContext, articles: Sequence[Article]) -> None:
        """Called once before a batch's articles are processed one by one; a place to
        preload. Not called for stages that implement :meth:`process_batch`."""

    def process(self, ctx: StageContext, article: Article) -> str | None:
        """Process one article, writing results through ``ctx.session``.

        May return a short note for the run record, shown with the run (for example
        which encoding parse read the bytes in). On a stage that implements only
        :meth:`process_batch`, this runs it on the one article and raises its error.
        """
        if not self.batched:
            raise NotImplementedError(f"stage {self.name!r} implements no process method")
        outcome = self.process_batch(ctx, [article]).get(article.id)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def process_batch(self, ctx: StageContext, articles: Sequence[Article]) -> dict[int, Outcome]:
        """Process a batch of articles; return each article id's :data:`Outcome`.

        An article this stage can never process as it is (:class:`ArticleRefused`) is
        best reported as its outcome, with nothing written for it, rather than raised:
        raising makes the pipeline redo the whole batch one article at a time.
        """
        raise NotImplementedError


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
        stage_class = type(registered.stage)
        if stage_class.process is Stage.process and not registered.stage.batched:
            raise StageOrderError(
                f"stage {registered.name!r} (plugin {registered.plugin!r}) implements "
                "neither process nor process_batch"
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
