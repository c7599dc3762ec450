"""Stage ordering: only declared ``after=`` dependencies decide the order."""

from __future__ import annotations

import itertools

import pytest

from marsad.core.models import Article
from marsad.core.stages import (
    RegisteredStage,
    Stage,
    StageContext,
    StageOrderError,
    downstream_of,
    order_stages,
)


def make_stage(stage_name: str, *dependencies: str, plugin: str = "test") -> RegisteredStage:
    class Dynamic(Stage):
        name = stage_name
        after = dependencies

        def process(self, ctx: StageContext, article: Article) -> None:
            pass

    return RegisteredStage(stage=Dynamic(), plugin=plugin)


def names(stages: list[RegisteredStage]) -> list[str]:
    return [registered.name for registered in stages]


def test_order_follows_dependencies_not_registration() -> None:
    stages = [
        make_stage("link", "extract"),
        make_stage("extract", "normalize"),
        make_stage("normalize", "parse"),
        make_stage("parse"),
    ]
    assert names(order_stages(stages)) == ["parse", "normalize", "extract", "link"]


def test_every_registration_order_gives_the_same_result() -> None:
    stages = [
        make_stage("parse"),
        make_stage("normalize", "parse"),
        make_stage("dedupe", "normalize"),
        make_stage("extract", "normalize"),
        make_stage("link", "extract"),
        make_stage("cluster", "dedupe", "link"),
        make_stage("translate", "extract"),
    ]
    expected = [
        "parse",
        "normalize",
        "dedupe",
        "extract",
        "link",
        "cluster",
        "translate",
    ]
    for permutation in itertools.permutations(stages):
        assert names(order_stages(permutation)) == expected


def test_ties_are_broken_by_name() -> None:
    stages = [make_stage("zeta"), make_stage("alpha"), make_stage("mid"), make_stage("beta")]
    assert names(order_stages(stages)) == ["alpha", "beta", "mid", "zeta"]


def test_a_repeated_dependency_does_not_release_a_stage_early() -> None:
    stages = [
        make_stage("a"),
        make_stage("z"),
        make_stage("late", "a", "a", "z"),
        make_stage("b", "late"),
    ]
    ordered = names(order_stages(stages))
    assert ordered.index("late") > ordered.index("z")
    assert ordered == ["a", "z", "late", "b"]


def test_unknown_dependency_names_both_stages() -> None:
    stages = [make_stage("parse"), make_stage("sentiment", "normalise", plugin="moods")]
    with pytest.raises(StageOrderError) as raised:
        order_stages(stages)
    message = str(raised.value)
    assert "sentiment" in message
    assert "normalise" in message
    assert "moods" in message


def test_cycle_names_the_stages_in_it() -> None:
    stages = [
        make_stage("parse"),
        make_stage("alpha", "parse", "gamma"),
        make_stage("beta", "alpha"),
        make_stage("gamma", "beta"),
    ]
    with pytest.raises(StageOrderError) as raised:
        order_stages(stages)
    message = str(raised.value)
    assert "cycle" in message
    for name in ("alpha", "beta", "gamma"):
        assert name in message
    assert "parse" not in message


def test_a_stage_after_itself_is_a_cycle() -> None:
    with pytest.raises(StageOrderError, match="selfish"):
        order_stages([make_stage("selfish", "selfish")])


def test_duplicate_stage_names_are_an_error_naming_both_plugins() -> None:
    stages = [make_stage("parse", plugin="builtin"), make_stage("parse", plugin="other")]
    with pytest.raises(StageOrderError) as raised:
        order_stages(stages)
    message = str(raised.value)
    assert "parse" in message
    assert "builtin" in message
    assert "other" in message


def test_downstream_of_includes_transitive_dependents_only() -> None:
    ordered = order_stages(
        [
            make_stage("parse"),
            make_stage("normalize", "parse"),
            make_stage("dedupe", "normalize"),
            make_stage("extract", "normalize"),
            make_stage("link", "extract"),
            make_stage("cluster", "dedupe", "link"),
            make_stage("translate", "extract"),
        ]
    )
    assert downstream_of(["extract"], ordered) == {"extract", "link", "cluster", "translate"}
    assert downstream_of(["dedupe"], ordered) == {"dedupe", "cluster"}
    assert downstream_of(["cluster"], ordered) == {"cluster"}
    assert downstream_of(["parse"], ordered) == set(names(ordered))
    assert downstream_of([], ordered) == set()


def test_builtin_stages_are_ordered() -> None:
    from marsad.core.plugins import make_plugins
    from marsad.core.settings import Settings

    ordered = names(make_plugins(Settings(), load_entry_points=False).stages())
    assert ordered[0] == "parse"
    for earlier, later in [
        ("parse", "normalize"),
        ("normalize", "dedupe"),
        ("normalize", "extract"),
        ("extract", "link"),
        ("dedupe", "cluster"),
        ("extract", "translate"),
    ]:
        assert ordered.index(earlier) < ordered.index(later)
