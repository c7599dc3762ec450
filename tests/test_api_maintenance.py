"""reprocess and deleteArticle: behind the API token, typed errors for what the caller
can act on, and nothing lost but what was asked to go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_client import ApiClient
from conftest import SEEDS, MakeApp
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from strawberry.relay import to_base64

from marsad.core import models as db
from marsad.core.application import Marsad
from marsad.core.pipeline import Pipeline
from marsad.core.removal import delete_articles, stages_to_refresh

TOKEN = "s3cret-token"

REPROCESS = """mutation($ids: [ID!]!, $stages: [String!]) {
  reprocess(ids: $ids, stages: $stages) {
    articles { id title runs { stage finishedAt } }
    error { code retryable message }
  }
}"""

DELETE = """mutation($id: ID!) {
  deleteArticle(id: $id) { deletedId updatedArticles error { code retryable message } }
}"""


@pytest.fixture
def seeded(make_app: MakeApp) -> Marsad:
    app = make_app(api_token=TOKEN)
    report = app.ingest([SEEDS])
    assert report.stored == 5
    assert not app.pipeline().run(report.article_ids).failures
    return app


def reprocess(app: Marsad, ids: list[str], stages: list[str] | None = None) -> dict[str, Any]:
    result = ApiClient(app).execute(REPROCESS, {"ids": ids, "stages": stages}, token=TOKEN)
    assert not result.get("errors"), result
    payload: dict[str, Any] = result["data"]["reprocess"]
    return payload


def delete(app: Marsad, article_id: str) -> dict[str, Any]:
    result = ApiClient(app).execute(DELETE, {"id": article_id}, token=TOKEN)
    assert not result.get("errors"), result
    payload: dict[str, Any] = result["data"]["deleteArticle"]
    return payload


def runs_of(app: Marsad, article_id: int) -> dict[str, Any]:
    with app.session_factory() as session:
        runs = session.scalars(select(db.StageRun).where(db.StageRun.article_id == article_id))
        return {run.stage: run.finished_at for run in runs}


def counts(app: Marsad) -> dict[str, int]:
    tables = {
        "articles": db.Article,
        "raw_inputs": db.RawInput,
        "claims": db.Claim,
        "stories": db.Story,
        "article_links": db.ArticleLink,
        "claim_links": db.ClaimLink,
    }
    with app.session_factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in tables.items()
        }


def claims_per_article(session: Session, ids: tuple[int, ...]) -> dict[int, int | None]:
    count = select(func.count()).select_from(db.Claim)
    return {i: session.scalar(count.where(db.Claim.article_id == i)) for i in ids}


def test_reprocess_runs_the_named_stage_and_what_reads_it(seeded: Marsad) -> None:
    before = runs_of(seeded, 2)
    payload = reprocess(seeded, ["2", "1"], ["extract"])
    assert payload["error"] is None
    assert [article["id"] for article in payload["articles"]] == [
        ApiClient(seeded).data(f'{{ article(id: "{i}") {{ id }} }}')["article"]["id"]
        for i in (2, 1)
    ]
    after = runs_of(seeded, 2)
    assert after["extract"] > before["extract"]
    assert after["link"] > before["link"]  # link reads extract's claims: it ran after it
    assert after["parse"] == before["parse"] and after["dedupe"] == before["dedupe"]


def test_reprocess_without_stages_runs_every_stage(seeded: Marsad) -> None:
    before = runs_of(seeded, 3)
    assert reprocess(seeded, ["3"])["error"] is None
    after = runs_of(seeded, 3)
    assert all(after[stage] > finished for stage, finished in before.items())


def test_reprocess_names_ids_that_are_not_stored_and_runs_nothing(seeded: Marsad) -> None:
    before = runs_of(seeded, 1)
    payload = reprocess(seeded, ["1", "999"])
    assert payload["articles"] == []
    assert payload["error"]["code"] == "NOT_FOUND" and payload["error"]["retryable"] is False
    assert "999" in payload["error"]["message"]
    assert runs_of(seeded, 1) == before


@pytest.mark.parametrize(
    ("ids", "stages", "expected"),
    [
        ([], None, "1 to 100 articles, not 0"),
        ([str(i) for i in range(1, 102)], None, "1 to 100 articles, not 101"),
        (["1"], ["extract", "sumarise"], "no stage is named 'sumarise'; the stages are parse,"),
        (["1"], [], "no stage; the stages are parse,"),
        (["Q2xhaW06MQ=="], None, "is the id of a Claim, not of an Article"),
    ],
)
def test_reprocess_refuses_bad_input_by_name(
    seeded: Marsad, ids: list[str], stages: list[str] | None, expected: str
) -> None:
    payload = reprocess(seeded, ids, stages)
    assert payload["articles"] == []
    assert payload["error"]["code"] == "INVALID_INPUT"
    assert expected in payload["error"]["message"]


def test_reprocess_on_a_busy_database_is_retryable(
    seeded: Marsad, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(Pipeline, "run", locked)
    payload = reprocess(seeded, ["1"])
    assert payload["error"]["code"] == "DATABASE_BUSY" and payload["error"]["retryable"]


def test_both_mutations_need_the_token(seeded: Marsad) -> None:
    api = ApiClient(seeded)
    for query, variables in ((REPROCESS, {"ids": ["1"]}), (DELETE, {"id": "1"})):
        result = api.execute(query, variables, token="wrong")
        assert "Authorization: Bearer" in result["errors"][0]["message"]
    assert counts(seeded)["articles"] == 5


def test_delete_article_removes_it_and_only_it(seeded: Marsad) -> None:
    before = counts(seeded)
    with seeded.session_factory() as session:
        story_id = session.scalar(select(db.Article.story_id).where(db.Article.id == 2))
        own_claims = session.scalar(select(func.count()).where(db.Claim.article_id == 2))
        others = {
            article_id: session.scalar(
                select(func.count()).where(db.Claim.article_id == article_id)
            )
            for article_id in (1, 3, 4, 5)
        }
    assert story_id is not None

    payload = delete(seeded, "2")
    assert payload["error"] is None
    assert payload["deletedId"] == to_base64("Article", 2)
    assert payload["updatedArticles"] == 4

    after = counts(seeded)
    assert after["articles"] == 4 and after["raw_inputs"] == before["raw_inputs"] - 1
    assert after["claims"] == before["claims"] - own_claims
    assert after["stories"] == before["stories"]
    with seeded.session_factory() as session:
        assert session.get(db.Article, 2) is None
        left = {
            article_id: session.scalar(
                select(func.count()).where(db.Claim.article_id == article_id)
            )
            for article_id in (1, 3, 4, 5)
        }
        assert left == others  # nothing of the other articles was lost
        stories = set(session.scalars(select(db.Article.story_id)))
        assert stories == {story_id}  # the others are still one story, under its id
        links = session.scalars(
            select(db.ArticleLink).where(
                (db.ArticleLink.source_id == 2) | (db.ArticleLink.target_id == 2)
            )
        ).all()
        assert links == []

    # Its raw input went with it: the same file is stored (and placed) again.
    report = seeded.ingest([SEEDS])
    assert report.stored == 1
    assert not seeded.pipeline().run(report.article_ids).failures
    with seeded.session_factory() as session:
        assert set(session.scalars(select(db.Article.story_id))) == {story_id}
    assert counts(seeded) == {**before, "articles": 5, "raw_inputs": 5}


def test_deleting_the_last_article_of_a_story_deletes_the_story(seeded: Marsad) -> None:
    for article_id in ("1", "2", "3", "4"):
        assert delete(seeded, article_id)["error"] is None
    assert counts(seeded)["stories"] == 1
    assert delete(seeded, "5")["updatedArticles"] == 0
    assert counts(seeded) == dict.fromkeys(counts(seeded), 0)


def test_deleting_an_unknown_article_says_so(seeded: Marsad) -> None:
    payload = delete(seeded, "999")
    assert payload["deletedId"] is None
    assert payload["error"]["code"] == "NOT_FOUND" and "999" in payload["error"]["message"]
    assert counts(seeded)["articles"] == 5


def test_work_a_deletion_leaves_is_found_again_by_the_next_run(seeded: Marsad) -> None:
    # What a process killed right after the deletion's commit leaves: the articles
    # that shared the story have their dedupe, link and cluster runs pending.
    pipeline = seeded.pipeline()
    with seeded.write_session_factory() as session, session.begin():
        deletion = delete_articles(session, [3, 999], stages_to_refresh(pipeline))
    assert deletion.deleted == [3] and deletion.neighbours == [1, 2, 4, 5]
    assert stages_to_refresh(pipeline) >= {"dedupe", "link", "cluster"}
    assert sorted(pipeline.pending_ids()) == [1, 2, 4, 5]
    with seeded.session_factory() as session:
        assert sorted(session.scalars(select(db.StoryChange.article_id))) == [1, 2, 4, 5]

    report = pipeline.run_pending()  # what `marsad process` does
    assert not report.failures and report.articles == 4
    assert pipeline.count_pending() == 0
    with seeded.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(db.StoryChange)) == 0
        assert len(set(session.scalars(select(db.Article.story_id)))) == 1


def test_a_deleted_article_id_is_never_given_to_another(seeded: Marsad, tmp_path: Path) -> None:
    # Ids are addresses: /articles/5 must not start showing another article.
    assert delete(seeded, "5")["error"] is None
    (tmp_path / "new.txt").write_text("عنوان جديد\n\nنص خبر آخر لم يخزن من قبل.", encoding="utf-8")
    report = seeded.ingest([tmp_path / "new.txt"])
    assert report.article_ids and min(report.article_ids) > 5
    with seeded.session_factory() as session:
        story = session.scalar(select(func.max(db.Story.id)))
    assert not seeded.pipeline().run(report.article_ids).failures
    with seeded.session_factory() as session:
        assert session.get(db.Article, 5) is None
        newest = session.scalar(
            select(db.Article.story_id).where(db.Article.id == report.article_ids[0])
        )
    assert newest is not None and story is not None and newest > story
