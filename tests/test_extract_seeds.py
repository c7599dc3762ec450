"""The extractor on the five seed articles, against the gold file."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from conftest import GOLD, SEEDS
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    Citation,
    Claim,
    ClaimKind,
    ClaimLink,
    Entity,
    EntityAlias,
    EntityMention,
    Qualifier,
    RunStatus,
    StageContext,
)
from marsad.core.application import Marsad
from marsad.core.models import StageRun
from marsad.plugins import extract
from marsad.plugins.extract import entity_rows
from marsad.text.claims.entities import EntityRef, entity_key
from marsad.text.claims.finder import FoundClaims, find_claims

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


def stored_rows(session: Session) -> dict[str, set[tuple[object, ...]]]:
    """What extract stored, by natural keys (claims with their ids: reruns keep them)."""
    entity = {e.id: (e.type, e.key, e.name) for e in session.scalars(select(Entity))}
    claims = list(session.scalars(select(Claim)))
    where = {c.id: (c.kind, c.start, c.end) for c in claims}
    return {
        "claims": {
            (c.id, c.article_id, c.kind, c.start, c.end, c.text, entity.get(c.speaker_id or 0))
            for c in claims
        },
        "citations": {
            (c.article_id, where[c.claim_id or 0], c.source, c.source_kind, c.start, c.end)
            for c in session.scalars(select(Citation))
        },
        "mentions": {
            (m.article_id, entity[m.entity_id], m.start, m.end, m.text)
            for m in session.scalars(select(EntityMention))
        },
        "entities": set(entity.values()),
        "aliases": {(entity[a.entity_id], a.alias) for a in session.scalars(select(EntityAlias))},
    }


def test_a_batch_run_again_replaces_what_it_stored(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        before = stored_rows(session)
        ids = sorted(session.scalars(select(Article.id)))
        # Two articles as if never extracted: the batch mixes new and stored ones.
        fresh = ids[1:3]
        for model in (Citation, EntityMention, Claim):
            session.execute(delete(model).where(model.article_id.in_(fresh)))
        session.commit()
    report = seeded_app.pipeline().run(ids, only=["extract"], force=True)
    assert not report.failures and report.runs == {"ok": len(ids)}
    with seeded_app.session_factory() as session:
        after = stored_rows(session)
    assert before["claims"] and before["citations"] and before["mentions"]
    for table in ("citations", "mentions", "entities", "aliases"):
        assert after[table] == before[table], table
    kept = {claim for claim in before["claims"] if claim[1] not in fresh}
    assert kept <= after["claims"]  # the stored articles' claims keep their ids
    without_ids = {claim[1:] for claim in after["claims"]}
    assert without_ids == {claim[1:] for claim in before["claims"]}


def test_a_bad_article_fails_alone_and_the_batch_lands(
    app: Marsad, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = app.ingest([SEEDS]).article_ids
    report = app.pipeline().run(ids, only=["parse", "normalize"])
    assert not report.failures
    with app.session_factory() as session:
        bad_text = session.get_one(Article, ids[2]).text

    def finder(text: str) -> FoundClaims:
        if text == bad_text:
            raise ValueError("this text breaks the finder")
        return find_claims(text)

    monkeypatch.setattr(extract, "find_claims", finder)
    calls: list[list[int]] = []
    process_batch = extract.Extract.process_batch

    def counted(self: extract.Extract, ctx: StageContext, articles: Any) -> Any:
        calls.append([a.id for a in articles])
        return process_batch(self, ctx, articles)

    monkeypatch.setattr(extract.Extract, "process_batch", counted)
    report = app.pipeline().run(ids, only=["extract"])
    assert calls == [ids]  # one call for the batch: no retry article by article
    assert [(f.article_id, f.stage) for f in report.failures] == [(ids[2], "extract")]
    assert "this text breaks the finder" in report.failures[0].error
    with app.session_factory() as session:
        run = session.scalars(
            select(StageRun).where(StageRun.article_id == ids[2], StageRun.stage == "extract")
        ).one()
        assert run.status is RunStatus.FAILED
        with_claims = set(session.scalars(select(Claim.article_id)))
        assert with_claims == set(ids) - {ids[2]}
        assert ids[2] not in set(session.scalars(select(EntityMention.article_id)))


def test_an_entity_takes_its_best_name_whoever_stored_it_first(app: Marsad) -> None:
    """Another process stored the entity under a shorter name: the fuller name wins, a
    shorter one later does not take it back, and every alias is kept."""
    full = EntityRef("PERSON", "جوزيف بايدن", entity_key("PERSON", "جوزيف بايدن"), ("جوزيف بايدن",))
    short = EntityRef("PERSON", "جو بايدن", full.key, ("بايدن",))
    other = EntityRef("ORG", "البيت الأبيض", entity_key("ORG", "البيت الأبيض"), ("البيت الأبيض",))
    with app.session_factory() as winner:
        winner.add(Entity(type="PERSON", key=full.key, name="جو بايدن"))
        winner.commit()
    with app.session_factory() as session:
        ids = entity_rows.store_entities(session, [full, other, full])
        assert entity_rows.store_entities(session, [short]) == {short: ids[full]}
        session.commit()
    with app.session_factory() as session:
        entities = {e.id: (e.type, e.name) for e in session.scalars(select(Entity))}
        aliases = {
            (entities[a.entity_id][1], a.alias) for a in session.scalars(select(EntityAlias))
        }
    assert entities[ids[full]] == ("PERSON", "جوزيف بايدن") and len(entities) == 2
    assert entities[ids[other]] == ("ORG", "البيت الأبيض")
    assert aliases == {
        ("جوزيف بايدن", "جوزيف بايدن"),
        ("جوزيف بايدن", "بايدن"),
        ("البيت الأبيض", "البيت الأبيض"),
    }


def test_names_of_equal_length_go_to_the_first_in_code_point_order(app: Marsad) -> None:
    key = entity_key("PERSON", "مصطفى الكاظمي")
    names = ["مصطفى الكاظمى", "مصطفى الكاظمي"]  # alef maqsura (U+0649) before ya (U+064A)
    for order in (names, names[::-1]):
        with app.session_factory() as session:
            session.execute(delete(EntityAlias))
            session.execute(delete(Entity))
            for name in order:
                entity_rows.store_entities(session, [EntityRef("PERSON", name, key, (name,))])
            session.commit()
            assert session.scalars(select(Entity.name)).all() == ["مصطفى الكاظمى"]


def test_two_transactions_create_one_entity_at_once(app: Marsad) -> None:
    """On PostgreSQL the second insert waits for the first transaction and then skips
    its row; on SQLite (write transactions, as the pipeline's) the second waits for
    the first to commit and then finds the row."""
    ref = EntityRef("PERSON", "مصطفى الكاظمي", entity_key("PERSON", "مصطفى الكاظمي"), ("الكاظمي",))
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    with app.write_session_factory() as first:
        results["first"] = entity_rows.store_entities(first, [ref])[ref]

        def second() -> None:
            try:
                with app.write_session_factory() as session:
                    results["second"] = entity_rows.store_entities(session, [ref])[ref]
                    session.commit()
            except BaseException as error:
                errors.append(error)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)  # it waits on the first transaction's row (or lock)
        first.commit()
    thread.join(30)
    assert not thread.is_alive() and not errors, errors
    assert results["first"] == results["second"]
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 1
        assert session.scalar(select(func.count()).select_from(EntityAlias)) == 1
