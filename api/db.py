"""Running synchronous SQLAlchemy work from async resolvers.

The engine is synchronous, so every query runs in a worker thread with a Session of
its own that lives only as long as that query: resolvers run concurrently, and a
Session must never be shared between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


async def in_session(factory: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    def run() -> T:
        with factory() as session:
            return work(session)

    return await run_in_threadpool(run)
