"""A time budget for one stage on one article (or, for a batch stage, on a batch).

A stage that runs away on one input (a pathological text, a catastrophic pattern)
must not hold the whole batch: when the budget runs out, :class:`StageTimeout` is
raised inside the stage, the pipeline rolls back that article's work for the stage,
records the timeout as a failure and goes on.

The budget uses ``SIGALRM``, so it applies only in the main thread of a process on a
platform that has it (the CLI and worker processes); elsewhere it is not enforced.
A signal handler runs between Python bytecodes: work inside one C call (a single
regular expression match, a database query) finishes before the timeout is raised.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class StageTimeout(Exception):
    """The stage used up its time budget on one article."""


def _enforceable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`StageTimeout` in the block once ``seconds`` have passed."""
    if not seconds or seconds <= 0 or not _enforceable():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise StageTimeout(f"took longer than its time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
