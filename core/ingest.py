"""Ingest: find input files, split them into raw records, store each record once.

Storing comes first and processing second: a record is only handed to the pipeline
once its bytes are committed, and a record whose fingerprint is already stored is
skipped, so re-ingesting the same input is a no-op.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from marsad.core.db import insert_ignoring_duplicates
from marsad.core.models import Article, RawInput, utcnow
from marsad.core.readers import InputError, RawRecord, Reader, ReadOptions, files_below

AUTO = "auto"


@dataclass
class IngestReport:
    stored: int = 0
    skipped: int = 0
    errors: list[InputError] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)


def record_fingerprint(record: RawRecord) -> str:
    digest = hashlib.sha256()
    digest.update(record.media_type.encode())
    digest.update(b"\0")
    digest.update(json.dumps(record.hints, sort_keys=True, ensure_ascii=False).encode())
    digest.update(b"\0")
    digest.update(record.content)
    return digest.hexdigest()


def find_files(
    paths: Iterable[Path], *, follow_symlinks: bool = False
) -> Iterator[Path | InputError]:
    """Files named, and files below directories named (sorted, hidden ones left out).

    Symbolic links below a directory are not followed out of it unless
    ``follow_symlinks`` (see :func:`marsad.core.readers.files_below`).
    """
    for path in paths:
        if path.is_dir():
            yield from files_below(path, follow_symlinks=follow_symlinks)
        elif path.is_file():
            yield path
        elif path.exists():
            yield InputError(path, "not a regular file (a device, pipe or socket)")
        else:
            yield InputError(path, "no such file or directory")


def choose_reader(path: Path, readers: dict[str, Reader], fmt: str) -> Reader:
    if fmt != AUTO:
        if fmt not in readers:
            raise InputError(path, f"unknown format {fmt!r} (known: {', '.join(sorted(readers))})")
        return readers[fmt]
    with path.open("rb") as handle:
        head = handle.read(4096)
    for reader in readers.values():
        if reader.detect(path, head):
            return reader
    raise InputError(
        path, f"cannot tell the format; pass --format (one of: {', '.join(sorted(readers))})"
    )


def ingest(
    paths: Iterable[Path],
    *,
    session_factory: sessionmaker[Session],
    readers: dict[str, Reader],
    fmt: str = AUTO,
    outlet: str | None = None,
    options: ReadOptions | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Store every readable record under ``paths``; report the rest, one error each."""
    report = IngestReport()
    options = options or ReadOptions()
    for item in find_files(paths, follow_symlinks=options.follow_symlinks):
        if isinstance(item, InputError):
            report.errors.append(item)
            continue
        reader: Reader | None = None
        try:
            reader = choose_reader(item, readers, fmt)
            with session_factory() as session:
                _ingest_file(session, item, reader, outlet, options, report)
                session.commit()
        except InputError as error:
            report.errors.append(error)
        except OSError as error:
            report.errors.append(InputError(item, error.strerror or str(error)))
        except SQLAlchemyError:
            raise  # the database, not this file, is the problem
        except Exception as error:
            # A reader plugin's bug is this file's error, not the end of the whole ingest.
            name = "?" if reader is None else reader.name
            lines = str(error).strip().splitlines()
            detail = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
            report.errors.append(InputError(item, f"reader {name!r} failed ({detail})"))
        if on_file is not None:
            on_file(item)
    return report


# Rows per INSERT: six variables each stay under the 999 that old SQLite builds allow.
RECORDS_PER_INSERT = 150


def store_records(session: Session, records: Iterable[RawRecord]) -> list[Article | None]:
    """Store each record not stored yet, with an empty article for the pipeline.

    Returns, per record, its new article (flushed, so it has an id), or None when the
    same input is already stored (or repeats earlier in ``records``). Safe when other
    processes store the same inputs at the same time: the insert ignores a
    fingerprint that is already there, so each input is stored once and no process
    fails for it.
    """
    records = list(records)
    fingerprints = [record_fingerprint(record) for record in records]
    first: dict[str, int] = {}  # fingerprint -> the first record that has it
    for index, fingerprint in enumerate(fingerprints):
        first.setdefault(fingerprint, index)
    # One multi-row statement per chunk, not one per record; RETURNING names the rows
    # this call inserted, by fingerprint (a conflicting row returns nothing).
    insert = insert_ignoring_duplicates(session)
    inserted: dict[str, int] = {}
    unique = list(first.items())
    for begin in range(0, len(unique), RECORDS_PER_INSERT):
        now = utcnow()
        rows = [
            {
                "sha256": fingerprint,
                "source": records[index].source,
                "media_type": records[index].media_type,
                "content": records[index].content,
                "hints": records[index].hints,
                "ingested_at": now,
            }
            for fingerprint, index in unique[begin : begin + RECORDS_PER_INSERT]
        ]
        statement = (
            insert(RawInput)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["sha256"])
            .returning(RawInput.sha256, RawInput.id)
        )
        inserted.update((sha256, raw_id) for sha256, raw_id in session.execute(statement))
    created: list[Article | None] = []
    for index, fingerprint in enumerate(fingerprints):
        if first[fingerprint] != index or fingerprint not in inserted:
            created.append(None)
            continue
        article = Article(raw_input_id=inserted[fingerprint])
        session.add(article)
        created.append(article)
    session.flush()
    return created


def _ingest_file(
    session: Session,
    path: Path,
    reader: Reader,
    outlet: str | None,
    options: ReadOptions,
    report: IngestReport,
) -> None:
    records: list[RawRecord] = []
    for item in reader.read(path, options):
        if isinstance(item, InputError):
            report.errors.append(item)
        elif outlet is not None:
            records.append(
                RawRecord(
                    item.content, item.media_type, item.source, {**item.hints, "outlet": outlet}
                )
            )
        else:
            records.append(item)
    created = store_records(session, records)
    # Counted only here, so a file that fails midway adds nothing to the report.
    new_articles = [article for article in created if article is not None]
    report.stored += len(new_articles)
    report.skipped += len(created) - len(new_articles)
    report.article_ids.extend(article.id for article in new_articles)
