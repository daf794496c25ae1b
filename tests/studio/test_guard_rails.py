"""Guard rails: a plan past a channel's max or the budget is flagged, never green."""

from __future__ import annotations

import math

from simulator.studio.compare import compare
from simulator.studio.guard_rails import Breach, breaches, spend_caps
from simulator.studio.variants import Variant


def test_caps_are_the_channels_own_max_spend(q4) -> None:
    caps = spend_caps(q4)
    assert caps["baidu_search"] == 1_200_000
    assert caps["kol_posts"] == 640_000
    assert math.isinf(caps["douyin_feed"])  # no max_spend: only the budget bounds it


def test_a_plan_within_every_bound_breaks_nothing(q4, q4_plan) -> None:
    assert breaches(q4, q4_plan) == []


def test_slider_past_max_and_budget_is_flagged(q4, q4_plan) -> None:
    plan = {**q4_plan, "baidu_search": 3_000_000.0}
    found = breaches(q4, plan)
    assert found == [
        Breach("over_max", "baidu_search", 3_000_000.0, 1_200_000.0),
        Breach("over_budget", "", 4_800_000.0, 3_000_000.0),
    ]
    assert found[0].text("en", q4.labels) == (
        f"{q4.labels['baidu_search']} ¥3,000,000 is over its max ¥1,200,000"
    )
    assert (
        found[1].text("zh", q4.labels) == "总花费 ¥4,800,000 超出预算 ¥3,000,000（多 ¥1,800,000）"
    )


def test_half_a_yuan_over_is_no_breach(q4, q4_plan) -> None:
    assert breaches(q4, {**q4_plan, "baidu_search": 1_200_000.4, "affiliate": 179_999.6}) == []


def test_an_over_budget_column_is_never_targets_met(q4, q4_plan) -> None:
    base, more = compare(q4, q4_plan, [Variant("scale", percent=30)])
    assert base.targets_met
    assert base.breaches == ()
    assert all(more.checks.values())  # ROI and CAC hold, yet the plan spends 3.9M of 3M
    assert not more.targets_met
    assert more.breaches == (Breach("over_budget", "", 3_900_000.0, 3_000_000.0),)
    assert more.allocation is not None
    assert more.allocation["baidu_search"] == 1_200_000  # held at its max_spend
    assert more.actual_percent is not None
    assert round(more.actual_percent, 6) == 30  # the title's +30% is the real change


def test_a_slider_past_max_turns_the_baseline_red(q4, q4_plan) -> None:
    (base,) = compare(q4, {**q4_plan, "baidu_search": 1_500_000.0, "douyin_feed": 600_000.0})
    assert [b.kind for b in base.breaches] == ["over_max"]
    assert not base.targets_met
