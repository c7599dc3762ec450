"""Pipeline batch size against speed: `marsad ingest` of the same articles with
``MARSAD_BATCH_SIZE`` 10, 50 (the default) and 200, into SQLite and PostgreSQL.

A batch is one transaction per stage: larger batches mean fewer commits, statements and
turns of the stage locks, but more to redo when a batch fails (its articles are run
again one by one) and more held in memory. Each run ingests bench/corpora.py's first
``--articles`` articles into a new, upgraded database (PostgreSQL on 127.0.0.1:5432, in
databases made and dropped here), every stage on, start-up included; the sizes take
turns within each repeat, and the median of ``--repeat`` runs is reported. CPU time (of
the `marsad` process) is given beside the wall clock; on PostgreSQL the server's own
work is not in it.

    .venv/bin/python bench/batch_sizes.py [--articles 600] [--sizes 10,50,200] [--repeat 2]

Figures go to bench/results/batch_sizes.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from corpora import write_corpus
from throughput import PER_FILE, RESULTS, Timing, databases, machine, run_ingest, say


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--sizes", default="10,50,200", help="comma-separated batch sizes")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    kinds = args.databases.split(",")
    runs: dict[str, dict[int, list[Timing]]] = {kind: {s: [] for s in sizes} for kind in kinds}
    with tempfile.TemporaryDirectory() as temporary, databases(Path(temporary)) as made:
        paths = write_corpus(Path(temporary) / "inputs", args.articles, PER_FILE)
        if "postgresql" in kinds and made.server is None:
            say("PostgreSQL is not reachable at 127.0.0.1:5432: skipped")
            kinds.remove("postgresql")
        for repeat in range(args.repeat):
            for kind in kinds:
                for size in sizes:
                    os.environ["MARSAD_BATCH_SIZE"] = str(size)
                    timing = run_ingest(made.new(kind), paths)
                    runs[kind][size].append(timing)
                    rate = args.articles / timing.wall_s
                    say(f"[{repeat + 1}/{args.repeat}] {kind} batch {size}: {rate:.1f} articles/s")
    os.environ.pop("MARSAD_BATCH_SIZE", None)
    figures: dict[str, Any] = {}
    for kind in kinds:
        figures[kind] = {}
        for size in sizes:
            wall = statistics.median(t.wall_s for t in runs[kind][size])
            cpu = statistics.median(t.cpu_s for t in runs[kind][size])
            figures[kind][str(size)] = {
                "articles_per_s": round(args.articles / wall, 1),
                "articles_per_cpu_s": round(args.articles / cpu, 1),
                "wall_s": [round(t.wall_s, 2) for t in runs[kind][size]],
            }
    print(f"\n{args.articles} articles, median of {args.repeat}: articles/s (per CPU second)")
    for kind, by_size in figures.items():
        cells = ", ".join(
            f"batch {size}: {f['articles_per_s']} ({f['articles_per_cpu_s']})"
            for size, f in by_size.items()
        )
        print(f"  {kind}: {cells}")
    result = {"articles": args.articles, "repeat": args.repeat, "machine": machine()}
    result["figures"] = figures
    path = RESULTS / "batch_sizes.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
