"""The studio's daily plan: event spans by hand, the figure and CSV carry the plan unchanged,
and the even-vs-daily comparison matches CONTRACT 1b worked by hand.

The plans are built by hand (a known (A, H) array evaluated by the engine) so these
tests do not wait for the daily optimiser; the AppTest in tests/test_app.py runs it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from simulator.api import evaluate
from simulator.model.compiled import CompiledScenario, Split
from simulator.model.load import load_scenario
from simulator.results import Result
from simulator.studio.daily import (
    EventSpan,
    daily_plan_csv,
    daily_plan_figure,
    even_vs_daily,
    event_spans,
    plan_days,
)

ROOT = Path(__file__).resolve().parents[2]
DOUBLE11 = ROOT / "scenarios" / "double11.yaml"

NUMBERED = """\
name: numbered
horizon_days: 10
budget: {total: 100000}
events:
  - name: launch
    start: 3
    end: 4
    cost_multiplier: 1.5
    cvr_multiplier: 2.0
    channels: [feed]
  - name: lull
    start: "8"
    end: 8
    cvr_multiplier: 0.5
channels:
  - id: search
    response: {type: exponential, max_conversions: 3000, scale: 60000}
    aov: 200
    adstock: {decay: 0.4}
  - id: feed
    label: Feed
    response: {type: hill, max_conversions: 2500, half_saturation: 50000, shape: 0.8}
    aov: 150
"""


@pytest.fixture(scope="module")
def d11() -> CompiledScenario:
    return load_scenario(DOUBLE11)


@pytest.fixture
def numbered(write: Callable[[str, str], Path]) -> CompiledScenario:
    return load_scenario(write(NUMBERED, "numbered.yaml"))


def ramp_plan(cs: CompiledScenario) -> Result:
    """A known daily plan: ad set i spends (i + 1) * 1000 * (day + 1) on each day."""
    days = np.arange(1, cs.horizon_days + 1, dtype=float)
    daily = np.outer(np.arange(1, cs.n_ad_sets + 1, dtype=float) * 1000.0, days)
    daily[0, 4] = 1234.567891234  # a value with many digits, for the CSV round trip
    return evaluate(cs, Split(daily.sum(axis=1), daily))


def exactly(totals: dict[str, float]) -> object:
    """Equal to the last bit; undefined totals (impressions here: nan) match nan."""
    return pytest.approx(totals, rel=0, abs=0, nan_ok=True)


def test_dated_events_resolve_against_the_start_date(d11: CompiledScenario) -> None:
    # start_date 2026-11-01: Nov 1 is day 1, Nov 10 day 10, Nov 15 day 15
    assert event_spans(d11) == [
        EventSpan("presale", 1, 9, 1.2, 1.3),
        EventSpan("double_11", 10, 11, 1.8, 2.5, 0.85),
        EventSpan("after_sale", 12, 15, 0.9, 0.7),
    ]
    assert plan_days(d11)[:2] == ["2026-11-01", "2026-11-02"]
    assert plan_days(d11)[-1] == "2026-11-30"


def test_numbered_events_keep_their_days(numbered: CompiledScenario) -> None:
    assert event_spans(numbered) == [
        EventSpan("launch", 3, 4, 1.5, 2.0, 1.0, ("feed",)),
        EventSpan("lull", 8, 8, 1.0, 0.5),
    ]
    assert plan_days(numbered) == list(range(1, 11))


def test_figure_stacks_the_daily_plan_exactly(d11: CompiledScenario) -> None:
    result = ramp_plan(d11)
    fig = daily_plan_figure(d11, result, "en")
    stacked = [tr for tr in fig["data"] if tr.get("stackgroup")]
    assert [tr["name"] for tr in stacked] == [d11.labels[c] for c in d11.channel_ids]
    assert result.daily is not None
    assert result.split is not None
    assert result.split.daily is not None
    for tr, cid in zip(stacked, d11.channel_ids, strict=True):
        assert tr["y"] == result.daily[cid]  # exact: the figure draws, it does not compute
        assert tr["x"] == plan_days(d11)
    per_day = np.sum([tr["y"] for tr in stacked], axis=0)
    np.testing.assert_allclose(per_day, result.split.daily.sum(axis=0), rtol=1e-12)
    assert per_day[0] == pytest.approx(1000 * (1 + 2 + 3 + 4))  # by hand: day 1 of the ramp


def test_figure_shades_each_event(d11: CompiledScenario) -> None:
    fig = daily_plan_figure(d11, ramp_plan(d11), "en")
    bands = fig["layout"]["shapes"]
    assert [(b["x0"], b["x1"]) for b in bands] == [
        ("2026-10-31 12:00:00", "2026-11-09 12:00:00"),
        ("2026-11-09 12:00:00", "2026-11-11 12:00:00"),
        ("2026-11-11 12:00:00", "2026-11-15 12:00:00"),
    ]
    hovers = [a["hovertext"] for a in fig["layout"]["annotations"]]
    assert hovers[1] == "double_11 (days 10–11): cost ×1.8 · CVR ×2.5 · AOV ×0.85"
    assert fig["layout"]["xaxis"]["tickformat"] == "%b %-d"
    (events,) = [tr for tr in fig["data"] if not tr.get("stackgroup")]
    assert events["customdata"][9] == hovers[1]  # day 10 hovers with its event
    assert events["customdata"][20] == ""


def test_figure_numbered_days_and_chinese(numbered: CompiledScenario) -> None:
    fig = daily_plan_figure(numbered, ramp_plan(numbered), "zh")
    assert [(b["x0"], b["x1"]) for b in fig["layout"]["shapes"]] == [(2.5, 4.5), (7.5, 8.5)]
    hovers = [a["hovertext"] for a in fig["layout"]["annotations"]]
    assert hovers == [
        "launch (第 3–4 天): 成本 ×1.5 · 转化率 ×2<br>仅 Feed",
        "lull (第 8 天): 成本 ×1 · 转化率 ×0.5",
    ]
    assert fig["layout"]["yaxis"]["title"]["text"] == "每日花费（CNY）"
    assert fig["layout"]["xaxis"] == {"title": {"text": "天"}, "dtick": 1}
    names = [a["text"] for a in fig["layout"]["annotations"]]
    assert names == ["<b>launch</b> 成本 ×1.5 · 转化率 ×2", "<b>lull</b> 成本 ×1 · 转化率 ×0.5"]


def test_csv_round_trips(d11: CompiledScenario) -> None:
    result = ramp_plan(d11)
    rows = list(csv.reader(io.StringIO(daily_plan_csv(d11, result))))
    assert rows[0] == ["day", "date", *d11.channel_ids]
    assert len(rows) == 1 + d11.horizon_days
    assert rows[11][:2] == ["11", "2026-11-11"]
    assert result.daily is not None
    back = {cid: [float(r[2 + j]) for r in rows[1:]] for j, cid in enumerate(d11.channel_ids)}
    assert back == result.daily  # exact: repr of a float reads back to the same float


def test_csv_without_start_date_has_no_date(numbered: CompiledScenario) -> None:
    rows = list(csv.reader(io.StringIO(daily_plan_csv(numbered, ramp_plan(numbered)))))
    assert rows[0] == ["day", "search", "feed"]
    assert [r[0] for r in rows[1:]] == [str(d) for d in range(1, 11)]


TWO_DAYS = """\
name: two-days
horizon_days: 2
budget: {total: 1000}
channels:
  - id: feed
    response: {type: exponential, max_conversions: 100, scale: 500}
    aov: 10
events:
  - {name: sale, start: 2, end: 2, cost_multiplier: 2.0, cvr_multiplier: 3.0}
"""


def test_even_vs_daily_by_hand(write: Callable[[str, str], Path]) -> None:
    """CONTRACT 1b by hand: a day of spend x in H days earns cvr_m * c(H * x / cost_m) / H."""
    cs = load_scenario(write(TWO_DAYS, "two_days.yaml"))
    result = evaluate(cs, {"allocation": {"feed": 600}, "daily": {"feed": [200, 400]}})
    daily, even = even_vs_daily(cs, result)

    def c(s: float) -> float:
        return 100 * (1 - math.exp(-s / 500))

    paced = c(2 * 200 / 1) / 2 + 3 * c(2 * 400 / 2) / 2  # day 2: cost x2, cvr x3
    spread = c(2 * 300 / 1) / 2 + 3 * c(2 * 300 / 2) / 2  # 300 a day
    assert daily.totals["conversions"] == pytest.approx(paced, rel=1e-12)
    assert daily.totals["revenue"] == pytest.approx(10 * paced, rel=1e-12)
    assert even.totals["conversions"] == pytest.approx(spread, rel=1e-12)
    assert even.totals["revenue"] == pytest.approx(10 * spread, rel=1e-12)
    assert daily.totals["spend"] == even.totals["spend"] == pytest.approx(600, rel=1e-12)
    assert even.daily is None


def test_even_keeps_the_ad_set_totals(d11: CompiledScenario) -> None:
    result = ramp_plan(d11)
    daily, even = even_vs_daily(d11, result)
    assert daily.daily is not None
    assert even.daily is None
    assert even.allocation == pytest.approx(daily.allocation, rel=1e-12)
    assert even.totals["spend"] == pytest.approx(daily.totals["spend"], rel=1e-12)
    # the ramp piles spend onto the end of November, after the events: pacing matters
    assert even.totals["revenue"] != pytest.approx(daily.totals["revenue"], rel=1e-3)


def test_a_result_without_a_daily_plan_is_refused(d11: CompiledScenario) -> None:
    total = evaluate(d11)
    with pytest.raises(ValueError, match="plan='daily'"):
        even_vs_daily(d11, total)
    with pytest.raises(ValueError, match="no daily plan"):
        daily_plan_csv(d11, total)
