"""Revision 0007 (search) upgrades and downgrades a database holding articles and
claims, on SQLite and PostgreSQL: the stored bodies are searchable at once, titles and
claims once the new ``index`` stage has run on them, the search indexes follow later
changes and deletions, and the downgrade keeps every row."""

from __future__ import annotations

from api_client import ApiClient
from sqlalchemy import Engine, inspect, text

from marsad.core.application import Marsad
from marsad.core.db import make_engine
from marsad.core.plugins import make_plugins
from marsad.core.schema import current_revision, downgrade, upgrade
from marsad.core.settings import Settings
from marsad.text.arabic import match_key

AT = "2026-01-01 00:00:00+00:00"
BODY = "وقال رئيس الوزراء مصطفى الكاظمى إن ٣ صواريخ سقطت على المنطقة الخضراء"
ROWS_0006 = [
    "INSERT INTO raw_inputs (id, sha256, source, media_type, content, hints, ingested_at) "
    "VALUES (1, :sha, 'a.txt', 'text/plain', :content, '{}', :at)",
    "INSERT INTO articles (id, raw_input_id, title, text, match_key, extra, removed, "
    "created_at) VALUES (1, 1, 'الخارجية الأميركية تدين', :body, :key, '{}', '[]', :at)",
    'INSERT INTO claims (id, article_id, kind, text, start, "end", speaker_text, negated, '
    "extra) VALUES (1, 1, 'statement', 'سقطت صواريخ', 0, 10, 'مصطفى الكاظمى', false, '{}')",
    # What the index stage reads was written by these runs.
    "INSERT INTO stage_runs (article_id, stage, plugin, version, status, error, "
    "duration_ms, attempts, finished_at) VALUES (1, 'normalize', 'normalize', '0.2.0', "
    "'ok', NULL, 1.5, 1, :at), (1, 'extract', 'extract', '0.4.0', 'ok', NULL, 1.5, 1, :at)",
]
SEARCH = """query($q: String!) {
  articles(filter: {search: $q}) { totalCount }
  claims(filter: {search: $q}) { totalCount }
}"""


def found(app: Marsad, search: str) -> tuple[int, int]:
    data = ApiClient(app).data(SEARCH, {"q": search})
    return data["articles"]["totalCount"], data["claims"]["totalCount"]


def app_on(engine: Engine) -> Marsad:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    return Marsad(settings, plugins=make_plugins(settings, load_entry_points=False))


def test_0007_makes_stored_articles_and_claims_searchable(fresh_db_url: str) -> None:
    engine = make_engine(fresh_db_url)
    upgrade(engine, "0006")
    values = {"sha": "0" * 64, "content": "نص".encode(), "at": AT, "body": BODY}
    with engine.begin() as connection:
        for statement in ROWS_0006:
            connection.execute(text(statement), {**values, "key": match_key(BODY)})

    upgrade(engine, "0007")
    assert current_revision(engine) == "0007"
    upgrade(engine)  # the app needs the newest revision; later ones add nothing to search
    app = app_on(engine)
    assert found(app, "الكاظمي") == (1, 0)  # the body's key was stored already
    assert found(app, "الاميركيه") == (0, 0)  # titles wait for the index stage
    assert app.pipeline().count_pending(only=["index"]) == 1
    assert not app.pipeline().run([1], only=["index"]).failures
    assert found(app, "الاميركيه") == (1, 0)
    assert found(app, "الكاظمي") == (1, 1)  # the claim's speaker
    assert found(app, '"3 صواريخ"') == (1, 0)

    with engine.begin() as connection:
        connection.execute(text("UPDATE articles SET match_key = 'نص اخر' WHERE id = 1"))
    assert found(app, "الكاظمي") == (0, 1)
    with engine.begin() as connection:
        connection.execute(text("UPDATE articles SET match_key = :key"), {"key": match_key(BODY)})
    assert found(app, "الكاظمي") == (1, 1)
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            for index in ("articles_fts", "claims_fts"):
                connection.execute(text(f"INSERT INTO {index}({index}) VALUES ('integrity-check')"))
    app.close()

    downgrade(engine, "0006")
    assert "title_key" not in {c["name"] for c in inspect(engine).get_columns("articles")}
    assert "search_key" not in {c["name"] for c in inspect(engine).get_columns("claims")}
    assert "articles_fts" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM claims")).scalar_one() == 1
        assert connection.execute(text("SELECT title FROM articles")).scalar_one() == (
            "الخارجية الأميركية تدين"
        )
    engine.dispose()
