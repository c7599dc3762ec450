"""Dedupe cost as the corpus grows, against datasketch's in-memory MinHashLSH.

The question is what the archive's size costs a new article, so the news around the
new articles stays the same at every size, as in daily use: the measured windows are
articles of one day (``WINDOW_DAY``, which has the wire copies of issue #4), and the
index starts with the rest of that day, so its first 1,000 articles already hold
most of what the windows link to. Past that it grows with the other days' real
articles (up to about 16,000) and then with generated articles.

Generated articles are made of 3 to 6 real paragraphs, never typed text: 10% are
light copies (2% of words perturbed) of a recent generated article (republished
wire copy); otherwise each paragraph is, with probability ``REUSED_PARAGRAPH``, a
light copy (5%) of a paragraph of a recent generated article (a copied passage),
and else the words of a real paragraph in random order: new text to every feature
(an earlier version replaced half the words instead, but a real paragraph reused a
dozen times that way still left most of its 5-grams somewhere in the index). So
reuse stays at a fixed rate as the index grows: 19% of generated paragraphs recur,
against 5.4% of real paragraphs that repeat an earlier one exactly in the first
16,000 real articles (3.5% of those are whole copies), and each recurs about once or
twice, as real ones do (2.3 occurrences on average). The generator is seeded.

Growing the index: each article's rows (``text_keys``, ``minhash_signatures`` and
its ``articles`` row with ``content_hash``) are computed by the stage's own
``Features.of`` and ``sketch`` in worker processes and bulk-inserted with
executemany in large transactions. A key already held by ``KEY_CAP`` articles is
not inserted, as ``store`` does (the insert carries the same condition).

Measuring at each size: the windows (the same at every size) are stored as raw
SaudiNewsNet records, parsed and normalized by the real stages
(untimed), then processed by the real ``dedupe`` stage inside a savepoint as the
pipeline does (timed, tracing off). Each window is rolled back afterwards, so
every window sees exactly the index of its size. Peak memory is measured on a
separate, traced pass (tracemalloc) and as the process's RSS high-water mark over
a timed window. The same window texts are then MinHashed, queried and inserted
into a datasketch MinHashLSH (same 128 permutations, 32 bands x 4 rows) holding the
same signatures, in a separate process whose RSS is its memory.

At 1,000 articles, the exact Jaccard of word 5-gram shingle sets over all pairs is
the truth; the band candidates, the stage's ranked candidates and datasketch's
candidates are scored against it.

Run: .venv/bin/python bench/dedupe.py [--quick] [--sizes 1000,2000,...] [--window 200]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import logging
import multiprocessing as mp
import os
import platform
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy import sparse
from sqlalchemy import Engine, event, func, insert, select
from sqlalchemy.engine import make_url

from marsad.core import (
    Article,
    ArticleLink,
    MinHashSignature,
    Outlet,
    RawInput,
    RawRecord,
    ReadOptions,
    StageContext,
)
from marsad.core.db import make_engine, make_session_factory
from marsad.core.ingest import record_fingerprint
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.plugins import dedupe as dd
from marsad.plugins.normalize import Normalize
from marsad.plugins.parse import Parse, parse_time
from marsad.plugins.saudinewsnet import SaudiNewsNetReader
from marsad.text import reuse as tr
from marsad.text.arabic import display_text, match_key
from marsad.text.plain import parse_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"
RESULTS = ROOT / "bench" / "results"
THRESHOLDS = (0.5, dd.DUPLICATE_JACCARD)  # the LSH design point, and the stage's duplicates
EXACT_SIZE = 1000
WINDOW_DAY = "2015-08-10"
REUSED_PARAGRAPH = 0.1
BLOCK = 10_000  # articles per bulk transaction
ROWS_PER_INSERT = 2_000


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- real articles -------------------------------------------------------------------


def real_records() -> list[RawRecord]:
    """Every non-empty SaudiNewsNet article, as the project's reader gives it."""
    reader = SaudiNewsNetReader()
    found = []
    for path in sorted(CORPUS.glob("*.zip")):
        found.extend(r for r in reader.read(path, ReadOptions()) if isinstance(r, RawRecord))
    return found


def body_text(content: bytes) -> str:
    """``Article.text`` as the parse and normalize stages make it from a JSON record."""
    record = json.loads(content)
    title = record.get("title")
    parsed = parse_text(str(record.get("text") or ""), title=str(title) if title else None)
    return "\n".join(p for p in (display_text(x) for x in parsed.paragraphs) if p)


def record_meta(content: bytes) -> tuple[str, datetime | None]:
    record = json.loads(content)
    try:
        published = parse_time(record.get("published"))
    except ValueError:
        published = None
    return str(record.get("outlet") or "?"), published


class Generator:
    """Articles made of real paragraphs, recombined and perturbed, never typed."""

    def __init__(self, texts: Sequence[str], outlets: Sequence[str], seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.paragraphs = [p for text in texts for p in text.split("\n") if len(p) > 80]
        self.outlets = sorted(set(outlets))
        self.vocabulary = [w for p in self.paragraphs[:5000] for w in p.split()]
        self.made: list[str] = []

    def _perturb(self, paragraph: str, rate: float) -> str:
        """Drop ``rate / 2`` of the words and replace as many by words of other articles."""
        out = []
        for word in paragraph.split():
            roll = self.rng.random()
            if roll < rate / 2:
                continue
            out.append(self.rng.choice(self.vocabulary) if roll < rate else word)
        return " ".join(out)

    def _paragraph(self) -> str:
        if self.made and self.rng.random() < REUSED_PARAGRAPH:  # a copied passage
            return self._perturb(self.rng.choice(self.rng.choice(self.made).split("\n")), 0.05)
        words = self.rng.choice(self.paragraphs).split()
        self.rng.shuffle(words)  # new text with a real paragraph's words
        return " ".join(words)

    def next(self) -> tuple[str, str]:
        outlet = self.rng.choice(self.outlets)
        if self.made and self.rng.random() < 0.1:  # a light copy of a recent article
            text = "\n".join(self._perturb(p, 0.02) for p in self.rng.choice(self.made).split("\n"))
        else:
            text = "\n".join(self._paragraph() for _ in range(self.rng.randint(3, 6)))
        self.made.append(text)
        if len(self.made) > 5000:
            self.made.pop(0)
        return outlet, text


# --- index rows, computed as the stage computes them ----------------------------------

IndexRows = tuple[str, dict[str, Any], list[tuple[int, int]]]


def index_rows(text: str) -> IndexRows:
    """content_hash, sketch row and (value, kind) keys of one article, as the stage has them."""
    features = dd.Features.of(Article(text=text))
    content_hash = hashlib.sha256(match_key(text).encode()).hexdigest()
    return content_hash, dd.sketch(features), list(features.keys().items())


def _sqlite_bulk_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cache_size=-2000000")  # 2 GB, for the bulk load only
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


class Index:
    """The database, grown in bulk and measured by windows of the real stage."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.factory = make_session_factory(self.engine)
        self.outlets: dict[str, int] = {}
        self.count = 0
        self.next_id = 1
        mark = "?" if self.sqlite else "%s"
        self.key_insert = (
            "INSERT INTO text_keys (value, article_id, kind) "
            f"SELECT {mark}, {mark}, {mark} WHERE (SELECT count(*) FROM "
            f"(SELECT 1 FROM text_keys WHERE value = {mark} LIMIT {dd.KEY_CAP}) AS held) "
            f"< {dd.KEY_CAP}"
        )

    def bulk_engine(self) -> Engine:
        engine = make_engine(self.url)
        if self.sqlite:
            event.listen(engine, "connect", _sqlite_bulk_pragmas)
        return engine

    def outlet_ids(self, names: Sequence[str]) -> None:
        with self.factory() as session:
            for name in sorted(set(names) - set(self.outlets)):
                row = Outlet(name=name)
                session.add(row)
                session.flush()
                self.outlets[name] = row.id
            session.commit()

    def insert(
        self, engine: Engine, batch: Sequence[tuple[str, datetime | None, str, IndexRows]]
    ) -> list[tuple[int, bytes]]:
        """Raw input, article and index rows of each; returns (id, signature) pairs."""
        now = datetime.now(UTC)
        raws, articles, signatures, keys = [], [], [], []
        out = []
        for outlet, published, text, (content_hash, sketch, found) in batch:
            i = self.next_id
            self.next_id += 1
            raws.append(
                {
                    "id": i,
                    "sha256": f"bench-{i}",
                    "source": "bench",
                    "media_type": "text/plain",
                    "content": b"",
                    "hints": {},
                    "ingested_at": now,
                }
            )
            articles.append(
                {
                    "id": i,
                    "raw_input_id": i,
                    "outlet_id": self.outlets[outlet],
                    "published_at": published,
                    "language": "ar",
                    "text": text,
                    "content_hash": content_hash,
                    "extra": {},
                    "removed": [],
                    "created_at": now,
                }
            )
            signatures.append({"article_id": i, **sketch})
            keys.extend((value, i, kind, value) for value, kind in found)
            out.append((i, sketch["signature"]))
        with engine.begin() as connection:
            connection.execute(insert(RawInput.__table__), raws)
            connection.execute(insert(Article.__table__), articles)
            connection.execute(insert(MinHashSignature.__table__), signatures)
            for begin in range(0, len(keys), 50_000):
                connection.exec_driver_sql(self.key_insert, keys[begin : begin + 50_000])
        self.count += len(batch)
        return out

    def after_bulk(self, engine: Engine) -> None:
        with engine.begin() as connection:
            if self.sqlite:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                connection.exec_driver_sql("ANALYZE")
            else:
                for table in ("raw_inputs", "articles"):
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                connection.exec_driver_sql("ANALYZE")
        engine.dispose()

    def disk_mb(self) -> float | None:
        if not self.sqlite:
            return None
        path = make_url(self.url).database or ""
        total = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
        return round(total / 2**20)


# --- windows of the real stage ---------------------------------------------------------


class Probe:
    """Where a window's time goes: wraps the stage's helpers (about 1 us per call)."""

    def __init__(self) -> None:
        self.reset()
        self._saved: dict[str, Any] = {}

    def reset(self) -> None:
        self.lookup_s = 0.0
        self.compare_s = 0.0
        self.features_s = 0.0
        self.rows = 0
        self.capped_keys = 0
        self.keys = 0
        self.candidates = 0
        self.compared = 0

    def install(self) -> None:
        lookup, rank, compare = dd.BatchIndex.lookup, dd.rank_candidates, dd.compare
        features_of = dd.Features.__dict__["of"]
        self._saved = {"rank_candidates": rank, "compare": compare}
        self._saved_of = features_of
        self._saved_lookup = lookup

        def timed_lookup(index: Any, article_id: int, values: Sequence[int]) -> Any:
            started = time.perf_counter()
            near = lookup(index, article_id, values)
            self.lookup_s += time.perf_counter() - started
            self.keys += len(values)
            self.rows += sum(len(ids) for ids in near.holders.values())
            self.capped_keys += sum(1 for ids in near.holders.values() if len(ids) >= dd.KEY_CAP)
            return near

        def counted_rank(*args: Any, **kwargs: Any) -> list[int]:
            found: list[int] = rank(*args, **kwargs)
            self.candidates += len(found)
            return found

        def timed_compare(*args: Any) -> Any:
            started = time.perf_counter()
            link = compare(*args)
            self.compare_s += time.perf_counter() - started
            self.compared += 1
            return link

        def timed_of(cls: type, article: Article) -> Any:
            started = time.perf_counter()
            found = features_of.__func__(cls, article)
            self.features_s += time.perf_counter() - started
            return found

        dd.BatchIndex.lookup = timed_lookup  # type: ignore[method-assign]
        dd.rank_candidates = counted_rank
        dd.compare = timed_compare
        dd.Features.of = classmethod(timed_of)  # type: ignore[method-assign,assignment]

    def remove(self) -> None:
        for name, function in self._saved.items():
            setattr(dd, name, function)
        dd.Features.of = self._saved_of  # type: ignore[method-assign]
        dd.BatchIndex.lookup = self._saved_lookup  # type: ignore[method-assign]

    def per_article(self, n: int) -> dict[str, float]:
        return {
            "lookup_ms": round(self.lookup_s * 1000 / n, 3),
            "features_ms": round(self.features_s * 1000 / n, 3),
            "compare_ms": round(self.compare_s * 1000 / n, 3),
            "keys": round(self.keys / n, 1),
            "rows_looked_up": round(self.rows / n, 1),
            "capped_keys": round(self.capped_keys / n, 1),
            "candidates": round(self.candidates / n, 2),
        }


def rss_mb() -> tuple[float, float]:
    """Current and high-water RSS of this process, in MB."""
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def run_window(
    index: Index,
    records: Sequence[RawRecord],
    probe: Probe | None = None,
    profiler: cProfile.Profile | None = None,
) -> tuple[list[float], list[str], int]:
    """Parse, normalize (untimed) and dedupe (timed, maybe profiled) each record; roll back."""
    session = index.factory()
    ctx = StageContext(
        session=session, settings=Settings(), hook=None, log=logging.getLogger("bench")
    )
    parse, normalize, stage = Parse(), Normalize(), dd.Dedupe()
    times: list[float] = []
    texts: list[str] = []
    links = 0
    try:
        for record in records:
            article = Article(
                raw_input=RawInput(
                    sha256=record_fingerprint(record),
                    source=record.source,
                    media_type=record.media_type,
                    content=record.content,
                    hints=record.hints,
                )
            )
            session.add(article)
            session.flush()
            try:
                with session.begin_nested():
                    parse.process(ctx, article)
                    normalize.process(ctx, article)
            except ValueError:
                continue  # no body text: the pipeline would skip dedupe too
            session.flush()
            if profiler is not None:
                profiler.enable()
            started = time.perf_counter()
            with session.begin_nested():  # as the pipeline runs each article
                stage.process(ctx, article)
            session.flush()
            times.append(time.perf_counter() - started)
            if profiler is not None:
                profiler.disable()
            texts.append(article.text or "")
        # The bulk load writes no links and every window is rolled back: all are new.
        links = session.scalar(select(func.count()).select_from(ArticleLink)) or 0
    finally:
        session.rollback()
        session.close()
    return times, texts, links


# --- datasketch, in its own process ----------------------------------------------------


def _sketch(signature: np.ndarray) -> MinHash:
    return MinHash(num_perm=tr.NUM_PERM, hashvalues=signature, scheme="affine32")


def lsh_server(conn: Connection) -> None:
    base, _ = rss_mb()
    lsh = MinHashLSH(num_perm=tr.NUM_PERM, params=(tr.BANDS, tr.ROWS))
    while True:
        command, payload = conn.recv()
        if command == "stop":
            conn.send(None)
            return
        if command == "bulk":
            for key, signature in payload:
                lsh.insert(key, _sketch(tr.signature_from_bytes(signature)))
            conn.send(None)
        elif command == "window":
            minhash_s, lsh_s = [], []
            keys = []
            for n, text in enumerate(payload):
                started = time.perf_counter()
                sketch = _sketch(tr.minhash(tr.shingle_hashes(tr.words(text))))
                middle = time.perf_counter()
                lsh.query(sketch)
                key = f"w{n}"
                lsh.insert(key, sketch)
                keys.append(key)
                lsh_s.append(time.perf_counter() - middle)
                minhash_s.append(middle - started)
            for key in keys:
                lsh.remove(key)
            conn.send((minhash_s, lsh_s))
        elif command == "pairs":
            pairs = set()
            for key, signature in payload:
                for other in lsh.query(_sketch(tr.signature_from_bytes(signature))):
                    if other != key:
                        pairs.add((min(key, other), max(key, other)))
            conn.send(pairs)
        elif command == "memory":
            now, peak = rss_mb()
            conn.send(
                {"rss_mb": round(now), "rss_growth_mb": round(now - base), "peak_mb": round(peak)}
            )


class LSH:
    def __init__(self) -> None:
        context = mp.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=lsh_server, args=(child,), daemon=True)
        self.process.start()

    def call(self, command: str, payload: Any = None) -> Any:
        self.conn.send((command, payload))
        return self.conn.recv()

    def close(self) -> None:
        self.call("stop")
        self.process.join(timeout=30)


# --- exact Jaccard at 1,000 ------------------------------------------------------------


def exact_check(
    index: Index, first: Sequence[tuple[int, str, IndexRows]], lsh: LSH
) -> dict[str, Any]:
    """All pairs of the first articles, exactly, against each kind of candidate."""
    started = time.perf_counter()
    sets = [tr.shingle_hashes(tr.words(text)) for _, text, _ in first]
    ids = [i for i, _, _ in first]
    columns: dict[int, int] = {}
    rows, cols = [], []
    for row, hashes in enumerate(sets):
        for h in hashes:
            rows.append(row)
            cols.append(columns.setdefault(h, len(columns)))
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(sets), len(columns))
    )
    shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    sizes = np.array([len(s) for s in sets])
    jaccard = shared.data / (sizes[shared.row] + sizes[shared.col] - shared.data)
    all_pairs_seconds = time.perf_counter() - started
    exact = {
        (ids[a], ids[b]): float(j) for a, b, j in zip(shared.row, shared.col, jaccard, strict=True)
    }

    signatures = {i: tr.signature_from_bytes(rows_[1]["signature"]) for i, _, rows_ in first}
    by_band: dict[int, list[int]] = {}
    for i, _, (_, _, keys) in first:
        for value, kind in keys:
            if kind == tr.BAND:
                by_band.setdefault(value, []).append(i)
    band_pairs = {(a, b) for holders in by_band.values() for a in holders for b in holders if a < b}

    class Keys:
        def __init__(self, keys: list[tuple[int, int]]) -> None:
            self._keys = dict(keys)

        def keys(self) -> dict[int, int]:
            return self._keys

    stage_pairs = set()
    by_hash: dict[str, list[int]] = {}
    for i, _, rows_ in first:
        by_hash.setdefault(rows_[0], []).append(i)
    with index.factory() as session:
        outlet_of = dict(
            session.execute(select(Article.id, Article.outlet_id).where(Article.id.in_(ids))).all()
        )
        for i, _, rows_ in first:
            near = dd.lookup(session, i, [value for value, _ in rows_[2]])
            same = [j for j in by_hash[rows_[0]] if j != i]
            ignored = near.ignored_sentences(outlet_of[i])
            for j in dd.rank_candidates(Keys(rows_[2]), near, ignored, same):  # type: ignore[arg-type]
                stage_pairs.add((min(i, j), max(i, j)))
    theirs = lsh.call("pairs", [(i, rows_[1]["signature"]) for i, _, rows_ in first])

    def score(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, Any]:
        hit = len(found & truth)
        return {
            "candidates": len(found),
            "true": hit,
            "recall": round(hit / len(truth), 3) if truth else None,
            "precision": round(hit / len(found), 3) if found else None,
        }

    report: dict[str, Any] = {
        "articles": len(first),
        "pairs": len(first) * (len(first) - 1) // 2,
        "pairs_sharing_a_shingle": len(exact),
        "all_pairs_exact_seconds": round(all_pairs_seconds, 2),
    }
    for threshold in THRESHOLDS:
        truth = {pair for pair, j in exact.items() if j >= threshold}
        entry: dict[str, Any] = {"truth_pairs": len(truth)}
        for name, found in (
            ("ours_bands", band_pairs),
            ("ours_stage_candidates", stage_pairs),
            ("datasketch", theirs),
        ):
            checked = {
                p
                for p in found
                if tr.estimated_jaccard(signatures[p[0]], signatures[p[1]]) >= threshold
            }
            entry[name] = score(found, truth)
            entry[name + "_after_signature_check"] = score(checked, truth)
        report[f"jaccard_ge_{threshold}"] = entry
    return report


# --- the run ---------------------------------------------------------------------------


def articles_to_index(
    real: Sequence[tuple[str, datetime | None, str]], make: Callable[[], Generator]
) -> Iterator[tuple[str, datetime | None, str]]:
    yield from real
    generator = make()
    while True:
        outlet, text = generator.next()
        yield outlet, None, text


def grow(
    index: Index,
    source: Iterator[tuple[str, datetime | None, str]],
    target: int,
    pool: Any,
    lsh: LSH,
    keep: list[tuple[int, str, IndexRows]],
) -> float:
    """Bulk-insert articles until the index holds ``target``; returns seconds."""
    started = time.perf_counter()
    engine = index.bulk_engine()
    last_report = started
    first_count = index.count

    def blocks() -> Iterator[list[tuple[str, datetime | None, str]]]:
        while index.count + sum(len(b) for b in pending_blocks) < target:
            room = target - index.count - sum(len(b) for b in pending_blocks)
            block = [next(source) for _ in range(min(BLOCK, room))]
            pending_blocks.append(block)
            yield block

    pending_blocks: list[list[tuple[str, datetime | None, str]]] = []
    work = blocks()
    block = next(work, None)
    pending = pool.imap(index_rows, [t for _, _, t in block], chunksize=32) if block else None
    while block is not None and pending is not None:
        results = list(pending)
        following = next(work, None)
        pending = (
            pool.imap(index_rows, [t for _, _, t in following], chunksize=32) if following else None
        )
        pending_blocks.pop(0)
        batch = [(o, p, t, r) for (o, p, t), r in zip(block, results, strict=True)]
        for begin in range(0, len(batch), ROWS_PER_INSERT):
            part = batch[begin : begin + ROWS_PER_INSERT]
            ids = index.insert(engine, part)
            lsh.call("bulk", ids)
            for (i, _), (_, _, text, rows) in zip(ids, part, strict=True):
                if i <= EXACT_SIZE:
                    keep.append((i, text, rows))
        block = following
        now = time.perf_counter()
        if now - last_report > 20 or block is None:
            rate = (index.count - first_count) / (now - started)
            left = (target - index.count) / rate if rate else 0
            say(f"  index {index.count:,}/{target:,} ({rate:.0f} articles/s, ~{left:.0f}s left)")
            last_report = now
    index.after_bulk(engine)
    return time.perf_counter() - started


def measure(
    index: Index,
    lsh: LSH,
    windows: Sequence[Sequence[RawRecord]],
    trace_n: int,
    profile: bool = False,
) -> dict[str, Any]:
    probe = Probe()
    medians, means, theirs_lsh, theirs_total, hwm_growth = [], [], [], [], []
    links = []
    all_times: list[float] = []
    probe.install()
    try:
        for n, records in enumerate(windows):
            before, _ = rss_mb()
            reset_hwm()
            times, texts, found = run_window(index, records, probe)
            _, peak = rss_mb()
            hwm_growth.append(peak - before)
            all_times.extend(times)
            medians.append(statistics.median(times) * 1000)
            means.append(statistics.mean(times) * 1000)
            links.append(found)
            minhash_s, lsh_s = lsh.call("window", texts)
            theirs_lsh.append(statistics.median(lsh_s) * 1000)
            theirs_total.append(
                statistics.median(a + b for a, b in zip(minhash_s, lsh_s, strict=True)) * 1000
            )
            say(
                f"  window {n + 1}/{len(windows)}: ours {medians[-1]:.1f} ms/article "
                f"(mean {means[-1]:.1f}), datasketch {theirs_lsh[-1]:.2f} ms "
                f"({theirs_total[-1]:.2f} with MinHash)"
            )
        breakdown = probe.per_article(len(all_times))
    finally:
        probe.remove()
    if profile:  # a separate pass: profiling slows the stage down
        profiler = cProfile.Profile()
        run_window(index, windows[0], profiler=profiler)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    # Memory on its own pass: tracing slows Python down several times.
    tracemalloc.start()
    run_window(index, windows[0][:trace_n])
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss, _ = rss_mb()
    memory = lsh.call("memory")
    return {
        "ours_ms_per_article_median": round(statistics.median(medians), 3),
        "ours_window_medians_ms": [round(m, 3) for m in medians],
        "ours_ms_per_article_mean": round(statistics.mean(all_times) * 1000, 3),
        "ours_ms_p90": round(float(np.percentile(all_times, 90)) * 1000, 3),
        "ours_breakdown_per_article": breakdown,
        "links_per_window": links,
        "datasketch_lsh_ms_median": round(statistics.median(theirs_lsh), 3),
        "datasketch_with_minhash_ms_median": round(statistics.median(theirs_total), 3),
        "ours_traced_peak_mb_in_window": round(traced_peak / 2**20, 1),
        "ours_rss_growth_mb_in_window": round(statistics.median(hwm_growth), 1),
        "ours_process_rss_mb": round(rss),
        "ours_database_mb": index.disk_mb(),
        "datasketch_rss_growth_mb": memory["rss_growth_mb"],
        "datasketch_process_rss_mb": memory["rss_mb"],
        "datasketch_process_peak_rss_mb": memory["peak_mb"],
    }


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        f"{'size':>8} {'kind':>5} {'ours ms':>8} {'mean':>7} {'lookup':>7} {'cands':>6} "
        f"{'ds ms':>6} {'ds+mh':>6} {'ours MB':>8} {'rss+':>6} {'db MB':>7} {'ds MB':>6}"
    )
    print(header)
    for row in rows:
        b = row["ours_breakdown_per_article"]
        print(
            f"{row['size']:>8,} {'real' if row['real'] else 'gen':>5} "
            f"{row['ours_ms_per_article_median']:>8.2f} {row['ours_ms_per_article_mean']:>7.2f} "
            f"{b['lookup_ms']:>7.2f} {b['candidates']:>6.1f} "
            f"{row['datasketch_lsh_ms_median']:>6.2f} "
            f"{row['datasketch_with_minhash_ms_median']:>6.2f} "
            f"{row['ours_traced_peak_mb_in_window']:>8.1f} "
            f"{row['ours_rss_growth_mb_in_window']:>6.1f} {row['ours_database_mb'] or 0:>7} "
            f"{row['datasketch_rss_growth_mb']:>6}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 2k, 2 windows of 50")
    parser.add_argument("--sizes", default="1000,2000,4000,8000,16000,100000,300000")
    parser.add_argument("--window", type=int, default=200, help="fresh articles per window")
    parser.add_argument("--repeats", type=int, default=3, help="windows per size")
    parser.add_argument("--trace", type=int, default=50, help="articles in the traced pass")
    parser.add_argument("--workers", type=int, default=2, help="processes computing features")
    parser.add_argument(
        "--database", "--db", help="database URL (default: a temporary SQLite file)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument(
        "--profile", action="store_true", help="print a profile of one window's stage at each size"
    )
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"SaudiNewsNet corpus not found at {CORPUS}; nothing measured", file=sys.stderr)
        return 2
    run_started = time.perf_counter()
    sizes = [1000, 2000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    window, repeats = (50, 2) if args.quick else (args.window, args.repeats)
    trace_n = min(args.trace, window)
    name = "dedupe_quick.json" if args.quick else "dedupe.json"

    say("reading SaudiNewsNet")
    records = real_records()
    random.Random(1).shuffle(records)
    day = [r for r in records if f"/{WINDOW_DAY}.zip!" in r.source]
    held = day[: window * repeats]
    indexed = day[window * repeats :] + [
        r for r in records if f"/{WINDOW_DAY}.zip!" not in r.source
    ]
    windows = [held[n * window : (n + 1) * window] for n in range(repeats)]
    need_generated = sizes[-1] > len(indexed)
    use = indexed if need_generated else indexed[: sizes[-1]]
    say(f"{len(records):,} articles; {len(held)} held out for windows; parsing {len(use):,}")
    context = mp.get_context("fork")
    lsh = LSH()  # forked before the pool and the corpus, so its RSS is its own
    with context.Pool(args.workers) as pool:
        texts = pool.map(body_text, [r.content for r in use], chunksize=64)
        meta = [record_meta(r.content) for r in use]
        real = [(o, p, t) for (o, p), t in zip(meta, texts, strict=True) if t.strip()]
        say(f"parsed {len(real):,} real articles ({time.perf_counter() - run_started:.0f}s)")

        scratch = None if args.database else tempfile.mkdtemp(prefix="marsad-bench-")
        url = args.database or f"sqlite:///{scratch}/bench.db"
        index = Index(url)
        index.outlet_ids([o for o, _, _ in real] + [record_meta(r.content)[0] for r in held])
        source = articles_to_index(
            real, lambda: Generator([t for _, _, t in real], [o for o, _, _ in real])
        )
        first: list[tuple[int, str, IndexRows]] = []
        exact: dict[str, Any] = {}
        results: list[dict[str, Any]] = []
        report: dict[str, Any] = {}
        for size in sizes:
            say(f"size {size:,}: growing the index from {index.count:,}")
            bulk_seconds = grow(index, source, size, pool, lsh, first)
            if size >= EXACT_SIZE and not exact:
                say(f"exact Jaccard over all pairs of the first {EXACT_SIZE:,} articles")
                exact = exact_check(index, first[:EXACT_SIZE], lsh)
                say(f"  {json.dumps(exact['jaccard_ge_0.5'])}")
            say(f"size {size:,}: {repeats} windows of {window} fresh articles")
            row = {
                "size": size,
                "real": size <= len(real),
                "bulk_seconds": round(bulk_seconds, 1),
                **measure(index, lsh, windows, trace_n, args.profile),
            }
            results.append(row)
            say(f"size {size:,} done: {json.dumps(row)}")
            ratio = (
                results[-1]["ours_ms_per_article_median"] / results[0]["ours_ms_per_article_median"]
            )
            report = {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "database": "sqlite (temporary file)" if args.database is None else "given",
                "parameters": {
                    "shingle_words": tr.SHINGLE_WORDS,
                    "num_perm": tr.NUM_PERM,
                    "bands": tr.BANDS,
                    "rows": tr.ROWS,
                    "anchor_mod": tr.ANCHOR_MOD,
                    "key_cap": dd.KEY_CAP,
                    "max_candidates": dd.MAX_CANDIDATES,
                },
                "window": window,
                "repeats": repeats,
                "sizes": results,
                "ratio_largest_to_smallest": round(ratio, 2),
                "largest_size": size,
                "exact_jaccard_at_1000": exact,
                "run_seconds": round(time.perf_counter() - run_started),
                "note": (
                    "index grown with bulk inserts of the rows the dedupe stage writes; "
                    "windows are real held-out articles through the real parse, normalize "
                    "and dedupe stages, rolled back after each window; ours ms = the dedupe "
                    "stage per article (savepoint and flush included, batch commit not); "
                    "datasketch ms = query + insert, and with the MinHash computed from the "
                    "text; ours MB = tracemalloc peak over a separate window pass; rss+ = "
                    "RSS high-water growth over a timed window; ds MB = RSS growth of the "
                    "process holding the datasketch index."
                ),
            }
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / name).write_text(json.dumps(report, indent=1) + "\n")
    lsh.close()
    index.engine.dispose()
    if scratch is not None and not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print_table(results)
    print(
        f"\nper-article time, {sizes[-1]:,} / {sizes[0]:,}: {report['ratio_largest_to_smallest']}"
    )
    print(json.dumps(exact, indent=1))
    print(f"run took {time.perf_counter() - run_started:.0f}s; saved bench/results/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
