"""Claim links inside one article are bounded by design.

A claim repeated word for word is stored once, and inside one article only claims
of different sources are compared: a page repeating one sentence hundreds of times
(a 36 KB one gave 804 claims and 40,200 links inside itself) gets two claims and no
link, and one source giving many numbers on one slot is not a dispute with itself.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from marsad.core import Claim, ClaimLink
from marsad.core.application import Marsad

SAID = "وقال المتحدث باسم خلية الإعلام الأمني يحيى رسول إن {} سقطت على المنطقة الخضراء."
NUMBERS = ["ثلاثة صواريخ", "أربعة صواريخ", "خمسة صواريخ", "ستة صواريخ", "سبعة صواريخ"]


def process(app: Marsad, path: Path, body: str) -> None:
    path.write_text("صواريخ على المنطقة الخضراء\n" + body + "\n", encoding="utf-8")
    report = app.ingest([path])
    assert report.article_ids
    run = app.pipeline().run(report.article_ids)
    assert not run.failures, run.failures


def counts(app: Marsad) -> tuple[int, int]:
    """(claims, claim links between claims of one article)."""
    source, target = aliased(Claim), aliased(Claim)
    with app.session_factory() as session:
        claims = session.scalar(select(func.count()).select_from(Claim)) or 0
        inside = session.scalar(
            select(func.count())
            .select_from(ClaimLink)
            .join(source, ClaimLink.source_id == source.id)
            .join(target, ClaimLink.target_id == target.id)
            .where(source.article_id == target.article_id)
        )
    return claims, inside or 0


def test_one_sentence_repeated_is_one_claim_with_no_links(app: Marsad, tmp_path: Path) -> None:
    process(app, tmp_path / "repeated.txt", " ".join([SAID.format(NUMBERS[0])] * 80))
    claims, inside = counts(app)
    assert claims == 2  # the statement and the count in it
    assert inside == 0


def test_one_source_with_many_numbers_does_not_dispute_itself(app: Marsad, tmp_path: Path) -> None:
    body = " ".join(SAID.format(number) for number in NUMBERS * 4)
    process(app, tmp_path / "numbers.txt", body)
    claims, inside = counts(app)
    assert claims == 2 * len(NUMBERS)
    assert inside == 0
