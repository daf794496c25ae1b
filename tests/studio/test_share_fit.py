"""A link fitted to the scenario it opens: each part that does not fit is named and dropped."""

from __future__ import annotations

import pytest

from simulator.api import evaluate
from simulator.studio.share_fit import fit_edits, fit_plan, fit_scenario, fit_variants
from simulator.studio.variants import Variant, plan_variant


def test_plan_keeps_what_fits_and_names_the_rest(q4, q4_plan) -> None:
    link = {"nope": 5.0, "kol_posts": 12_345.0, "baidu_search": 1_000_000.0, "affiliate": 0.0}
    plan, problems = fit_plan(q4, q4_plan, link)
    assert plan == {**q4_plan, "baidu_search": 1_000_000.0, "affiliate": 0.0}
    assert [(p.param, p.part, p.why) for p in problems] == [
        ("plan", "nope:5", "link_channel"),
        ("plan", "kol_posts:12345", "link_invalid"),
    ]
    assert "use baidu_search, douyin_feed, xiaohongshu_notes, affiliate, kol_posts" in (
        problems[0].text("en")
    )
    assert "whole number of units of 80,000 (got 12,345.00)" in problems[1].text("en")
    evaluate(q4, plan)  # what is kept is a valid split


def test_variants_naming_unknown_channels_or_broken_plans_are_dropped(q4, q4_plan) -> None:
    good = [
        Variant("shift", "baidu_search", "douyin_feed", 20.0),
        Variant("scale", percent=-90.0),
        Variant("optimize"),
        plan_variant({"baidu_search": 5.0}),
    ]
    bad = [
        Variant("shift", "nope", "douyin_feed", 20.0),
        Variant("shift", "baidu_search", "nada", 20.0),
        plan_variant({"nope": 5.0}),
        plan_variant({"kol_posts": 12_345.0}),
    ]
    kept, problems = fit_variants(q4, q4_plan, [bad[0], good[0], bad[1], *good[1:], *bad[2:]])
    assert kept == good
    assert [(p.part, p.why) for p in problems] == [
        ("shift:nope:douyin_feed:20", "link_channel"),
        ("shift:baidu_search:nada:20", "link_channel"),
        ("plan:nope=5", "link_channel"),
        ("plan:kol_posts=12345", "link_invalid"),
    ]
    assert "unknown channel nada; use baidu_search" in problems[1].text("en")
    assert "未知渠道 nada" in problems[1].text("zh")


@pytest.mark.parametrize(
    ("edit", "value", "why"),
    [
        ("channels.baidu_search.aov.x", 5.0, "link_edit_key"),
        ("channels.nope.aov", 5.0, "link_channel"),
        ("foo", 5.0, "link_edit_key"),
        ("targets.revenue_min", 5.0, "link_edit_key"),  # the sidebar offers roi_min, cac_max
        ("budget.total", -5.0, "link_range"),
        ("budget.total", 0.5, "link_range"),  # the budget input starts at 1
        ("budget.total", None, "link_edit_none"),
        ("channels.douyin_feed.response.ctr", 1.5, "link_range"),
        ("channels.baidu_search.response.shape", 50.0, "link_invalid"),
    ],
)
def test_each_bad_edit_is_named_and_the_rest_apply(q4_data, edit, value, why) -> None:
    data, lines = q4_data
    kept, problems = fit_edits(data, lines, "q4.yaml", {"targets.roi_min": 3.5, edit: value})
    assert [(p.param, p.why) for p in problems] == [("edit", why)]
    assert problems[0].part.startswith(edit + ":")
    assert edit not in kept
    assert kept["targets.roi_min"] == 3.5


def test_edit_messages(q4_data) -> None:
    data, lines = q4_data
    edits = {"budget.total": -5.0, "channels.baidu_search.response.shape": 50.0}
    _, (low, shape) = fit_edits(data, lines, "q4.yaml", edits)
    assert low.text("en") == "edit: 'budget.total:-5': must be a number from 1 to ∞ (got -5)"
    assert shape.text("en") == (
        "edit: 'channels.baidu_search.response.shape:50': not valid for this scenario: "
        "channels[0].response.shape: must be <= 10 (got 50); allowed: 0.01 .. 10"
    )


def test_edits_apply_together_and_zero_target_means_none(q4_data) -> None:
    data, lines = q4_data
    edits = {"targets.cac_max": 0.0, "targets.roi_min": None, "budget.total": 4e6}
    kept, problems = fit_edits(data, lines, "q4.yaml", edits)
    assert problems == []
    assert kept == {"targets.cac_max": None, "targets.roi_min": None, "budget.total": 4e6}


def test_unknown_scenario() -> None:
    assert fit_scenario("", ["a"]) is None
    assert fit_scenario("a", ["a", "b"]) is None
    bad = fit_scenario("../etc/passwd", ["a", "b"])
    assert bad is not None
    assert bad.text("en") == "scenario: '../etc/passwd': no bundled scenario of that name; use a, b"
