"""The limit that holds a channel of the optimiser's plan, in words, with its value."""

from __future__ import annotations

import pytest

from simulator.model.load import load_scenario
from simulator.studio.i18n import t
from simulator.studio.limit_words import binding_limits, limit_text
from tests.studio.conftest import ROOT


@pytest.fixture(scope="module")
def growth():
    return load_scenario(ROOT / "scenarios" / "growth_team.yaml")


@pytest.mark.parametrize(
    ("label", "row", "en", "zh"),
    [
        ("group_max:promotion", {}, "group 推广 cap ¥2,500,000", "推广组上限 ¥250.00万"),
        ("group_min:operations", {}, "group 运营 floor ¥250,000", "运营组下限 ¥25.00万"),
        ("period:2", {}, "period 2 cap ¥1,300,000", "第 2 期预算上限 ¥130.00万"),
        ("cac_max", {"cac": 110.0}, "own CAC cap ¥110", "自身获客成本上限 ¥110"),
        ("min_active_spend", {}, "minimum active spend ¥300,000", "最低启动花费 ¥30.00万"),
        ("budget", {}, "budget", "总预算"),
    ],
)
def test_each_limit_in_both_languages(growth, label, row, en, zh) -> None:
    assert limit_text(growth, "douyin_feed", label, row, "en") == en
    assert limit_text(growth, "douyin_feed", label, row, "zh") == zh


def test_a_ratio_off_the_own_cap_is_the_plans_target(growth) -> None:
    # douyin_feed's own cap is 110; at a CAC of 100 what holds it is the plan's cap, 160
    said = limit_text(growth, "douyin_feed", "cac_max", {"cac": 100.0}, "en")
    assert said == t("bind_target", "en", name=t("cac_max", "en"), bound="¥160")
    assert limit_text(growth, "douyin_feed", "roi_min", {"roi": 3.0}, "zh") == t(
        "bind_target", "zh", name=t("roi_min", "zh"), bound="2.3"
    )


def test_other_labels_are_left_to_the_bounds(growth) -> None:
    for label in ("max_spend", "min_spend", "unit", "optimum", "group_max:nope", "period:9"):
        assert limit_text(growth, "douyin_feed", label, {}, "en") is None


def test_the_cards_line_names_each_planning_limit_once(growth) -> None:
    channels = {
        "douyin_feed": {"active": "group_max:promotion", "spend": 1.0},
        "affiliate": {"active": "group_max:promotion", "spend": 1.0},
        "wechat_moments": {"active": "cac_max", "spend": 0.0},  # paused: not "held"
        "tmall_search": {"active": "roi_min", "spend": 1.0, "roi": 9.0},  # the plan's target
        "ground_promotion": {"active": "period:1", "spend": 1.0},
    }
    assert binding_limits(growth, channels, "en") == [
        "group 推广 cap ¥2,500,000",
        "period 1 cap ¥1,250,000",
    ]
