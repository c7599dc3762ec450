"""End-to-end ingest throughput: the whole `marsad ingest` on SaudiNewsNet, every stage on.

For each database (SQLite in a temporary file; PostgreSQL on 127.0.0.1:5432, in a
database this script creates and drops), on the same ``--articles`` articles (the first
of bench/corpora.py's corpus: 2015-08-10 and on, written as JSONL files):

- ingest: `marsad ingest FILES` as a subprocess into a new, upgraded database (process
  start-up included), articles/s as the median of ``--repeat`` runs;
- floor: `marsad ingest --no-process FILES` (read the files and store the raw
  records, the reader + ``store_records`` and nothing else): the most any pipeline
  could reach on this machine and database;
- per stage: the sum of ``stage_runs.duration_ms`` of the last ingest, as ms per
  article and as shares of the ingest's time; what is left (the run minus the floor
  and the stages) is the pipeline's own work: loading, batching, commits.

Start-up (imports, plugins, the schema check) is timed apart, as an ingest of one
article with --no-process. CPU time (of `marsad` and any worker processes) is reported beside the
wall clock: this machine is shared, and others' work slows the wall clock far more.

The issue's target is 200 articles/s into SQLite. ``--budget`` (seconds) stops
repeating once the next run would not fit (each database runs at least once).

``--profile`` runs one ingest in this process under cProfile instead (SQLite), prints
the top functions by cumulative and by own time and saves them to
bench/results/profile.txt.

    .venv/bin/python bench/throughput.py [--articles 2000] [--repeat 3] [--profile]

Figures go to bench/results/throughput.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import PostgresServer, _admin_url  # noqa: E402
from corpora import write_corpus  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from marsad.core.db import make_engine  # noqa: E402
from marsad.core.models import StageRun  # noqa: E402
from marsad.core.schema import upgrade  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MARSAD = Path(sys.executable).with_name("marsad")
TARGET = 200.0  # articles/s into SQLite, every stage on (issue #11)
PER_FILE = 200


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def machine() -> dict[str, Any]:
    """Where and when: cores, memory, Python, load, date and the code's commit."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    # Other agents change the code while benchmarks run: what was not committed.
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\n")
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit or None,
        "uncommitted": sorted(line[3:] for line in changed if line.strip()),
    }


class Databases:
    """New, upgraded databases of one kind; PostgreSQL ones are dropped at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made = 0
        admin = _admin_url()
        self.server = PostgresServer(admin) if admin else None

    def new(self, kind: str) -> str:
        self.made += 1
        if kind == "sqlite":
            url = f"sqlite:///{self.folder / f'bench-{self.made}.db'}"
        elif self.server is None:
            raise RuntimeError("PostgreSQL is not reachable at 127.0.0.1:5432")
        else:
            url = self.server.create_database()
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url

    def close(self) -> None:
        if self.server is not None:
            self.server.drop_all()


@contextmanager
def databases(folder: Path) -> Iterator[Databases]:
    made = Databases(folder)
    try:
        yield made
    finally:
        made.close()


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of a run, and the CPU seconds (user + system) it and its
    worker processes used: on this shared 2-core machine other agents' work slows
    the wall clock, much less the CPU time."""

    wall_s: float
    cpu_s: float


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ingest(url: str, paths: list[Path], *, process: bool = True) -> Timing:
    """How long `marsad ingest` takes, start-up included; fails loudly on an error."""
    env = {**os.environ, "MARSAD_DATABASE_URL": url, "NO_COLOR": "1"}
    env.pop("MARSAD_DISABLE_PLUGINS", None)  # every stage on
    command = [str(MARSAD), "ingest", *([] if process else ["--no-process"]), *map(str, paths)]
    cpu_before, started = _children_cpu_s(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    timing = Timing(time.perf_counter() - started, _children_cpu_s() - cpu_before)
    if done.returncode != 0 and not (done.returncode == 1 and only_refusals(done.stderr)):
        raise RuntimeError(f"marsad ingest failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return timing


def only_refusals(stderr: str) -> bool:
    """Whether every error line is an article refused for its input (an empty body, a
    dateline only): what a real corpus holds, recorded and gone past, exit code 1."""
    errors = [line for line in stderr.splitlines() if line.startswith("error")]
    return bool(errors) and all("refused:" in line for line in errors)


def stage_times(url: str) -> dict[str, dict[str, float]]:
    """Per stage: runs and the summed ``duration_ms`` in the database at ``url``."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(StageRun.stage, func.count(), func.sum(StageRun.duration_ms)).group_by(
                    StageRun.stage
                )
            ).all()
    finally:
        engine.dispose()
    return {stage: {"runs": runs, "ms": float(total or 0.0)} for stage, runs, total in rows}


def shares(
    stages: dict[str, dict[str, float]],
    articles: int,
    run_s: float,
    floor_s: float,
    startup_s: float,
) -> dict[str, dict[str, float]]:
    """ms per article and share of the run's time, per stage, then start-up, storing
    (the floor without start-up) and what is left (the pipeline's own work), largest
    first."""
    parts = {name: figures["ms"] for name, figures in stages.items()}
    parts["(start-up)"] = startup_s * 1000
    parts["(reading and storing)"] = max(0.0, floor_s - startup_s) * 1000
    parts["(pipeline, outside stages)"] = max(0.0, run_s * 1000 - sum(parts.values()))
    total = run_s * 1000
    return {
        name: {"ms_per_article": round(ms / articles, 2), "share": round(ms / total, 3)}
        for name, ms in sorted(parts.items(), key=lambda item: -item[1])
    }


def measure(
    kind: str, paths: list[Path], articles: int, repeat: int, made: Databases, deadline: float
) -> dict[str, Any]:
    """Floor runs first (they are short), then the ingests; medians of each."""
    floors = [run_ingest(made.new(kind), paths, process=False) for _ in range(repeat)]
    floor_s = statistics.median(t.wall_s for t in floors)
    # Start-up (imports, plugins, schema check): storing one article.
    one = paths[0].with_name("one.jsonl")
    with paths[0].open(encoding="utf-8") as first:
        one.write_text(first.readline(), encoding="utf-8")
    startup_s = statistics.median(
        run_ingest(made.new(kind), [one], process=False).wall_s for _ in range(repeat)
    )
    say(f"{kind}: floor (--no-process) {articles / floor_s:.0f} articles/s")
    runs: list[Timing] = []
    loads: list[float] = []  # the 1-minute load average after each run: others' work shows
    url = ""
    while len(runs) < repeat:
        url = made.new(kind)
        timing = run_ingest(url, paths)
        runs.append(timing)
        loads.append(round(os.getloadavg()[0], 2))
        say(
            f"{kind}: ingest {timing.wall_s:.1f} s, {articles / timing.wall_s:.1f} articles/s "
            f"({articles / timing.cpu_s:.1f} per CPU second), load {loads[-1]}"
        )
        if time.monotonic() + timing.wall_s > deadline and len(runs) < repeat:
            say(f"{kind}: budget reached after {len(runs)} run(s)")
            break
    median_s = statistics.median(t.wall_s for t in runs)
    stages = stage_times(url)
    return {
        "articles": articles,
        "articles_per_s": round(articles / median_s, 2),
        "articles_per_cpu_s": round(articles / statistics.median(t.cpu_s for t in runs), 2),
        "runs_s": [round(t.wall_s, 2) for t in runs],
        "runs_cpu_s": [round(t.cpu_s, 2) for t in runs],
        "load_average_after_runs": loads,
        "floor_articles_per_s": round(articles / floor_s, 1),
        "floor_articles_per_cpu_s": round(articles / statistics.median(t.cpu_s for t in floors), 1),
        "floor_runs_s": [round(t.wall_s, 2) for t in floors],
        "startup_s": round(startup_s, 2),
        "stage_runs": {name: int(figures["runs"]) for name, figures in stages.items()},
        "shares": shares(stages, articles, runs[-1].wall_s, floor_s, startup_s),
    }


def print_table(kind: str, result: dict[str, Any]) -> None:
    print(
        f"\n{kind}, {result['articles']:,} articles: {result['articles_per_s']:.1f} articles/s "
        f"(median of {len(result['runs_s'])};"
        f" {result['articles_per_cpu_s']:.1f} per CPU second), floor "
        f"{result['floor_articles_per_s']:.0f} articles/s, target {TARGET:.0f}"
    )
    print(f"  {'part':<28} {'ms/article':>10} {'share':>6}")
    for name, part in result["shares"].items():
        print(f"  {name:<28} {part['ms_per_article']:>10.2f} {part['share']:>6.1%}")


def profile(paths: list[Path], made: Databases, top: int) -> None:
    """One ingest in this process under cProfile (SQLite); the top functions."""
    from marsad.core.cli import main as marsad_main

    url = made.new("sqlite")
    os.environ["MARSAD_DATABASE_URL"] = url
    os.environ.pop("MARSAD_DISABLE_PLUGINS", None)
    sys.argv = ["marsad", "ingest", *map(str, paths)]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    try:
        profiler.runcall(marsad_main)
    except SystemExit as leaving:
        if leaving.code not in (0, None):
            raise RuntimeError(
                f"marsad ingest failed under the profiler ({leaving.code})"
            ) from None
    seconds = time.perf_counter() - started
    report = io.StringIO()
    report.write(f"ingest of {len(paths)} files under cProfile: {seconds:.1f} s\n")
    for order in ("cumulative", "tottime"):
        report.write(f"\n=== top {top} by {order} ===\n")
        pstats.Stats(profiler, stream=report).sort_stats(order).print_stats(top)
    text = report.getvalue()
    print(text)
    out = RESULTS / "profile.txt"
    out.write_text(text, encoding="utf-8")
    say(f"saved {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="ingests per database")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgresql-articles",
        type=int,
        help="articles on PostgreSQL (default --articles; make bench: fewer, it is slower)",
    )
    parser.add_argument("--quick", action="store_true", help="300 articles, SQLite, 1 run")
    parser.add_argument("--budget", type=float, default=0, help="seconds; 0: no limit")
    parser.add_argument("--profile", action="store_true", help="profile one ingest instead")
    parser.add_argument("--top", type=int, default=40, help="functions listed by --profile")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.repeat, args.databases = 300, 1, "sqlite"
    deadline = time.monotonic() + (args.budget or float("inf"))
    results: dict[str, Any] = {"articles": args.articles, "target_articles_per_s": TARGET}
    results["machine"] = machine()
    with tempfile.TemporaryDirectory() as temporary, databases(Path(temporary)) as made:
        folder = Path(temporary)
        paths = write_corpus(folder / "inputs", args.articles, PER_FILE)
        say(f"{args.articles} articles in {len(paths)} JSONL files")
        if args.profile:
            profile(paths, made, args.top)
            return
        kinds = args.databases.split(",")
        for index, kind in enumerate(kinds):
            if kind == "postgresql" and made.server is None:
                say("PostgreSQL is not reachable at 127.0.0.1:5432: skipped")
                continue
            articles, inputs = args.articles, paths
            if kind == "postgresql" and args.postgresql_articles not in (None, args.articles):
                articles = args.postgresql_articles
                inputs = write_corpus(folder / "inputs-postgresql", articles, PER_FILE)
            # Each database gets an equal share of what is left of the budget.
            share = (deadline - time.monotonic()) / (len(kinds) - index)
            until = time.monotonic() + share
            results[kind] = measure(kind, inputs, articles, args.repeat, made, until)
            print_table(kind, results[kind])
    name = "throughput_quick.json" if args.quick else "throughput.json"
    out = RESULTS / name
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"saved {out}")


if __name__ == "__main__":
    main()
