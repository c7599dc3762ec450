"""Dedupe and stories on the seeds, against tests/data/seeds.json, and index upkeep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import GOLD, SEEDS, MakeApp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marsad.core import (
    Article,
    ArticleLink,
    ArticleLinkKind,
    MinHashSignature,
    RawInput,
    RunStatus,
    TextKey,
)
from marsad.core.application import Marsad
from marsad.core.models import StageRun
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings
from marsad.plugins import dedupe as dd
from marsad.text import reuse as tr

TATWEEL = "\u0640"
SEED_000 = "000_1b35a13412cf49fa.txt"


def names(session: Session) -> dict[int, str]:
    return {a.id: a.raw_input.source.rsplit("/", 1)[-1] for a in session.scalars(select(Article))}


def link_table(session: Session) -> set[tuple[str, str, ArticleLinkKind]]:
    by_id = names(session)
    return {
        (by_id[link.source_id], by_id[link.target_id], link.kind)
        for link in session.scalars(select(ArticleLink))
    }


def between(session: Session, a: str, b: str) -> list[ArticleLink]:
    """The dedupe stage's links between two seeds (SAME_STORY is the cluster stage's)."""
    by_name = {name: id_ for id_, name in names(session).items()}
    ids = {by_name[a], by_name[b]}
    return [
        link
        for link in session.scalars(
            select(ArticleLink).where(ArticleLink.kind != ArticleLinkKind.SAME_STORY)
        )
        if {link.source_id, link.target_id} == ids
    ]


def _plain(text: str) -> str:
    return " ".join(text.replace(TATWEEL, "").split())


def test_strong_reuse_pair_shares_most_of_the_shorter_article(seeded_app: Marsad) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["text_reuse"]
    with seeded_app.session_factory() as session:
        for a, b in gold["strong"]:
            found = between(session, a, b)
            assert [link.kind for link in found] == [ArticleLinkKind.REUSES], (a, b)
            link = found[0]
            # The copy is the shorter 004: most of its sentences recur in 003.
            assert names(session)[link.source_id] == b
            assert link.evidence["share_of_source"] > 0.5
            assert len(link.evidence["passages"]) >= 8
            source = session.get_one(Article, link.source_id)
            target = session.get_one(Article, link.target_id)
            for passage in link.evidence["passages"]:
                assert source.text is not None and target.text is not None
                assert source.text[passage["start"] : passage["end"]] == passage["text"]
                original = target.text[passage["original_start"] : passage["original_end"]]
                assert original == passage["original_text"]


def _quoted_in(text: str, passage: str) -> bool:
    """Whether ``passage`` occurs in ``text`` only inside quotation marks."""
    spans = tr.quote_spans(text)
    at = [i for i in range(len(text)) if text.startswith(passage, i)]
    assert at, passage
    return all(any(a < i and i + len(passage) < b for a, b in spans) for i in at)


def _seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def test_gold_passages_of_narration_are_found(seeded_app: Marsad) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["text_reuse"]
    with seeded_app.session_factory() as session:
        for a, b, passage in gold["passage"]:
            if _quoted_in(_seed_text(a), passage) and _quoted_in(_seed_text(b), passage):
                continue  # a quotation both report: not reuse (test below)
            found = [
                p
                for link in between(session, a, b)
                if link.kind is ArticleLinkKind.REUSES
                for p in link.evidence["passages"]
                if _plain(passage) in _plain(p["text"])
                and _plain(passage) in _plain(p["original_text"])
            ]
            assert found, (a, b, passage)


# Where the links differ from the gold's text-reuse pairs, and why (see the report of
# the commit that added this test): the gold counts 001/003 as reuse by one passage,
# "الصواريخ العبثية", which both articles quote (Kadhimi at the cabinet session, the
# gold's quote group "kadhimi-futile-rockets"), and nothing else they share is
# narration of both; 000/003 share a passage of narration, "وكانت فصائل شيعية مسلحة
# بينها كتائب حزب الله هددت باستهداف القوات ..." (about 20 words), which the gold does
# not list.
SHARED_QUOTE_ONLY = frozenset({"001_9dd459dba4470899.txt", "003_17373629d0573b0f.txt"})
NARRATION_NOT_IN_GOLD = frozenset({"000_1b35a13412cf49fa.txt", "003_17373629d0573b0f.txt"})


def test_reuses_pairs_are_the_gold_pairs_that_share_narration(seeded_app: Marsad) -> None:
    reuse = json.loads(GOLD.read_text(encoding="utf-8"))["text_reuse"]
    gold = {frozenset(row[:2]) for row in reuse["strong"] + reuse["passage"]}
    with seeded_app.session_factory() as session:
        linked = {
            frozenset((a, b))
            for a, b, kind in link_table(session)
            if kind is ArticleLinkKind.REUSES
        }
    assert SHARED_QUOTE_ONLY in gold and NARRATION_NOT_IN_GOLD not in gold
    assert linked == (gold - {SHARED_QUOTE_ONLY}) | {NARRATION_NOT_IN_GOLD}
    # The pair the gold has and the links do not shares its gold passage only in quotes.
    ((a, b, passage),) = [
        row for row in reuse["passage"] if frozenset(row[:2]) == SHARED_QUOTE_ONLY
    ]
    assert _quoted_in(_seed_text(a), passage) and _quoted_in(_seed_text(b), passage)
    with seeded_app.session_factory() as session:
        (extra,) = [
            link
            for link in between(session, *NARRATION_NOT_IN_GOLD)
            if link.kind is ArticleLinkKind.REUSES
        ]
    assert extra.evidence["narration_words"] >= 15
    assert any("فصائل شيعية مسلحة" in p["text"] for p in extra.evidence["passages"])


def test_no_duplicates_and_one_story(seeded_app: Marsad) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with seeded_app.session_factory() as session:
        kinds = {kind for _, _, kind in link_table(session)}
        assert ArticleLinkKind.DUPLICATE not in kinds
        assert not gold["text_reuse"]["duplicates"]
        by_id = names(session)
        stories = {by_id[a.id]: a.story_id for a in session.scalars(select(Article))}
        for cluster in gold["story_clusters"]:
            assert len({stories[name] for name in cluster}) == 1
            assert None not in {stories[name] for name in cluster}


def _ingest_one_by_one(app: Marsad) -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        report = app.ingest([path])
        assert report.stored == 1
        assert not app.pipeline().run(report.article_ids).failures


def test_articles_added_one_by_one_get_the_same_links_as_a_batch(
    seeded_app: Marsad, tmp_path: Path
) -> None:
    with seeded_app.session_factory() as session:
        batch = link_table(session)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'one_by_one.db'}")
    other = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    try:
        upgrade(other.engine)
        _ingest_one_by_one(other)
        with other.session_factory() as session:
            assert link_table(session) == batch
    finally:
        other.close()


def _keys(session: Session, article_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(TextKey).where(TextKey.article_id == article_id)
        )
        or 0
    )


def test_deleting_an_article_removes_its_index_entries_and_links(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        by_name = {name: id_ for id_, name in names(session).items()}
        copy = by_name["004_55ef5b67352bc8a0.txt"]
        assert _keys(session, copy) > 0
        raw_id = session.get_one(Article, copy).raw_input_id
        session.execute(delete(RawInput).where(RawInput.id == raw_id))
        session.commit()
    with seeded_app.session_factory() as session:
        assert _keys(session, copy) == 0
        assert session.get(MinHashSignature, copy) is None
        assert not session.scalars(
            select(ArticleLink).where(
                (ArticleLink.source_id == copy) | (ArticleLink.target_id == copy)
            )
        ).all()


def test_reprocessing_replaces_index_entries_and_links(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        before_links = link_table(session)
        before_keys = session.scalar(select(func.count()).select_from(TextKey))
        ids = list(session.scalars(select(Article.id)))
    report = seeded_app.pipeline().run(ids, force=True)
    assert not report.failures
    with seeded_app.session_factory() as session:
        assert link_table(session) == before_links
        assert session.scalar(select(func.count()).select_from(TextKey)) == before_keys
        # A changed text replaces the article's entries: the reuse pair goes away.
        by_name = {name: id_ for id_, name in names(session).items()}
        copy = session.get_one(Article, by_name["004_55ef5b67352bc8a0.txt"])
        copy.text = "نص آخر تماما عن موضوع مختلف لا علاقة له بالاتصال الهاتفي بين الرئيسين."
        copy.match_key = copy.text
        session.commit()
    assert not seeded_app.pipeline().run([copy.id], only=["dedupe"], force=True).failures
    with seeded_app.session_factory() as session:
        assert not [
            link
            for link in between(session, "003_17373629d0573b0f.txt", "004_55ef5b67352bc8a0.txt")
            if link.kind is not ArticleLinkKind.SAME_STORY
        ]


def test_sketches_of_an_older_scheme_are_recomputed_with_the_same_links(
    seeded_app: Marsad,
) -> None:
    with seeded_app.session_factory() as session:
        before = link_table(session)
        by_name = {name: id_ for id_, name in names(session).items()}
        for row in session.scalars(select(MinHashSignature)):
            row.scheme, row.sentences = "an-older-scheme", None
        session.commit()
    copy = by_name["004_55ef5b67352bc8a0.txt"]
    assert not seeded_app.pipeline().run([copy], only=["dedupe"], force=True).failures
    with seeded_app.session_factory() as session:
        assert link_table(session) == before
        assert session.get_one(MinHashSignature, copy).sentences is not None


def test_an_article_that_fails_in_a_batch_fails_alone(
    app: Marsad, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = app.ingest([SEEDS])
    with app.session_factory() as session:
        by_name = {name: id_ for id_, name in names(session).items()}
    bad = by_name["001_9dd459dba4470899.txt"]
    features_of = dd.Features.of.__func__  # type: ignore[attr-defined]

    def failing(cls: type[dd.Features], article: Article) -> dd.Features:
        if article.id == bad:
            raise ValueError("no features for this one")
        found: dd.Features = features_of(cls, article)
        return found

    monkeypatch.setattr(dd.Features, "of", classmethod(failing))
    pipeline_report = app.pipeline().run(report.article_ids)
    assert [(f.article_id, f.stage) for f in pipeline_report.failures] == [(bad, "dedupe")]
    with app.session_factory() as session:
        run = session.scalars(
            select(StageRun).where(StageRun.article_id == bad, StageRun.stage == "dedupe")
        ).one()
        assert run.status is RunStatus.FAILED and "no features" in (run.error or "")
        assert _keys(session, bad) == 0 and session.get(MinHashSignature, bad) is None
        assert session.get_one(Article, bad).content_hash is None
        # The others are indexed and linked as without it: the gold reuse pair holds.
        gold = json.loads(GOLD.read_text(encoding="utf-8"))["text_reuse"]
        for a, b in gold["strong"]:
            assert [link.kind for link in between(session, a, b)] == [ArticleLinkKind.REUSES]
        assert all(_keys(session, i) > 0 for i in report.article_ids if i != bad)


def test_batches_of_any_size_store_the_same_index_and_links(
    seeded_app: Marsad, make_app: MakeApp
) -> None:
    with seeded_app.session_factory() as session:
        links = link_table(session)
        keys = set(session.execute(select(TextKey.value, TextKey.article_id, TextKey.kind)))
        ids = list(session.scalars(select(Article.id)))
    for size in (1, 2):  # run again in other batches: the same rows, none doubled
        small = make_app(batch_size=size)
        assert not small.pipeline().run(ids, only=["dedupe"], force=True).failures
        with small.session_factory() as session:
            assert link_table(session) == links
            again = set(session.execute(select(TextKey.value, TextKey.article_id, TextKey.kind)))
            assert again == keys
            assert session.scalar(select(func.count()).select_from(TextKey)) == len(keys)


def _copies_outcome(app: Marsad, path: Path) -> tuple[set[tuple[str, str, str]], int]:
    report = app.ingest([path])
    assert not report.errors and report.stored == len(report.article_ids)
    assert (
        not app.pipeline()
        .run(sorted(report.article_ids), only=["parse", "normalize", "dedupe"])
        .failures
    )
    with app.session_factory() as session:
        url = dict(session.execute(select(Article.id, Article.url)).all())
        links = {
            (str(url[link.source_id]), str(url[link.target_id]), link.kind.value)
            for link in session.scalars(select(ArticleLink))
        }
        return links, session.scalar(select(func.count()).select_from(TextKey)) or 0


def test_more_copies_than_the_cap_link_alike_in_any_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More articles of one text than KEY_CAP (its keys fill up: the pairs of the
    # earlier copies are decided again, the first KEY_CAP of the text change), among
    # copies of another text that stay linked: a batch must see what one by one sees.
    monkeypatch.setattr(dd, "KEY_CAP", 4)
    texts = [_seed_text("003_17373629d0573b0f.txt")] * 3 + [_seed_text(SEED_000)] * 9
    records = [
        {"outlet": f"outlet{i}", "url": f"http://example.com/{i}", "title": f"{i}", "text": text}
        for i, text in enumerate(texts[::2] + texts[1::2])
    ]
    path = tmp_path / "copies.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    found = []
    for size in (50, 1, 4):
        settings = Settings(database_url=f"sqlite:///{tmp_path / f'b{size}.db'}", batch_size=size)
        app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
        try:
            upgrade(app.engine)
            found.append(_copies_outcome(app, path))
        finally:
            app.close()
    assert found[0][0] and found[0] == found[1] == found[2]
