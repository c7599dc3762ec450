"""Time per article against corpus size: one growing database, every stage on.

Articles are bench/corpora.py's corpus (the ~17,800 real SaudiNewsNet articles, then
generated ones), written as JSONL files of ``--step`` articles. For each database
(SQLite by default; ``--databases sqlite,postgresql`` adds PostgreSQL on 127.0.0.1:5432,
in a database made and dropped here), one database grows through the sizes: before
each size the database is filled (untimed) to the size minus one step, then the last
step is ingested and timed: ``marsad ingest`` as a subprocess, every stage on. The
time per article of that last increment is what a new article costs in an archive of
that size; its stages' shares come from ``stage_runs.duration_ms``. The first size,
which every ratio divides by, is timed three times on fresh databases (the median):
one run of it moved between 23 and 32 CPU ms per article on this shared machine.

The figure that matters is the ratio of the largest size's time per article to the
1,000-article one, against the issue's ceiling of 1.3x: wall clock and CPU time (of
the ingest process and its workers) are both reported; SQLite is judged on CPU time,
as the wall clock moves with other work on a shared machine, PostgreSQL on the wall
clock (the server's work is not in the ingest's CPU time).

Default sizes are 1,000, 3,000 and 10,000: at today's ~15 articles/s every stage on,
10,000 articles take about 11 minutes, what `make bench` can spend. ``--full`` goes
on to 30,000, 100,000 and 300,000 (hours at today's speed); ``--sizes`` sets any.
``--budget`` (seconds) stops before a size whose fill and increment would not fit.

    .venv/bin/python bench/scaling.py [--sizes 1000,3000,10000] [--full] [--step 1000]

Figures go to bench/results/scaling.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from corpora import write_corpus
from throughput import (
    RESULTS,
    Databases,
    Timing,
    databases,
    machine,
    run_ingest,
    say,
    stage_times,
)

DEFAULT_SIZES = "1000,3000,10000"
FULL_SIZES = "1000,3000,10000,30000,100000,300000"
CEILING = 1.3  # largest size's time per article over the 1,000-article one (issue #11)
FIRST_REPEATS = 3  # fresh runs of the first size, whose median every ratio divides by


def stage_ms(url: str) -> dict[str, float]:
    return {stage: figures["ms"] for stage, figures in stage_times(url).items()}


def database_mb(url: str) -> float | None:
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    files = [path, path.with_name(path.name + "-wal")]
    return round(sum(f.stat().st_size for f in files if f.exists()) / 2**20, 1)


def grow(
    kind: str, paths: list[Path], sizes: list[int], step: int, made: Databases, deadline: float
) -> dict[str, Any]:
    """One database through every size; a row per size reached."""
    url = made.new(kind)
    stored = 0
    rows: list[dict[str, Any]] = []
    ms_per_article = 0.0
    stopped: int | None = None  # the first size the budget left out
    for size in sizes:
        if rows and time.monotonic() + (size - stored) * ms_per_article / 1000 > deadline:
            say(f"{kind}: {size:,} would not fit the budget; stopped at {stored:,}")
            stopped = size
            break
        fill_s = 0.0
        if size - step > stored:
            say(f"{kind}: filling {stored:,} -> {size - step:,}")
            fill_s = run_ingest(url, paths[stored // step : size // step - 1]).wall_s
        before = stage_ms(url)
        load = os.getloadavg()[0]
        timing = run_ingest(url, [paths[size // step - 1]])
        if size == step:
            # Every ratio divides by this point, and one run of it moves by a third on
            # this shared machine: it is cheap, so it is the median of three.
            again = [run_ingest(made.new(kind), [paths[0]]) for _ in range(FIRST_REPEATS - 1)]
            timing = Timing(
                statistics.median(t.wall_s for t in [timing, *again]),
                statistics.median(t.cpu_s for t in [timing, *again]),
            )
        seconds = timing.wall_s
        after = stage_ms(url)
        ms_per_article = seconds * 1000 / step
        stored = size
        rows.append(
            {
                "size": size,
                "ms_per_article": round(ms_per_article, 2),
                "articles_per_s": round(step / seconds, 2),
                "cpu_ms_per_article": round(timing.cpu_s * 1000 / step, 2),
                "stage_ms_per_article": {
                    stage: round((ms - before.get(stage, 0.0)) / step, 2)
                    for stage, ms in sorted(after.items())
                },
                "fill_s": round(fill_s, 1),
                "database_mb": database_mb(url),
                "load_average": round(load, 2),
            }
        )
        say(
            f"{kind}: at {size:,} articles, {ms_per_article:.1f} ms per article "
            f"of the last {step:,}"
        )
    first, last = rows[0], rows[-1]
    ratio = last["ms_per_article"] / first["ms_per_article"]
    cpu_ratio = last["cpu_ms_per_article"] / first["cpu_ms_per_article"]
    # SQLite's work is all in the ingest process, so its CPU time is judged: the
    # wall clock moves with the other work on this shared machine. A PostgreSQL
    # server's work is not in that CPU time, so there the wall clock is judged.
    judged = cpu_ratio if kind == "sqlite" else ratio
    return {
        "rows": rows,
        "largest_size": last["size"],
        "ratio_largest_to_first": round(ratio, 3),
        "cpu_ratio_largest_to_first": round(cpu_ratio, 3),
        "judged": "cpu" if kind == "sqlite" else "wall",
        "left_out_by_budget": [size for size in sizes if stopped and size >= stopped],
        "within_ceiling": judged <= CEILING,
    }


def print_table(kind: str, result: dict[str, Any], step: int) -> None:
    rows = result["rows"]
    stages = sorted({stage for row in rows for stage in row["stage_ms_per_article"]})
    print(f"\n{kind}: ms per article of the last {step:,} articles added, by corpus size")
    print(
        f"{'size':>8} {'ms/art':>7} {'cpu ms':>7} {'art/s':>6} "
        + " ".join(f"{s[:8]:>8}" for s in stages)
    )
    for row in rows:
        per_stage = " ".join(f"{row['stage_ms_per_article'].get(s, 0):>8.1f}" for s in stages)
        print(
            f"{row['size']:>8,} {row['ms_per_article']:>7.1f} {row['cpu_ms_per_article']:>7.1f} "
            f"{row['articles_per_s']:>6.1f} {per_stage}"
        )
    print(
        f"ratio {result['largest_size']:,} / {rows[0]['size']:,}: "
        f"{result['ratio_largest_to_first']:.2f}x wall clock, "
        f"{result['cpu_ratio_largest_to_first']:.2f}x CPU (ceiling {CEILING}x, "
        f"judged on {result['judged']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--full", action="store_true", help=f"sizes {FULL_SIZES}")
    parser.add_argument("--step", type=int, default=1000, help="articles in the timed increment")
    parser.add_argument("--databases", default="sqlite", help="sqlite and/or postgresql")
    parser.add_argument("--quick", action="store_true", help="sizes 300,600 in steps of 300")
    parser.add_argument("--budget", type=float, default=0, help="seconds; 0: no limit")
    args = parser.parse_args()
    sizes_text = FULL_SIZES if args.full else args.sizes
    if args.quick:
        sizes_text, args.step = "300,600", 300
    sizes = sorted(int(size) for size in sizes_text.split(","))
    if any(size % args.step for size in sizes):
        parser.error(f"every size must be a multiple of --step ({args.step})")
    deadline = time.monotonic() + (args.budget or float("inf"))
    results: dict[str, Any] = {"sizes": sizes, "step": args.step, "ceiling": CEILING}
    results["machine"] = machine()
    with tempfile.TemporaryDirectory() as temporary, databases(Path(temporary)) as made:
        paths = write_corpus(Path(temporary) / "inputs", sizes[-1], args.step)
        say(f"{sizes[-1]:,} articles in {len(paths)} JSONL files of {args.step:,}")
        for kind in args.databases.split(","):
            if kind == "postgresql" and made.server is None:
                say("PostgreSQL is not reachable at 127.0.0.1:5432: skipped")
                continue
            results[kind] = grow(kind, paths, sizes, args.step, made, deadline)
            print_table(kind, results[kind], args.step)
    out = RESULTS / ("scaling_quick.json" if args.quick else "scaling.json")
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"saved {out}")


if __name__ == "__main__":
    main()
