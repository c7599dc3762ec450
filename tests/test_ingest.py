"""Ingest: store first, once; every bad input is one clear error; the CLI around it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import INSTALLED_PLUGINS, SEEDS, MakeApp
from sqlalchemy import func, select

from marsad.core import (
    Article,
    RawInput,
    RawRecord,
    Reader,
    ReadOptions,
    RunStatus,
    StageRun,
    hookimpl,
)
from marsad.core.application import Marsad
from marsad.core.readers import InputError

MARSAD = Path(sys.executable).parent / "marsad"


def count(app: Marsad, column: object) -> int:
    with app.session_factory() as session:
        return session.scalar(select(func.count(column))) or 0  # type: ignore[arg-type]


def one_line_naming(error: InputError, path: Path | str, *problem: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message
    for word in problem:
        assert word in message, message


@pytest.fixture
def messy_dir(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """The five seeds plus one file of each kind of unusable input (and a hidden file).

    The non-UTF-8 files are Latin-1 European text: legacy Arabic (windows-1256) may be
    accepted by encoding detection, these never are.
    """
    folder = tmp_path / "inbox"
    shutil.copytree(SEEDS, folder)
    bad = {
        "empty": folder / "empty.txt",
        "blank": folder / "blank.txt",
        "binary": folder / "binary.txt",
        "german": folder / "german-latin1.txt",
        "latin1": folder / "latin1.txt",
    }
    bad["empty"].write_bytes(b"")
    bad["blank"].write_bytes(b" \n\t\n")
    bad["binary"].write_bytes(b"GIF89a\x00\x01\x02\x00\xff\xfe title\n")
    bad["german"].write_bytes("Grüße aus Köln\nschöne Straße".encode("latin-1"))
    bad["latin1"].write_bytes("Café résumé\nDéjà vu à Beyrouth".encode("latin-1"))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder, bad


def test_reingesting_the_same_directory_is_a_no_op(app: Marsad) -> None:
    first = app.ingest([SEEDS])
    assert (first.stored, first.skipped, first.errors) == (5, 0, [])
    app.pipeline().run(first.article_ids)
    runs = count(app, StageRun.id)

    again = app.ingest([SEEDS])

    assert (again.stored, again.skipped, again.errors, again.article_ids) == (0, 5, [], [])
    assert count(app, Article.id) == 5
    assert count(app, RawInput.id) == 5
    assert count(app, StageRun.id) == runs


def test_each_bad_file_is_one_error_and_the_good_ones_are_processed(
    app: Marsad, messy_dir: tuple[Path, dict[str, Path]]
) -> None:
    folder, bad = messy_dir
    report = app.ingest([folder])

    assert report.stored == 5
    by_file = {Path(error.source): error for error in report.errors}
    assert len(report.errors) == len(bad) == len(by_file)
    assert set(by_file) == set(bad.values())
    one_line_naming(by_file[bad["empty"]], bad["empty"], "empty")
    one_line_naming(by_file[bad["blank"]], bad["blank"], "empty")
    one_line_naming(by_file[bad["binary"]], bad["binary"], "binary")
    one_line_naming(by_file[bad["german"]], bad["german"], "UTF-8", "0xfc")
    one_line_naming(by_file[bad["latin1"]], bad["latin1"], "UTF-8", "0xe9")

    pipeline = app.pipeline().run(report.article_ids)
    assert not pipeline.failures
    assert pipeline.count(RunStatus.OK) == 5 * len(app.pipeline().stages)
    with app.session_factory() as session:
        sources = set(session.scalars(select(RawInput.source)))
        titles = session.scalars(select(Article.title)).all()
    assert sources == {str(folder / seed.name) for seed in SEEDS.iterdir()}
    assert len(titles) == 5 and all(titles)


def test_a_missing_path_is_reported(app: Marsad, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "news.txt"
    report = app.ingest([missing, SEEDS])
    assert report.stored == 5
    assert len(report.errors) == 1
    one_line_naming(report.errors[0], missing, "no such file")


def test_an_unknown_format_is_one_error_per_file(app: Marsad) -> None:
    report = app.ingest([SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]], fmt="warc")
    assert report.stored == 0
    assert len(report.errors) == 1
    one_line_naming(report.errors[0], SEEDS, "unknown format", "warc", "jsonl", "text")


def jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_ISO = {
    "title": "قمة في بغداد",
    "text": "قال الرئيس إن القمة ستعقد في بغداد.\nوأكد الوزير ذلك.",
    "outlet": "Record Outlet",
    "url": "https://example.test/a",
    "published": "2024-05-14T10:00:00Z",
    "section": "politics",
    "tags": ["summit", "iraq"],
}
GOOD_RFC822 = {
    "title": "Three rockets",
    "text": "At least three rockets fell near the airport, officials said.",
    "published": "Tue, 14 May 2024 09:30:00 +0300",
}
# U+2028 is legal unescaped inside a JSON string and must not end the line.
GOOD_SEPARATOR = '{"title": "Line\u2028separator", "text": "first\u2028second part of the body"}'


def test_jsonl_bad_lines_are_named_by_file_and_line(app: Marsad, tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps(GOOD_ISO, ensure_ascii=False),
            '{"title": "broken", "text": ',
            "[1, 2, 3]",
            '{"title": "no body"}',
            "",
            json.dumps(GOOD_RFC822),
            GOOD_SEPARATOR,
            '{"text": "   "}',
        ],
    )
    report = app.ingest([path])

    assert report.stored == 3
    where = {error.source: error for error in report.errors}
    assert set(where) == {f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:8"}
    one_line_naming(where[f"{path}:2"], f"{path}:2", "not valid JSON")
    one_line_naming(where[f"{path}:3"], f"{path}:3", "JSON object", "list")
    one_line_naming(where[f"{path}:4"], f"{path}:4", '"text"')
    one_line_naming(where[f"{path}:8"], f"{path}:8", '"text"')

    pipeline = app.pipeline().run(report.article_ids)
    assert not pipeline.failures
    with app.session_factory() as session:
        articles = {
            article.title: article
            for article in session.scalars(
                select(Article).where(Article.id.in_(report.article_ids))
            )
        }
        iso = articles[str(GOOD_ISO["title"])]
        assert iso.published_at is not None
        assert iso.published_at.astimezone(UTC) == datetime(2024, 5, 14, 10, 0, tzinfo=UTC)
        assert iso.outlet is not None and iso.outlet.name == "Record Outlet"
        assert iso.url == "https://example.test/a"
        assert iso.extra == {"section": "politics", "tags": ["summit", "iraq"], "encoding": "utf-8"}
        rfc = articles["Three rockets"]
        assert rfc.published_at is not None
        assert rfc.published_at.astimezone(UTC) == datetime(2024, 5, 14, 6, 30, tzinfo=UTC)
        assert rfc.outlet is None
        assert rfc.extra == {"encoding": "utf-8"}
        assert len(articles) == 3
        assert any("second part" in (article.text or "") for article in articles.values())
        sources = set(session.scalars(select(RawInput.source)))
    assert sources == {f"{path}:1", f"{path}:6", f"{path}:7"}


def test_outlet_hint_applies_to_every_record(app: Marsad, tmp_path: Path) -> None:
    path = jsonl(tmp_path / "feed.jsonl", [json.dumps(GOOD_ISO), json.dumps(GOOD_RFC822)])
    report = app.ingest([path, SEEDS], outlet="Hinted")
    assert report.stored == 7 and not report.errors
    app.pipeline().run(report.article_ids)
    with app.session_factory() as session:
        outlets = {
            article.outlet.name if article.outlet else None
            for article in session.scalars(select(Article))
        }
    assert outlets == {"Hinted"}

    # The same bytes under another outlet are another input; under the same, a no-op.
    assert app.ingest([path], outlet="Hinted").stored == 0
    assert app.ingest([path], outlet="Other").stored == 2


def test_jsonl_with_a_bom_and_crlf_line_ends(app: Marsad, tmp_path: Path) -> None:
    path = tmp_path / "windows.ndjson"
    body = "\r\n".join([json.dumps(GOOD_RFC822), json.dumps(GOOD_ISO)]) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    report = app.ingest([path])
    assert report.stored == 2 and not report.errors


# The command line, end to end, in a subprocess as a user runs it.


def marsad(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MARSAD_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "NO_COLOR": "1",
    }
    env["MARSAD_DISABLE_PLUGINS"] = ",".join(INSTALLED_PLUGINS)  # marsad as shipped
    return subprocess.run(
        [str(MARSAD), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(not MARSAD.exists(), reason="the marsad script is not installed")
def test_cli_ingest(tmp_path: Path, messy_dir: tuple[Path, dict[str, Path]]) -> None:
    folder, bad = messy_dir

    not_ready = marsad(tmp_path, "ingest", str(folder))
    assert not_ready.returncode == 2  # a configuration problem: the schema
    assert "Traceback" not in not_ready.stderr
    lines = [line for line in not_ready.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, not_ready.stderr
    assert "marsad db upgrade" in lines[0]

    debug = marsad(tmp_path, "--debug", "ingest", str(folder))
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr
    assert "SchemaOutOfDate" in debug.stderr

    upgraded = marsad(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr

    result = marsad(tmp_path, "ingest", str(folder))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == len(bad), result.stderr
    for path in bad.values():
        assert sum(str(path) in line for line in errors) == 1, (path, errors)
    assert "stored 5, skipped 0 already stored, failed 5" in result.stderr
    assert "processed 5 articles" in result.stderr

    again = marsad(tmp_path, "ingest", str(SEEDS))
    assert again.returncode == 0, again.stderr
    assert "stored 0, skipped 5 already stored, failed 0" in again.stderr


@pytest.mark.skipif(not MARSAD.exists(), reason="the marsad script is not installed")
def test_cli_plugins_json(tmp_path: Path) -> None:
    result = marsad(tmp_path, "plugins", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    plugins = {plugin["name"]: plugin for plugin in payload["plugins"]}
    assert {"parse", "readers", "translate"} <= set(plugins)
    assert plugins["parse"]["stages"] == ["parse"]
    assert "marsad_register_stages" in plugins["parse"]["hooks"]
    assert plugins["parse"]["builtin"] is True
    assert payload["errors"] == {}


class BuggyReader(Reader):
    """A third-party reader with a bug: it fails on one of the files it accepts."""

    name = "buggy"
    suffixes = (".buggy",)

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        if "bad" in path.name:
            yield RawRecord(b"half a record", "text/plain", str(path), {})
            raise KeyError("lookup\ntable")
        yield RawRecord(path.read_bytes(), "text/plain", str(path), {})


class BuggyReaderPlugin:
    __name__ = "buggy_reader"

    @hookimpl
    def marsad_register_readers(self) -> list[Reader]:
        return [BuggyReader()]


def test_a_reader_bug_is_one_files_error(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(extra=(BuggyReaderPlugin(),))
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a-bad.buggy").write_text("عنوان\nنص", encoding="utf-8")
    (folder / "b-good.buggy").write_text("عنوان آخر\nنص آخر", encoding="utf-8")
    report = app.ingest([folder])
    assert report.stored == 1
    assert len(report.errors) == 1
    one_line_naming(report.errors[0], folder / "a-bad.buggy", "buggy", "KeyError")
    # Nothing of the failed file was stored, not even the record read before the bug.
    assert count(app, RawInput.id) == 1


@pytest.mark.parametrize("encoding", ["windows-1256", "utf-16", "utf-8-sig"])
def test_legacy_and_unicode_encodings_are_detected(
    app: Marsad, tmp_path: Path, encoding: str
) -> None:
    title = "بايدن يتباحث مع الكاظمي"
    path = tmp_path / "article.bin"  # the name says nothing about the encoding
    path.write_bytes(f"{title}\nقال البيت الأبيض إن الرئيس بحث الهجمات.".encode(encoding))
    report = app.ingest([path], fmt="text")
    assert report.stored == 1 and not report.errors
    assert not app.pipeline().run(report.article_ids).failures
    with app.session_factory() as session:
        article = session.scalars(select(Article)).one()
        assert article.title == title
        assert article.text == "قال البيت الأبيض إن الرئيس بحث الهجمات."
