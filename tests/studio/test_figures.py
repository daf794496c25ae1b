"""The studio's charts: what each figure draws, read back from its plain data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.compiled import CompiledScenario
from simulator.studio import figures
from simulator.studio.calibration import header_width, poor_fits
from simulator.studio.curves import sample_alone, sample_curves


def test_a_channels_curve_does_not_depend_on_the_others(
    q4: CompiledScenario, q4_plan: dict[str, float]
) -> None:
    """What lets the studio cache one channel's curve across slider moves of the others."""
    together = sample_curves(q4, q4_plan)
    for cid in q4.channel_ids:
        upper = float(together[cid].spend[-1])
        alone = sample_alone(q4, cid, upper)
        np.testing.assert_allclose(alone.revenue, together[cid].revenue, rtol=1e-12)
        np.testing.assert_allclose(alone.spend, together[cid].spend, rtol=1e-12)


def test_curves_show_break_even_bounds_and_axis_titles(q4: CompiledScenario) -> None:
    cid = "baidu_search"
    sample = sample_alone(q4, cid, 1_500_000.0)
    fig = figures.curves_figure(
        {cid: sample}, q4.labels, {}, "CNY", "en", bounds={cid: (100_000.0, 1_200_000.0)}
    ).to_plotly_json()
    even = [d for d in fig["data"] if list(d["y"]) == [1.0, 1.0]]
    assert len(even) == 1
    assert even[0]["yaxis"] == "y2"  # on the marginal ROI axis
    assert list(even[0]["x"]) == [0.0, 1_500_000.0]
    lines = fig["layout"]["shapes"]
    assert [s["x0"] for s in lines] == [100_000.0, 1_200_000.0]
    assert [s["label"]["text"] for s in lines] == ["min", "max"]
    layout = fig["layout"]
    assert layout["xaxis"]["title"]["text"] == "spend (CNY)"
    assert layout["yaxis"]["title"]["text"] == "revenue (CNY)"
    assert layout["yaxis2"]["title"]["text"] == "Marginal ROI"


def test_an_unbounded_channel_draws_no_bound_line(q4: CompiledScenario) -> None:
    sample = sample_alone(q4, "affiliate", 400_000.0)
    bounds = {"affiliate": (0.0, math.inf)}
    fig = figures.curves_figure({"affiliate": sample}, q4.labels, {}, "CNY", "en", bounds=bounds)
    assert not fig.to_plotly_json()["layout"]["shapes"]


def test_funnel_rates_are_over_the_stage_above() -> None:
    totals = {"impressions": 1_000_000.0, "clicks": 20_000.0, "conversions": 500.0}
    totals["new_customers"] = 300.0
    (trace,) = figures.funnel_figure("Baseline", totals, "en").to_plotly_json()["data"]
    # hand-computed: 20,000/1,000,000 = 2.0%, 500/20,000 = 2.5%, 300/500 = 60.0%
    assert trace["text"][1:] == [
        "20,000<br>2.0% of Impressions",
        "500<br>2.5% of Clicks",
        "300<br>60.0% of Conversions",
    ]


def test_a_funnel_with_an_empty_stage_shows_no_rate_below_it() -> None:
    totals = {"impressions": 0.0, "clicks": 0.0, "conversions": 10.0, "new_customers": 5.0}
    (trace,) = figures.funnel_figure("x", totals, "en").to_plotly_json()["data"]
    assert trace["text"][1] == "0<br>– of Impressions"


def test_fans_of_several_plans_on_a_date_axis() -> None:
    days = ["2026-11-01", "2026-11-02"]
    fans = [figures.Fan(n, [1.0, 2.0], [2.0, 3.0], [3.0, 4.0]) for n in ("Baseline", "B")]
    fig = figures.fans_figure(days, fans, "CNY", "zh").to_plotly_json()
    assert fig["layout"]["xaxis"]["type"] == "date"
    assert fig["layout"]["xaxis"]["title"]["text"] == "日期"
    medians = [d["name"] for d in fig["data"] if "fill" not in d and d.get("showlegend", True)]
    assert medians == ["Baseline", "B"]


def test_the_front_marks_each_plan() -> None:
    plans = [(90.0, 1e6, "Baseline"), (95.0, 1.1e6, "+30% budget")]
    fig = figures.pareto_figure([(80.0, 1.2e6, "CAC cap 80")], None, ("x", "y"), "en", plans)
    data = fig.to_plotly_json()["data"]
    assert [(d["x"][0], d["y"][0], d["name"]) for d in data[1:]] == plans


def test_poor_fits_are_those_below_the_bar() -> None:
    rows = [
        {"channel": "a", "holdout_r2": 0.29},
        {"channel": "b", "holdout_r2": 0.3},
        {"channel": "c", "holdout_r2": float("nan")},
        {"channel": "d", "holdout_r2": None},
        {"channel": "e", "holdout_r2": -1.5},
    ]
    assert poor_fits(rows) == ["a", "e"]
    assert poor_fits(rows, threshold=0.0) == ["e"]


@given(st.text(min_size=1, max_size=30))
def test_a_header_always_gets_room_for_every_glyph(label: str) -> None:
    assert header_width(label) >= 28 + 8 * len(label)


def test_chinese_headers_get_wider_columns() -> None:
    assert header_width("留出 R²") > header_width("ab R²")
    assert header_width("Holdout R²") == 28 + 8 * 10


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_new_chart_words_exist_in_both_languages(lang: str) -> None:
    from simulator.studio.i18n import LABELS

    for key in ("break_even", "bound_max", "bound_min", "p_targets", "date", "poor_fit"):
        assert LABELS[lang][key]
