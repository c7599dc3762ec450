"""Normalization throughput (MB/s) against pyarabic, and parse throughput (articles/s).

Side by side in one run, on the SaudiNewsNet texts:

- ``display_text`` (what a person reads) and ``match_key``, the functions the normalize
  stage runs, and ``fold`` (the match key with its offset map, for mapping spans);
- ``match_key`` folded with pyarabic's equivalent chain: strip_tashkeel, strip_tatweel,
  normalize_hamza, normalize_alef, normalize_teh, plus alef maqsura and digits, which
  pyarabic leaves alone (so it does less work than ``fold``: no offsets, no quotes or
  punctuation, no Eastern digits);
- ``parse_text`` (structure and boilerplate) in articles/s, and the whole parse and
  normalize stages through the pipeline on one day in a SQLite database.

Run: .venv/bin/python bench/normalize.py [--quick] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarabic.araby as araby

from marsad.core.application import Marsad
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.text.arabic import display_text, fold, match_key
from marsad.text.plain import parse_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"
RESULTS = ROOT / "bench" / "results"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def pyarabic_key(text: str) -> str:
    text = araby.strip_tashkeel(araby.strip_tatweel(text))
    text = araby.normalize_alef(araby.normalize_hamza(text, method="tasheel"))
    text = araby.normalize_teh(text).replace("ى", "ي")
    return " ".join(text.translate(_DIGITS).lower().split())


def load(quick: bool) -> list[tuple[str, str]]:
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}")
    articles: list[tuple[str, str]] = []
    for path in sorted(CORPUS.glob("*.zip"))[: 1 if quick else None]:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for item in json.loads(archive.read(name)):
                    if item["content"].strip():
                        articles.append((item["title"], item["content"]))
    return articles


def best_of(repeat: int, work: Callable[[], object]) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return timings


def pipeline_rate(day: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        marsad = Marsad(Settings(database_url=f"sqlite:///{folder}/bench.db"))
        upgrade(marsad.engine)
        started = time.perf_counter()
        report = marsad.ingest([day])
        ingest_seconds = time.perf_counter() - started
        started = time.perf_counter()
        marsad.pipeline().run(report.article_ids, only={"parse"})
        parse_seconds = time.perf_counter() - started
        started = time.perf_counter()
        marsad.pipeline().run(report.article_ids, only={"normalize"})
        normalize_seconds = time.perf_counter() - started
        marsad.close()
    count = report.stored
    return {
        "articles": count,
        "ingest_per_s": round(count / ingest_seconds, 1),
        "parse_stage_per_s": round(count / parse_seconds, 1),
        "normalize_stage_per_s": round(count / normalize_seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one day of the corpus, 3 runs")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    args = parser.parse_args()
    repeat = 3 if args.quick else args.repeat

    print("loading SaudiNewsNet ...", flush=True)
    articles = load(args.quick)
    texts = [text for _, text in articles]
    megabytes = sum(len(text.encode()) for text in texts) / 1e6
    print(f"{len(texts)} articles, {megabytes:.1f} MB of UTF-8 text", flush=True)

    variants: dict[str, Callable[[str], object]] = {
        "marsad display_text": display_text,
        "marsad match_key": match_key,
        "marsad fold (key + offsets)": fold,
        "pyarabic key chain": pyarabic_key,
    }
    rows: dict[str, dict[str, float]] = {}
    for name, function in variants.items():
        print(f"timing {name} ...", flush=True)
        timings = best_of(repeat, lambda f=function: [f(text) for text in texts])  # type: ignore[misc]
        median = statistics.median(timings)
        rows[name] = {"median_s": round(median, 3), "mb_per_s": round(megabytes / median, 2)}
    reference = rows["pyarabic key chain"]["mb_per_s"]
    for row in rows.values():
        row["ratio_to_pyarabic"] = round(row["mb_per_s"] / reference, 2)

    print("timing parse_text ...", flush=True)
    parse_timings = best_of(
        repeat, lambda: [parse_text(text, title=title) for title, text in articles]
    )
    parse_rate = len(articles) / statistics.median(parse_timings)
    print("timing the parse and normalize stages on 2015-08-10 ...", flush=True)
    stages = pipeline_rate(CORPUS / "2015-08-10.zip")

    print(f"\n{'variant':<30} {'median s':>9} {'MB/s':>7} {'x pyarabic':>10}")
    for name, row in rows.items():
        print(
            f"{name:<30} {row['median_s']:>9} {row['mb_per_s']:>7} {row['ratio_to_pyarabic']:>10}"
        )
    print(f"\nparse_text: {parse_rate:.0f} articles/s (median of {repeat})")
    print(f"stages on one day (SQLite, one run): {stages}")

    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "articles": len(texts),
        "megabytes": round(megabytes, 1),
        "repeat": repeat,
        "normalization": rows,
        "parse_text_articles_per_s": round(parse_rate, 1),
        "stages_one_day": stages,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("normalize_quick.json" if args.quick else "normalize.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
