"""Wire syndication on SaudiNewsNet 2015-08-10: known copies link to the wire item."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_path
from sqlalchemy import select

from marsad.core import Article, ArticleLink, ArticleLinkKind
from marsad.core.application import Marsad
from marsad.core.plugins import make_plugins
from marsad.core.schema import upgrade
from marsad.core.settings import Settings

# (words of the wire item's title, copy outlet, words of the copy's title), read by hand.
KNOWN = [
    ("مؤشر سوق الأسهم السعودية يرتفع 135 نقطة", "3alyoum", "مؤشر الأسهم السعودية يرتفع 135"),
    ("الجوازات تنهي تصحيح أوضاع", "almadina", "تنهي تصحيح أوضاع أكثر من 439"),
    ("رائد فضاء أمريكي يشيد", "aawsat", "رائد فضاء أميركي يشيد"),
    ("الرئيس اليمني يجتمع بكبار مستشاريه", "alriyadh", "الرئيس هادي يشدد"),
    ("مدير تعليم نجران", "almadina", "مدير تعليم نجران"),
]


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Marsad:
    zip_path = corpus_path("saudinewsnet", "2015-08-10.zip")
    db = Path(tmp_path_factory.mktemp("day")) / "day.db"
    settings = Settings(database_url=f"sqlite:///{db}")
    app = Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))
    upgrade(app.engine)
    report = app.ingest([zip_path])
    app.pipeline().run(report.article_ids, only=["parse", "normalize", "dedupe"])
    return app


def _find(articles: list[Article], outlet: str, words: str) -> Article:
    found = [
        a for a in articles if a.outlet and a.outlet.name == outlet and words in (a.title or "")
    ]
    assert found, (outlet, words)
    return found[0]


@pytest.mark.corpus
@pytest.mark.parametrize(("wire_title", "outlet", "copy_title"), KNOWN)
def test_known_copies_point_to_the_wire_as_original(
    day: Marsad, wire_title: str, outlet: str, copy_title: str
) -> None:
    with day.session_factory() as session:
        articles = list(session.scalars(select(Article)))
        wire = _find(articles, "was", wire_title)
        copy = _find(articles, outlet, copy_title)
        links = session.scalars(
            select(ArticleLink).where(
                ArticleLink.source_id == copy.id, ArticleLink.target_id == wire.id
            )
        ).all()
        assert [link.kind for link in links] in (
            [ArticleLinkKind.REUSES],
            [ArticleLinkKind.DUPLICATE],
        )
        assert links[0].evidence["original_because"] == "wire"
        assert links[0].evidence["passages"]


@pytest.mark.corpus
def test_no_copy_points_away_from_the_wire(day: Marsad) -> None:
    with day.session_factory() as session:
        outlet = {
            a.id: a.outlet.name if a.outlet else None for a in session.scalars(select(Article))
        }
        for link in session.scalars(select(ArticleLink)):
            if link.kind is not ArticleLinkKind.SAME_STORY and outlet[link.source_id] == "was":
                assert outlet[link.target_id] == "was"
