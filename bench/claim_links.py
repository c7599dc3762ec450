"""Claims and claim links on one real day: how many of each kind, and a sample to judge.

"Where do outlets disagree?" is only worth asking when a CONTRADICTS link is right.
This script ingests the articles of one SaudiNewsNet day (2015-08-10 by default: the
SPA wire and the papers that republish it, so the same facts appear in several
outlets) into a fresh SQLite database with every stage on, counts claims by kind and
quantity kind and claim links by kind, and draws a fixed-seed sample of links of each
kind with both claims, their sentences and outlets, for a person to judge.

    .venv/bin/python bench/claim_links.py [--limit 1500] [--sample 40] [--day 2015-08-10]

Figures go to bench/results/claim_links.json; the sample to
bench/results/claim_links_sample.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from marsad.core import Article, Claim, ClaimLink, Outlet
from marsad.core.application import Marsad
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"
RESULTS = ROOT / "bench" / "results"


def write_day(day: str, limit: int, folder: Path) -> Path:
    """The first ``limit`` articles of the day's dump, as a dump of their own."""
    source = CORPUS / f"{day}.zip"
    if not source.exists():
        sys.exit(f"corpus not found: {source} (see ../shared/corpus/README.md)")
    with zipfile.ZipFile(source) as archive:
        name = archive.namelist()[0]
        records = json.loads(archive.read(name))
    records = [r for r in records if (r.get("content") or "").strip()][:limit]
    target = folder / f"{day}.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(name, json.dumps(records, ensure_ascii=False))
    return target


def claim_row(claim: Claim, article: Article, outlet: str | None) -> dict[str, Any]:
    sentence = (claim.extra or {}).get("sentence") or claim.text
    return {
        "article": article.id,
        "outlet": outlet,
        "kind": claim.kind.value,
        "text": claim.text,
        "value": claim.quantity_value,
        "unit": claim.quantity_unit,
        "qualifier": claim.qualifier.value if claim.qualifier else None,
        "speaker": claim.speaker_text,
        "sentence": sentence[:400],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", default="2015-08-10")
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="300 articles, 20 per kind")
    args = parser.parse_args()
    limit, sample = (300, 20) if args.quick else (args.limit, args.sample)

    with tempfile.TemporaryDirectory() as folder:
        dump = write_day(args.day, limit, Path(folder))
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = Marsad(Settings(database_url=url))
        upgrade(app.engine)
        started = time.perf_counter()
        report = app.ingest([dump])
        app.pipeline().run(report.article_ids)
        seconds = time.perf_counter() - started
        with app.session_factory() as session:
            claims = Counter(
                (kind.value, quantity_kind.value if quantity_kind else None)
                for kind, quantity_kind in session.execute(select(Claim.kind, Claim.quantity_kind))
            )
            source, target = aliased(Claim), aliased(Claim)
            source_article, target_article = aliased(Article), aliased(Article)
            rows = session.execute(
                select(ClaimLink, source, target, source_article, target_article)
                .join(source, ClaimLink.source_id == source.id)
                .join(target, ClaimLink.target_id == target.id)
                .join(source_article, source.article_id == source_article.id)
                .join(target_article, target.article_id == target_article.id)
                .order_by(ClaimLink.id)
            ).all()
            outlets = dict(session.execute(select(Outlet.id, Outlet.name)).tuples().all())
            links = Counter(row[0].kind.value for row in rows)
            by_kind: dict[str, list[dict[str, Any]]] = {}
            for link, a, b, article_a, article_b in rows:
                by_kind.setdefault(link.kind.value, []).append(
                    {
                        "score": link.score,
                        "evidence": link.evidence,
                        "a": claim_row(a, article_a, outlets.get(article_a.outlet_id)),
                        "b": claim_row(b, article_b, outlets.get(article_b.outlet_id)),
                    }
                )
    chosen = {
        kind: random.Random(20261130).sample(items, min(sample, len(items)))
        for kind, items in sorted(by_kind.items())
    }
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "day": args.day,
        "articles": len(report.article_ids),
        "seconds": round(seconds, 1),
        "claims": {
            f"{kind}/{quantity_kind}" if quantity_kind else kind: count
            for (kind, quantity_kind), count in sorted(claims.items(), key=str)
        },
        "claim_links": dict(sorted(links.items())),
        "sample": chosen,
    }
    RESULTS.mkdir(exist_ok=True)
    name = "claim_links_quick" if args.quick else "claim_links"
    (RESULTS / f"{name}.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    lines = [f"# Claim links on {args.day}: {len(report.article_ids)} articles\n"]
    for kind, items in chosen.items():
        lines.append(f"\n## {kind} ({links[kind]} links, {len(items)} sampled)\n")
        for number, item in enumerate(items, 1):
            a, b = item["a"], item["b"]
            lines.append(f"\n{number}. score {item['score']} evidence {item['evidence']}\n")
            lines.append(f"   - A ({a['outlet']}): «{a['text']}» in: {a['sentence']}\n")
            lines.append(f"   - B ({b['outlet']}): «{b['text']}» in: {b['sentence']}\n")
    (RESULTS / f"{name}_sample.md").write_text("".join(lines), encoding="utf-8")
    print(f"{len(report.article_ids)} articles in {seconds:.0f} s")
    print("claims:", json.dumps(figures["claims"], ensure_ascii=False))
    print("claim links:", json.dumps(figures["claim_links"]))
    print(f"sample: {RESULTS / f'{name}_sample.md'}")


if __name__ == "__main__":
    main()
