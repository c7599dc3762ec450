"""The translator contract: engines that the translate stage calls through a hook."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar


class Translator(ABC):
    """A translation engine.

    ``name`` and ``version`` are stored with every translation it makes and key the
    translation cache: bump ``version`` when the engine's output changes, and the texts
    are translated again.
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1"

    @abstractmethod
    def supports(self, source: str | None, target: str) -> bool:
        """Whether this engine translates from ``source`` (None: unknown) into ``target``."""

    @abstractmethod
    def translate(self, texts: Sequence[str], source: str | None, target: str) -> list[str]:
        """Translate each text; the result has one entry per input, in order.

        Raise when the batch cannot be translated now (a server down, a quota): the
        ``translate`` stage then asks the next engine in its order of preference.
        """
