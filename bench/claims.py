"""Extract + link throughput on a SaudiNewsNet day, and link time vs story size.

1. Throughput: the articles of one SaudiNewsNet day are ingested into a fresh SQLite
   database and parsed and normalised; then ``extract`` and ``link`` run over them,
   timed per stage (median of ``--repeat`` runs), reported in articles/s.
2. Story size: synthetic stories of N articles, each article a real one whose first
   sentence is replaced by one shared event sentence with a count that differs per
   article ("سقطت K صواريخ على ..."), so every article of a story shares a slot with
   every other. Link time per article should flatten once a slot's candidate window
   (``link.PER_SIDE``) is full: no all-pairs across the corpus.

    .venv/bin/python bench/claims.py [--quick] [--repeat 3]
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from marsad.core.application import Marsad
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"


def day_articles(limit: int | None) -> list[dict[str, Any]]:
    zips = sorted(CORPUS.glob("*.zip"))
    if not zips:
        sys.exit(f"SaudiNewsNet not found at {CORPUS}")
    with zipfile.ZipFile(zips[0]) as archive:
        name = archive.namelist()[0]
        rows = json.loads(archive.read(name))
    rows = [r for r in rows if (r.get("content") or "").strip()]
    return rows[:limit] if limit else rows


def fresh(folder: Path, name: str) -> Marsad:
    marsad = Marsad(Settings(database_url=f"sqlite:///{folder / name}.db", batch_size=100))
    upgrade(marsad.engine)
    return marsad


def ingest(marsad: Marsad, folder: Path, texts: list[tuple[str, str]]) -> list[int]:
    path = folder / "in.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for title, text in texts:
            handle.write(json.dumps({"title": title, "text": text}, ensure_ascii=False) + "\n")
    report = marsad.ingest([path])
    marsad.pipeline().run(report.article_ids, only=["parse", "normalize"])
    return report.article_ids


def timed(marsad: Marsad, ids: list[int], stage: str) -> float:
    started = time.perf_counter()
    marsad.pipeline().run(ids, only=[stage])
    return time.perf_counter() - started


def throughput(rows: list[dict[str, Any]], repeat: int) -> dict[str, Any]:
    texts = [(r.get("title") or "", r["content"]) for r in rows]
    extract, link = [], []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        marsad = fresh(folder, "day")
        ids = ingest(marsad, folder, texts)
        for _ in range(repeat):
            extract.append(timed(marsad, ids, "extract"))
            link.append(timed(marsad, ids, "link"))
        marsad.close()
    e, k = statistics.median(extract), statistics.median(link)
    return {
        "articles": len(ids),
        "extract_s": e,
        "link_s": k,
        "extract_articles_per_s": len(ids) / e,
        "link_articles_per_s": len(ids) / k,
        "extract_link_articles_per_s": len(ids) / (e + k),
    }


def story_scaling(
    rows: list[dict[str, Any]], sizes: list[int], repeat: int
) -> list[dict[str, Any]]:
    results = []
    for size in sizes:
        texts = []
        for k, row in enumerate(rows[:size]):
            event = f"سقطت {3 + k % 4} صواريخ على المنطقة الخضراء في بغداد مساء الاثنين."
            texts.append((row.get("title") or "", event + "\n" + row["content"]))
        times = []
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            marsad = fresh(folder, f"story{size}")
            ids = ingest(marsad, folder, texts)
            marsad.pipeline().run(ids, only=["extract"])
            for _ in range(repeat):
                times.append(timed(marsad, ids, "link"))
            marsad.close()
        median = statistics.median(times)
        results.append(
            {
                "articles_per_story": size,
                "link_s": median,
                "link_ms_per_article": 1000 * median / size,
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 articles, small stories")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = day_articles(200 if args.quick else None)
    sizes = [25, 50, 100, 200] if args.quick else [50, 100, 200, 400, 800]
    day = throughput(rows, args.repeat)
    print(
        f"extract+link on {day['articles']} SaudiNewsNet articles: "
        f"extract {day['extract_articles_per_s']:.1f}/s, link {day['link_articles_per_s']:.1f}/s, "
        f"both {day['extract_link_articles_per_s']:.1f} articles/s"
    )
    scaling = story_scaling(day_articles(max(sizes)), sizes, args.repeat)
    print("articles/story  link s  ms/article")
    for row in scaling:
        print(
            f"{row['articles_per_story']:>14}  {row['link_s']:>6.2f}"
            f"  {row['link_ms_per_article']:>10.2f}"
        )
    out = ROOT / "bench" / "results" / "claims.json"
    out.write_text(
        json.dumps(
            {
                "quick": args.quick,
                "repeat": args.repeat,
                "throughput": day,
                "story_scaling": scaling,
                "machine": {
                    "cores": os.cpu_count(),
                    "memory_gb": round(
                        os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
                    ),
                    "python": platform.python_version(),
                    "date": datetime.now(UTC).isoformat(timespec="seconds"),
                },
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
