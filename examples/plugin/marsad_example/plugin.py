"""Example plugin: a CSV reader and a keyword stage, using only ``marsad.core``."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from marsad.core import (
    Article,
    InputError,
    RawRecord,
    Reader,
    ReadOptions,
    Stage,
    StageContext,
    article_record,
    hookimpl,
)

WORD = re.compile(r"[\w\u0600-\u06FF]{3,}")
# Function words that would otherwise top every list.
STOPWORDS = frozenset(
    [
        "التي",
        "الذي",
        "على",
        "إلى",
        "في",
        "من",
        "عن",
        "مع",
        "أن",
        "إن",
        "كان",
        "هذا",
        "هذه",
        "بعد",
        "قبل",
        "بين",
        "خلال",
        "the",
        "and",
    ]
)


class CsvReader(Reader):
    name = "csv"
    suffixes = (".csv",)

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord | InputError]:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(path, f"not valid UTF-8 (offset {error.start})") from None
        rows = csv.DictReader(io.StringIO(text))
        if rows.fieldnames is None or "text" not in rows.fieldnames:
            raise InputError(path, 'CSV has no "text" column')
        for number, row in enumerate(rows, start=2):
            if not (row.get("text") or "").strip():
                yield InputError(f"{path}:{number}", 'row has no "text"')
                continue
            record = options.canonical({key: value for key, value in row.items() if value})
            try:
                yield article_record(record, f"{path}:{number}")
            except InputError as error:
                yield error


class Keywords(Stage):
    name = "keywords"
    after = ("normalize",)
    version = "0.1.0"

    def process(self, ctx: StageContext, article: Article) -> None:
        words = [w for w in WORD.findall(article.match_key or "") if w not in STOPWORDS]
        top = [word for word, _ in Counter(words).most_common(5)]
        article.extra = {**article.extra, "keywords": top}


@hookimpl
def marsad_register_readers() -> list[Reader]:
    return [CsvReader()]


@hookimpl
def marsad_register_stages() -> list[Stage]:
    return [Keywords()]
