"""The linker on the seeds: quote groups, contradictions, and what must not clash."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import pytest
from conftest import GOLD, SEEDS, MakeApp
from sqlalchemy import select
from sqlalchemy.orm import Session

from marsad.core import Article, Claim, ClaimKind, ClaimLink, ClaimLinkKind, Qualifier, QuantityKind
from marsad.core.application import Marsad
from marsad.plugins import link as link_stage
from marsad.text.claims.compare import ClaimView, compare

TATWEEL = "\u0640"


def names(session: Session) -> dict[int, str]:
    return {a.id: a.raw_input.source.rsplit("/", 1)[-1] for a in session.scalars(select(Article))}


def links(session: Session) -> list[tuple[ClaimLinkKind, Claim, Claim, ClaimLink]]:
    found = []
    for link in session.scalars(select(ClaimLink)):
        found.append(
            (
                link.kind,
                session.get_one(Claim, link.source_id),
                session.get_one(Claim, link.target_id),
                link,
            )
        )
    return found


def matches(claim: Claim, article: str, evidence: str, by_id: dict[int, str]) -> bool:
    evidence = evidence.replace(TATWEEL, "")
    return by_id[claim.article_id] == article and (claim.text in evidence or evidence in claim.text)


def kinds_between(session: Session, a: dict[str, str], b: dict[str, str]) -> set[ClaimLinkKind]:
    by_id = names(session)
    found = set()
    for kind, source, target, _ in links(session):
        for x, y in ((source, target), (target, source)):
            if matches(x, a["article"], a["evidence"], by_id) and matches(
                y, b["article"], b["evidence"], by_id
            ):
                found.add(kind)
    return found


def test_gold_contradictions_are_found(seeded_app: Marsad) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["contradictions"]
    with seeded_app.session_factory() as session:
        for slot in gold:
            for a, b in slot["pairs"]:
                assert kinds_between(session, a, b) == {ClaimLinkKind.CONTRADICTS}, (a, b)
            for a, b in slot.get("compatible", []):
                found = kinds_between(session, a, b)
                assert ClaimLinkKind.CONTRADICTS not in found, (a, b)
                assert found == {ClaimLinkKind.CORROBORATES}


def test_kadhimi_tweet_quote_links_all_five(seeded_app: Marsad) -> None:
    group = json.loads(GOLD.read_text(encoding="utf-8"))["quote_groups"][0]
    assert group["id"] == "kadhimi-tweet-dialogue"
    evidence = group["evidence"]
    with seeded_app.session_factory() as session:
        for a, b in combinations(sorted(evidence), 2):
            found = kinds_between(
                session,
                {"article": a, "evidence": evidence[a]},
                {"article": b, "evidence": evidence[b]},
            )
            assert found & {ClaimLinkKind.SAME_QUOTE, ClaimLinkKind.CORROBORATES}, (a, b)


def test_links_carry_evidence_with_exact_spans(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        found = links(session)
        assert found
        for _, source, target, link in found:
            assert source.id > target.id
            for side, claim in (("source", source), ("target", target)):
                span = link.evidence[side]
                text = session.get_one(Article, span["article_id"]).text or ""
                assert span["text"] == text[span["start"] : span["end"]] == claim.text
            assert link.evidence["score"] == link.score


def test_no_pair_is_stored_twice(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        pairs = [(s.id, t.id) for _, s, t, _ in links(session)]
        assert len(pairs) == len(set(pairs))


def view(**fields: object) -> ClaimView:
    base: dict[str, object] = {
        "id": 1,
        "article_id": 1,
        "kind": ClaimKind.QUANTITY,
        "text": "",
        "start": 0,
        "end": 0,
        "sentence": "سقطت الصواريخ على المنطقة الخضراء",
        "unit": "صاروخ",
        "qualifier": Qualifier.EXACT,
    }
    base.update(fields)
    return ClaimView(**base)  # type: ignore[arg-type]


def test_value_rules() -> None:
    three, four = view(value=3.0), view(value=4.0)
    at_least_three = view(value=3.0, qualifier=Qualifier.AT_LEAST)
    assert compare(three, four).kind is ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]
    assert compare(at_least_three, four).kind is ClaimLinkKind.CORROBORATES  # type: ignore[union-attr]
    assert compare(three, at_least_three).kind is ClaimLinkKind.CORROBORATES  # type: ignore[union-attr]
    more_than_three = view(value=3.0, qualifier=Qualifier.MORE_THAN)
    assert compare(three, more_than_three).kind is ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]
    none = view(kind=ClaimKind.EVENT, negated=True)
    some = view(kind=ClaimKind.EVENT)
    assert compare(none, some).kind is ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]


def test_same_noun_at_another_site_is_not_compared() -> None:
    green_zone = view(value=3.0)
    balad = view(value=2.0, sentence="استهدف صاروخان قاعدة بلد الجوية")
    assert compare(green_zone, balad) is None


def test_two_figures_of_one_sentence_are_two_facts() -> None:
    # Two outlets print the same market sentence: its two figures never contradict.
    sentence = "وشهدت تداولات اليوم ارتفاع أسهم 143 شركة في قيمتها، فيما تراجعت أسهم 14 شركة"
    rose = view(value=143.0, unit="شركة", text="143 شركة", sentence=sentence)
    fell = view(id=2, article_id=2, value=14.0, unit="شركة", text="14 شركة", sentence=sentence)
    assert compare(rose, fell) is None
    same = view(id=2, article_id=2, value=143.0, unit="شركة", text="143 شركة", sentence=sentence)
    assert compare(rose, same).kind is ClaimLinkKind.CORROBORATES  # type: ignore[union-attr]


def test_figures_are_compared_only_when_the_words_around_them_agree() -> None:
    year = view(
        value=25.766e6,
        unit="طن",
        quantity_kind=QuantityKind.MEASURE,
        text="25.766 مليون طن",
        sentence="ودخل ميناء جدة الإسلامي حتى نهاية العام الماضي 25.766 مليون طن من الأغذية",
    )
    shipment = view(
        id=2,
        article_id=2,
        value=395e3,
        unit="طن",
        quantity_kind=QuantityKind.MEASURE,
        text="395 ألف طن",
        sentence="وتصل إلى ميناء جدة الإسلامي تسع بواخر بكمية 395 ألف طن من الأغذية",
    )
    assert compare(year, shipment) is None  # one site, two different loads
    reported = view(
        id=3,
        article_id=3,
        value=24e6,
        unit="طن",
        quantity_kind=QuantityKind.MEASURE,
        text="24 مليون طن",
        sentence="ودخل ميناء جدة الإسلامي حتى نهاية العام الماضي 24 مليون طن من الأغذية",
    )
    assert compare(year, reported).kind is ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]


def test_a_negation_counts_only_over_what_both_statements_say() -> None:
    said = "الدراسة ستنطلق بشكلها النظامي في موعدها المقرر في جميع مدارس المنطقة ومحافظاتها"
    longer = view(
        kind=ClaimKind.STATEMENT,
        speaker_id=7,
        text=said + " والمدارس غير الآمنة سيتم استخدام البدائل التقنية فيها",
    )
    shorter = view(id=2, article_id=2, kind=ClaimKind.STATEMENT, speaker_id=7, text=said)
    assert compare(longer, shorter).kind is ClaimLinkKind.SAME_QUOTE  # type: ignore[union-attr]
    denied = view(
        id=3,
        article_id=3,
        kind=ClaimKind.STATEMENT,
        speaker_id=7,
        text="الدراسة لن تنطلق بشكلها النظامي في موعدها المقرر في جميع مدارس المنطقة ومحافظاتها",
    )
    assert compare(denied, shorter).kind is ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]


def test_counts_in_two_cities_are_two_events() -> None:
    riyadh = view(
        value=3.0, unit="قتيل", text="3 أشخاص", sentence="قتل 3 أشخاص في حادث سير بالرياض"
    )
    jeddah = view(
        id=2,
        article_id=2,
        value=7.0,
        unit="قتيل",
        text="7 أشخاص",
        sentence="قتل 7 أشخاص في حادث سير بجدة",
    )
    assert compare(riyadh, jeddah) is None
    again = view(
        id=3,
        article_id=3,
        value=7.0,
        unit="قتيل",
        text="7 أشخاص",
        sentence="قتل 7 أشخاص في حادث سير في الرياض",
    )
    assert compare(riyadh, again).kind is ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]


def test_two_statements_of_one_speaker_do_not_contradict_by_their_figures() -> None:
    budget = view(
        kind=ClaimKind.STATEMENT,
        speaker_id=7,
        text="الشركة ستوزع أرباحا نقدية بنسبة 6 في المائة على المساهمين عن النصف الأول",
    )
    other = view(
        id=2,
        article_id=2,
        kind=ClaimKind.STATEMENT,
        speaker_id=7,
        text="الشركة ستوزع أرباحا نقدية بنسبة 15 في المائة وبواقع 1.5 ريال لكل سهم على المساهمين "
        "عن النصف الأول من العام الحالي بعد موافقة الجمعية العامة",
    )
    assert compare(budget, other).kind is not ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]
    misquoted = view(
        id=3,
        article_id=3,
        kind=ClaimKind.STATEMENT,
        speaker_id=7,
        text=budget.text.replace("6", "9"),
    )
    assert compare(budget, misquoted).kind is ClaimLinkKind.CONTRADICTS  # type: ignore[union-attr]


def test_still_is_no_negation() -> None:
    said = (
        "إنتاج النفط الإيراني سيشهد ارتفاعا حيث لا زال مطلوبا مصادقة الاتحاد الأوروبي على الاتفاق"
    )
    a = view(kind=ClaimKind.STATEMENT, speaker_id=7, text=said)
    b = view(
        id=2,
        article_id=2,
        kind=ClaimKind.STATEMENT,
        speaker_id=7,
        text=said.replace("لا زال", "ما زال"),
    )
    assert compare(a, b).kind is ClaimLinkKind.SAME_QUOTE  # type: ignore[union-attr]


def stored_links(app: Marsad) -> dict[tuple[int, int, ClaimLinkKind], tuple[int, float, str]]:
    with app.session_factory() as session:
        return {
            (link.source_id, link.target_id, link.kind): (
                link.id,
                link.score,
                json.dumps(link.evidence, sort_keys=True, ensure_ascii=False),
            )
            for link in session.scalars(select(ClaimLink))
        }


def test_a_batch_links_as_its_articles_alone_and_a_rerun_replaces(make_app: MakeApp) -> None:
    # Linked one article a batch, then again all in one batch: the same links, each
    # pair stored once and keeping its row (a rerun replaces, it does not add).
    alone = make_app(batch_size=1)
    report = alone.ingest([SEEDS])
    assert not alone.pipeline().run(report.article_ids).failures
    before = stored_links(alone)
    assert before
    together = make_app(batch_size=50)
    rerun = together.pipeline().run(report.article_ids, only=["link"], force=True)
    assert not rerun.failures and rerun.runs == {"ok": len(report.article_ids)}
    assert stored_links(together) == before


def test_an_article_that_fails_linking_fails_alone(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The batch raises, the pipeline redoes it one article at a time: the others are
    # linked and the bad one fails alone, with its message.
    app = make_app(batch_size=50)
    report = app.ingest([SEEDS])
    assert (
        not app.pipeline().run(report.article_ids, only=["parse", "normalize", "extract"]).failures
    )
    bad = report.article_ids[2]
    real = link_stage._load

    def broken(session: Session, column: Any, values: Sequence[int]) -> list[Any]:
        if column is Claim.article_id and bad in values:
            raise ValueError(f"cannot read the claims of article {bad}")
        return real(session, column, values)

    monkeypatch.setattr(link_stage, "_load", broken)
    run = app.pipeline().run(report.article_ids, only=["link"])
    assert [(failure.article_id, failure.stage) for failure in run.failures] == [(bad, "link")]
    assert f"article {bad}" in run.failures[0].error
    assert run.runs["ok"] == len(report.article_ids) - 1
