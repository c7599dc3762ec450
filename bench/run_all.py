"""Every benchmark in bench/, one after the other, then the plots and a summary.

`make bench` runs this. Each script runs as a subprocess in a mode that fits the time
budget (``--budget``, 30 minutes by default): the end-to-end speed benchmarks first
(throughput.py, then scaling.py, each given a share of the budget it adapts to), then
every other script in bench/ with ``--quick`` where it has one (or the arguments
below). A new script in bench/ is picked up by itself. A benchmark that fails, or
outlives its time, is reported and the others still run; then bench/plots.py draws
the PNGs and bench/results/SUMMARY.md gets one table: benchmark, headline figure,
floor or target, pass/fail, files. Each script's output goes to
build/bench/NAME.log.

Exit status: 1 when any benchmark failed (error or timeout), else 0; ``--strict``
also counts a missed target (e.g. throughput below 200 articles/s) as a failure.

    .venv/bin/python bench/run_all.py [--budget 1800] [--only throughput,scaling] [--strict]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
LOGS = ROOT / "build" / "bench"
NOT_BENCHMARKS = {"run_all.py", "plots.py", "corpora.py"}
RESERVE_S = 60.0  # kept for the plots and the summary
MIN_RUN_S = 30.0  # less time left than this: the benchmark is skipped
STDOUT_MARK = "\n--- stdout ---\n"  # in a log, after the script's stderr


@dataclass
class Headline:
    figure: str
    target: str = "-"
    met: bool | None = None  # None: nothing to pass or fail


@dataclass
class Plan:
    args: tuple[str, ...]
    expected_s: float  # about what it takes today: the order, and whether it still fits
    timeout_s: float
    headline: Callable[[str], Headline] | None = None  # from the script's stdout
    # Results of the full run that this quicker mode would overwrite: kept, and the
    # quick figures saved beside them as NAME_quick.json.
    keep: tuple[str, ...] = ()


@dataclass
class Outcome:
    name: str
    command: str
    status: str  # ok, error, timeout, skipped
    seconds: float = 0.0
    headline: Headline = field(default_factory=lambda: Headline("-"))
    files: list[str] = field(default_factory=list)


def read(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((RESULTS / name).read_text(encoding="utf-8"))
    return loaded


def throughput_headline(_: str) -> Headline:
    data = read("throughput.json")
    figures = [
        f"{label} ({data[kind].get('articles', data['articles']):,}) "
        f"{data[kind]['articles_per_s']:.1f}/s "
        f"({data[kind]['articles_per_cpu_s']:.1f} per CPU s; "
        f"floor {data[kind]['floor_articles_per_s']:.0f}/s)"
        for kind, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL"))
        if kind in data
    ]
    target = data["target_articles_per_s"]
    met = data["sqlite"]["articles_per_s"] >= target if "sqlite" in data else None
    return Headline(
        "articles/s (wall clock): " + ", ".join(figures),
        f">= {target:.0f} articles/s into SQLite",
        met,
    )


def scaling_headline(_: str) -> Headline:
    data = read("scaling.json")
    parts, met = [], True
    for kind in ("sqlite", "postgresql"):
        if kind in data:
            rows, result = data[kind]["rows"], data[kind]
            parts.append(
                f"{kind} {result['ratio_largest_to_first']:.2f}x wall, "
                f"{result['cpu_ratio_largest_to_first']:.2f}x CPU "
                f"({rows[0]['ms_per_article']:.0f} -> {rows[-1]['ms_per_article']:.0f} ms/article, "
                f"{rows[0]['size']:,} -> {result['largest_size']:,}; judged on {result['judged']})"
            )
            if result.get("left_out_by_budget"):
                left_out = ", ".join(f"{size:,}" for size in result["left_out_by_budget"])
                parts[-1] += f"; {left_out} left out: time budget"
            met = met and result["within_ceiling"]
    return Headline("; ".join(parts), f"<= {data['ceiling']}x", met)


def durability_headline(_: str) -> Headline:
    data = read("durability_quick.json")
    same = {
        kind: all(
            data[kind][part]["same"][key]
            for part in ("resumed", "concurrent")
            for key in data[kind][part]["same"]
        )
        for kind in ("sqlite", "postgresql")
        if kind in data
    }
    figure = ", ".join(f"{kind} {'same' if ok else 'DIFFERENT'}" for kind, ok in same.items())
    return Headline(
        f"{data['articles']} articles, killed/resumed and concurrent vs clean: {figure}",
        "same as one clean run",
        all(same.values()),
    )


def dedupe_headline(_: str) -> Headline:
    data = read("dedupe_quick.json")
    rows = data["sizes"]
    return Headline(
        f"dedupe {rows[0]['ours_ms_per_article_median']:.1f} -> "
        f"{rows[-1]['ours_ms_per_article_median']:.1f} ms/article "
        f"({rows[0]['size']:,} -> {rows[-1]['size']:,}), ratio {data['ratio_largest_to_smallest']}"
    )


def claims_headline(_: str) -> Headline:
    data = read("claims_quick.json")["throughput"]
    return Headline(
        f"extract {data['extract_articles_per_s']:.0f}/s, link {data['link_articles_per_s']:.0f}/s"
        f" on {data['articles']} articles"
    )


def claim_links_headline(_: str) -> Headline:
    data = read("claim_links_quick.json")
    links = ", ".join(f"{kind} {count}" for kind, count in data["claim_links"].items())
    return Headline(f"{sum(data['claims'].values())} claims; links: {links}")


def normalize_headline(_: str) -> Headline:
    data = read("normalize_quick.json")
    display = data["normalization"]["marsad display_text"]
    return Headline(
        f"display_text {display['mb_per_s']} MB/s ({display['ratio_to_pyarabic']}x pyarabic); "
        f"parse_text {data['parse_text_articles_per_s']:.0f} articles/s"
    )


def pg_jit_headline(_: str) -> Headline:
    data = read("pg_jit_quick.json")["median"]
    return Headline(f"ingest with JIT on {data['on']:.0f} s, off {data['off']:.0f} s")


def reuse_quotes_headline(_: str) -> Headline:
    run = read("reuse_quotes.json")["runs"]["make-bench-quick"]
    seeds = run["seeds"]
    return Headline(
        f"seeds precision {seeds['precision']}, recall {seeds.get('recall')}; "
        f"wire copy links {run['wire'].get('copied_links')}"
    )


def stance_headline(_: str) -> Headline:
    dev = read("stance.json")["dev"]["model"]
    return Headline(
        f"ANS dev macro-F1 {dev['macro_f1']:.3f}, contradicts precision "
        f"{dev['contradicts_precision']:.3f}"
    )


def eval_dedupe_headline(_: str) -> Headline:
    summary = read("dedupe_sample.json")["summary"]
    precision = summary.get("precision")
    return Headline(
        f"{summary['wire_to_copy_links']} wire->copy links on {summary['articles']} articles"
        + (f", judged precision {precision}" if precision is not None else "")
    )


def executors_headline(_: str) -> Headline:
    data = read("executors.json")
    rates = ", ".join(f"{v} {r:.1f}/s" for v, r in data["articles_per_second_median"].items())
    ratios = data["ratio_2_to_1"]
    return Headline(
        f"{data['articles']} articles: {rates}; 2 workers / 1: "
        + ", ".join(f"{kind} {ratio:.2f}x" for kind, ratio in ratios.items()),
        f">= {data['floor']}x from 2 workers",
        all(ratio >= data["floor"] for ratio in ratios.values()) if ratios else None,
    )


def batch_sizes_headline(_: str) -> Headline:
    data = read("batch_sizes.json")
    return Headline(
        f"{data['articles']} articles/s by batch size: "
        + "; ".join(
            f"{kind} " + ", ".join(f"{size}: {f['articles_per_s']}" for size, f in by_size.items())
            for kind, by_size in data["figures"].items()
        )
    )


def pure_compute_headline(_: str) -> Headline:
    data = read("pure_compute.json")
    parts = ", ".join(f"{stage} {ms}" for stage, ms in data["ms_per_article"].items())
    return Headline(
        f"{data['sum_ms_per_article']} CPU ms/article without a database ({parts}): "
        f"at most {data['most_articles_per_s_one_core']:.0f} articles/s a core"
    )


def first_line(stdout: str) -> Headline:
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    return Headline(lines[0][:110] if lines else "-")


def last_line(stdout: str) -> Headline:
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    return Headline(lines[-1][:110] if lines else "-")


# How `make bench` runs each script it knows; the speed benchmarks first.
PLANS: dict[str, Plan] = {
    # The speed benchmarks share about 20 minutes: at about 45 articles/s on SQLite
    # (less on PostgreSQL), 2,000 articles on SQLite, 500 on PostgreSQL, and scaling up
    # to 10,000 articles on SQLite.
    "throughput.py": Plan(
        ("--budget", "480", "--postgresql-articles", "500"), 480, 900, throughput_headline
    ),
    "scaling.py": Plan(("--budget", "720"), 720, 1000, scaling_headline),
    "pure_compute.py": Plan((), 40, 300, pure_compute_headline),
    "eval_ans.py": Plan(("--quick",), 10, 120, first_line),  # --quick saves nothing
    "stance.py": Plan((), 40, 300, stance_headline),
    "pg_jit.py": Plan(
        ("--articles", "100", "--repeat", "1"), 60, 300, pg_jit_headline, ("pg_jit.json",)
    ),
    "claim_links.py": Plan(("--quick",), 60, 300, claim_links_headline),
    "normalize.py": Plan(("--quick",), 60, 300, normalize_headline),
    "reuse_quotes.py": Plan(
        ("--quick", "--label", "make-bench-quick"), 90, 300, reuse_quotes_headline
    ),
    "dedupe.py": Plan(("--quick",), 90, 300, dedupe_headline),
    "claims.py": Plan(("--quick", "--repeat", "1"), 120, 300, claims_headline, ("claims.json",)),
    "eval_dedupe.py": Plan((), 150, 400, eval_dedupe_headline),
    "durability.py": Plan(("--quick",), 300, 600, durability_headline),
    "batch_sizes.py": Plan(("--repeat", "1"), 200, 600, batch_sizes_headline),
    # 1,000 articles: on 200, the workers' start and the last batch weigh too much.
    "executors.py": Plan(("--articles", "1000", "--repeat", "1"), 300, 900, executors_headline),
}
UNKNOWN = (120.0, 300.0)  # expected and timeout seconds of a script not in PLANS


def discover() -> list[str]:
    """Every script in bench/: the two speed benchmarks first, then the shortest first,
    so that when time runs short the fewest are left out."""
    found = [
        p.name for p in BENCH.glob("*.py") if p.name not in NOT_BENCHMARKS and p.name[0] != "_"
    ]
    first = [name for name in ("throughput.py", "scaling.py") if name in found]
    rest = sorted(set(found) - set(first), key=lambda name: (plan_for(name).expected_s, name))
    return first + rest


def plan_for(name: str) -> Plan:
    if name in PLANS:
        return PLANS[name]
    # A script added since: --quick when it has one (read from its source, not by
    # running --help: a script without argparse would run in full).
    quick = '"--quick"' in (BENCH / name).read_text(encoding="utf-8")
    return Plan(("--quick",) if quick else (), *UNKNOWN, last_line)


def snapshot() -> dict[str, float]:
    return {path.name: path.stat().st_mtime for path in RESULTS.glob("*") if path.is_file()}


def execute(command: list[str], timeout: float, log: Path) -> tuple[str, str]:
    """Run one benchmark, its output shown as it comes and kept in ``log``; on timeout
    its whole process group (it starts `marsad` subprocesses) gets SIGINT, so its
    clean-up (dropping PostgreSQL databases) runs, then SIGKILL if it lingers."""
    lines: list[str] = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=handle,
            text=True,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(30)
            # Whatever of the group is left (the script, or children it left behind).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, stop)
        timer.start()
        assert process.stdout is not None
        try:
            for line in process.stdout:
                print(f"    | {line.rstrip()}", flush=True)
                lines.append(line)
            process.wait()
        except KeyboardInterrupt:  # its own session does not get the terminal's Ctrl-C
            timer.cancel()
            stop()
            raise
        timer.cancel()
        handle.write(STDOUT_MARK + "".join(lines))
    status = "timeout" if timed_out.is_set() else "ok" if process.returncode == 0 else "error"
    return status, "".join(lines)


def run(name: str, plan: Plan, time_left: float) -> Outcome:
    command = [sys.executable, str(BENCH / name), *plan.args]
    shown = " ".join([f"bench/{name}", *plan.args])
    timeout = min(plan.timeout_s, time_left)
    if time_left < max(plan.expected_s, MIN_RUN_S):
        note = f"skipped: needs about {plan.expected_s:.0f} s, {max(time_left, 0):.0f} s were left"
        return Outcome(name, shown, "skipped", headline=Headline(note))
    kept = {keep: (RESULTS / keep).read_bytes() for keep in plan.keep if (RESULTS / keep).exists()}
    before = snapshot()
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{Path(name).stem}.log"
    started = time.monotonic()
    status, stdout = execute(command, timeout, log)
    seconds = time.monotonic() - started
    for keep, content in kept.items():
        fresh = RESULTS / keep
        if fresh.read_bytes() != content:  # keep the full run's figures
            quick = fresh.with_name(fresh.stem + "_quick" + fresh.suffix)
            quick.write_bytes(fresh.read_bytes())
            fresh.write_bytes(content)
    after = snapshot()
    files = sorted(f for f, mtime in after.items() if before.get(f) != mtime and f not in kept)
    outcome = Outcome(name, shown, status, seconds, files=files)
    if status != "ok":
        stderr = log.read_text(encoding="utf-8", errors="replace").split(STDOUT_MARK)[0]
        tail = stderr.strip().splitlines()[-12:]
        outcome.headline = Headline(f"{status} after {seconds:.0f} s: see {log.relative_to(ROOT)}")
        print("    " + "\n    ".join(tail), flush=True)
    elif plan.headline is not None:
        try:
            outcome.headline = plan.headline(stdout)
        except (OSError, KeyError, ValueError, TypeError, IndexError) as error:
            outcome.headline = Headline(f"ran; no headline ({type(error).__name__}: {error})")
    return outcome


def verdict(outcome: Outcome) -> str:
    if outcome.status == "skipped":
        return "skipped"
    if outcome.status != "ok":
        return f"FAIL ({outcome.status})"
    return {True: "pass", False: "below target", None: "ran"}[outcome.headline.met]


def write_summary(outcomes: list[Outcome], plots: list[str], started: str, total_s: float) -> Path:
    lines = [
        "# Benchmarks (`make bench`)",
        "",
        f"Run {started}, {total_s / 60:.1f} minutes. Each script's full options: "
        "`.venv/bin/python bench/NAME.py --help`; logs in build/bench/.",
        "",
        "| benchmark | headline figure | floor / target | pass/fail | file |",
        "|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        cells = (
            f"`{outcome.command}` ({outcome.seconds:.0f} s)",
            outcome.headline.figure,
            outcome.headline.target,
            verdict(outcome),
            ", ".join(outcome.files) or "-",
        )
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    if plots:
        lines += ["", "## Plots", ""] + [f"![{p}]({p})" for p in plots]
    path = RESULTS / "SUMMARY.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--budget", type=float, default=1800, help="seconds for everything")
    parser.add_argument("--only", help="comma-separated script names (without .py)")
    parser.add_argument("--strict", action="store_true", help="a missed target fails too")
    args = parser.parse_args()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    start = time.monotonic()
    deadline = start + args.budget - RESERVE_S
    names = discover()
    if args.only:
        wanted = {f"{name.removesuffix('.py')}.py" for name in args.only.split(",")}
        names = [name for name in names if name in wanted]
    outcomes: list[Outcome] = []
    for number, name in enumerate(names, 1):
        plan = plan_for(name)
        clock = time.strftime("%H:%M:%S")
        print(f"[{clock}] ({number}/{len(names)}) bench/{name} {' '.join(plan.args)}", flush=True)
        outcome = run(name, plan, deadline - time.monotonic())
        outcomes.append(outcome)
        print(
            f"    {verdict(outcome)} in {outcome.seconds:.0f} s: {outcome.headline.figure}",
            flush=True,
        )
    print(f"[{time.strftime('%H:%M:%S')}] plots", flush=True)
    before = snapshot()
    plotted = subprocess.run([sys.executable, str(BENCH / "plots.py")], cwd=ROOT, check=False)
    plots = sorted(f for f, m in snapshot().items() if f.endswith(".png") and before.get(f) != m)
    summary = write_summary(outcomes, plots, started_at, time.monotonic() - start)
    print(summary.read_text(encoding="utf-8"))
    failed = [o.name for o in outcomes if o.status not in ("ok", "skipped")]
    if plotted.returncode != 0:
        failed.append("plots.py")
    if args.strict:
        failed += [o.name for o in outcomes if o.headline.met is False]
    print(f"failed: {', '.join(failed)}" if failed else "no benchmark failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
