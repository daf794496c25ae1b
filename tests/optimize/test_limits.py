"""CONTRACT 1c limits: hand-computed answers, brute-force references, the certificate."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq

from simulator.cli import main
from simulator.expected import evaluate_spend, per_channel, totals
from simulator.model.compiled import Split
from simulator.model.load import load_scenario
from simulator.optimize import optimize
from simulator.optimize.certificate import certify
from simulator.optimize.lineitems import build_problem
from simulator.optimize.problem import Allocation

Write = Callable[..., Path]

HEAD = """name: t
horizon_days: 10
budget:
  total: {budget}
"""


def channel(cid: str, m: float, scale: float, aov: float, extra: str = "") -> str:
    return (
        f"  - id: {cid}\n"
        f"    response: {{type: exponential, max_conversions: {m}, scale: {scale}}}\n"
        f"    aov: {aov}\n" + "".join(f"    {line}\n" for line in extra.split(";") if line)
    )


def doc(budget: float, *channels: str, top: str = "") -> str:
    return HEAD.format(budget=budget) + top + "channels:\n" + "".join(channels)


def revenue_grid(path: Path, ok: Callable[[np.ndarray, dict], np.ndarray], n: int = 401):
    """Best revenue over a grid of two-channel splits that ``ok`` accepts (the oracle)."""
    cs = load_scenario(path)
    a = np.linspace(0, cs.budget, n)
    xs = np.array([(u, v) for u, v in itertools.product(a, a) if u + v <= cs.budget + 1e-9])
    o = evaluate_spend(cs, xs)
    ch = per_channel(cs, o)
    keep = ok(xs, ch)
    rev = totals(cs, o)["revenue"]
    return float(np.max(np.where(keep, rev, -np.inf)))


def test_channel_cac_max_is_the_closed_form_root(write: Write) -> None:
    # new customers 100 (1 - exp(-s / 500)) = s / 8: the channel's CAC meets its cap of 8
    path = write(doc(1000, channel("x", 100, 500, 20, "cac_max: 8")))
    want = brentq(lambda s: 100 * -np.expm1(-s / 500) - s / 8, 1.0, 1000.0, xtol=1e-12)
    res = optimize(load_scenario(path))
    assert res.status == "optimal"
    assert res.allocation["x"] == pytest.approx(want, rel=1e-9)
    assert res.channels["x"]["active"] == "cac_max"
    assert "held at its own CAC cap of 8" in " ".join(res.explanations)


def test_channel_that_cannot_meet_its_cap_is_paused_in_its_own_terms(write: Write) -> None:
    # its first customers cost 500 / 100 = 5 each, above a cap of 4
    path = write(doc(1000, channel("x", 100, 500, 20, "cac_max: 4"), channel("y", 50, 200, 30)))
    res = optimize(load_scenario(path))
    assert res.allocation["x"] == 0.0
    assert "x: paused: its first customers cost 5, above its cap of 4." in res.explanations
    assert res.channels["x"]["active"] == "cac_max"  # the label says what the sentence says


def test_channel_below_its_own_roi_floor_is_labelled_by_it(write: Write) -> None:
    # its first yuan returns 100 / 500 * 20 = 4 in revenue, below a floor of 5
    path = write(doc(1000, channel("x", 100, 500, 20, "roi_min: 5"), channel("y", 50, 200, 30)))
    res = optimize(load_scenario(path))
    assert res.allocation["x"] == 0.0
    assert res.channels["x"]["active"] == "roi_min"
    assert "below its own ROI floor of 5" in " ".join(res.explanations)


def test_channel_roi_min_matches_a_grid(write: Write) -> None:
    path = write(doc(1000, channel("x", 100, 500, 20, "roi_min: 1.6"), channel("y", 40, 300, 25)))
    res = optimize(load_scenario(path))
    assert res.status == "optimal"
    assert res.channels["x"]["roi"] >= 1.6 * (1 - 1e-9)

    def ok(xs: np.ndarray, ch: dict) -> np.ndarray:
        roi = np.nan_to_num(ch["roi"][:, 0], nan=np.inf)
        return (xs[:, 0] == 0) | (roi >= 1.6)

    assert res.totals["revenue"] >= revenue_grid(path, ok) - 1e-6


def test_min_active_spend_is_zero_or_at_least_and_beats_the_grid(write: Write) -> None:
    path = write(
        doc(
            1000,
            channel("x", 100, 500, 20),
            channel("y", 30, 300, 25, "min_active_spend: 450"),
        )
    )
    res = optimize(load_scenario(path))
    y = res.allocation["y"]
    assert y == 0.0 or y >= 450 * (1 - 1e-9)
    assert res.status == "optimal"
    assert res.upper_bound == pytest.approx(res.totals["revenue"], rel=1e-7)

    def ok(xs: np.ndarray, ch: dict) -> np.ndarray:
        return (xs[:, 1] == 0) | (xs[:, 1] >= 450)

    best = revenue_grid(path, ok)
    assert res.totals["revenue"] >= best - 1e-6
    assert res.totals["revenue"] <= best * 1.01  # the grid is fine enough to come close


def test_group_max_holds_and_is_named(write: Write) -> None:
    top = "groups:\n  - {id: promotion, channels: [x, y], max: 500}\n"
    path = write(
        doc(
            1000,
            channel("x", 100, 500, 20),
            channel("y", 60, 300, 25),
            channel("z", 10, 400, 10),
            top=top,
        )
    )
    res = optimize(load_scenario(path))
    assert res.status == "optimal"
    assert res.allocation["x"] + res.allocation["y"] == pytest.approx(500, rel=1e-9)
    assert res.channels["x"]["active"] == "group_max:promotion"
    # inside the group marginal revenues are equal: 20*100/500 e^(-x/500) = 25*60/300 e^(-y/300)
    x, y = res.allocation["x"], res.allocation["y"]
    assert 4 * np.exp(-x / 500) == pytest.approx(5 * np.exp(-y / 300), rel=1e-6)


def test_static_period_caps_the_even_total(write: Write) -> None:
    top = ""
    text = doc(1000, channel("x", 100, 500, 20), top=top).replace(
        "  total: 1000\n", "  total: 1000\n  periods:\n    - {start: 1, end: 5, max: 300}\n"
    )
    res = optimize(load_scenario(write(text)))
    assert res.status == "optimal"
    assert res.allocation["x"] == pytest.approx(600, rel=1e-9)  # 300 over 5 of 10 days


def test_daily_plan_respects_periods(write: Write) -> None:
    text = doc(1000, channel("x", 100, 500, 20), channel("y", 60, 300, 25)).replace(
        "  total: 1000\n",
        "  total: 1000\n  periods:\n    - {start: 1, end: 3, max: 100}\n"
        "    - {start: 4, end: 10, max: 800}\n",
    )
    res = optimize(load_scenario(write(text)), plan="daily")
    assert res.status == "optimal"
    daily = np.array([res.daily[c] for c in ("x", "y")])
    assert daily[:, :3].sum() <= 100 * (1 + 1e-9)
    assert daily[:, 3:].sum() <= 800 * (1 + 1e-9)


def test_cac_basis_acquisition_leaves_retention_spend_out(write: Write) -> None:
    text = doc(
        1000,
        channel("x", 100, 500, 20),
        channel("sms", 50, 200, 30, "role: retention"),
        top="targets: {cac_basis: acquisition}\ncustomer_base: 10000\n",
    )
    cs = load_scenario(write(text))
    o = evaluate_spend(cs, np.array([[300.0, 200.0]]))
    tot = totals(cs, o)
    new = 100 * -np.expm1(-300 / 500)
    assert tot["cac"][0] == pytest.approx(300 / new, rel=1e-12)
    assert tot["spend"][0] == pytest.approx(500)


def test_certificate_catches_a_broken_group(write: Write) -> None:
    top = "groups:\n  - {id: promotion, channels: [x, y], max: 500}\n"
    path = write(doc(1000, channel("x", 100, 500, 20), channel("y", 60, 300, 25), top=top))
    cs = load_scenario(path)
    problem = build_problem(cs)
    x = np.array([400.0, 400.0])
    alloc = Allocation(x, problem.objective_value(x), "optimal")
    cert = certify(cs, problem, alloc, Split(x), daily=False)
    assert not cert.checked
    assert any("group:promotion" in f for f in cert.failures)


def test_certificate_catches_a_broken_channel_cap(write: Write) -> None:
    path = write(doc(1000, channel("x", 100, 500, 20, "cac_max: 8")))
    cs = load_scenario(path)
    problem = build_problem(cs)
    x = np.array([900.0])
    alloc = Allocation(x, problem.objective_value(x), "optimal")
    cert = certify(cs, problem, alloc, Split(x), daily=False)
    assert any("channel cac_max" in f for f in cert.failures)


BAD = [
    (
        "groups:\n  - {id: g, channels: [x, nope]}\n",
        "groups[0].channels[1]: unknown channel 'nope'",
    ),
    (
        "groups:\n  - {id: g, channels: [x]}\n  - {id: h, channels: [x]}\n",
        "groups[1].channels[0]: channel 'x' is already in group 'g'",
    ),
    (
        "groups:\n  - {id: g, channels: [x], min: 500, max: 100}\n",
        "groups[0].min: min 500 is above max 100",
    ),
    (
        "groups:\n  - {id: g, channels: [x], min: 5000}\n",
        "groups[0].min: min 5,000 is above the budget",
    ),
    ("targets: {cac_basis: some}\n", "targets.cac_basis"),
    ("groups:\n  - {id: g, channels: [x], max: -5}\n", "groups[0].max"),
    ("groups:\n  - {id: g, channels: [x], min: -5}\n", "groups[0].min"),
]


@pytest.mark.parametrize(("top", "message"), BAD)
def test_bad_groups_are_located(
    write: Write, capsys: pytest.CaptureFixture[str], top: str, message: str
) -> None:
    path = write(doc(1000, channel("x", 100, 500, 20), top=top))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert f"{path}:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        (
            "    - {start: 1, end: 5, max: 300}\n    - {start: 5, end: 10, max: 300}\n",
            "overlaps period 0",
        ),
        ("    - {start: 1, end: 12, max: 300}\n", "budget.periods[0].end"),
        ("    - {start: 2026-11-01, end: 3, max: 300}\n", "needs start_date"),
    ],
)
def test_bad_periods_are_located(
    write: Write, capsys: pytest.CaptureFixture[str], periods: str, message: str
) -> None:
    text = doc(1000, channel("x", 100, 500, 20)).replace(
        "  total: 1000\n", "  total: 1000\n  periods:\n" + periods
    )
    path = write(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_min_active_above_max_spend_is_located(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(doc(1000, channel("x", 100, 500, 20, "max_spend: 100;min_active_spend: 200")))
    assert main(["validate", str(path)]) == 2
    assert "channels[0].min_active_spend" in capsys.readouterr().err


def test_channel_max_that_does_not_bind_inside_a_group_keeps_a_daily_plan_optimal(
    write: Write,
) -> None:
    top = "groups:\n  - {id: g, channels: [x, y], max: 500}\n"
    path = write(
        doc(1000, channel("x", 100, 500, 20, "max_spend: 450"), channel("y", 60, 300, 25), top=top)
    )
    res = optimize(load_scenario(path), plan="daily")
    assert res.status == "optimal"
    assert res.allocation["x"] < 450
    assert res.allocation["x"] + res.allocation["y"] == pytest.approx(500, rel=1e-9)


def test_min_active_that_does_not_bind_keeps_a_daily_plan_with_periods_optimal(
    write: Write,
) -> None:
    # x alone spends the whole 1,000 when on: its minimum of 300 never binds
    text = doc(1000, channel("x", 100, 500, 20, "min_active_spend: 300")).replace(
        "  total: 1000\n", "  total: 1000\n  periods:\n    - {start: 1, end: 3, max: 100}\n"
    )
    res = optimize(load_scenario(write(text)), plan="daily")
    assert res.status == "optimal"
    assert sum(res.daily["x"][:3]) == pytest.approx(100, rel=1e-9)
    assert res.allocation["x"] == pytest.approx(1000, rel=1e-9)


def test_min_active_in_a_daily_plan_is_zero_or_at_least(write: Write) -> None:
    path = write(
        doc(1000, channel("x", 100, 500, 20), channel("y", 30, 300, 25, "min_active_spend: 450"))
    )
    res = optimize(load_scenario(path), plan="daily")
    y = res.allocation["y"]
    assert y == 0.0 or y >= 450 * (1 - 1e-9)
    assert res.status in ("optimal", "feasible")
