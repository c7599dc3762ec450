"""Search that understands Arabic spelling: every variant an outlet may write finds the
same articles and claims, on SQLite and PostgreSQL, ranked, with snippets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from api_client import ApiClient
from conftest import MakeApp

from marsad.core.application import Marsad
from marsad.text.search import QueryError, Snippet, query_terms, snippet

SEARCH = """query($search: String!, $first: Int, $after: String) {
  articles(first: $first, after: $after, filter: {search: $search}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { title } snippets { field text highlights { start end } } }
  }
}"""

# One article per way of writing; the titles name them. Each pair of rows below is a
# spelling as stored and the other spelling a reader may type.
ARTICLES = [
    ("hamza", "وزير الخارجية", "وصل وزير الخارجية الأميركي إلى بغداد صباح اليوم."),
    ("alef-maqsura", "اتصال هاتفي", "بحث رئيس الوزراء مصطفى الكاظمى الوضع الأمني."),
    ("ta-marbuta", "هجوم", "تعرضت المنطقة الخضراء لهجوم في وقت متأخر."),
    ("tatweel", "قصف", "سقطت صــواريخ على محيط المطار الدولي."),
    ("diacritics", "إصابات", "أُصِيبَ جُنْدِيٌّ بِجُرُوحٍ طفيفة في القاعدة."),
    ("eastern-digits", "حصيلة", "قالت الشرطة إن ٣ صواريخ سقطت على الحي."),
    ("clitic", "تصريح", "وقال إن والكاظمي لم يعلق على الحادث."),
    ("unrelated", "طقس", "تشهد المملكة أجواء حارة على معظم المناطق."),
]
VARIANTS = [
    ("hamza", "الاميركي", "الأميركي"),
    ("alef-maqsura", "الكاظمي", "الكاظمى"),
    ("ta-marbuta", "المنطقه", "المنطقة"),
    ("tatweel", "صواريخ", "صــواريخ"),
    ("diacritics", "جندي", "جُنْدِيٌّ"),
    ("eastern-digits", '"3 صواريخ"', '"٣ صواريخ"'),
]


@pytest.fixture
def searchable(make_app: MakeApp, tmp_path: Path) -> Marsad:
    app = make_app()
    lines = [
        json.dumps({"title": f"{title} ({name})", "text": text, "url": f"https://x.test/{name}"})
        for name, title, text in ARTICLES
    ]
    (tmp_path / "articles.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = app.ingest([tmp_path / "articles.jsonl"])
    assert report.stored == len(ARTICLES)
    assert not app.pipeline().run(report.article_ids).failures
    return app


def found(app: Marsad, search: str) -> list[str]:
    result = ApiClient(app).data(SEARCH, {"search": search})["articles"]
    titles = [edge["node"]["title"] for edge in result["edges"]]
    assert result["totalCount"] == len(titles)
    return sorted(title.split("(")[-1].rstrip(")") for title in titles)


@pytest.mark.parametrize(("variant", "typed", "written"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_spelling_finds_the_same_articles(
    searchable: Marsad, variant: str, typed: str, written: str
) -> None:
    assert variant in found(searchable, typed)
    assert found(searchable, typed) == found(searchable, written)


def test_a_word_is_found_with_its_clitics_and_a_phrase_only_whole(searchable: Marsad) -> None:
    assert found(searchable, "الكاظمي") == ["alef-maqsura", "clitic"]
    assert found(searchable, "الكاظمي الأمني") == ["alef-maqsura"]  # every word must occur
    assert found(searchable, '"الكاظمي لم"') == ["clitic"]
    assert found(searchable, '"لم الكاظمي"') == []
    assert found(searchable, "3") == ["eastern-digits"]  # a term too short for trigrams


def test_snippets_highlight_the_words_as_written(searchable: Marsad) -> None:
    result = ApiClient(searchable).data(SEARCH, {"search": "الكاظمي"})["articles"]
    by_field = {
        snip["field"]: [snip["text"][h["start"] : h["end"]] for h in snip["highlights"]]
        for edge in result["edges"]
        for snip in edge["snippets"]
        if "alef-maqsura" in edge["node"]["title"]
    }
    assert by_field == {"text": ["الكاظمى"]}


def test_results_are_ranked_and_paged(searchable: Marsad) -> None:
    api = ApiClient(searchable)
    # "الخارجية" is in the hamza article's title and text: it comes first.
    first = api.data(SEARCH, {"search": "الخارجيه", "first": 1})["articles"]
    assert first["edges"][0]["node"]["title"].endswith("(hamza)")
    assert first["totalCount"] == 1 and not first["pageInfo"]["hasNextPage"]

    seen: list[str] = []
    after = None
    while True:
        page = api.data(SEARCH, {"search": "على", "first": 2, "after": after})["articles"]
        seen += [edge["node"]["title"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] == 4

    keyset = api.data("{ articles(first: 1) { pageInfo { endCursor } } }")
    error = api.error(
        SEARCH, {"search": "على", "after": keyset["articles"]["pageInfo"]["endCursor"]}
    )
    assert "a page without search's" in error


def test_claims_are_searched_by_text_and_speaker(searchable: Marsad) -> None:
    api = ApiClient(searchable)
    query = """query($q: String!) { claims(filter: {search: $q}) {
        totalCount edges { node { text } snippets { field } } } }"""
    claims = api.data(query, {"q": "الشرطه"})["claims"]
    assert claims["totalCount"] >= 1
    assert all(edge["snippets"] for edge in claims["edges"])
    assert api.data(query, {"q": "مريخ"})["claims"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("  ", "has no word to look for"),
        ('"" ""', "has no word to look for"),
        ('"', "has no word to look for"),
        ("ب" * 201, "at most 200 characters"),
        (" ".join(f"كلمة{i}" for i in range(9)), "at most 8 words"),
    ],
)
def test_a_search_that_cannot_run_says_why(searchable: Marsad, search: str, expected: str) -> None:
    assert expected in ApiClient(searchable).error(SEARCH, {"search": search})


def test_query_terms_fold_and_keep_phrases() -> None:
    assert query_terms('الكاظمى، "المنطقة الخضراء" ٣') == ["الكاظمي", "المنطقه الخضراء", "3"]
    assert query_terms("صاروخ صاروخ") == ["صاروخ"]
    with pytest.raises(QueryError):
        query_terms('""')


def test_a_snippet_is_cut_at_spaces_around_its_first_match() -> None:
    text = " ".join(["كلمة"] * 100) + " الكاظمى " + " ".join(["أخرى"] * 100)
    shown: Any = snippet(text, ["الكاظمي"], width=60)
    assert shown.start > 0 and shown.end < len(text)
    assert not shown.text.startswith(" ") and not shown.text.endswith(" ")
    assert [shown.text[s:e] for s, e in shown.highlights] == ["الكاظمى"]
    assert text[shown.start : shown.end] == shown.text
    assert snippet(text, ["مريخ"]) is None
    title = "عاجل: الكاظمي يتصل ببايدن"
    # The whole word is marked, clitic and all, so its letters keep joining.
    assert snippet(title, ["بايدن"], width=len(title)) == Snippet(0, len(title), title, [(19, 25)])
