"""A plugin's own settings: MARSAD_<PLUGIN>_* read once, typed, errors naming the variable."""

from __future__ import annotations

import pickle

import pytest

from marsad.core import Settings, SettingsError
from marsad.plugins.dedupe import DEFAULT_WIRE_OUTLETS, wire_outlets


def settings(**environment: str) -> Settings:
    return Settings.from_env({"MARSAD_DATABASE_URL": "sqlite://", **environment})


def test_a_plugin_reads_only_its_own_variables() -> None:
    mine = settings(
        MARSAD_CHECK_WORTHY_THRESHOLD="0.7",
        MARSAD_CHECK_WORTHY_OUTLETS="a, b,,",
        MARSAD_CHECK_WORTHY_VERBOSE="yes",
        MARSAD_OTHER_THRESHOLD="0.1",
        HOME="/root",
    ).plugin("check-worthy")
    assert mine.number("threshold", 0.5, maximum=1) == 0.7
    assert mine.names("outlets") == {"a", "b"}
    assert mine.flag("verbose") is True
    assert mine.text("model", "small") == "small"
    assert set(mine.values) == {
        "MARSAD_CHECK_WORTHY_THRESHOLD",
        "MARSAD_CHECK_WORTHY_OUTLETS",
        "MARSAD_CHECK_WORTHY_VERBOSE",
    }


@pytest.mark.parametrize(
    ("value", "problem"), [("high", "is not a number"), ("2", "must be between 0 and 1")]
)
def test_a_bad_value_names_the_variable(value: str, problem: str) -> None:
    mine = settings(MARSAD_CHECKWORTHY_THRESHOLD=value).plugin("checkworthy")
    with pytest.raises(SettingsError, match=f"MARSAD_CHECKWORTHY_THRESHOLD='{value}' {problem}"):
        mine.number("threshold", 0.5, maximum=1)


def test_settings_cross_to_worker_processes() -> None:
    configured = settings(MARSAD_DEDUPE_WIRE_OUTLETS="was")
    assert pickle.loads(pickle.dumps(configured)).plugin("dedupe").names("wire_outlets") == {"was"}


def test_wire_outlets_setting_and_its_old_name() -> None:
    assert wire_outlets(settings()) == DEFAULT_WIRE_OUTLETS
    assert wire_outlets(settings(MARSAD_DEDUPE_WIRE_OUTLETS="spa, afp")) == {"spa", "afp"}
    assert wire_outlets(settings(MARSAD_WIRE_OUTLETS="qna")) == {"qna"}
    both = settings(MARSAD_WIRE_OUTLETS="qna", MARSAD_DEDUPE_WIRE_OUTLETS="spa")
    assert wire_outlets(both) == {"spa"}
    assert wire_outlets(settings(MARSAD_DEDUPE_WIRE_OUTLETS="")) == frozenset()
