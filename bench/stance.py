"""ANS stance with `marsad relate` (rules + stance model): train beside dev, so overfitting shows.

The model was trained on stance-train.csv only (scripts/train_stance.py); dev is held
out. For each split: macro-F1, per-label precision / recall / F1, the confusion matrix
(gold by row), and the same for the rules alone, to see what the model adds. Labels
are ANS's: corroborates -> agree, contradicts -> disagree, unrelated -> other.

    .venv/bin/python bench/stance.py      # writes bench/results/stance.json
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from eval_ans import LABELS, STANCE, score

from marsad.text.claims.relate import relate

ROOT = Path(__file__).resolve().parent.parent
ANS = ROOT.parent / "shared" / "corpus" / "ans"
OUT = ROOT / "bench" / "results" / "stance.json"


def evaluate(path: Path) -> dict[str, object]:
    """Scores of the model and of the rules alone on one ANS split."""
    with path.open(encoding="utf-8", newline="") as handle:
        pairs = [(row["s1"], row["s2"], row["stance"]) for row in csv.DictReader(handle)]
    model, rules = [], []
    started = time.perf_counter()
    for s1, s2, stance in pairs:
        found = relate(s1, s2)
        model.append((stance, STANCE[found["relation"]]))
        rules.append((stance, STANCE[found["rule_relation"]]))
    seconds = time.perf_counter() - started
    return {"model": score(model), "rules_alone": score(rules), "seconds": round(seconds, 1)}


def show(split: str, result: dict[str, object]) -> None:
    model, rules = result["model"], result["rules_alone"]
    assert isinstance(model, dict) and isinstance(rules, dict)
    print(
        f"ANS {split}: {model['pairs']} pairs, macro-F1 {model['macro_f1']:.3f} "
        f"(rules alone {rules['macro_f1']:.3f}), contradicts precision "
        f"{model['contradicts_precision']:.3f} (rules alone {rules['contradicts_precision']:.3f})"
    )
    for label in LABELS:
        one = model["per_label"][label]
        print(f"  {label:>8}  P {one['precision']:.3f}  R {one['recall']:.3f}  F1 {one['f1']:.3f}")
    print("  gold \\ predicted  " + "  ".join(f"{label:>8}" for label in LABELS))
    for gold in LABELS:
        row = model["confusion"][gold]
        print(f"  {gold:>16}  " + "  ".join(f"{row[p]:>8}" for p in LABELS))


def main() -> None:
    results: dict[str, object] = {}
    for split in ("train", "dev"):
        path = ANS / f"stance-{split}.csv"
        if not path.exists():
            sys.exit(f"ANS corpus not found at {path}")
        result = evaluate(path)
        show(split, result)
        results[split] = result
    results["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
