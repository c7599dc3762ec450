"""ANS stance (Khouja 2020) with `marsad relate`: macro-F1, confusion, contradicts precision.

corroborates -> agree, contradicts -> disagree, unrelated -> other. The rules were
tuned on stance-train.csv only; the dev split is the report.

    .venv/bin/python bench/eval_ans.py [--split dev|train] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from marsad.text.claims.relate import relate

ROOT = Path(__file__).resolve().parent.parent
ANS = ROOT.parent / "shared" / "corpus" / "ans"
LABELS = ("agree", "disagree", "other")
STANCE = {"corroborates": "agree", "contradicts": "disagree", "unrelated": "other"}


def score(rows: list[tuple[str, str]]) -> dict[str, object]:
    confusion = {gold: dict.fromkeys(LABELS, 0) for gold in LABELS}
    for gold, predicted in rows:
        confusion[gold][predicted] += 1
    f1s = {}
    per_label = {}
    for label in LABELS:
        tp = confusion[label][label]
        said = sum(confusion[g][label] for g in LABELS)
        actual = sum(confusion[label].values())
        precision = tp / said if said else 0.0
        recall = tp / actual if actual else 0.0
        f1s[label] = 2 * precision * recall / (precision + recall) if tp else 0.0
        per_label[label] = {"precision": precision, "recall": recall, "f1": f1s[label]}
    return {
        "pairs": len(rows),
        "macro_f1": sum(f1s.values()) / len(LABELS),
        "per_label": per_label,
        "contradicts_precision": per_label["disagree"]["precision"],
        "confusion": confusion,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--quick", action="store_true", help="the first 200 pairs only")
    args = parser.parse_args()
    path = ANS / f"stance-{args.split}.csv"
    if not path.exists():
        sys.exit(f"ANS corpus not found at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        pairs = [(row["s1"], row["s2"], row["stance"]) for row in csv.DictReader(handle)]
    if args.quick:
        pairs = pairs[:200]
    rows = [(stance, STANCE[relate(s1, s2)["relation"]]) for s1, s2, stance in pairs]
    result = score(rows)
    print(
        f"ANS {args.split}: {result['pairs']} pairs, macro-F1 {result['macro_f1']:.3f}, "
        f"contradicts precision {result['contradicts_precision']:.3f}"
    )
    print("gold \\ predicted  " + "  ".join(f"{label:>9}" for label in LABELS))
    confusion = result["confusion"]
    assert isinstance(confusion, dict)
    for gold in LABELS:
        print(f"{gold:>16}  " + "  ".join(f"{confusion[gold][p]:>9}" for p in LABELS))
    if args.quick:
        return
    out = ROOT / "bench" / "results" / "ans.json"
    saved = json.loads(out.read_text()) if out.exists() else {}
    saved[args.split] = result
    saved["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
