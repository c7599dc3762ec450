"""Readers turn an input file into raw records, one per article, before anything is stored."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar


class InputError(Exception):
    """Input that cannot be read: names the input and says what is wrong with it."""

    def __init__(self, source: str | Path, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = str(source)
        self.problem = problem


@dataclass(frozen=True)
class RawRecord:
    """One article's input exactly as it arrived, plus what is known about it.

    ``hints`` may carry ``outlet``, ``url``, ``published`` (ISO 8601 or RFC 822 text),
    ``charset`` and ``metadata`` (a dict of anything else the source provided). They
    are stored with the bytes and are part of the identity of the input.
    """

    content: bytes
    media_type: str
    source: str
    hints: dict[str, Any] = field(default_factory=dict)


class Reader(ABC):
    """Reads one input format (``name`` is what ``marsad ingest --format`` accepts).

    :meth:`read` yields a :class:`RawRecord` per article. It raises
    :class:`InputError` when the whole file is unusable, and yields an
    :class:`InputError` for a single bad record so the rest of the file goes on.
    """

    name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]] = ()

    def detect(self, path: Path, head: bytes) -> bool:
        """Whether this reader should take ``path`` under ``--format auto``."""
        return path.suffix.lower() in self.suffixes

    @abstractmethod
    def read(self, path: Path) -> Iterator[RawRecord | InputError]:
        """Yield the records of ``path`` (or errors for single bad records)."""
