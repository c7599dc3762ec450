"""A translation engine over LibreTranslate's HTTP API, off unless configured.

Settings (``MARSAD_LIBRETRANSLATE_*``):

- ``URL``: the server, e.g. ``http://127.0.0.1:5000``; unset, the plugin offers no
  engine and marsad translates with its other engines;
- ``API_KEY``: sent with every request when the server wants one;
- ``TIMEOUT``: seconds a request may take (default 30).

The engine asks the server once for its languages (``GET /languages``) and translates
a batch of texts in one request (``POST /translate`` with a list in ``q``). A server
that cannot be reached or answers an error makes the engine fail for that batch, and
the ``translate`` stage hands the batch to the next engine in
``MARSAD_TRANSLATE_ENGINES``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from marsad.core import Settings, Translator, hookimpl
from marsad_libretranslate import __version__

PLUGIN = "libretranslate"


class LibreTranslateError(Exception):
    """The server could not be reached or did not translate."""


class LibreTranslate(Translator):
    name = "libretranslate"
    version = __version__

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self._pairs: frozenset[tuple[str, str]] | None = None

    def _call(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:200]
            raise LibreTranslateError(f"{self.url}{path}: HTTP {error.code} {detail}") from None
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise LibreTranslateError(f"{self.url}{path}: {error}") from None

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The (source, target) pairs the server translates, asked once it answers;
        none while it is down (and asked again next time)."""
        if self._pairs is None:
            try:
                languages = self._call("/languages")
            except LibreTranslateError:
                return frozenset()
            self._pairs = frozenset(
                (language["code"], target)
                for language in languages
                for target in language.get("targets", ())
            )
        return self._pairs

    def supports(self, source: str | None, target: str) -> bool:
        return source is not None and (source, target) in self.pairs()

    def translate(self, texts: Sequence[str], source: str | None, target: str) -> list[str]:
        payload: dict[str, Any] = {
            "q": list(texts),
            "source": source or "auto",
            "target": target,
            "format": "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        answer = self._call("/translate", payload)
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise LibreTranslateError(f"{self.url}/translate: unexpected answer {answer!r:.200}")
        return [str(text) for text in translated]


@hookimpl
def marsad_register_translators(settings: Settings) -> list[Translator]:
    own = settings.plugin(PLUGIN)
    url = own.text("url")
    if url is None:
        return []
    return [LibreTranslate(url, own.text("api_key"), own.number("timeout", 30.0, minimum=0.1))]
