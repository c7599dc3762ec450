"""The extractor on the five seed articles, against the gold file."""

from __future__ import annotations

import json

from conftest import GOLD, SEEDS
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marsad.core import Article, Claim, ClaimKind, ClaimLink, Entity, EntityMention, Qualifier
from marsad.core.application import Marsad

TATWEEL = "\u0640"


def articles(session: Session) -> dict[str, Article]:
    found = {}
    for article in session.scalars(select(Article)):
        found[article.raw_input.source.rsplit("/", 1)[-1]] = article
    return found


def claims_of(session: Session, article: Article, kind: ClaimKind) -> list[Claim]:
    return list(
        session.scalars(select(Claim).where(Claim.article_id == article.id, Claim.kind == kind))
    )


def test_every_span_is_the_text_it_claims(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        for claim in session.scalars(select(Claim)):
            assert claim.article.text is not None
            assert claim.text == claim.article.text[claim.start : claim.end]
            assert claim.slot_key
        for mention in session.scalars(select(EntityMention)):
            text = session.get_one(Article, mention.article_id).text or ""
            assert mention.text == text[mention.start : mention.end]


def test_gold_quantities_are_found(seeded_app: Marsad) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["quantities"]
    with seeded_app.session_factory() as session:
        by_name = articles(session)
        found = 0
        for item in gold:
            evidence = item["evidence"].replace(TATWEEL, "")
            candidates = [
                c
                for c in claims_of(session, by_name[item["article"]], ClaimKind.QUANTITY)
                if c.text in evidence or evidence in c.text
            ]
            if any(
                c.quantity_value == item["value"]
                and c.quantity_unit == item["unit"]
                and c.qualifier is Qualifier(item["qualifier"])
                for c in candidates
            ):
                found += 1
        assert found == len(gold)


def test_negated_and_positive_injuries(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        article = articles(session)["002_145ccaaec9f3b403.txt"]
        events = {c.text: c.negated for c in claims_of(session, article, ClaimKind.EVENT)}
        assert events["من دون وقوع إصابات"] is True
        assert events["سقوط عدد من الإصابات"] is False


def test_speakers_resolve_to_entities(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        kadhimi = session.scalars(select(Entity).where(Entity.name == "مصطفى الكاظمي")).one()
        assert kadhimi.type == "PERSON"
        assert {"الكاظمي", "مصطفى الكاظمي"} <= {a.alias for a in kadhimi.aliases}
        white_house = session.scalars(select(Entity).where(Entity.name == "البيت الأبيض")).one()
        assert white_house.type == "ORG"
        price = session.scalars(select(Entity).where(Entity.name == "نيد برايس")).one()
        by_name = articles(session)
        # The Kadhimi tweet quote in every article is attributed to him.
        for article in by_name.values():
            quoted = [
                c
                for c in claims_of(session, article, ClaimKind.STATEMENT)
                if "العمل لمواصلة الحوار الاستراتيجي" in c.text
            ]
            assert quoted and all(c.speaker_id == kadhimi.id for c in quoted), article.id
        tweet = [
            c
            for c in claims_of(session, by_name["000_1b35a13412cf49fa.txt"], ClaimKind.STATEMENT)
            if c.speaker_id == kadhimi.id and c.direct
        ]
        assert tweet[0].channel == "tweet" and tweet[0].verb == "قال"
        said = claims_of(session, by_name["003_17373629d0573b0f.txt"], ClaimKind.STATEMENT)
        assert any(c.speaker_id == price.id and c.direct for c in said)
        assert any(c.speaker_id == white_house.id and c.channel == "statement" for c in said)


def test_cited_sources(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        by_name = articles(session)
        rockets = claims_of(session, by_name["002_145ccaaec9f3b403.txt"], ClaimKind.QUANTITY)
        via = {c.text: c.cited_source for c in rockets}
        assert via["أربعة صواريخ"] == "RT"
        assert via["صاروخين"] == "خلية الإعلام الأمني"
        said = claims_of(session, by_name["001_9dd459dba4470899.txt"], ClaimKind.STATEMENT)
        assert "سكاي نيوز عربية" in {c.cited_source for c in said}
        said = claims_of(session, by_name["000_1b35a13412cf49fa.txt"], ClaimKind.STATEMENT)
        assert "الجيش العراقي" in {c.speaker_text for c in said}


def counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Claim, ClaimLink, Entity, EntityMention)
    )


def test_running_again_gives_the_same_output(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        before = counts(session)
        ids = sorted(session.scalars(select(Article.id)))
    report = seeded_app.pipeline().run(ids, only=["extract", "link"])
    assert not report.failures
    report = seeded_app.pipeline().run(ids[::-1])
    assert not report.failures
    with seeded_app.session_factory() as session:
        assert counts(session) == before
    assert before[0] > 0 and before[1] > 0
    assert SEEDS.exists()
