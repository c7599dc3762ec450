"""What the API shows about itself: internal error text only to holders of the API
token; introspection and "Did you mean ...?" suggestions as the settings say."""

from __future__ import annotations

import logging

import pytest
from api_client import ApiClient
from conftest import ROOT, MakeApp
from sqlalchemy import select, update

from marsad.api import loaders
from marsad.core import models as db
from marsad.core.application import Marsad
from marsad.core.settings import Settings

TOKEN = "s3cret-token"
DRIVER_TEXT = 'OperationalError: connection to "10.0.0.5" failed: password=hunter2'
RUNS = "{ articles(first: 1) { edges { node { runs { stage status error } } } } }"


@pytest.fixture
def failed_run(make_app: MakeApp) -> Marsad:
    """The seeds with one stage run failed, its error the text a driver gave."""
    app = make_app(api_token=TOKEN)
    report = app.ingest([ROOT / "examples" / "seeds"])
    app.pipeline().run(report.article_ids)
    with app.session_factory() as session, session.begin():
        first = session.scalar(
            select(db.StageRun.id).order_by(db.StageRun.article_id, db.StageRun.id)
        )
        session.execute(
            update(db.StageRun)
            .where(db.StageRun.id == first)
            .values(status=db.RunStatus.FAILED, error=DRIVER_TEXT)
        )
    return app


def run_errors(api: ApiClient, token: str | None) -> list[str | None]:
    result = api.execute(RUNS, token=token)
    assert not result.get("errors"), result
    (edge,) = result["data"]["articles"]["edges"]
    return [run["error"] for run in edge["node"]["runs"] if run["status"] == "FAILED"]


def test_run_errors_are_shown_only_with_the_token(failed_run: Marsad) -> None:
    api = ApiClient(failed_run)
    assert run_errors(api, None) == ["failed; details need the API token"]
    assert run_errors(api, "wrong") == ["failed; details need the API token"]
    assert run_errors(api, TOKEN) == [DRIVER_TEXT]
    assert "hunter2" not in str(api.execute(RUNS))


def test_masked_errors_are_shown_to_token_holders(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("password=hunter2 in the connection string")

    monkeypatch.setattr(loaders, "one_per_key", broken)
    api = ApiClient(make_app(api_token=TOKEN))
    query = '{ article(id: "1") { title } }'
    anonymous = api.execute(query)
    assert [error["message"] for error in anonymous["errors"]] == ["Unexpected error."]
    assert "hunter2" not in str(anonymous)
    holder = api.execute(query, token=TOKEN)
    assert [e["message"] for e in holder["errors"]] == ["password=hunter2 in the connection string"]


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_introspection_is_on_by_default_and_can_be_turned_off(make_app: MakeApp) -> None:
    assert ApiClient(make_app()).data(INTROSPECTION) == {
        "__schema": {"queryType": {"name": "Query"}}
    }
    closed = ApiClient(make_app(api_introspection=False))
    assert "introspection has been disabled" in closed.error(INTROSPECTION)
    assert "introspection has been disabled" in closed.error('{ __type(name: "Article") { name } }')
    assert closed.data("{ __typename }") == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("query", "unknown"),
    [
        ("{ articles { edges { node { titel } } } }", "Cannot query field 'titel'"),
        ("{ articles(frist: 1) { totalCount } }", "Unknown argument 'frist'"),
        ("{ claims(filter: { kind: STATEMNT }) { totalCount } }", "STATEMNT"),
    ],
)
def test_suggestions_are_on_by_default_and_can_be_turned_off(
    make_app: MakeApp, query: str, unknown: str
) -> None:
    helpful = ApiClient(make_app()).error(query)
    assert unknown in helpful and "Did you mean" in helpful
    terse = ApiClient(make_app(api_suggestions=False)).error(query)
    assert unknown in terse and "Did you mean" not in terse


def test_a_variables_invalid_value_is_described_not_masked(make_app: MakeApp) -> None:
    query = "query($kind: ClaimKind) { claims(filter: { kind: $kind }) { totalCount } }"
    helpful = ApiClient(make_app()).error(query, {"kind": "STATEMNT"})
    assert "Variable '$kind' has invalid value" in helpful and "Did you mean" in helpful
    terse = ApiClient(make_app(api_suggestions=False)).error(query, {"kind": "STATEMNT"})
    assert "Variable '$kind' has invalid value" in terse and "Did you mean" not in terse


def test_introspection_and_suggestion_settings_come_from_the_environment() -> None:
    assert Settings.from_env({}).api_introspection is True
    assert Settings.from_env({}).api_suggestions is True
    closed = Settings.from_env({"MARSAD_API_INTROSPECTION": "0", "MARSAD_API_SUGGESTIONS": "off"})
    assert closed.api_introspection is False and closed.api_suggestions is False


def test_client_errors_leave_no_traceback_in_the_log(
    make_app: MakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    # An anonymous client must not be able to fill the server's log with tracebacks.
    api = ApiClient(make_app(api_token="s3cret"))
    with caplog.at_level(logging.DEBUG, logger="strawberry"):
        message = api.error('mutation { ingestArticle(input: {text: "نص"}) { created } }')
    assert "Authorization: Bearer" in message
    assert not [record for record in caplog.records if record.name.startswith("strawberry")]
