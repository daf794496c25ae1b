"""CONTRACT 1c limits on cost: fees, rebates and commission against closed forms and grids.

Every reference reads the engine (``evaluate_spend`` / ``evaluate_plan``): the budget,
groups and periods on cost, each channel's ROI and CAC on its own cost, and
``min_active_spend`` on media spend.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq

from simulator.cli import main
from simulator.expected import evaluate_plan, evaluate_spend, per_channel, totals
from simulator.model.compiled import Split
from simulator.model.load import load_scenario
from simulator.optimize import optimize
from simulator.optimize.limits_check import period_cost
from simulator.studio.explain_zh import channel_names, to_zh

Write = Callable[..., Path]

FEES = "fees: {service_fee: 0.1, rebate: 0.05}"  # cost = 1.05 spend
COMMISSION = "commission: 0.1"  # cost += 0.1 revenue


def channel(cid: str, m: float, scale: float, aov: float, extra: str = "") -> str:
    return (
        f"  - id: {cid}\n"
        f"    response: {{type: exponential, max_conversions: {m}, scale: {scale}}}\n"
        f"    aov: {aov}\n" + "".join(f"    {line}\n" for line in extra.split(";") if line)
    )


def doc(budget: float, *channels: str, top: str = "", budget_extra: str = "") -> str:
    head = f"name: t\nhorizon_days: 10\nbudget:\n  total: {budget}\n{budget_extra}"
    return head + top + "channels:\n" + "".join(channels)


def grid_best(path: Path, ok: Callable[[np.ndarray, dict, dict], np.ndarray], n: int = 301):
    """Best revenue over a grid of two-channel spends whose cost fits the budget and that
    ``ok`` accepts (spends, per-channel metrics, totals): the brute-force oracle."""
    cs = load_scenario(path)
    a = np.linspace(0, cs.budget, n)
    xs = np.array(list(itertools.product(a, a)))
    o = evaluate_spend(cs, xs)
    ch, tot = per_channel(cs, o), totals(cs, o)
    keep = (tot["cost"] <= cs.budget * (1 + 1e-12)) & ok(xs, ch, tot)
    return float(np.max(np.where(keep, tot["revenue"], -np.inf)))


def test_channel_cac_max_on_cost_is_the_closed_form_root(write: Write) -> None:
    # cost 1.05 s + 0.1 * 20 * C(s), new customers C(s) = 100 (1 - e^(-s/500)): CAC = 9
    path = write(doc(1000, channel("x", 100, 500, 20, f"cac_max: 9;{FEES};{COMMISSION}")))
    conv = lambda s: 100 * -np.expm1(-s / 500)  # noqa: E731
    want = brentq(lambda s: 1.05 * s + 2 * conv(s) - 9 * conv(s), 1.0, 1000.0, xtol=1e-12)
    res = optimize(load_scenario(path))
    assert res.status == "optimal"
    assert res.allocation["x"] == pytest.approx(want, rel=1e-8)
    assert res.channels["x"]["cac"] == pytest.approx(9, rel=1e-8)
    assert "x: " in res.explanations[1]
    assert "held at its own CAC cap of 9" in res.explanations[1]


def test_channel_roi_min_on_cost_with_commission_matches_a_grid(write: Write) -> None:
    path = write(
        doc(
            1000,
            channel("x", 100, 500, 20, f"roi_min: 1.5;{FEES};{COMMISSION}"),
            channel("y", 40, 300, 25, FEES),
        )
    )
    res = optimize(load_scenario(path))
    assert res.status == "optimal"
    # ROI on cost: revenue / (1.05 spend + 0.1 revenue)
    x = res.channels["x"]
    assert x["revenue"] / (1.05 * x["spend"] + 0.1 * x["revenue"]) >= 1.5 * (1 - 1e-9)

    def ok(xs: np.ndarray, ch: dict, tot: dict) -> np.ndarray:
        roi = np.nan_to_num(ch["roi"][:, 0], nan=np.inf)
        return (xs[:, 0] == 0) | (roi >= 1.5)

    best = grid_best(path, ok)
    assert res.totals["revenue"] >= best - 1e-6
    assert res.totals["revenue"] <= best * 1.01


def test_min_active_spend_is_media_spend_when_cost_bends(write: Write) -> None:
    # commission makes y's cost bend; its minimum of 450 is on spend, not on cost
    path = write(
        doc(
            1000,
            channel("x", 100, 500, 20, FEES),
            channel("y", 40, 300, 25, f"min_active_spend: 450;{COMMISSION}"),
        )
    )
    res = optimize(load_scenario(path))
    y = res.allocation["y"]
    assert y == 0.0 or y >= 450 * (1 - 1e-9)
    assert res.status == "optimal"

    def ok(xs: np.ndarray, ch: dict, tot: dict) -> np.ndarray:
        return (xs[:, 1] == 0) | (xs[:, 1] >= 450)

    best = grid_best(path, ok)
    assert res.totals["revenue"] >= best - 1e-6
    assert res.totals["revenue"] <= best * 1.01


def test_min_active_that_binds_on_spend_under_a_rebate(write: Write) -> None:
    # y is worth running only a little; its minimum 450 of spend costs 450 * 0.9 = 405
    rebate = "fees: {rebate: 0.1}"
    path = write(
        doc(
            600,
            channel("x", 100, 200, 20),
            channel("y", 300, 3000, 22, f"min_active_spend: 450;{rebate}"),
        )
    )
    res = optimize(load_scenario(path))
    assert res.status == "optimal"
    assert res.allocation["y"] == pytest.approx(450, rel=1e-9)  # held at its minimum
    assert res.channels["y"]["cost"] == pytest.approx(405, rel=1e-9)
    assert res.channels["y"]["active"] == "min_active_spend"

    def ok(xs: np.ndarray, ch: dict, tot: dict) -> np.ndarray:
        return (xs[:, 1] == 0) | (xs[:, 1] >= 450)

    assert res.totals["revenue"] >= grid_best(path, ok, n=401) - 1e-6


def test_group_max_is_on_cost_and_named_in_both_languages(write: Write) -> None:
    top = "groups:\n  - {id: promotion, label: 推广, channels: [x], max: 300}\n"
    path = write(
        doc(
            1000,
            channel("x", 100, 500, 20, f"{FEES};{COMMISSION}"),
            channel("y", 30, 300, 10),
            top=top,
        )
    )
    cs = load_scenario(path)
    res = optimize(cs)
    assert res.status == "optimal"
    assert res.channels["x"]["cost"] == pytest.approx(300, rel=1e-9)  # cost, not spend
    assert res.channels["x"]["spend"] < 300
    assert res.channels["x"]["active"] == "group_max:promotion"
    line = next(e for e in res.explanations if e.startswith("x: "))
    assert "held at the promotion group's budget cap of 300" in line
    zh = to_zh(line, channel_names(cs))
    assert zh is not None
    assert "推广组预算上限 300" in zh

    def ok(xs: np.ndarray, ch: dict, tot: dict) -> np.ndarray:
        return ch["cost"][:, 0] <= 300 * (1 + 1e-12)

    best = grid_best(path, ok, n=401)
    assert res.totals["revenue"] >= best - 1e-6


def test_group_min_is_on_cost(write: Write) -> None:
    top = "groups:\n  - {id: ops, channels: [y], min: 400}\n"
    path = write(
        doc(1000, channel("x", 100, 500, 20), channel("y", 30, 300, 10, COMMISSION), top=top)
    )
    res = optimize(load_scenario(path))
    assert res.status == "optimal"
    assert res.channels["y"]["cost"] == pytest.approx(400, rel=1e-9)
    assert res.channels["y"]["active"] == "group_min:ops"


def test_static_period_takes_its_days_share_of_cost(write: Write) -> None:
    # no events: an even plan pays 5/10 of its cost in days 1-5, so the cost total is 600
    path = write(
        doc(
            1000,
            channel("x", 100, 500, 20, f"{FEES};{COMMISSION}"),
            budget_extra="  periods:\n    - {start: 1, end: 5, max: 300}\n",
        )
    )
    cs = load_scenario(path)
    res = optimize(cs)
    assert res.status == "optimal"
    assert res.totals["cost"] == pytest.approx(600, rel=1e-9)
    split = Split(np.array([res.allocation["x"]]))
    assert period_cost(cs, split, 1, 5) == pytest.approx(300, rel=1e-9)
    assert res.channels["x"]["active"] == "period:1"
    head = (
        "Costs 600 of the 1,000 budget: "
        "budget period 1's cap of 300 (days 1-5) holds the rest back."
    )
    assert res.explanations[0] == head
    assert to_zh(head, channel_names(cs)) == (
        "预算 1,000 中只用成本 600：第 1 个预算周期（第 1-5 天）的上限 300 使其余预算无法花出。"
    )


def test_daily_period_caps_cost_and_matches_a_two_level_grid(write: Write) -> None:
    # identical days: the best plan spends a per day in days 1-4 and b in days 5-10
    path = write(
        doc(
            1000,
            channel("x", 100, 500, 20, f"{FEES};{COMMISSION}"),
            budget_extra="  periods:\n    - {start: 1, end: 4, max: 200}\n",
        )
    )
    cs = load_scenario(path)
    res = optimize(cs, plan="daily")
    assert res.status == "optimal"
    daily = np.array([res.daily["x"]])
    assert period_cost(cs, Split(daily.sum(axis=1), daily), 1, 4) <= 200 * (1 + 1e-9)
    a, b = np.meshgrid(np.linspace(0, 60, 241), np.linspace(0, 160, 321))
    plans = np.concatenate(
        [np.repeat(a.ravel()[:, None], 4, 1), np.repeat(b.ravel()[:, None], 6, 1)], 1
    )
    o = evaluate_plan(cs, plans[:, None, :])
    tot = totals(cs, o)
    first = totals(cs, evaluate_plan(cs, (plans * (np.arange(10) < 4))[:, None, :]))["cost"]
    keep = (tot["cost"] <= 1000 * (1 + 1e-12)) & (first <= 200 * (1 + 1e-12))
    best = float(np.max(np.where(keep, tot["revenue"], -np.inf)))
    assert res.totals["revenue"] >= best - 1e-6
    assert res.totals["revenue"] <= best * 1.01


def test_cac_basis_acquisition_counts_acquisition_cost_only(write: Write) -> None:
    sms = (
        "  - id: sms\n    role: retention\n"
        "    response: {type: exponential, max_conversions: 50, scale: 100}\n"
        "    aov: 30\n    new_customer_rate: 0\n    fees: {service_fee: 0.2}\n"
    )
    text = doc(1000, channel("x", 100, 500, 20, FEES), sms).replace(
        "channels:\n", "targets:\n  cac_basis: acquisition\ncustomer_base: 1000\nchannels:\n"
    )
    cs = load_scenario(write(text))
    o = evaluate_spend(cs, np.array([400.0, 100.0]))
    tot, ch = totals(cs, o), per_channel(cs, o)
    new = 100 * -np.expm1(-4 / 5)
    assert tot["cac"][0] == pytest.approx(1.05 * 400 / new, rel=1e-12)  # the SMS's 120 left out
    assert ch["cost"][0, 1] == pytest.approx(120, rel=1e-12)
    assert tot["cost"][0] == pytest.approx(420 + 120, rel=1e-12)


def test_periods_of_a_plan_by_total_with_commission_and_events_are_refused(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    text = doc(
        1000,
        channel("x", 100, 500, 20, COMMISSION),
        budget_extra="  periods:\n    - {start: 1, end: 5, max: 300}\n",
    ).replace(
        "channels:\n", "events:\n  - {name: sale, start: 2, end: 3, cvr_multiplier: 2}\nchannels:\n"
    )
    path = write(text)
    assert main(["optimize", str(path), "--format", "json"]) == 2
    assert "--plan daily" in capsys.readouterr().err
    assert main(["optimize", str(path), "--plan", "daily", "--format", "json"]) == 0


def test_ratio_limit_on_a_halo_receiver_is_feasible_not_optimal_where_it_binds(
    write: Write,
) -> None:
    # y's own ROI floor is kept on its own conversions; the halo it receives only helps
    x = channel("x", 100, 500, 20, "halo:;  - {to: y, conversions_per_conversion: 0.5}")
    path = write(doc(1000, x, channel("y", 60, 200, 10, "roi_min: 2.5")))
    res = optimize(load_scenario(path))
    assert res.channels["y"]["roi"] >= 2.5 * (1 - 1e-9)
    assert res.allocation["y"] > 0
    assert res.status == "feasible"
    assert res.certificate is not None
    assert any("own conversions beside halo" in f for f in res.certificate.failures)


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ("cac_max: -3", "channels[0].cac_max"),
        ("roi_min: -1", "channels[0].roi_min"),
        ("min_active_spend: -10", "channels[0].min_active_spend"),
        ("cac_max: 0", "channels[0].cac_max"),
    ],
)
def test_negative_channel_limits_are_located(
    write: Write, capsys: pytest.CaptureFixture[str], extra: str, where: str
) -> None:
    path = write(doc(1000, channel("x", 100, 500, 20, extra)))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err
    assert where in err
    assert "Traceback" not in err


GROWTH = Path(__file__).resolve().parents[2] / "scenarios" / "growth_team.yaml"


def test_growth_team_is_optimal_and_names_its_limits_in_both_languages() -> None:
    cs = load_scenario(GROWTH)
    res = optimize(cs)
    assert res.status == "optimal"
    assert res.certificate is not None
    assert res.certificate.checked
    text = "\n".join(res.explanations)
    assert "held at the promotion group's budget cap of 2,500,000" in text
    assert "wechat_moments: paused: its first customers cost" in text
    assert "above its cap of 200" in text
    names = channel_names(cs)
    zh = [to_zh(e, names) for e in res.explanations]
    assert None not in zh  # every sentence reads in Chinese
    assert any(z and "推广组预算上限 2,500,000" in z for z in zh)
    assert any(z and "高于其自身上限 200" in z for z in zh)
    promotion = ["douyin_feed", "xiaohongshu_koc", "tmall_search", "wechat_moments", "affiliate"]
    assert sum(res.channels[c]["cost"] for c in promotion) == pytest.approx(2.5e6, rel=1e-9)
    # cac_basis: acquisition: the recall SMS's cost is left out of CAC
    acquisition_cost = res.totals["cost"] - res.channels["recall_sms"]["cost"]
    assert res.totals["cac"] == pytest.approx(
        acquisition_cost / res.totals["new_customers"], rel=1e-12
    )


@pytest.mark.parametrize("plan", ["total", "daily"])
def test_a_min_spend_its_own_roi_floor_never_allows_is_refused(
    write: Write, plan: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """ROI 20/50 = 0.4 at any spend, against a floor of 3: the channel's own limit says 0,
    its min_spend says at least 5,000. The plan kept neither silently ('unverified'); now
    the contradiction is named (found by the combination suite)."""
    low = channel("low", 1000, 1e9, 20, "min_spend: 5000;roi_min: 3")
    path = write(doc(100_000, low, channel("x", 1000, 50_000, 100)))
    assert main(["optimize", str(path), "--plan", plan, "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "channels.low: its own roi_min 3 is met at no spend" in err
    assert "min_spend 5,000" in err
