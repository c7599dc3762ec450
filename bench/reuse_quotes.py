"""REUSES against shared quotes: the seeds gold, and wire copies on SaudiNewsNet 2015-08-10.

Two articles that only quote the same statement are not text reuse; copied narration
is. This script measures the dedupe stage on both sides of that line:

- seeds: the five seed articles through parse, normalize and dedupe; every pair linked
  REUSES or DUPLICATE against the gold's ``text_reuse`` pairs (strong, passage and
  duplicates): precision and recall per pair of articles;
- wire: a fixed sample of ``--sample`` articles of SaudiNewsNet 2015-08-10 (seed
  ``--seed``), the same stages; links from a newspaper (copy) to the SPA wire ``was``
  (original), which must stay REUSES or DUPLICATE.

Each run is saved under ``--label`` in ``bench/results/reuse_quotes.json`` with the
dedupe stage's version and the wire links themselves (by URL), so a run after a
change lists the wire links it lost and gained against the run before it.

Run: .venv/bin/python bench/reuse_quotes.py --label before [--sample 1500] [--quick]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import tempfile
import time
import zipfile
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy import select

from marsad.core import Article, ArticleLink, ArticleLinkKind
from marsad.core.application import Marsad
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.plugins.dedupe import Dedupe

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
GOLD = ROOT / "tests" / "data" / "seeds.json"
DAY = ROOT.parent / "shared" / "corpus" / "saudinewsnet" / "2015-08-10.zip"
RESULTS = ROOT / "bench" / "results" / "reuse_quotes.json"
WIRE = "was"
STAGES = ["parse", "normalize", "dedupe"]
COPIED = (ArticleLinkKind.REUSES, ArticleLinkKind.DUPLICATE)


def fresh_app(folder: Path, name: str) -> Marsad:
    settings = Settings(database_url=f"sqlite:///{folder / name}")
    app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    upgrade(app.engine)
    return app


def copied_links(app: Marsad) -> tuple[dict[int, Article], list[ArticleLink]]:
    with app.session_factory() as session:
        articles = {a.id: a for a in session.scalars(select(Article))}
        for article in articles.values():
            _ = article.outlet, article.raw_input  # loaded before the session closes
        links = [
            link
            for link in session.scalars(select(ArticleLink).order_by(ArticleLink.id))
            if link.kind in COPIED
        ]
    return articles, links


def gold_pairs() -> set[frozenset[str]]:
    reuse = json.loads(GOLD.read_text(encoding="utf-8"))["text_reuse"]
    rows = reuse["strong"] + reuse["passage"] + reuse["duplicates"]
    return {frozenset(row[:2]) for row in rows}


def seeds_run(folder: Path) -> dict[str, Any]:
    app = fresh_app(folder, "seeds.db")
    try:
        report = app.ingest(sorted(SEEDS.glob("*.txt")))
        app.pipeline().run(report.article_ids, only=STAGES)
        articles, links = copied_links(app)
    finally:
        app.close()
    name = {i: a.raw_input.source.rsplit("/", 1)[-1] for i, a in articles.items()}
    found = {frozenset((name[link.source_id], name[link.target_id])) for link in links}
    gold = gold_pairs()
    short = {n: n[:3] for n in name.values()}
    pairs = [
        {
            "pair": sorted(short[n] for n in pair),
            "gold": pair in gold,
            "linked": pair in found,
        }
        for pair in map(frozenset, combinations(sorted(name.values()), 2))
    ]
    right = len(found & gold)
    return {
        "pairs_linked": len(found),
        "gold_pairs": len(gold),
        "correct": right,
        "precision": round(right / len(found), 3) if found else None,
        "recall": round(right / len(gold), 3) if gold else None,
        "table": pairs,
        "links": [
            {
                "copy": short[name[link.source_id]],
                "original": short[name[link.target_id]],
                "kind": link.kind.value,
                "share_of_source": link.evidence.get("share_of_source"),
                "narration_words": link.evidence.get("narration_words"),
                "passages": len(link.evidence.get("passages", [])),
            }
            for link in links
        ],
    }


def day_sample(size: int, seed: int, folder: Path) -> Path:
    """A zip like the day's holding a fixed sample of its non-empty articles."""
    with zipfile.ZipFile(DAY) as archive:
        (member,) = archive.namelist()
        items = json.loads(archive.read(member))
    items = [item for item in items if (item.get("content") or "").strip()]
    chosen = random.Random(seed).sample(items, min(size, len(items)))
    path = folder / "sample.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, json.dumps(chosen, ensure_ascii=False))
    return path


def wire_run(folder: Path, size: int, seed: int) -> dict[str, Any]:
    app = fresh_app(folder, "day.db")
    try:
        report = app.ingest([day_sample(size, seed, folder)])
        started = time.perf_counter()
        app.pipeline().run(report.article_ids, only=STAGES)
        seconds = time.perf_counter() - started
        articles, links = copied_links(app)
    finally:
        app.close()
    outlet = {i: (a.outlet.name if a.outlet else "?") for i, a in articles.items()}
    wire_links = [
        link for link in links if outlet[link.target_id] == WIRE and outlet[link.source_id] != WIRE
    ]
    return {
        "articles": len(articles),
        "wire_items": sum(1 for name in outlet.values() if name == WIRE),
        "pipeline_seconds": round(seconds, 1),
        "copied_links": dict(Counter(link.kind.value for link in links)),
        "wire_copy_links": len(wire_links),
        "wire_copy_kinds": dict(Counter(link.kind.value for link in wire_links)),
        "copies_of_wire": len({link.source_id for link in wire_links}),
        "wire_items_republished": len({link.target_id for link in wire_links}),
        "wire_link_keys": sorted(
            f"{articles[link.target_id].url} -> {articles[link.source_id].url}"
            for link in wire_links
        ),
    }


def compare_runs(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    old, new = set(before["wire_link_keys"]), set(after["wire_link_keys"])
    return {"lost": sorted(old - new), "gained": sorted(new - old)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", required=True, help="name of this run, e.g. before/after")
    parser.add_argument("--sample", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=20150810)
    parser.add_argument("--quick", action="store_true", help="seeds and 300 articles")
    parser.add_argument("--against", help="label of an earlier run to diff wire links with")
    args = parser.parse_args(argv)
    if not DAY.exists():
        print(f"corpus not found at {DAY}", file=sys.stderr)
        return 2
    size = 300 if args.quick else args.sample
    with tempfile.TemporaryDirectory(prefix="marsad-reuse-") as tmp:
        seeds = seeds_run(Path(tmp))
        wire = wire_run(Path(tmp), size, args.seed)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": {}}
    run: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
        "dedupe_version": Dedupe.version,
        "sample": {"size": size, "seed": args.seed, "day": DAY.name},
        "seeds": seeds,
        "wire": wire,
    }
    if args.against and args.against in saved["runs"]:
        run["wire_diff_against_" + args.against] = compare_runs(
            saved["runs"][args.against]["wire"], wire
        )
    saved["runs"][args.label] = run
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n")
    print(f"dedupe {Dedupe.version}, label {args.label}")
    print(
        f"seeds: {seeds['pairs_linked']} pairs linked REUSES/DUPLICATE, "
        f"{seeds['correct']} of {seeds['gold_pairs']} gold pairs; "
        f"precision {seeds['precision']} recall {seeds['recall']}"
    )
    for row in seeds["table"]:
        print(f"  {'-'.join(row['pair'])}  gold={row['gold']!s:5}  linked={row['linked']}")
    summary = {k: v for k, v in wire.items() if k != "wire_link_keys"}
    print("wire sample:", json.dumps(summary))
    diff = run.get("wire_diff_against_" + str(args.against))
    if diff:
        print(f"against {args.against}: lost {len(diff['lost'])}, gained {len(diff['gained'])}")
        for key in diff["lost"]:
            print("  lost:", key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
