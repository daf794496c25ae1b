"""Limits and operations edits: the keys a scenario offers, what they write into the plain
data, the ranges (the schema's own), and share links that carry them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.api import evaluate
from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import read_yaml
from simulator.studio import plan_edits as pe
from simulator.studio.edits import apply_edits, compile_edited, edit_bounds, editable_keys
from simulator.studio.share import ShareState, decode, encode
from simulator.studio.share_fit import fit_edits
from tests.studio.conftest import ROOT

GROWTH = ROOT / "scenarios" / "growth_team.yaml"
LOCAL = ROOT / "scenarios" / "local_brand.yaml"


@pytest.fixture(scope="module")
def growth() -> tuple[dict, object]:
    return read_yaml(GROWTH)


@pytest.fixture(scope="module")
def local() -> tuple[dict, object]:
    return read_yaml(LOCAL)


def test_growth_team_offers_every_limit(growth) -> None:
    data, _ = growth
    keys = editable_keys(data)
    for key in (
        "channels.douyin_feed.cac_max",
        "channels.douyin_feed.roi_min",
        "channels.douyin_feed.min_active_spend",
        "groups.promotion.min",
        "groups.promotion.max",
        "budget.periods.3.max",
        "baseline.aov",
        "targets.cac_basis",
        "targets.confidence",
        "customer_base.size",
        "customer_base.grows",
    ):
        assert key in keys, key
    fields = {f.key: f.value for f in pe.limit_fields(data, "douyin_feed")}
    assert fields == {
        "channels.douyin_feed.cac_max": 110.0,
        "channels.douyin_feed.roi_min": 0.0,
        "channels.douyin_feed.min_active_spend": 300_000.0,
    }
    groups = {f.key: (f.value, f.owner) for f in pe.group_fields(data)}
    assert groups["groups.promotion.max"] == (2_500_000.0, "推广")
    assert groups["groups.operations.max"] == (0.0, "运营")  # no cap: 0 in the input
    assert [f.value for f in pe.period_fields(data)] == [1_250_000.0, 1_300_000.0, 1_250_000.0]
    assert pe.base_size(data) == pe.Field("customer_base.size", "size", 120_000.0)
    assert pe.grows(data) is False


def test_edits_write_where_the_file_would(growth, local) -> None:
    data, _ = growth
    edits = {
        "groups.operations.max": 400_000.0,
        "budget.periods.2.max": 900_000.0,
        "channels.douyin_feed.cac_max": None,
        "customer_base.grows": True,
        "targets.cac_basis": "all",
        "baseline.aov": 85.0,
    }
    out = apply_edits(data, edits)
    assert out["groups"][1]["max"] == 400_000.0
    assert out["budget"]["periods"][1]["max"] == 900_000.0
    assert "cac_max" not in out["channels"][0]
    assert out["customer_base"] == {"size": 120_000, "grows": True}  # the short form, opened
    assert out["targets"]["cac_basis"] == "all"
    assert out["baseline"]["aov"] == 85.0
    assert data["customer_base"] == 120_000  # the original is not touched
    ldata, _ = local
    assert apply_edits(ldata, {"segments.students.referral_k": 0.3})["segments"][0][
        "referral_k"
    ] == pytest.approx(0.3)


@pytest.mark.parametrize(
    "key", ["groups.nope.max", "segments.nope.referral_k", "budget.periods.9.max", "x.y"]
)
def test_unknown_owners_raise(growth, key) -> None:
    with pytest.raises(KeyError):
        apply_edits(growth[0], {key: 1.0})


def test_an_edited_limit_moves_the_engine_as_the_file_would(growth, tmp_path) -> None:
    data, lines = growth
    edited = compile_edited(data, lines, "g.yaml", {"targets.cac_basis": "all"})
    text = GROWTH.read_text(encoding="utf-8").replace("cac_basis: acquisition", "cac_basis: all")
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    from simulator.model.load import load_scenario

    by_file, by_edit = evaluate(load_scenario(path)), evaluate(edited)
    assert by_edit.totals == by_file.totals
    assert (
        by_edit.totals["cac"] != evaluate(compile_edited(data, lines, "g.yaml", {})).totals["cac"]
    )


# (key, the schema's lowest, highest) on growth_team / local_brand; 0 is "none" where allowed
RANGES = [
    ("channels.douyin_feed.min_active_spend", 0.0, 1e12),
    ("groups.promotion.min", 0.0, 2_500_000.0),  # above its max: a cross-field error
    ("budget.periods.1.max", 0.0, 1e12),
    ("baseline.new_customer_rate", 0.0, 1.0),
    ("baseline.conversions", 0.0, 1e12),
    ("customer_base.size", 1e-6, 1e12),
]


@pytest.mark.parametrize(("key", "low", "high"), RANGES)
def test_the_bounds_are_the_schemas(growth, key, low, high) -> None:
    data, lines = growth
    lo, hi = edit_bounds(key)
    assert lo == low
    compile_edited(data, lines, "g.yaml", {key: lo})  # the lowest the input offers is valid
    with pytest.raises(ScenarioError):
        compile_edited(data, lines, "g.yaml", {key: lo - 1e-3 if lo else -1.0})
    if hi is not None and hi == high:
        with pytest.raises(ScenarioError):
            compile_edited(data, lines, "g.yaml", {key: hi * 1.01})


def test_referral_k_and_confidence_ranges(local) -> None:
    data, lines = local
    assert edit_bounds("segments.students.referral_k") == (0.0, 0.99)
    compile_edited(data, lines, "l.yaml", {"segments.students.referral_k": 0.99})
    with pytest.raises(ScenarioError, match="referral_k"):
        compile_edited(data, lines, "l.yaml", {"segments.students.referral_k": 1.0})
    compile_edited(data, lines, "l.yaml", {"targets.confidence": 0.95})
    with pytest.raises(ScenarioError) as err:
        compile_edited(data, lines, "l.yaml", {"targets.confidence": 0.3})
    (issue,) = err.value.issues
    assert (issue.path, issue.message) == ("targets.confidence", "must be > 0.5 (got 0.3)")


def test_a_bad_limit_is_located_at_its_line(growth) -> None:
    data, lines = growth
    with pytest.raises(ScenarioError) as err:
        compile_edited(data, lines, "growth_team.yaml", {"groups.operations.min": 5e6})
    assert str(err.value.issues[0]).startswith("growth_team.yaml:39: groups[1].min: ")


EDITS = {
    "targets.cac_basis": "acquisition",
    "customer_base.grows": True,
    "targets.confidence": 0.9,
    "groups.promotion.max": 2_000_000.0,
    "channels.douyin_feed.cac_max": None,
    "budget.periods.2.max": 900_000.0,
}


def test_a_link_carries_choices_switches_and_limits(growth) -> None:
    params = encode(ShareState(scenario="growth_team", edits=EDITS))
    assert params["edit"] == (
        "targets.cac_basis:acquisition,customer_base.grows:true,targets.confidence:0.9,"
        "groups.promotion.max:2000000,channels.douyin_feed.cac_max:none,"
        "budget.periods.2.max:900000"
    )
    state = decode(params)
    assert state.edits == EDITS
    assert list(state.edits) == list(EDITS)  # in order: a later edit may rest on an earlier
    assert not state.problems
    data, lines = growth
    kept, problems = fit_edits(data, lines, "g.yaml", state.edits)
    assert kept == EDITS
    assert not problems


@pytest.mark.parametrize(
    ("part", "why"),
    [
        ("targets.cac_basis:some", "link_choice"),
        ("customer_base.grows:1", "link_choice"),
        ("targets.confidence:0.3", "link_invalid"),  # the schema wants 0.5 < c < 1
        ("targets.confidence:2", "link_range"),
        ("segments.nope.referral_k:0.1", "link_edit_key"),
        ("groups.promotion.min:-5", "link_range"),
        ("baseline.new_customer_rate:1.5", "link_range"),
        ("groups.operations.min:5000000", "link_invalid"),
    ],
)
def test_bad_limits_in_a_link_are_named(growth, part, why) -> None:
    data, lines = growth
    state = decode({"edit": f"budget.total:3000000,{part}"})
    kept, problems = fit_edits(data, lines, "g.yaml", state.edits)
    found = [*state.problems, *problems]
    assert [(p.param, p.part, p.why) for p in found] == [("edit", part, why)]
    assert kept == {"budget.total": 3_000_000.0}
    assert "'" + part + "'" in found[0].text("en")
    assert "「" + part + "」" in found[0].text("zh")


@settings(max_examples=20, deadline=None)
@given(
    basis=st.sampled_from(pe.CAC_BASIS),
    grows=st.booleans(),
    confidence=st.none() | st.sampled_from(pe.CONFIDENCE),
    cap=st.floats(0, 1e7, allow_nan=False).map(round),
)
def test_any_choice_round_trips(basis, grows, confidence, cap) -> None:
    edits = {
        "targets.cac_basis": basis,
        "customer_base.grows": grows,
        "targets.confidence": confidence,
        "groups.promotion.max": float(cap),
    }
    state = decode(encode(ShareState(edits=edits)))
    assert state.edits == edits
    assert {k: type(v) for k, v in state.edits.items()} == {k: type(v) for k, v in edits.items()}
