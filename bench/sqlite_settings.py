"""SQLite settings side by side: the same `marsad ingest` under each set of PRAGMAs.

marsad sets WAL (readers never wait for the writer), ``synchronous=NORMAL`` (in WAL
mode a crash of the process or the machine loses no committed transaction's
consistency; a power cut may lose the last few commits, which the pipeline redoes
because pending work is derived from the database), a 64 MiB page cache and temporary
tables in memory. This script measures what each of those buys, on the seeds plus N
SaudiNewsNet articles, variants interleaved and repeated (median), in one run.

    .venv/bin/python bench/sqlite_settings.py [--articles 300] [--repeats 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import SEEDS  # noqa: E402
from test_kill_and_concurrency import write_inputs  # noqa: E402

# Each variant: the PRAGMAs run on every new connection, after marsad's own.
VARIANTS: dict[str, list[str]] = {
    "wal, synchronous=full (SQLite's default)": [
        "PRAGMA synchronous=FULL",
        "PRAGMA cache_size=-2000",
        "PRAGMA temp_store=DEFAULT",
    ],
    "wal, synchronous=normal": [
        "PRAGMA synchronous=NORMAL",
        "PRAGMA cache_size=-2000",
        "PRAGMA temp_store=DEFAULT",
    ],
    "marsad: normal, 64 MiB cache, temp in memory": [],
}

DRIVER = """
import sys
from marsad.core import db
pragmas = sys.argv[1].split(";") if sys.argv[1] else []
configure = db._configure_sqlite
def patched(connection, record):
    configure(connection, record)
    cursor = connection.cursor()
    for pragma in pragmas:
        cursor.execute(pragma)
    cursor.close()
db._configure_sqlite = patched
from marsad.core.cli import main
sys.argv = ["marsad", *sys.argv[2:]]
main()
"""


def run(pragmas: list[str], paths: list[Path], folder: Path) -> float:
    database = folder / f"{time.monotonic_ns()}.db"
    env = {**os.environ, "MARSAD_DATABASE_URL": f"sqlite:///{database}", "NO_COLOR": "1"}
    command = [sys.executable, "-c", DRIVER, ";".join(pragmas)]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run([*command, "ingest", *map(str, paths)], env=env, capture_output=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stderr.decode()[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100 articles, 2 repeats")
    args = parser.parse_args()
    articles, repeats = (100, 2) if args.quick else (args.articles, args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [SEEDS, *write_inputs(folder / "inputs", articles, 1)]
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for repeat in range(repeats):
            for name, pragmas in VARIANTS.items():  # interleaved: noise hits all alike
                times[name].append(run(pragmas, paths, folder))
                print(f"  repeat {repeat + 1}: {name}: {times[name][-1]:.1f} s", flush=True)
    total = articles + 5
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians[next(iter(VARIANTS))]
    rows = [
        {
            "variant": name,
            "median_s": round(median, 2),
            "articles_per_s": round(total / median, 1),
            "speedup": round(baseline / median, 3),
            "runs_s": [round(t, 2) for t in times[name]],
        }
        for name, median in medians.items()
    ]
    for row in rows:
        print(
            f"{row['variant']:<48} {row['median_s']:>7} s "
            f"{row['articles_per_s']:>7}/s  x{row['speedup']}"
        )
    result = {
        "benchmark": "sqlite_settings",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "articles": total,
        "repeats": repeats,
        "variants": rows,
    }
    out = ROOT / "bench" / "results" / "sqlite_settings.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
