"""The translator contract: engines that the translate stage calls through a hook."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar


class Translator(ABC):
    """A translation engine. ``name`` is stored with every translation it makes."""

    name: ClassVar[str]

    @abstractmethod
    def supports(self, source: str | None, target: str) -> bool:
        """Whether this engine translates from ``source`` (None: unknown) into ``target``."""

    @abstractmethod
    def translate(self, texts: Sequence[str], source: str | None, target: str) -> list[str]:
        """Translate each text; the result has one entry per input, in order."""
