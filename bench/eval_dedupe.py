"""Wire -> copy links on SaudiNewsNet 2015-08-10, and a fixed sample of them to judge.

Ingests the day into a temporary SQLite database (or reuses ``--db``), runs parse,
normalize and dedupe, lists every link whose original is the wire (``was``), and writes
a sample of ``--sample`` links (fixed seed) with both titles and their shared
passages to ``bench/results/dedupe_sample.md`` for a person to read. Judgments are
kept in ``bench/results/dedupe_judgments.json`` (link key -> verdict and reason); the
precision is computed from them when they cover the sample.

Run: .venv/bin/python bench/eval_dedupe.py [--db PATH] [--sample 50]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from marsad.core import Article, ArticleLink, ArticleLinkKind
from marsad.core.application import Marsad
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DAY = ROOT.parent / "shared" / "corpus" / "saudinewsnet" / "2015-08-10.zip"
RESULTS = ROOT / "bench" / "results"
WIRE = "was"


def build(db: Path) -> Marsad:
    app = Marsad(Settings(database_url=f"sqlite:///{db}"))
    upgrade(app.engine)
    with app.session_factory() as session:
        done = session.scalar(select(Article.id).limit(1)) is not None
    if not done:
        report = app.ingest([DAY])
        app.pipeline().run(report.article_ids, only=["parse", "normalize", "dedupe"])
    return app


def clip(text: str, size: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size] + " …"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="SQLite file to reuse or create")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20150810)
    args = parser.parse_args(argv)
    if not DAY.exists():
        print(f"corpus not found at {DAY}", file=sys.stderr)
        return 2
    folder = tempfile.mkdtemp(prefix="marsad-eval-")
    app = build(args.db or Path(folder) / "day.db")
    with app.session_factory() as session:
        links = session.scalars(select(ArticleLink).order_by(ArticleLink.id)).all()
        articles = {a.id: a for a in session.scalars(select(Article))}
        outlet = {i: (a.outlet.name if a.outlet else "?") for i, a in articles.items()}
        kinds = Counter(link.kind.value for link in links)
        wire_links = [
            link
            for link in links
            if link.kind is not ArticleLinkKind.SAME_STORY
            and outlet[link.target_id] == WIRE
            and outlet[link.source_id] != WIRE
        ]
        wrong_way = [
            link
            for link in links
            if link.kind is not ArticleLinkKind.SAME_STORY
            and outlet[link.source_id] == WIRE
            and outlet[link.target_id] != WIRE
        ]
        sample = random.Random(args.seed).sample(wire_links, min(args.sample, len(wire_links)))
        rows = []
        for link in sample:
            copy, original = articles[link.source_id], articles[link.target_id]
            passages = link.evidence.get("passages", [])
            rows.append(
                {
                    "key": f"{original.url} -> {copy.url}",
                    "kind": link.kind.value,
                    "score": link.score,
                    "share_of_copy": link.evidence.get("share_of_source"),
                    "wire_title": original.title,
                    "copy_outlet": outlet[copy.id],
                    "copy_title": copy.title,
                    "passages": len(passages),
                    "wire_passage": clip(passages[0]["original_text"]) if passages else "",
                    "copy_passage": clip(passages[0]["text"]) if passages else "",
                    "wire_lead": clip(original.text or "", 200),
                    "copy_lead": clip(copy.text or "", 200),
                }
            )
    summary = {
        "articles": len(articles),
        "links": dict(kinds),
        "wire_to_copy_links": len(wire_links),
        "copies_of_wire": len({link.source_id for link in wire_links}),
        "wire_items_republished": len({link.target_id for link in wire_links}),
        "wire_items": sum(1 for name in outlet.values() if name == WIRE),
        "links_with_wire_as_copy": len(wrong_way),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    judged_path = RESULTS / "dedupe_judgments.json"
    judged = json.loads(judged_path.read_text()) if judged_path.exists() else {}
    verdicts = [judged[row["key"]]["correct"] for row in rows if row["key"] in judged]
    if verdicts:
        summary["judged"] = len(verdicts)
        summary["precision"] = round(sum(verdicts) / len(verdicts), 3)
    (RESULTS / "dedupe_sample.json").write_text(
        json.dumps({"summary": summary, "sample": rows}, ensure_ascii=False, indent=1) + "\n"
    )
    lines = ["# Wire -> copy links, SaudiNewsNet 2015-08-10: sample to judge", ""]
    lines.append("```\n" + json.dumps(summary, indent=1) + "\n```")
    for n, row in enumerate(rows, 1):
        verdict = judged.get(row["key"])
        lines += [
            "",
            f"## {n}. {row['kind']} score {row['score']} share of copy {row['share_of_copy']}",
            f"- key: `{row['key']}`",
            f"- wire: {row['wire_title']}",
            f"- copy ({row['copy_outlet']}): {row['copy_title']}",
            f"- shared passages: {row['passages']}",
            f"- wire passage: {row['wire_passage']}",
            f"- copy passage: {row['copy_passage']}",
        ]
        if verdict:
            lines.append(
                f"- judgment: {'correct' if verdict['correct'] else 'INCORRECT'} ({verdict['why']})"
            )
    (RESULTS / "dedupe_sample.md").write_text("\n".join(lines) + "\n")
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
