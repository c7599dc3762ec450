"""Translation through engines chosen by configuration: an explicit order of
preference with fallback, a cache so that a rerun asks no engine again, configurable
target languages, claims translated and served like articles, an unsupported language
as a GraphQL error, and an offline engine that says what it could not translate."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from api_client import ApiClient
from conftest import SEEDS, MakeApp
from sqlalchemy import func, select

from marsad.core import (
    Settings,
    SettingsError,
    StageRun,
    Translation,
    TranslationCache,
    Translator,
    hookimpl,
)
from marsad.core.application import Marsad
from marsad.plugins.translate import ordered_engines
from marsad.plugins.translate.offline import OfflineTranslator, render


class Recording(Translator):
    """An engine that writes "NAME:text" and remembers every text it was sent."""

    version = "7"

    def __init__(self, name: str, *, fails: bool = False, targets: Sequence[str] = ("en",)):
        self.name = name  # type: ignore[misc]
        self.fails = fails
        self.targets = set(targets)
        self.sent: list[str] = []

    def supports(self, source: str | None, target: str) -> bool:
        return target in self.targets

    def translate(self, texts: Sequence[str], source: str | None, target: str) -> list[str]:
        if self.fails:
            raise ConnectionError(f"{self.name} is down")
        self.sent += texts
        return [f"{self.name}:{target}:{text}" for text in texts]


class Engines:
    def __init__(self, *engines: Translator) -> None:
        self.engines = engines

    @hookimpl
    def marsad_register_translators(self) -> list[Translator]:
        return list(self.engines)


def run_seeds(app: Marsad) -> list[int]:
    ids = app.ingest([SEEDS]).article_ids
    assert not app.pipeline().run(ids).failures
    return ids


def engines_used(app: Marsad) -> dict[tuple[str, str | None], int]:
    with app.session_factory() as session:
        rows = session.execute(
            select(Translation.language, Translation.engine, func.count()).group_by(
                Translation.language, Translation.engine
            )
        )
        return {(language, engine): count for language, engine, count in rows}


def test_the_first_engine_of_the_order_translates_and_a_rerun_asks_nobody(
    make_app: MakeApp,
) -> None:
    first, second = Recording("alpha"), Recording("beta")
    app = make_app(
        extra=(Engines(second, first),),
        environment={"MARSAD_TRANSLATE_ENGINES": "alpha, beta"},
    )
    ids = run_seeds(app)
    assert {engine for _, engine in engines_used(app)} == {"alpha"}
    assert first.sent and not second.sent
    sent = len(first.sent)
    assert sent == len(set(first.sent)), "a text repeated in a batch is sent once"

    app.pipeline().run(ids, only={"translate"}, force=True)
    assert len(first.sent) == sent, "a rerun is served from the cache"
    with app.session_factory() as session:
        versions = set(session.scalars(select(Translation.engine_version)))
        cached = session.scalar(select(func.count()).select_from(TranslationCache))
    assert versions == {"7"} and cached == sent


def test_an_engine_that_fails_hands_over_to_the_next(make_app: MakeApp) -> None:
    down, up = Recording("alpha", fails=True), Recording("beta")
    app = make_app(
        extra=(Engines(down, up),), environment={"MARSAD_TRANSLATE_ENGINES": "alpha,beta"}
    )
    run_seeds(app)
    assert {engine for _, engine in engines_used(app)} == {"beta"}


def test_when_every_engine_fails_the_articles_keep_their_translations(make_app: MakeApp) -> None:
    flaky = Recording("alpha")
    app = make_app(extra=(Engines(flaky),), environment={"MARSAD_TRANSLATE_ENGINES": "alpha"})
    ids = run_seeds(app)
    before = engines_used(app)
    flaky.fails = True
    flaky.version = "8"  # type: ignore[misc]  # a new version: nothing of it is cached
    report = app.pipeline().run(ids, only={"translate"}, force=True)
    assert len(report.failures) == len(ids)
    assert "alpha is down" in report.failures[0].error
    assert engines_used(app) == before


def test_an_unknown_engine_stops_the_run_and_charges_no_article(make_app: MakeApp) -> None:
    app = make_app(disabled_plugins=frozenset({"translate"}))
    ids = run_seeds(app)
    configured = make_app(environment={"MARSAD_TRANSLATE_ENGINES": "nosuch"})
    with pytest.raises(SettingsError, match="MARSAD_TRANSLATE_ENGINES='nosuch'"):
        configured.pipeline().run(ids)
    with configured.session_factory() as session:
        runs = session.scalars(select(StageRun).where(StageRun.stage == "translate")).all()
    assert runs == []


def test_target_languages_are_a_setting(make_app: MakeApp) -> None:
    engine = Recording("alpha", targets=("en", "fr"))
    app = make_app(
        extra=(Engines(engine),),
        environment={"MARSAD_TRANSLATE_LANGUAGES": "fr,en", "MARSAD_TRANSLATE_ENGINES": "alpha"},
    )
    run_seeds(app)
    used = engines_used(app)
    assert {language for language, _ in used} == {"en", "fr"}
    assert used[("en", "alpha")] == used[("fr", "alpha")]


def test_the_default_order_is_by_name_with_the_offline_engine_last() -> None:
    found = ordered_engines(
        [OfflineTranslator(), Recording("zeta"), Recording("alpha")], Settings()
    )
    assert [engine.name for engine in found] == ["alpha", "zeta", "offline-glossary"]
    with pytest.raises(SettingsError, match=r"MARSAD_TRANSLATE_ENGINES='deepl'.*installed"):
        ordered_engines(
            [OfflineTranslator()], Settings(environment={"MARSAD_TRANSLATE_ENGINES": "deepl"})
        )


def test_claims_are_translated_and_served(make_app: MakeApp) -> None:
    app = make_app()
    run_seeds(app)
    api = ApiClient(app)
    data = api.data(
        """{ claims(first: 50) { edges { node { text
            translation(language: "EN") { language engine engineVersion text } } } } }"""
    )
    nodes = [edge["node"] for edge in data["claims"]["edges"]]
    assert nodes and all(node["translation"] for node in nodes)
    rockets = [n["translation"]["text"] for n in nodes if n["text"] == "3 صواريخ"]
    assert rockets and all(text == "3 rockets" for text in rockets)
    assert {n["translation"]["engine"] for n in nodes} == {"offline-glossary"}
    assert {n["translation"]["language"] for n in nodes} == {"en"}  # a code in any case


@pytest.mark.parametrize("field", ["articles", "claims"])
def test_a_language_the_server_does_not_translate_into_is_an_error(
    make_app: MakeApp, field: str
) -> None:
    app = make_app()
    run_seeds(app)
    selection = "title" if field == "articles" else "text"
    result = ApiClient(app).execute(
        f'{{ {field}(first: 1) {{ edges {{ node {{ translation(language: "xx") '
        f"{{ {selection} }} }} }} }} }}"
    )
    [error] = result["errors"]
    assert error["message"] == (
        "no translations into 'xx': this server translates into en (MARSAD_TRANSLATE_LANGUAGES)"
    )


def test_the_offline_engine_says_what_it_could_not_translate() -> None:
    assert render("سقطت ثلاثة صواريخ على المنطقة الخضراء في بغداد") == (
        "fell 3 rockets on the Green Zone in Baghdad"
    )
    assert render("وقال مصدر أمني إن الهجوم لم يسفر عن إصابات.") == (
        "and said a security source that the attack did not [يسفر] about injuries."
    )
    assert (
        render("في 16 فبراير 2021 و٣ شوال ١٤٣٦ هـ") == "in 16 February 2021 and 3 Shawwal 1436 AH"
    )
    # Eastern digits and a run of unknown words kept together, in Arabic.
    assert render("أعلن الجيش مقتل ٢١ مسلحا قرب الحدود الشمالية") == (
        "announced the army death of 21 [مسلحا قرب الحدود الشمالية]"
    )
