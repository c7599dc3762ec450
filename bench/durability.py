"""Kill and concurrency trial: SIGKILL `marsad ingest` at several points, run it again,
and run two ingests over overlapping inputs; compare each with one clean run.

Reads SaudiNewsNet 2015-08-10 (wire and papers) from ../shared/corpus, writes the
articles as JSON Lines files and drives the real `marsad` command, on SQLite and on
PostgreSQL (127.0.0.1:5432; each trial makes and drops its own database). Results are
compared by natural keys, as tests/test_kill_and_concurrency.py does (which this
script reuses); figures go to bench/results/durability.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CORPUS, PostgresServer, _admin_url  # noqa: E402
from test_kill_and_concurrency import snapshot, start, write_inputs  # noqa: E402

from marsad.core.db import make_engine  # noqa: E402
from marsad.core.schema import upgrade  # noqa: E402

PARTS = ("articles", "claims", "article_links", "claim_links", "stories")


def new_database(kind: str, folder: Path, name: str, server: PostgresServer | None) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'{name}.db'}"
    else:
        assert server is not None
        url = server.create_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def run_to_end(url: str, paths: list[Path]) -> float:
    started = time.perf_counter()
    process = start(url, *paths)
    _, stderr = process.communicate(timeout=7200)
    if process.returncode != 0:
        raise SystemExit(f"marsad ingest failed ({process.returncode}):\n{stderr[-2000:]}")
    return time.perf_counter() - started


def counts(result: dict[str, Any]) -> dict[str, int]:
    return {part: len(result[part]) for part in PARTS}


def compare(result: dict[str, Any], clean: dict[str, Any]) -> dict[str, Any]:
    return {
        "same": {part: result[part] == clean[part] for part in PARTS},
        "counts": counts(result),
        "failed_runs": len(result["failed_runs"]),
    }


def trial(kind: str, paths: list[Path], folder: Path, server: PostgresServer | None) -> dict:
    clean_url = new_database(kind, folder, "clean", server)
    clean_seconds = run_to_end(clean_url, paths)
    clean = snapshot(clean_url)
    print(f"{kind}: clean run {clean_seconds:.0f} s, {counts(clean)}")

    killed_url = new_database(kind, folder, "killed", server)
    kills = []
    for fraction in (0.05, 0.3, 0.55, 0.8):
        process = start(killed_url, *paths)
        time.sleep(clean_seconds * fraction)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = snapshot(killed_url)
        kills.append({"after_s": round(clean_seconds * fraction, 1), "runs_then": state["runs"]})
        print(f"  killed after {clean_seconds * fraction:.0f} s: {state['runs']} stage runs")
    resume_seconds = run_to_end(killed_url, paths)
    resumed = compare(snapshot(killed_url), clean)
    print(f"  resumed in {resume_seconds:.0f} s: {resumed['same']}")

    both_url = new_database(kind, folder, "concurrent", server)
    third = len(paths) // 3
    started = time.perf_counter()
    first, second = start(both_url, *paths[: 2 * third]), start(both_url, *paths[third:])
    for process in (first, second):
        _, stderr = process.communicate(timeout=7200)
        if process.returncode != 0:
            raise SystemExit(f"concurrent ingest failed:\n{stderr[-2000:]}")
    concurrent = compare(snapshot(both_url), clean)
    print(f"  two at once in {time.perf_counter() - started:.0f} s: {concurrent['same']}")
    return {
        "clean": {
            "seconds": round(clean_seconds, 1),
            "counts": counts(clean),
            "runs": clean["runs"],
        },
        "kills": kills,
        "resumed": {**resumed, "seconds": round(resume_seconds, 1)},
        "concurrent": concurrent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="200 articles")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"corpus not found at {CORPUS}")
    articles = 200 if args.quick else args.articles
    results: dict[str, Any] = {"articles": articles}
    admin = _admin_url()
    server = PostgresServer(admin) if admin else None
    try:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            paths = write_inputs(folder / "inputs", articles, files=10)
            for kind in args.databases.split(","):
                if kind == "postgresql" and server is None:
                    print("PostgreSQL is not reachable: skipped")
                    continue
                results[kind] = trial(kind, paths, folder, server)
    finally:
        if server is not None:
            server.drop_all()
    results["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    name = "durability_quick.json" if args.quick else "durability.json"
    out = ROOT / "bench" / "results" / name
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved {out}")


if __name__ == "__main__":
    main()
