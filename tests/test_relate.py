"""`marsad relate`: two short texts with the pipeline's rules, and the ANS stance check."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_path

from marsad.core import InputError
from marsad.plugins.relate import relate_pairs
from marsad.text.claims.relate import relate


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("سقطت أربعة صواريخ على المنطقة الخضراء", "سقط صاروخان على المنطقة الخضراء", "contradicts"),
        (
            "سقطت ثلاثة صواريخ على الأقل على المنطقة الخضراء",
            "سقطت أربعة صواريخ على المنطقة الخضراء",
            "corroborates",
        ),
        ("الذهب يرتفع مع تصريحات ترامب", "الذهب يتراجع مع تصريحات ترامب", "contradicts"),
        (
            "وافق البرلمان على الموازنة الجديدة",
            "لم يوافق البرلمان على الموازنة الجديدة",
            "contradicts",
        ),
        ("ارتفاع لسعر الدولار في التعاملات", "ارتفاع لسعر اليورو في التعاملات", "contradicts"),
        ("نيكاي يرتفع لأعلى مستوى منذ 1991", "ارتفاع قياسي لمؤشر نيكاي منذ ١٩٩١", "corroborates"),
        ("افتتاح معرض الكتاب في الرياض", "منتخب البرازيل يفوز بالمباراة", "unrelated"),
    ],
)
def test_relations(a: str, b: str, relation: str) -> None:
    found = relate(a, b)
    assert found["relation"] == relation, found
    assert found["because"], found  # the features that decided
    if relation != "unrelated":
        assert found["evidence"]


def test_counts_carry_values_as_evidence() -> None:
    found = relate("سقطت أربعة صواريخ على المنطقة الخضراء", "سقط صاروخان على المنطقة الخضراء")
    evidence = found["evidence"]
    assert (evidence["a_value"], evidence["b_value"]) == (4.0, 2.0)
    assert evidence["a"]["text"] == "أربعة صواريخ" and evidence["b"]["text"] == "صاروخان"


def test_pairs_file_keeps_order_and_reports_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text(
        's1,s2\nالذهب يرتفع,الذهب يتراجع\nonly one\n"a","b","c"\nالنفط يرتفع,النفط يرتفع\n',
        encoding="utf-8",
    )
    lines, errors = relate_pairs(path)
    assert [json.loads(line)["relation"] for line in lines] == ["contradicts", "corroborates"]
    assert errors == [
        f"{path}:3: malformed row (needs s1 and s2)",
        f"{path}:4: malformed row (needs s1 and s2)",
    ]


def test_pairs_file_without_columns_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="s1 and s2"):
        relate_pairs(path)
    with pytest.raises(InputError, match="cannot open"):
        relate_pairs(tmp_path / "none.csv")


def test_ans_dev_contradicts_precision() -> None:
    """Rules were tuned on stance-train only; dev is held out."""
    path = corpus_path("ans", "stance-dev.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    said = [relate(row["s1"], row["s2"])["relation"] for row in rows]
    flagged = [
        row["stance"] for row, relation in zip(rows, said, strict=True) if relation == "contradicts"
    ]
    assert len(flagged) >= 50
    precision = flagged.count("disagree") / len(flagged)
    assert precision >= 0.8, precision


def test_two_cities_are_unrelated_whatever_the_model_says() -> None:
    found = relate("قتل 3 أشخاص في حادث سير بالرياض", "قتل 7 أشخاص في حادث سير بجدة")
    assert found["relation"] == "unrelated"
    assert found["evidence"] == {"rule": "different cities", "cities": [["الرياض"], ["جدة"]]}


def test_an_empty_text_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "marsad"), "relate", " ", "نص"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "TEXT_A is empty" in result.stderr
