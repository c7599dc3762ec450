"""PostgreSQL with JIT on and off, side by side: one ingest of the same SaudiNewsNet
articles into a new database each time, alternating, median of the repeats.

marsad's connections run with jit=off (core/db.py); this measures why. Figures go to
bench/results/pg_jit.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import PostgresServer, _admin_url  # noqa: E402
from test_kill_and_concurrency import write_inputs  # noqa: E402

from marsad.core.application import Marsad  # noqa: E402
from marsad.core.plugins import make_plugins  # noqa: E402
from marsad.core.schema import upgrade  # noqa: E402
from marsad.core.settings import Settings  # noqa: E402


def one_run(server: PostgresServer, paths: list[Path], jit: str) -> float:
    url = server.create_database()
    engine = create_engine(url, connect_args={"options": f"-c jit={jit}"})
    upgrade(engine)
    settings = Settings(database_url=url)
    app = Marsad(settings, engine=engine, plugins=make_plugins(settings, load_entry_points=False))
    started = time.perf_counter()
    app.ingest(paths)
    report = app.pipeline().run_pending()
    seconds = time.perf_counter() - started
    assert not report.failures, report.failures[:3]
    app.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    admin = _admin_url()
    if admin is None:
        raise SystemExit("PostgreSQL is not reachable at 127.0.0.1:5432")
    server = PostgresServer(admin)
    times: dict[str, list[float]] = {"on": [], "off": []}
    try:
        with tempfile.TemporaryDirectory() as folder:
            paths = write_inputs(Path(folder), args.articles, files=3)
            for _ in range(args.repeat):
                for jit in ("on", "off"):
                    times[jit].append(one_run(server, paths, jit))
                    print(f"jit={jit}: {times[jit][-1]:.1f} s")
    finally:
        server.drop_all()
    medians = {jit: statistics.median(values) for jit, values in times.items()}
    print(
        f"{args.articles} articles, median of {args.repeat}: jit on {medians['on']:.1f} s, "
        f"off {medians['off']:.1f} s ({medians['on'] / medians['off']:.2f}x)"
    )
    out = ROOT / "bench" / "results" / "pg_jit.json"
    out.write_text(
        json.dumps(
            {
                "articles": args.articles,
                "seconds": times,
                "median": medians,
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
