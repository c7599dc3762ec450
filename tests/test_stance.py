"""The stance model of `marsad relate`: features, the shipped weights, ANS dev floors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, corpus_path

from marsad.core import InputError
from marsad.text.claims.relate import relate, rule_relation
from marsad.text.claims.stance import LABELS, features, read_model, shipped_model

sys.path.insert(0, str(ROOT / "bench"))
from eval_ans import STANCE, score  # bench scripts are no package: found by path

MODEL = ROOT / "text" / "models" / "stance.json"


def test_features_are_symmetric() -> None:
    a, b = "الذهب يرتفع مع تراجع الدولار", "الذهب يتراجع مع ارتفاع الدولار"
    assert features(a, b, rule_relation(a, b)) == features(b, a, rule_relation(b, a))


def test_features_name_the_rules_findings() -> None:
    a, b = "وافق البرلمان على الموازنة الجديدة", "لم يوافق البرلمان على الموازنة الجديدة"
    found = features(a, b, rule_relation(a, b))
    assert found["rule=contradicts"] == 1.0
    assert found["negation_differs"] == 1.0
    assert found["only=لم"] == 1.0


def test_relate_says_why() -> None:
    found = relate("الذهب يرتفع مع تصريحات ترامب", "الذهب يتراجع مع تصريحات ترامب")
    assert found["relation"] == "contradicts"
    assert found["because"] and all(isinstance(name, str) for name in found["because"])
    assert found["rule_relation"] == "contradicts"
    assert 0.0 < found["score"] <= 1.0
    json.dumps(found, ensure_ascii=False, allow_nan=False)


def test_shipped_model_is_small_and_complete() -> None:
    assert MODEL.stat().st_size < 1_000_000
    model = shipped_model()
    assert model.labels == LABELS
    assert 0.0 < model.contradicts_threshold < 1.0


def test_bad_model_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_model(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not a stance model"):
        read_model(broken)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(
        json.dumps(
            {
                "labels": ["yes", "no"],
                "intercepts": [0, 0],
                "weights": {},
                "contradicts_threshold": 0.5,
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="one weight per label"):
        read_model(wrong)


def _dev_rows() -> list[dict[str, str]]:
    path = corpus_path("ans", "stance-dev.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.corpus
def test_ans_dev_floors() -> None:
    """Trained on stance-train only; dev is held out."""
    rows = _dev_rows()
    said = [(row["stance"], STANCE[relate(row["s1"], row["s2"])["relation"]]) for row in rows]
    result = score(said)
    assert result["macro_f1"] >= 0.70, result
    assert result["contradicts_precision"] >= 0.85, result


@pytest.mark.corpus
@pytest.mark.slow
def test_retraining_reproduces_the_shipped_model(tmp_path: Path) -> None:
    """Byte for byte. When it fails after a change to the rules, retrain and ship:
    .venv/bin/python scripts/train_stance.py (see docs/stance.md)."""
    pytest.importorskip("sklearn", reason="scikit-learn is the optional extra [train]")
    train = corpus_path("ans", "stance-train.csv")
    out = tmp_path / "stance.json"
    subprocess.run(
        [sys.executable, ROOT / "scripts" / "train_stance.py", "--train", train, "--out", out],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == MODEL.read_bytes(), "the rules changed: retrain the stance model"
