"""What the extract stage stores, and GraphQL serves, is what ``find_claims`` finds.

``marsad eval claims`` scores the pure function on the pipeline's text without a
database; this test proves that figure is the product's: real SaudiNewsNet articles
of the dev gold go in as their daily zip, through every stage, and each claim that
GraphQL serves is a draft of find_claims on the text the eval builds, with its
speaker, value, qualifier and kind.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from api_client import ApiClient
from conftest import MakeApp, corpus_path

from marsad.eval.claims_dev import load_articles
from marsad.text.claims.finder import ClaimDraft, find_claims

ARTICLES = 4  # enough for every kind of claim; each article costs every stage

QUERY = """{
  articles(first: 10) { edges { node { url text claims {
    kind text start end verb direct channel negated
    speaker { name aliases } quantity { value unit qualifier kind } } } } }
}"""


def _draft_view(draft: ClaimDraft) -> tuple[Any, ...]:
    kind = draft.quantity_kind.name if draft.quantity_kind else None
    return (draft.kind.name, draft.start, draft.end, draft.text, draft.value, kind)


def _served_view(claim: dict[str, Any]) -> tuple[Any, ...]:
    quantity = claim["quantity"] or {}
    return (
        claim["kind"],
        claim["start"],
        claim["end"],
        claim["text"],
        quantity.get("value"),
        quantity.get("kind"),
    )


def test_graphql_serves_the_claims_the_eval_scores(make_app: MakeApp, tmp_path: Path) -> None:
    gold_path = corpus_path("gold", "claims_dev.json")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    gold["articles"] = gold["articles"][:ARTICLES]
    folder = corpus_path("saudinewsnet")
    articles = load_articles(gold_path, gold, folder)

    dump = tmp_path / "2015-07-21.zip"  # a daily dump as SaudiNewsNet ships them
    with zipfile.ZipFile(dump, "w") as archive:
        records = [
            {
                "source": a.gold["source"],
                "url": a.gold["url"],
                "date_extracted": "2015-07-21 10:00:00",
                "title": a.gold["title"],
                "author": None,
                "content": a.content,
            }
            for a in articles
        ]
        archive.writestr("2015-07-21.json", json.dumps(records, ensure_ascii=False))
    app = make_app()
    report = app.ingest([dump])
    assert report.stored == ARTICLES and not report.errors
    assert not app.pipeline().run(report.article_ids).failures

    edges = ApiClient(app).data(QUERY)["articles"]["edges"]
    by_url = {edge["node"]["url"]: edge["node"] for edge in edges}
    for article in articles:
        served = by_url[article.gold["url"]]
        assert served["text"] == article.text  # the eval reads the stage's own text
        drafts = find_claims(article.text).claims
        assert {_served_view(c) for c in served["claims"]} <= {_draft_view(d) for d in drafts}
        # Only repeats of a claim said word for word are stored once.
        assert len({(d.kind, d.start, d.end) for d in drafts}) >= len(served["claims"]) > 0
        by_span: dict[tuple[int, int], ClaimDraft] = {}
        for draft in drafts:  # of two drafts on one span, the first is stored
            by_span.setdefault((draft.start, draft.end), draft)
        for claim in served["claims"]:
            draft = by_span[(claim["start"], claim["end"])]
            if draft.speaker is not None:
                assert claim["speaker"]["name"] == draft.speaker.name
