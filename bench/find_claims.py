"""Time ``find_claims`` on a fixed sample of SaudiNewsNet articles, and prove a change
keeps its output.

The sample is ``--sample`` non-empty articles drawn with a fixed seed from every day
of the corpus, each turned into the text the extract stage reads
(``claims_eval_dev.pipeline_text``: parse, then normalize). Preparing the texts is not
timed; only ``find_claims`` is.

    .venv/bin/python bench/find_claims.py --save-reference FILE   # dump the output
    .venv/bin/python bench/find_claims.py --check FILE            # compare, exit 1 on any change
    .venv/bin/python bench/find_claims.py --profile               # cProfile top 25

The dump is ``dataclasses.asdict`` of each article's ``FoundClaims`` as JSON (enums by
value), so every field of every claim and mention is compared; it holds the texts too,
and ``--check`` runs on those.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import enum
import json
import pstats
import random
import statistics
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from marsad.eval.claims_dev import pipeline_text
from marsad.text.claims.finder import find_claims

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"
SEED = 11


def sample_texts(size: int) -> list[str]:
    """``size`` article texts drawn with a fixed seed from every day of the corpus."""
    zips = sorted(CORPUS.glob("*.zip"))
    if not zips:
        sys.exit(f"SaudiNewsNet not found at {CORPUS}")
    rows: list[dict[str, Any]] = []
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                rows.extend(json.loads(archive.read(name)))
    rows = [row for row in rows if (row.get("content") or "").strip()]
    chosen = random.Random(SEED).sample(rows, min(size, len(rows)))
    texts = (pipeline_text(row["content"], row.get("title")) for row in chosen)
    return [text for text in texts if text]


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot dump {type(value).__name__}")


def dump(texts: list[str]) -> list[Any]:
    """Every article's output as plain JSON values (tuples become lists)."""
    out = []
    for text in texts:
        found = dataclasses.asdict(find_claims(text))
        out.append(json.loads(json.dumps(found, default=_plain, ensure_ascii=False)))
    return out


def check(texts: list[str], reference: list[Any], limit: int = 5) -> int:
    """The number of articles whose output differs from the reference; prints the first."""
    if len(reference) != len(texts):
        print(f"reference has {len(reference)} articles, the sample {len(texts)}")
        return max(len(reference), len(texts))
    differing = 0
    for index, (now, then) in enumerate(zip(dump(texts), reference, strict=True)):
        if now == then:
            continue
        differing += 1
        if differing <= limit:
            print(f"article {index}: {_first_difference(now, then)}")
    return differing


def _first_difference(now: Any, then: Any, path: str = "") -> str:
    if isinstance(now, dict) and isinstance(then, dict):
        for key in sorted(set(now) | set(then)):
            if now.get(key) != then.get(key):
                return _first_difference(now.get(key), then.get(key), f"{path}.{key}")
    if isinstance(now, list) and isinstance(then, list):
        for index, (a, b) in enumerate(zip(now, then, strict=False)):
            if a != b:
                return _first_difference(a, b, f"{path}[{index}]")
        if len(now) != len(then):
            return f"{path}: {len(now)} items now, {len(then)} in the reference"
    return f"{path}: now {now!r}, reference {then!r}"


def time_runs(texts: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """ms per article of each pass over the sample, wall clock and CPU (the machine is
    shared: CPU time varies less); the first pass fills any cache."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            find_claims(text)
        walls.append((time.perf_counter() - wall) * 1000 / len(texts))
        cpus.append((time.process_time() - cpu) * 1000 / len(texts))
    return walls, cpus


def profile(texts: list[str], top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        find_claims(text)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=3000, help="articles (default 3000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (default 3)")
    parser.add_argument("--quick", action="store_true", help="300 articles, no timing repeats")
    parser.add_argument("--save-reference", type=Path, metavar="FILE")
    parser.add_argument("--check", type=Path, metavar="FILE")
    parser.add_argument("--profile", action="store_true", help="cProfile top 25 (one pass)")
    parser.add_argument(
        "--texts", type=Path, metavar="FILE", help="the texts of a saved reference, not the corpus"
    )
    parser.add_argument("--no-time", action="store_true", help="skip the timing")
    args = parser.parse_args()
    size = 300 if args.quick else args.sample
    texts = json.loads(args.texts.read_text())["texts"][:size] if args.texts else sample_texts(size)
    print(f"{len(texts)} articles, {sum(map(len, texts)) / len(texts):.0f} characters on average")
    if args.save_reference:
        # The texts go with the output: a later change to parse or normalize (other
        # modules) must not look like a change of find_claims.
        saved = {"texts": texts, "output": dump(texts)}
        args.save_reference.write_text(json.dumps(saved, ensure_ascii=False))
        print(f"reference saved to {args.save_reference}")
    failed = False
    if args.check:
        reference = json.loads(args.check.read_text())
        if reference["texts"] != texts:
            print("the sample's texts differ from the reference's: checking the reference's")
            texts = reference["texts"]
        differing = check(texts, reference["output"])
        print(f"check: {differing} of {len(texts)} articles differ from {args.check}")
        failed = differing > 0
    if not args.no_time:
        walls, cpus = time_runs(texts, 1 if args.quick else args.repeat)
        for clock, runs in (("wall", walls), ("CPU", cpus)):
            shown = ", ".join(f"{run:.2f}" for run in runs)
            median = statistics.median(runs)
            print(f"find_claims: {median:.2f} ms/article {clock}, median of ({shown})")
    if args.profile:
        profile(texts)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
