"""The LibreTranslate engine against a local server that speaks its API (started here,
on loopback): translations stored with the engine's name and version, a rerun that
sends the server nothing, an API key, and the offline engine taking over when the
server is down."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from marsad.core import Settings, Translation
from marsad.core.application import Marsad

ARTICLE = {"title": "صواريخ على بغداد", "text": "سقطت ثلاثة صواريخ على بغداد."}


@dataclass
class FakeLibreTranslate:
    """What a LibreTranslate server answers, and every text it was asked to translate."""

    api_key: str | None = None
    asked: list[str] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path != "/languages":
                    return self.answer(404, {"error": "not found"})
                self.answer(200, [{"code": "ar", "name": "Arabic", "targets": ["en", "fr"]}])

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(length))
                server.keys.append(payload.get("api_key"))
                if server.api_key and payload.get("api_key") != server.api_key:
                    return self.answer(403, {"error": "Invalid API key"})
                texts = payload["q"] if isinstance(payload["q"], list) else [payload["q"]]
                server.asked.extend(texts)
                translated = [f"{payload['target']}:{text}" for text in texts]
                self.answer(200, {"translatedText": translated})

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, FakeLibreTranslate]]:
    fake = FakeLibreTranslate(api_key="secret")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", fake
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def marsad_settings(marsad_settings: Settings, server: tuple[str, FakeLibreTranslate]) -> Settings:
    url, _ = server
    environment = {"MARSAD_LIBRETRANSLATE_URL": url, "MARSAD_LIBRETRANSLATE_API_KEY": "secret"}
    return replace(marsad_settings, environment=environment)


def stored(app: Marsad) -> list[Translation]:
    with app.session_factory() as session:
        return list(session.scalars(select(Translation).order_by(Translation.id)))


def test_translations_come_from_the_server_once(
    marsad_app: Marsad,
    marsad_run: Callable[..., list[int]],
    server: tuple[str, FakeLibreTranslate],
) -> None:
    _, fake = server
    ids = marsad_run(ARTICLE)
    rows = stored(marsad_app)
    assert rows and {(row.engine, row.engine_version) for row in rows} == {
        ("libretranslate", "0.1.0")
    }
    title = next(row for row in rows if row.field == "title")
    assert title.text == "en:صواريخ على بغداد"
    assert set(fake.keys) == {"secret"}
    asked = len(fake.asked)
    assert asked > 0

    marsad_app.pipeline().run(ids, only={"translate"}, force=True)
    assert len(fake.asked) == asked, "a rerun must be served from the cache"
    assert [(r.field, r.text) for r in stored(marsad_app)] == [(r.field, r.text) for r in rows]


def test_the_offline_engine_takes_over_when_the_server_is_down(
    marsad_app: Marsad,
    marsad_run: Callable[..., list[int]],
    server: tuple[str, FakeLibreTranslate],
) -> None:
    _, fake = server
    fake.api_key = "another"  # every translation request is refused
    marsad_run(ARTICLE)
    rows = stored(marsad_app)
    assert rows and {row.engine for row in rows} == {"offline-glossary"}
    assert fake.asked == []
