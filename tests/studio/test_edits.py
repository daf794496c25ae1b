"""Assumption edits go through validation: same numbers as the edited file, located errors."""

from __future__ import annotations

import pytest

from simulator.api import evaluate
from simulator.io.errors import ScenarioError
from simulator.model.load import scenario_from_data
from simulator.studio.edits import apply_edits, channel_fields, compile_edited
from tests.studio.conftest import DEFAULT


def test_fields_follow_the_response_family(q4_data) -> None:
    data, _ = q4_data
    names = [f.name for f in channel_fields(data, "douyin_feed")]
    assert names == ["cpm", "ctr", "cvr", "audience", "aov"]
    hill = {f.name: f.value for f in channel_fields(data, "baidu_search")}
    assert hill == {
        "max_conversions": 40000.0,
        "half_saturation": 900000.0,
        "shape": 0.85,
        "aov": 230.0,
    }
    assert channel_fields(data, "nope") == []


def test_edit_changes_the_engine_like_the_file_would(q4_data, q4_plan) -> None:
    data, lines = q4_data
    edits = {"channels.douyin_feed.response.cpm": 50.0, "targets.cac_max": None}
    cs = compile_edited(data, lines, "q4.yaml", edits)
    by_hand = {**data, "targets": {"roi_min": 3.0}}
    by_hand["channels"] = [dict(c) for c in data["channels"]]
    by_hand["channels"][1] = {
        **data["channels"][1],
        "response": {**data["channels"][1]["response"], "cpm": 50.0},
    }
    reference = scenario_from_data(by_hand, lines, "q4.yaml")
    assert evaluate(cs, q4_plan).totals == evaluate(reference, q4_plan).totals
    assert cs.targets == {"roi_min": 3.0}
    assert data["channels"][1]["response"]["cpm"] == 35  # the cached data is not touched


def test_budget_edit(q4_data) -> None:
    data, lines = q4_data
    assert compile_edited(data, lines, "q4.yaml", {"budget.total": 4e6}).budget == 4e6


def test_a_bad_edit_is_located_at_the_field_line(q4_data) -> None:
    data, lines = q4_data
    with pytest.raises(ScenarioError) as err:
        compile_edited(data, lines, "q4.yaml", {"channels.douyin_feed.response.ctr": 1.5})
    (issue,) = err.value.issues
    line = DEFAULT.read_text(encoding="utf-8").splitlines().index("      ctr: 0.02") + 1
    assert issue.line == line
    assert str(issue).startswith(f"q4.yaml:{line}: channels[1].response.ctr: must be <= 1")


def test_unknown_edit_keys_raise(q4_data) -> None:
    data, lines = q4_data
    with pytest.raises(KeyError):
        apply_edits(data, {"channels.nope.aov": 1.0})
    with pytest.raises(ScenarioError, match="not an editable"):
        compile_edited(data, lines, "q4.yaml", {"horizon_days": 3.0})


def test_a_target_edit_on_an_empty_targets_block(q4_data) -> None:
    data, lines = q4_data
    bare = {**data, "targets": None}  # ``targets:`` written with nothing under it
    edited = apply_edits(bare, {"targets.roi_min": 3.0})
    assert edited["targets"] == {"roi_min": 3.0}
    assert bare["targets"] is None  # the cached plain data is never changed
    cs = compile_edited(bare, lines, "q4.yaml", {"targets.roi_min": 3.0})
    assert cs.active_targets() == {"roi_min": 3.0}


def test_a_list_is_not_edited_but_located(q4_data) -> None:
    _data, lines = q4_data
    with pytest.raises(ScenarioError, match="expected a YAML mapping"):
        compile_edited(["a", "b"], lines, "list.yaml", {"budget.total": 5.0})
