"""PNG plots of the speed benchmarks, drawn from their JSON in bench/results/.

- ``executors.png``: articles/s against workers, a line per executor, from
  ``executors.json`` (bench/executors.py); skipped, with a message, when it is absent;
- ``scaling.png``: time per article of the last increment against corpus size, a line
  per database, with the 1.3x ceiling; and the stages' share of it (``scaling.json``);
  ``scaling_full.png`` likewise from ``scaling_full.json``, a longer run kept apart
  (``bench/scaling.py --full``, or ``--sizes``, copied there);
- ``stages.png``: where an article's time goes in an ingest, ms per article by stage,
  per database (``throughput.json``).

    .venv/bin/python bench/plots.py   # writes bench/results/*.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

RESULTS = Path(__file__).resolve().parent / "results"
DATABASES = ("sqlite", "postgresql")
TARGET = 200.0
IDEAL_GAIN = 0.8  # 2 workers should give 1.8x one worker (bench/executors.py's floor)
SPEED_KEYS = ("articles_per_s", "articles_per_second", "throughput")
folder = RESULTS  # where the JSON is read and the PNGs written (--results)


def load(name: str) -> dict[str, Any] | None:
    path = folder / name
    if not path.exists():
        print(f"{name} not found: its plot is skipped")
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def save(figure: Figure, name: str) -> Path:
    path = folder / name
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    print(f"saved {path}")
    return path


def _speed(value: Any) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        for key in SPEED_KEYS:
            if isinstance(value.get(key), int | float):
                return float(value[key])
    return None


def executor_series(data: dict[str, Any]) -> dict[str, list[tuple[int, float]]]:
    """``{executor: [(workers, articles/s), ...]}`` from the layouts executors.json
    may have: bench/executors.py's ``{"articles_per_second_median": {"dask-2": 7.1}}``
    (``inprocess``: 1 worker), rows ``{"executor", "workers", "articles_per_s"}`` (a
    list, or under ``rows``/``results``), or ``{"executors": {name: {workers: figure}}}``."""
    series: dict[str, list[tuple[int, float]]] = {}
    rows = data.get("rows", data.get("results", []))
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or "workers" not in row:
            continue
        speed, name = _speed(row), row.get("executor", row.get("name"))
        if speed is not None and name is not None:
            series.setdefault(str(name), []).append((int(row["workers"]), speed))
    # bench/executors.py: {"articles_per_second_median": {"processes-2": 7.1, ...}}.
    medians = data.get("articles_per_second_median", {})
    for variant, speed in medians.items() if isinstance(medians, dict) else ():
        name, _, workers = str(variant).rpartition("-")
        if not workers.isdigit():  # the pipeline in the ingest's own process
            name, workers = str(variant), "1"
        if isinstance(speed, int | float):
            series.setdefault(name, []).append((int(workers), float(speed)))
    executors = data.get("executors", {})
    for name, by_workers in executors.items() if isinstance(executors, dict) else ():
        for workers, figure in by_workers.items() if isinstance(by_workers, dict) else ():
            speed = _speed(figure)
            if speed is not None and str(workers).isdigit():
                series.setdefault(str(name), []).append((int(workers), speed))
    return {name: sorted(points) for name, points in series.items()}


def plot_executors() -> Path | None:
    source = "executors.json"
    if not (folder / source).exists() and (folder / "executors_quick.json").exists():
        source = "executors_quick.json"  # only the quick run (make bench) was made
    data = load(source)
    if data is None:
        return None
    series = executor_series(data)
    if not series:
        print(f"{source} has no executor/workers/articles_per_s figures: plot skipped")
        return None
    figure, axes = plt.subplots(figsize=(7.5, 4.5))
    for name, points in sorted(series.items()):
        workers, speeds = [w for w, _ in points], [s for _, s in points]
        (line,) = axes.plot(workers, speeds, marker="o", label=name)
        if len(points) > 1 and workers[0] == 1:  # what the extra cores should add
            ideal = [speeds[0] * (1 + IDEAL_GAIN * (w - 1)) for w in workers]
            axes.plot(workers, ideal, linestyle=":", color=line.get_color(), alpha=0.7)
    fastest = max(speed for points in series.values() for _, speed in points)
    if fastest * 2 > TARGET:  # else the target line would flatten the figures
        axes.axhline(TARGET, color="grey", linestyle="--", label=f"target {TARGET:.0f}/s")
    else:
        axes.plot([], [], " ", label=f"(target {TARGET:.0f}/s: off the scale)")
    ideal_label = f"ideal: {1 + IDEAL_GAIN}x at 2 workers, +{IDEAL_GAIN}x per worker"
    axes.plot([], [], linestyle=":", color="grey", label=ideal_label)
    axes.set_xlabel("workers")
    axes.set_ylabel("articles per second")
    what = f"{data['articles']:,} articles" if isinstance(data.get("articles"), int) else ""
    where = f" on {data['database']}" if isinstance(data.get("database"), str) else ""
    axes.set_title(f"Processing throughput against workers ({what}{where})")
    axes.set_xticks(sorted({w for points in series.values() for w, _ in points}))
    axes.set_ylim(bottom=0)
    axes.legend(fontsize="small")
    axes.grid(alpha=0.3)
    return save(figure, "executors.png")


def plot_scaling(name: str = "scaling") -> Path | None:
    """``NAME.png`` from ``NAME.json``: ``scaling`` from make bench, ``scaling_full``
    from a longer run of bench/scaling.py kept under that name."""
    data = load(f"{name}.json")
    if data is None:
        return None
    step = data.get("step", 1000)
    figure, (total, parts) = plt.subplots(1, 2, figsize=(12, 4.8))
    sizes: set[int] = set()
    for kind, color in zip(DATABASES, ("tab:blue", "tab:orange"), strict=True):
        if kind not in data:
            continue
        rows = data[kind]["rows"]
        x = [row["size"] for row in rows]
        sizes.update(x)
        wall = [row["ms_per_article"] for row in rows]
        cpu = [row["cpu_ms_per_article"] for row in rows]
        total.plot(x, wall, marker="o", color=color, label=f"{kind}, wall clock")
        total.plot(x, cpu, marker="s", linestyle=":", color=color, label=f"{kind}, CPU time")
        judged = cpu if data[kind].get("judged") == "cpu" else wall
        ceiling = judged[0] * data.get("ceiling", 1.3)
        what = "CPU" if judged is cpu else "wall"
        total.axhline(
            ceiling, color=color, linestyle="--", alpha=0.6, label=f"{kind} 1.3x ({what})"
        )
        if kind == "sqlite" or "sqlite" not in data:
            stages = sorted({stage for row in rows for stage in row["stage_ms_per_article"]})
            for stage in stages:
                values = [row["stage_ms_per_article"].get(stage, 0.0) for row in rows]
                parts.plot(x, values, marker=".", label=stage)
            parts.set_title(f"Per stage ({kind}, wall clock): ms per article of the last {step:,}")
    for axes in (total, parts):
        axes.set_xscale("log")
        axes.set_xticks(sorted(sizes), [f"{size:,}" for size in sorted(sizes)])
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.set_xlabel("articles in the database (log scale)")
        axes.set_ylabel("ms per article")
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.legend(fontsize="small")
    total.set_title(f"Ingest time per article of the last {step:,} added")
    return save(figure, f"{name}.png")


def plot_stages() -> Path | None:
    data = load("throughput.json")
    if data is None:
        return None
    kinds = [kind for kind in DATABASES if kind in data]
    if not kinds:
        print("throughput.json has no database figures: plot skipped")
        return None
    names = list(data[kinds[0]]["shares"])
    figure, axes = plt.subplots(figsize=(9, 0.45 * len(names) * len(kinds) + 1.5))
    height = 0.8 / len(kinds)
    for index, kind in enumerate(kinds):
        shares = data[kind]["shares"]
        positions = [i + index * height for i in range(len(names))]
        values = [shares.get(name, {}).get("ms_per_article", 0.0) for name in names]
        speed = data[kind]["articles_per_s"]
        count = data[kind].get("articles", data["articles"])
        label = f"{kind}, {count:,} articles ({speed:.1f} articles/s)"
        bars = axes.barh(positions, values, height, label=label)
        labels = [f"{shares.get(n, {}).get('share', 0):.0%}" for n in names]
        axes.bar_label(bars, labels=labels, padding=2, fontsize="small")
    axes.set_yticks([i + height * (len(kinds) - 1) / 2 for i in range(len(names))], names)
    axes.invert_yaxis()
    axes.set_xlabel("ms per article (label: share of the ingest's time)")
    axes.set_title("Where the time goes in marsad ingest, every stage on")
    axes.legend(loc="lower right")
    axes.grid(alpha=0.3, axis="x")
    return save(figure, "stages.png")


def main() -> None:
    global folder
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON in, PNG out")
    folder = parser.parse_args().results
    for plot in (plot_executors, plot_scaling, plot_stages):
        plot()
    if (folder / "scaling_full.json").exists():
        plot_scaling("scaling_full")


if __name__ == "__main__":
    main()
