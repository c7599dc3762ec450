"""Train the stance model of `marsad relate` on ANS stance-train and write it as JSON.

    .venv/bin/pip install -e ".[train]"     # scikit-learn, for training only
    .venv/bin/python scripts/train_stance.py [--train CSV] [--out text/models/stance.json]

Deterministic: the same training file gives the same model file, byte for byte
(fixed folds, a deterministic solver, weights rounded). Only the training split is
read; the threshold of "contradicts" is chosen by cross-validation inside it. The
product reads the JSON in pure Python (marsad.text.claims.stance), never scikit-learn.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from marsad.text.claims.relate import rule_relation
from marsad.text.claims.stance import LABELS, features

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT.parent / "shared" / "corpus" / "ans" / "stance-train.csv"
OUT = ROOT / "plugins" / "models" / "stance.json"
STANCE = {"agree": "corroborates", "disagree": "contradicts", "other": "unrelated"}
MIN_PAIRS = 3  # a feature seen in fewer training pairs is left out (noise, and size)
C = 0.03  # inverse regularisation strength: strong, the features are many and sparse
FOLDS = 5
SEED = 13
TARGET_PRECISION = 0.88  # out-of-fold precision of "contradicts" on the training split
DIGITS = 4  # weights are rounded: small file, same bytes on every run


def read_pairs(path: Path) -> list[tuple[str, str, str]]:
    """(s1, s2, relation) for each row of an ANS stance CSV, or exit naming the problem."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        sys.exit(f"{path}: cannot open ({error.strerror})")
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"s1", "s2", "stance"} <= set(reader.fieldnames):
            sys.exit(f"{path}: needs the columns s1, s2 and stance")
        pairs = []
        for row in reader:
            if row["stance"] not in STANCE:
                sys.exit(
                    f"{path}:{reader.line_num}: stance {row['stance']!r} not in {list(STANCE)}"
                )
            pairs.append((row["s1"], row["s2"], STANCE[row["stance"]]))
    return pairs


def pair_features(pairs: list[tuple[str, str, str]]) -> list[dict[str, float]]:
    return [features(s1, s2, rule_relation(s1, s2)) for s1, s2, _ in pairs]


def frequent(found: list[dict[str, float]]) -> list[dict[str, float]]:
    counts = Counter(name for one in found for name in one)
    return [{k: v for k, v in one.items() if counts[k] >= MIN_PAIRS} for one in found]


def fit(
    found: list[dict[str, float]], labels: list[str]
) -> tuple[DictVectorizer, LogisticRegression]:
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(found)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, solver="lbfgs")
    model.fit(matrix, labels)
    return vectorizer, model


def contradicts_threshold(found: list[dict[str, float]], labels: list[str]) -> float:
    """The lowest probability of "contradicts" whose out-of-fold precision reaches the target."""
    chances = np.zeros(len(labels))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, held in folds.split(np.zeros(len(labels)), labels):
        vectorizer, model = fit([found[i] for i in train], [labels[i] for i in train])
        column = list(model.classes_).index("contradicts")
        held_matrix = vectorizer.transform([found[i] for i in held])
        chances[held] = model.predict_proba(held_matrix)[:, column]
    gold = np.array([label == "contradicts" for label in labels])
    for threshold in np.arange(0.30, 0.96, 0.01):
        said = chances >= threshold
        if said.any() and gold[said].mean() >= TARGET_PRECISION:
            return round(float(threshold), 2)
    return 0.95


def export(vectorizer: DictVectorizer, model: LogisticRegression, threshold: float) -> str:
    order = [list(model.classes_).index(label) for label in LABELS]
    weights = {
        name: [round(float(model.coef_[row, column]), DIGITS) for row in order]
        for name, column in sorted(vectorizer.vocabulary_.items())
    }
    data = {
        "about": "marsad relate stance model: multinomial logistic regression over "
        "marsad.text.claims.stance.features, trained on ANS stance-train by "
        "scripts/train_stance.py",
        "labels": list(LABELS),
        "intercepts": [round(float(model.intercept_[row]), DIGITS) for row in order],
        "contradicts_threshold": threshold,
        "weights": {name: w for name, w in weights.items() if any(w)},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=TRAIN, help="ANS stance-train.csv")
    parser.add_argument("--out", type=Path, default=OUT, help="where the model JSON goes")
    args = parser.parse_args()
    pairs = read_pairs(args.train)
    labels = [relation for _, _, relation in pairs]
    found = frequent(pair_features(pairs))
    threshold = contradicts_threshold(found, labels)
    vectorizer, model = fit(found, labels)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(export(vectorizer, model, threshold), encoding="utf-8")
    print(f"{args.out}: {len(vectorizer.vocabulary_)} features, contradicts threshold {threshold}")


if __name__ == "__main__":
    main()
