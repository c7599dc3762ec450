"""Executors side by side on PostgreSQL: articles/s of the pipeline in this process, in a
process pool of 1 and 2 workers, and on a Dask LocalCluster of 1 and 2 workers.

Each run stores the same SaudiNewsNet articles (2015-08-10, then 2015-08-01; written
as JSON Lines files) into a new database on 127.0.0.1:5432, untimed, then times the
processing of everything pending with one executor, its start-up included (the pool's
processes, the cluster; each worker builds its plugins on its first batch). The
variants take turns within each repeat; the median of the repeats is reported, with
the ratio of 2 workers to 1 beside the 1.8x a second core should give.

Dedupe, link and cluster read what their runs on other articles wrote, so each takes a
lock on its name for its transaction (core/coordination.py): two batches of one of them
never run at once, and two workers overlap there only when they are in different stages.
The other stages run in both workers at once. On this 2-core machine PostgreSQL's own
work (about a third of a core per worker) shares the cores with the workers.

    .venv/bin/python bench/executors.py [--articles 1000] [--repeat 3] [--quick]

Figures go to bench/results/executors.json (executors_quick.json with --quick).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CORPUS, PostgresServer, _admin_url  # noqa: E402
from dedupe import machine  # noqa: E402
from test_kill_and_concurrency import write_inputs  # noqa: E402

from marsad.core.application import Marsad  # noqa: E402
from marsad.core.db import make_engine  # noqa: E402
from marsad.core.executors import Dask, Executor, InProcess, ProcessPool, Work  # noqa: E402
from marsad.core.schema import upgrade  # noqa: E402
from marsad.core.settings import Settings  # noqa: E402

FLOOR = 1.8  # what 2 workers should give over 1 on 2 cores
VARIANTS: dict[str, Callable[[], Executor]] = {
    "inprocess": InProcess,
    "processes-1": lambda: ProcessPool(1),
    "processes-2": lambda: ProcessPool(2),
    "dask-1": lambda: Dask(workers=1),
    "dask-2": lambda: Dask(workers=2),
}


def one_run(server: PostgresServer, paths: list[Path], variant: str) -> dict[str, float]:
    url = server.create_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = Marsad(Settings(database_url=url))
    try:
        stored = app.ingest(paths)
        assert not stored.errors, stored.errors[:3]
        started = time.perf_counter()
        with VARIANTS[variant]() as executor:
            if isinstance(executor, Dask):
                executor.client()  # the cluster's start-up, timed apart too
            ready = time.perf_counter()
            report = executor.run(app, Work())
        seconds = time.perf_counter() - started
    finally:
        app.close()
    return {
        "seconds": seconds,
        "startup_seconds": ready - started,
        "articles": report.articles,
        "failed_runs": len(report.failures),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 articles, 1 repeat")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.repeat = 200, 1
    variants = args.variants.split(",")
    if not CORPUS.exists():
        raise SystemExit(f"corpus not found at {CORPUS}")
    admin = _admin_url()
    if admin is None:
        raise SystemExit("PostgreSQL is not reachable at 127.0.0.1:5432")
    server = PostgresServer(admin)
    about = {**machine(), "date": datetime.now(UTC).isoformat(timespec="seconds")}
    runs: dict[str, list[dict[str, float]]] = {variant: [] for variant in variants}
    try:
        with tempfile.TemporaryDirectory() as folder:
            paths = write_inputs(Path(folder), args.articles, files=4)
            for repeat in range(args.repeat):
                for variant in variants:
                    run = one_run(server, paths, variant)
                    runs[variant].append(run)
                    print(
                        f"[{repeat + 1}/{args.repeat}] {variant:>12}: {run['seconds']:6.1f} s "
                        f"({args.articles / run['seconds']:5.1f} articles/s, "
                        f"start-up {run['startup_seconds']:.1f} s)",
                        flush=True,
                    )
    finally:
        server.drop_all()

    rates = {
        variant: args.articles / statistics.median(r["seconds"] for r in runs[variant])
        for variant in variants
    }
    ratios = {
        kind: rates[f"{kind}-2"] / rates[f"{kind}-1"]
        for kind in ("processes", "dask")
        if f"{kind}-1" in rates and f"{kind}-2" in rates
    }
    print(f"\n{args.articles} articles, median of {args.repeat}:")
    for variant, rate in rates.items():
        print(f"  {variant:>12}: {rate:6.1f} articles/s")
    for kind, ratio in ratios.items():
        verdict = "meets" if ratio >= FLOOR else "below"
        print(f"  {kind}: 2 workers / 1 = {ratio:.2f}x ({verdict} the {FLOOR}x floor)")

    name = "executors_quick.json" if args.quick else "executors.json"
    out = ROOT / "bench" / "results" / name
    result = {
        "articles": args.articles,
        "repeat": args.repeat,
        "database": "postgresql",
        "articles_per_second_median": {v: round(r, 2) for v, r in rates.items()},
        "ratio_2_to_1": {k: round(r, 2) for k, r in ratios.items()},
        "floor": FLOOR,
        "runs": runs,
        "machine": about,
    }
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"saved {out}")


if __name__ == "__main__":
    main()
